//! The Verilator model starting from random flop and memory contents, as an
//! FPGA or ASIC may power up: after the reset, the device must be in its
//! documented state (every register at its reset value) and every job of the
//! demo's mix, and of a random mix, must equal arkworks. A difference is a
//! flop the design forgets to reset.
//!
//! Seeds: `ZKCOPRO_INIT_SEEDS=1,2,3` replaces the default eight.

use ark_bn254::{Fq, Fr, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use zkcopro_hdl::regmap;
use zkcopro_host::bus::{InitState, RANDOM_INIT_SEED_MAX};
use zkcopro_host::{Coprocessor, Direction, FieldOp, VerilatorBus};
use zkcopro_sim::TopModel;
use zkcopro_testbenches::{expected_field_op, registers_off_reset};
use zkcopro_testbenches::job_mix::run_mix;

/// The default seeds: eight, spread over the seed range.
const SEEDS: [u32; 8] = [1, 2, 3, 0x5A4B_4350, 0x1234_5678, 0x7FFF_FFFF, 977, 65_537];

fn seeds() -> Vec<u32> {
    match std::env::var("ZKCOPRO_INIT_SEEDS") {
        Ok(s) => s.split(',').map(|x| x.trim().parse().expect("ZKCOPRO_INIT_SEEDS: comma-separated u32")).collect(),
        Err(_) => SEEDS.to_vec(),
    }
}

/// The demo's jobs (at smaller sizes) and a random mix, from random initial
/// state under `seed`; returns the jobs checked.
fn demo_mix_from_random_state(seed: u32) -> u64 {
    assert!((1..=RANDOM_INIT_SEED_MAX).contains(&seed));
    println!("random initial state: seed {seed} (replay with ZKCOPRO_INIT_SEEDS={seed})");
    let mut dev = Coprocessor::new(VerilatorBus::with_init(None, InitState::Random(seed))).unwrap();
    let caps = dev.read_reg(regmap::CAPS).unwrap();
    let wrong = registers_off_reset(&mut dev, caps);
    assert!(wrong.is_empty(), "seed {seed}: registers not at their reset value after the power-up reset: {}", wrong.join(", "));
    let mut rng = ChaCha8Rng::seed_from_u64(seed as u64);
    let n = 512;
    let (a, b): (Vec<Fq>, Vec<Fq>) = ((0..n).map(|_| Fq::rand(&mut rng)).collect(), (0..n).map(|_| Fq::rand(&mut rng)).collect());
    let (c, d): (Vec<Fr>, Vec<Fr>) = ((0..n).map(|_| Fr::rand(&mut rng)).collect(), (0..n).map(|_| Fr::rand(&mut rng)).collect());
    for op in FieldOp::ALL {
        assert_eq!(dev.field_op(op, &a, &b).unwrap().0, expected_field_op(op, &a, &b), "seed {seed}: Fq {op:?}");
        assert_eq!(dev.field_op(op, &c, &d).unwrap().0, expected_field_op(op, &c, &d), "seed {seed}: Fr {op:?}");
    }
    let domain = Radix2EvaluationDomain::<Fr>::new(4096).unwrap();
    let input: Vec<Fr> = (0..4096).map(|_| Fr::rand(&mut rng)).collect();
    let mut x = input.clone();
    dev.ntt(&mut x, Direction::Forward).unwrap();
    assert!(x == domain.fft(&input), "seed {seed}: NTT");
    dev.ntt(&mut x, Direction::Inverse).unwrap();
    assert!(x == input, "seed {seed}: inverse NTT");
    let points = G1Projective::normalize_batch(&(0..1024).map(|_| G1Projective::rand(&mut rng)).collect::<Vec<_>>());
    let scalars: Vec<Fr> = (0..1024).map(|_| Fr::rand(&mut rng)).collect();
    let got = dev.msm(&points, &scalars).unwrap();
    assert_eq!(got.into_affine(), G1Projective::msm(&points, &scalars).unwrap().into_affine(), "seed {seed}: MSM");
    let tally = run_mix(&mut dev, &mut rng, 30, true).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    println!("seed {seed}: demo jobs and {tally:?} exact or refused as they must be");
    7 + tally.jobs
}

#[test]
fn demo_mix_is_exact_from_random_initial_state() {
    let seeds = seeds();
    assert!(seeds.len() >= 8 || std::env::var("ZKCOPRO_INIT_SEEDS").is_ok(), "at least eight seeds");
    // Two threads: this machine's cores.
    let chunks: Vec<Vec<u32>> = seeds.chunks(seeds.len().div_ceil(2)).map(|c| c.to_vec()).collect();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| std::thread::spawn(move || chunk.into_iter().map(demo_mix_from_random_state).sum::<u64>()))
        .collect();
    let jobs: u64 = handles.into_iter().map(|h| h.join().expect("a seed failed")).sum();
    println!("{} seeds, {jobs} jobs, 0 mismatches", seeds.len());
}

/// The random state is real: before its first reset, a model reads back
/// registers that differ between seeds and from the zero state, and the
/// same seed gives the same state (replayable).
#[test]
fn random_initial_state_is_random_and_replayable() {
    let read_before_reset = |init: InitState| -> Vec<Option<u32>> {
        let mut m = TopModel::with_init(None, init);
        [regmap::JOB_COUNT, regmap::JOB_LOG_SIZE, regmap::MSM_BASES_ADDR_LO, regmap::NTT_SRC_ADDR_LO, regmap::NTT_SCALE_3]
            .iter()
            .map(|r| m.axil_read(r.offset, 64).ok().map(|(data, _)| data))
            .collect()
    };
    let zero = read_before_reset(InitState::Zero);
    assert!(zero.iter().all(|v| *v == Some(0)), "zero state: {zero:?}");
    // Before its first reset the bus slave may itself hold a random state
    // that answers no read (a timeout, `None`): the states are told apart
    // over several seeds, each replayed.
    let states: Vec<Vec<Option<u32>>> = (11..19u32).map(|seed| read_before_reset(InitState::Random(seed))).collect();
    for (seed, st) in (11..19u32).zip(&states) {
        assert_eq!(*st, read_before_reset(InitState::Random(seed)), "seed {seed}: same seed, same state");
    }
    let answered: Vec<&Vec<Option<u32>>> = states.iter().filter(|st| st.iter().any(Option::is_some)).collect();
    assert!(answered.len() >= 2, "at least two random states answer a read: {states:?}");
    assert!(answered.iter().all(|st| **st != zero), "a random state reads like the zero state");
    assert!(answered.windows(2).any(|w| w[0] != w[1]), "the seeds give one state: {answered:?}");
}
