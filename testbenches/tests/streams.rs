//! AXI4-Stream under seeded random stalls on both sides: nothing lost,
//! duplicated or reordered, TLAST in place, counters consistent.

use ark_bn254::{Fq, Fr};
use zkcopro_host::{Coprocessor, FieldOp, VerilatorBus};
use zkcopro_testbenches::{operand_pairs, seeded_rng};
use rand::Rng;

#[test]
fn random_back_pressure_on_both_streams() {
    let mut rng = seeded_rng("streams");
    for (in_pct, out_pct) in [(100, 30), (30, 100), (50, 50), (90, 10), (10, 90)] {
        let stall_seed: u64 = rng.r#gen();
        let mut bus = VerilatorBus::new(None);
        bus.set_stalls(stall_seed, in_pct, out_pct);
        let mut dev = Coprocessor::new(bus).unwrap();
        let (a, b) = operand_pairs::<Fq>(&mut rng, 400);
        let (got, p) = dev.mul(&a, &b).unwrap();
        let want: Vec<Fq> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
        assert_eq!(got, want, "mul with stalls in {in_pct}% / out {out_pct}% (stall seed {stall_seed})");
        assert_eq!(p.beats_in, 2 * a.len() as u64);
        assert_eq!(p.beats_out, a.len() as u64);
        if in_pct < 100 {
            assert!(p.in_stall_cycles > 0, "input stalls counted");
        }
        if out_pct < 100 {
            assert!(p.out_stall_cycles > 0, "output stalls counted");
        }
        let (c, d) = operand_pairs::<Fr>(&mut rng, 200);
        let (got, _) = dev.field_op(FieldOp::Sub, &c, &d).unwrap();
        assert_eq!(got, c.iter().zip(&d).map(|(x, y)| x - y).collect::<Vec<_>>());
    }
}

#[test]
fn no_stalls_means_one_input_beat_per_cycle() {
    let mut rng = seeded_rng("streams_full_rate");
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).unwrap();
    let (a, b) = operand_pairs::<Fr>(&mut rng, 2000);
    let (_, p) = dev.mul(&a, &b).unwrap();
    // One cycle: the device is busy while the host still takes the start
    // write's response, before its first beat.
    assert!(p.in_stall_cycles <= 1, "{} input stall cycles", p.in_stall_cycles);
    assert_eq!(p.out_stall_cycles, 0);
    // Busy = input beats + pipeline drain: the multiplier never holds input back.
    let drain = p.device_cycles - p.beats_in;
    assert!(drain <= zkcopro_hdl::field::MONT_MUL_LATENCY as u64 + 4, "drain {drain} cycles");
}
