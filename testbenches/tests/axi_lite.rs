//! AXI4-Lite control slave on the verilated top: reset values and access of
//! every register, error responses for unmapped addresses and read-only
//! registers, byte strobes, back-to-back transactions, ap_ctrl_hs and interrupts.

use zkcopro_hdl::field::MulImpl;
use zkcopro_hdl::regmap::{self, Access};
use zkcopro_hdl::top::TopConfig;
use zkcopro_sim::TopModel;

const T: u64 = 100;

fn fresh() -> TopModel {
    let mut m = TopModel::new(None);
    m.reset(regmap::RESET_CYCLES);
    m
}

fn sim_caps() -> u32 {
    let mul = if zkcopro_sim::SIM_MUL == "tiled" { MulImpl::Tiled } else { MulImpl::Fast };
    TopConfig { mul }.caps()
}

#[test]
fn every_register_reads_its_reset_value() {
    let mut m = fresh();
    for r in regmap::ALL {
        let want = if r.name == "CAPS" { sim_caps() } else { r.reset };
        assert_eq!(m.axil_read(r.offset, T).unwrap(), (want, regmap::RESP_OKAY), "{}", r.name);
    }
}

#[test]
fn read_write_registers_hold_values_and_read_only_ones_refuse_writes() {
    let mut m = fresh();
    for r in regmap::ALL {
        match r.access {
            Access::ReadWrite => {
                let mask = match r.name {
                    "GIE" => 0x1,
                    "IER" => 0x3,
                    _ => u32::MAX,
                };
                for v in [0xA5A5_5A5A_u32, 0x0000_0001, 0xFFFF_FFFF, 0] {
                    assert_eq!(m.axil_write(r.offset, v, 0xF, T).unwrap(), regmap::RESP_OKAY, "{}", r.name);
                    assert_eq!(m.axil_read(r.offset, T).unwrap(), (v & mask, regmap::RESP_OKAY), "{}", r.name);
                }
            }
            Access::ReadOnly => {
                let before = m.axil_read(r.offset, T).unwrap();
                assert_eq!(m.axil_write(r.offset, 0x1234_5678, 0xF, T).unwrap(), regmap::RESP_SLVERR, "{}", r.name);
                assert_eq!(m.axil_read(r.offset, T).unwrap(), before, "{} changed by a refused write", r.name);
            }
            Access::Control | Access::ToggleOnWrite => {}
        }
    }
}

#[test]
fn byte_strobes_write_only_their_lanes() {
    let mut m = fresh();
    let off = regmap::JOB_COUNT.offset;
    m.axil_write(off, 0x1122_3344, 0xF, T).unwrap();
    m.axil_write(off, 0xAABB_CCDD, 0b0101, T).unwrap();
    assert_eq!(m.axil_read(off, T).unwrap().0, 0x11BB_33DD);
}

#[test]
fn unmapped_addresses_answer_decode_error_without_hanging() {
    let mut m = fresh();
    let mapped: Vec<u32> = regmap::ALL.iter().map(|r| r.offset).collect();
    for addr in (0..(1u32 << regmap::AXIL_ADDR_BITS)).filter(|a| !mapped.contains(a)) {
        let (data, resp) = m.axil_read(addr, T).unwrap();
        assert_eq!((data, resp), (0, regmap::RESP_DECERR), "read 0x{addr:02X}");
        assert_eq!(m.axil_write(addr, 0xFFFF_FFFF, 0xF, T).unwrap(), regmap::RESP_DECERR, "write 0x{addr:02X}");
    }
    // Nothing mapped was disturbed.
    assert_eq!(m.axil_read(regmap::JOB_OP.offset, T).unwrap(), (0, regmap::RESP_OKAY));
}

#[test]
fn back_to_back_transactions_take_two_cycles_each() {
    let mut m = fresh();
    let c0 = m.cycles();
    for i in 0..50u32 {
        m.axil_write(regmap::JOB_OP.offset, i, 0xF, T).unwrap();
        assert_eq!(m.axil_read(regmap::JOB_OP.offset, T).unwrap().0, i);
    }
    assert_eq!(m.cycles() - c0, 50 * (2 + 2), "write: AW/W + B, read: AR + R");
}

#[test]
fn back_to_back_writes_are_three_cycles_apart() {
    // The engines check their job registers in two stages before a start:
    // the slave takes a write at most every AXIL_WRITE_GAP cycles.
    let mut m = fresh();
    let c0 = m.cycles();
    for i in 0..50u32 {
        m.axil_write(regmap::JOB_OP.offset, i, 0xF, T).unwrap();
    }
    // Each write's AW/W handshake AXIL_WRITE_GAP cycles after the last; the
    // last one's B response a cycle after it.
    let gap = zkcopro_hdl::bus::AXIL_WRITE_GAP as u64;
    assert_eq!(m.cycles() - c0, 49 * gap + 2, "AW/W, B, then an idle cycle before the next write");
    assert_eq!(m.axil_read(regmap::JOB_OP.offset, T).unwrap().0, 49);
}

#[test]
fn ap_ctrl_hs_handshake_and_interrupts() {
    let mut m = fresh();
    m.axil_write(regmap::GIE.offset, 1, 0xF, T).unwrap();
    m.axil_write(regmap::IER.offset, 0b01, 0xF, T).unwrap();
    assert!(!m.interrupt(), "no interrupt before a job");
    m.axil_write(regmap::JOB_OP.offset, regmap::OP_ADD, 0xF, T).unwrap();
    m.axil_write(regmap::JOB_COUNT.offset, 1, 0xF, T).unwrap();
    m.axil_write(regmap::CTRL.offset, regmap::CTRL_AP_START, 0xF, T).unwrap();
    // Running: ap_start reads 1, not idle.
    assert_eq!(m.axil_read(regmap::CTRL.offset, T).unwrap().0, regmap::CTRL_AP_START);
    // A second start while busy is ignored.
    m.axil_write(regmap::CTRL.offset, regmap::CTRL_AP_START, 0xF, T).unwrap();
    let out = m.stream(&[[1, 0, 0, 0, 0, 0, 0, 0], [2, 0, 0, 0, 0, 0, 0, 0]], true, 1, 1000);
    assert_eq!(out.out, vec![[3, 0, 0, 0, 0, 0, 0, 0]]);
    m.idle(4);
    assert_eq!(m.axil_read(regmap::ISR.offset, T).unwrap().0, 0b01);
    assert!(m.interrupt(), "done raises the interrupt pin (GIE and IER set)");
    // done and ready are set, then cleared by the read.
    let all = regmap::CTRL_AP_DONE | regmap::CTRL_AP_IDLE | regmap::CTRL_AP_READY;
    assert_eq!(m.axil_read(regmap::CTRL.offset, T).unwrap().0, all);
    assert_eq!(m.axil_read(regmap::CTRL.offset, T).unwrap().0, regmap::CTRL_AP_IDLE);
    // ISR bits toggle on write.
    m.axil_write(regmap::ISR.offset, 0b01, 0xF, T).unwrap();
    assert_eq!(m.axil_read(regmap::ISR.offset, T).unwrap().0, 0);
    assert!(!m.interrupt(), "clearing ISR drops the pin");
    // Exactly one job ran.
    assert_eq!(m.axil_read(regmap::PERF_BEATS_IN.offset, T).unwrap().0, 2);
}
