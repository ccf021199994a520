//! The functional model's cycle counts against Verilator's on the same jobs,
//! so its figures at sizes Verilator cannot reach (2^18 and above in `bench`)
//! can be trusted: NTTs on chip and four-step through card memory, forward,
//! inverse and coset, within 2% (today they are equal).

use ark_bn254::Fr;
use ark_ff::{Field, UniformRand};
use zkcopro_host::{Bus, Coprocessor, Direction, JobProfile, ModelBus, OutputPowers, VerilatorBus};
use zkcopro_testbenches::seeded_rng;

/// Largest relative difference the model may have.
const TOLERANCE: f64 = 0.02;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Forward,
    Inverse,
    Coset,
}

/// Device cycles of one NTT of 2^log_n random elements already in card memory.
fn ntt_cycles<B: Bus>(bus: B, log_n: u32, kind: Kind) -> JobProfile {
    let mut rng = seeded_rng(&format!("model_cycles {log_n} {kind:?}"));
    let n = 1usize << log_n;
    let data: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let mut dev = Coprocessor::new(bus).unwrap();
    let buf = dev.alloc_buffer(32 * n as u64).unwrap();
    dev.upload_fr(&buf, &data).unwrap();
    match kind {
        Kind::Forward => dev.ntt_buffer(&buf, n, Direction::Forward).unwrap(),
        Kind::Inverse => dev.ntt_buffer(&buf, n, Direction::Inverse).unwrap(),
        Kind::Coset => dev.ntt_buffer_scaled(&buf, n, Direction::Inverse, OutputPowers::Coset, Fr::ONE).unwrap(),
    }
}

#[test]
fn ntt_model_cycles_match_verilator() {
    let mut worst = 0.0f64;
    for log_n in [8u32, 10, 12, 13, 14] {
        for kind in [Kind::Forward, Kind::Inverse, Kind::Coset] {
            let v = ntt_cycles(VerilatorBus::new(None), log_n, kind);
            let m = ntt_cycles(ModelBus::new(), log_n, kind);
            assert_eq!(m.jobs, v.jobs, "2^{log_n} {kind:?}: the same jobs");
            let diff = (m.device_cycles as f64 - v.device_cycles as f64).abs() / v.device_cycles as f64;
            println!("NTT 2^{log_n} {kind:?}: Verilator {} cycles, model {} ({:+.3}%)", v.device_cycles, m.device_cycles, 100.0 * diff);
            assert!(diff <= TOLERANCE, "NTT 2^{log_n} {kind:?}: model {} against Verilator {}", m.device_cycles, v.device_cycles);
            worst = worst.max(diff);
        }
    }
    println!("largest difference {:.3}%", 100.0 * worst);
}

/// The same at 2^16 (about a minute of Verilator): `--ignored` runs it.
#[test]
#[ignore]
fn ntt_model_cycles_match_verilator_at_2_16() {
    for kind in [Kind::Forward, Kind::Coset] {
        let v = ntt_cycles(VerilatorBus::new(None), 16, kind);
        let m = ntt_cycles(ModelBus::new(), 16, kind);
        let diff = (m.device_cycles as f64 - v.device_cycles as f64).abs() / v.device_cycles as f64;
        println!("NTT 2^16 {kind:?}: Verilator {} cycles, model {} ({:+.3}%)", v.device_cycles, m.device_cycles, 100.0 * diff);
        assert!(diff <= TOLERANCE);
    }
}
