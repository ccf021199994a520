//! The functional model's cycle counts against Verilator's on the same jobs,
//! so its figures at sizes Verilator cannot reach (2^18 and above in `bench`)
//! can be trusted, within 2%: NTTs on chip and four-step through card
//! memory, forward, inverse and coset (equal today); MSMs with uniform,
//! witness-like, all-equal, all-one and small scalars, the phases, additions
//! and conflicts as well (equal today but for witness-like and 0/1 scalars,
//! a few cycles apart).

use ark_bn254::{Fr, G1Projective};
use rand::SeedableRng;
use zkcopro_host::msm_input::{ScalarKind, msm_input};
use zkcopro_host::{MsmConfig, MsmProfile};
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

/// One MSM of 2^log_n points with seeded scalars of `kind`.
fn msm_profile<B: Bus>(bus: B, log_n: u32, kind: ScalarKind, config: &MsmConfig) -> (G1Projective, MsmProfile) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1000 + log_n as u64);
    let (points, scalars) = msm_input(&mut rng, 1 << log_n, kind);
    let mut dev = Coprocessor::new(bus).unwrap();
    dev.msm_with(&points, &scalars, config).unwrap()
}

fn check_msm(log_n: u32, kind: ScalarKind) -> f64 {
    check_msm_with(log_n, kind, &MsmConfig::default())
}

fn check_msm_with(log_n: u32, kind: ScalarKind, config: &MsmConfig) -> f64 {
    let (rv, v) = msm_profile(VerilatorBus::new(None), log_n, kind, config);
    let (rm, m) = msm_profile(ModelBus::new(), log_n, kind, config);
    assert_eq!(rm, rv, "2^{log_n} {kind:?}: the same sum");
    let rel = |a: u64, b: u64| (a as f64 - b as f64).abs() / (b as f64).max(1.0);
    let diff = rel(m.job.device_cycles, v.job.device_cycles);
    println!(
        "MSM 2^{log_n} {kind:?} (c = {}, split {}): Verilator {} cycles, model {} ({:+.3}%); accumulate {}/{}, reduce {}/{}, combine {}/{}, additions {}/{}, conflicts {}/{}",
        v.window_bits,
        v.split,
        v.job.device_cycles,
        m.job.device_cycles,
        100.0 * diff,
        m.accumulate_cycles,
        v.accumulate_cycles,
        m.reduce_cycles,
        v.reduce_cycles,
        m.combine_cycles,
        v.combine_cycles,
        m.additions,
        v.additions,
        m.conflicts,
        v.conflicts
    );
    assert_eq!((m.window_bits, m.windows, m.split), (v.window_bits, v.windows, v.split), "2^{log_n} {kind:?}: the same windows");
    assert_eq!(m.engines.len(), v.engines.len());
    assert!(diff <= TOLERANCE, "MSM 2^{log_n} {kind:?}: model {} against Verilator {}", m.job.device_cycles, v.job.device_cycles);
    for (what, a, b) in [
        ("accumulation", m.accumulate_cycles, v.accumulate_cycles),
        ("reduction", m.reduce_cycles, v.reduce_cycles),
        ("combination", m.combine_cycles, v.combine_cycles),
    ] {
        // Each phase on its own, where it is long enough to matter.
        if b * 20 >= v.job.device_cycles {
            assert!(rel(a, b) <= TOLERANCE, "MSM 2^{log_n} {kind:?}: {what} {a} against {b}");
        }
    }
    // And each engine's.
    for (i, (me, ve)) in m.engines.iter().zip(&v.engines).enumerate() {
        assert_eq!((me.first_window, me.end_window), (ve.first_window, ve.end_window));
        for (what, a, b) in [
            ("accumulation", me.accumulate_cycles, ve.accumulate_cycles),
            ("reduction", me.reduce_cycles, ve.reduce_cycles),
            ("combination", me.combine_cycles, ve.combine_cycles),
        ] {
            if b * 20 >= v.job.device_cycles {
                assert!(rel(a, b) <= TOLERANCE, "MSM 2^{log_n} {kind:?}: engine {i}'s {what} {a} against {b}");
            }
        }
    }
    diff
}

#[test]
fn msm_model_cycles_match_verilator() {
    let mut worst = 0.0f64;
    for log_n in [8u32, 10, 12] {
        for kind in [ScalarKind::Uniform, ScalarKind::Witness, ScalarKind::Equal, ScalarKind::Ones, ScalarKind::Small] {
            worst = worst.max(check_msm(log_n, kind));
        }
    }
    // Window 9 (2^14 picks it).
    for kind in [ScalarKind::Uniform, ScalarKind::Witness] {
        worst = worst.max(check_msm(14, kind));
    }
    // One engine alone, and uneven splits of the two.
    for split in [0usize, 1, 7, 31] {
        let config = MsmConfig { window_bits: Some(8), split: Some(split), ..Default::default() };
        worst = worst.max(check_msm_with(10, ScalarKind::Uniform, &config));
    }
    // Window 13: 20 windows, each engine's keys from its own first window.
    for split in [5usize, 10] {
        let config = MsmConfig { window_bits: Some(13), split: Some(split), ..Default::default() };
        worst = worst.max(check_msm_with(10, ScalarKind::Uniform, &config));
    }
    println!("largest difference {:.3}%", 100.0 * worst);
}

/// 2^16 (minutes of Verilator): `--ignored` runs it.
#[test]
#[ignore]
fn msm_model_cycles_match_verilator_at_2_16() {
    for kind in [ScalarKind::Uniform, ScalarKind::Witness, ScalarKind::Equal] {
        check_msm(16, kind);
    }
}
