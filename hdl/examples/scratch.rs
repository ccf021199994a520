use zkcopro_hdl::export;
fn main() {
    let v = export::block_verilog(&zkcopro_hdl::harness::FieldUnitsHarness::connected(), "zk_units");
    std::fs::write("/tmp/v/zk_units.v", v).unwrap();
}
