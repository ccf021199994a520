//! `zkcopro info`: what the device reports about itself (ID, version, CAPS
//! decoded) and the register map, from `zkcopro_hdl::regmap`.

use serde::Serialize;
use zkcopro_hdl::regmap::{self, Caps};
use zkcopro_host::{Backend, Coprocessor, DriverError};

#[derive(clap::Args)]
pub struct InfoArgs {
    /// Device to ask: the verilated RTL or the functional model.
    #[arg(long, value_enum, default_value_t = Backend::Verilator)]
    backend: Backend,
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct CapsInfo {
    raw: String,
    mont_mul_latency: u32,
    multiplier: &'static str,
    ntt_on_chip_max: u64,
    ntt_butterfly_units: u64,
    msm_bucket_keys: u64,
}

#[derive(Serialize)]
struct Info {
    backend: Backend,
    device_id: String,
    regmap_version: String,
    caps: CapsInfo,
    stream_width_bits: usize,
    axil_addr_bits: usize,
    card_mem_bytes: u64,
    registers: Vec<RegInfo>,
}

#[derive(Serialize)]
struct RegInfo {
    name: &'static str,
    offset: u32,
    access: &'static str,
    reset: u32,
    doc: &'static str,
}

fn version_string(v: u32) -> String {
    format!("{}.{}.{}", v >> 16, (v >> 8) & 0xFF, v & 0xFF)
}

pub fn run(a: &InfoArgs) -> Result<(), DriverError> {
    // Opening checks the device ID and version.
    let mut dev = Coprocessor::new(a.backend.open(None))?;
    let id = dev.read_reg(regmap::ID)?;
    let version = dev.read_reg(regmap::VERSION)?;
    let caps_raw = dev.read_reg(regmap::CAPS)?;
    let caps = Caps::decode(caps_raw);
    let info = Info {
        backend: a.backend,
        device_id: format!("0x{id:08X} (\"{}\")", String::from_utf8_lossy(&id.to_be_bytes())),
        regmap_version: version_string(version),
        caps: CapsInfo {
            raw: format!("0x{caps_raw:08X}"),
            mont_mul_latency: caps.mul_latency,
            multiplier: if caps.mul_code == 0 { "tiled" } else { "fast-simulation" },
            ntt_on_chip_max: 1 << caps.ntt_log_max,
            ntt_butterfly_units: 1 << caps.ntt_units_log2,
            msm_bucket_keys: 1 << caps.msm_key_bits,
        },
        stream_width_bits: 256,
        axil_addr_bits: regmap::AXIL_ADDR_BITS,
        card_mem_bytes: dev.card_mem_capacity(),
        registers: regmap::ALL
            .iter()
            .map(|r| RegInfo { name: r.name, offset: r.offset, access: r.access.short(), reset: r.reset, doc: r.doc })
            .collect(),
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&info).expect("serialize"));
        return Ok(());
    }
    let c = &info.caps;
    println!("zkcopro coprocessor ({:?} backend): ID {}, register map {}", info.backend, info.device_id, info.regmap_version);
    println!(
        "CAPS {}: Montgomery multiplier {} ({} cycles, II 1); on-chip NTT up to {} points on {} butterfly units; MSM bucket memory {} keys",
        c.raw, c.multiplier, c.mont_mul_latency, c.ntt_on_chip_max, c.ntt_butterfly_units, c.msm_bucket_keys
    );
    println!(
        "Streams: AXI4-Stream {} bits each way; control: AXI4-Lite, {}-bit addresses; card memory: {} GiB behind an AXI4 master\n",
        info.stream_width_bits,
        info.axil_addr_bits,
        info.card_mem_bytes >> 30
    );
    let name_w = info.registers.iter().map(|r| r.name.len()).max().unwrap_or(0).max("register".len());
    let access_w = info.registers.iter().map(|r| r.access.len()).max().unwrap_or(0).max("access".len());
    println!("{:<6}  {:<name_w$}  {:<access_w$}  {:<10}  description", "offset", "register", "access", "reset");
    for r in &info.registers {
        println!("0x{:02X}    {:<name_w$}  {:<access_w$}  0x{:08X}  {}", r.offset, r.name, r.access, r.reset, r.doc);
    }
    Ok(())
}
