//! What the driver remembers about the device (the NTT data-port registers
//! it last wrote, so a job writes only those that change) must never
//! outlive a change it did not make: a reset through the bus or through
//! `Coprocessor::reset`, raw register writes, a job that failed half-way.
//! Each case is followed by a job that must be exact (or, after raw writes
//! that started the device, a typed error, and exact after a reset). On both
//! backends, for every job type and every writable job register.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use zkcopro_hdl::regmap;
use zkcopro_host::{Bus, Coprocessor, Direction, DriverError, FieldOp, ModelBus, VerilatorBus};
use zkcopro_testbenches::job_mix::{Job, MIX_NTT_LOG_MAX, MixDevice, Outcome, Scalars, run_job};
use zkcopro_testbenches::{FlakyWrites, on_both_backends, registers_off_reset, seeded_rng};

fn random_fr(rng: &mut ChaCha8Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

fn exact_ntt<B: Bus>(dev: &mut Coprocessor<B>, rng: &mut ChaCha8Rng, n: usize, what: &str) {
    let input = random_fr(rng, n);
    let mut x = input.clone();
    dev.ntt(&mut x, Direction::Forward).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(x == Radix2EvaluationDomain::<Fr>::new(n).unwrap().fft(&input), "{what}: NTT differs from ark-poly");
}

/// The first case: `d.ntt; d.bus().reset(); d.ntt` timed out (the
/// device waited for stream input the driver believed it had turned off).
fn check_reset_through_the_bus<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let big = 1 << MIX_NTT_LOG_MAX;
    // A card NTT leaves NTT_MODE set (source and destination in card memory).
    exact_ntt(&mut dev, &mut rng, big, "card NTT");
    dev.bus().reset();
    exact_ntt(&mut dev, &mut rng, 4096, "on-chip NTT after bus().reset()");
    exact_ntt(&mut dev, &mut rng, big, "card NTT after that");
    dev.bus().reset();
    exact_ntt(&mut dev, &mut rng, big, "card NTT after bus().reset()");
    dev.reset();
    exact_ntt(&mut dev, &mut rng, big, "card NTT after Coprocessor::reset()");
}

/// The second case: a raw write to a register the driver had written with
/// the same job's value made the next NTT return Ok, untransformed.
fn check_raw_write_to_a_cached_register<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    for n in [4096, 1 << MIX_NTT_LOG_MAX] {
        exact_ntt(&mut dev, &mut rng, n, "NTT");
        dev.bus().write32(regmap::NTT_DST_ADDR_LO.offset, 0x100000).unwrap();
        exact_ntt(&mut dev, &mut rng, n, "NTT after a raw NTT_DST_ADDR_LO write");
    }
}

/// Every job type, with every writable register overwritten by a raw write
/// between two runs of the job: the second run must be exact too.
fn check_every_register_every_job_type<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let mix = MixDevice::new(&mut dev, &mut rng).unwrap();
    let card_ntt_log = if dev.bus_ref().cycle_accurate() { 6 } else { MIX_NTT_LOG_MAX };
    let jobs = [
        Job::Alu { fq: false, op: FieldOp::Mul, n: 24 },
        Job::Alu { fq: true, op: FieldOp::Sub, n: 24 },
        Job::Ntt { log_n: 5, dir: Direction::Inverse, coset: false },
        Job::Ntt { log_n: 4, dir: Direction::Forward, coset: true },
        Job::CardAlu { op: FieldOp::Add, n: 32, constant: false },
        Job::CardAlu { op: FieldOp::Mul, n: 32, constant: true },
        Job::CardNtt { log_n: card_ntt_log, dir: Direction::Forward },
        Job::CardScale { n: 32 },
        Job::Msm { n: 32, scalars: Scalars::Uniform, window: None },
    ];
    let writable: Vec<_> = regmap::ALL.iter().filter(|r| r.access == regmap::Access::ReadWrite).collect();
    for job in &jobs {
        for reg in &writable {
            assert_eq!(run_job(&mut dev, &mix, job, &mut rng), Ok(Outcome::Exact), "{job} before poking {}", reg.name);
            let value = rng.r#gen::<u32>() | 1;
            dev.bus().write32(reg.offset, value).unwrap();
            assert_eq!(run_job(&mut dev, &mix, job, &mut rng), Ok(Outcome::Exact), "{job} after {} = 0x{value:X}", reg.name);
        }
    }
}

/// The third case: thousands of random register accesses (every address,
/// reads and writes, no job start), then jobs of every kind are exact.
/// Then random writes that do start the device: the next job is exact or a
/// typed error, and after a reset every register reads its reset value and
/// every job is exact.
fn check_random_register_accesses<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let caps = dev.read_reg(regmap::CAPS).unwrap();
    let mix = MixDevice::new(&mut dev, &mut rng).unwrap();
    for round in 0..3 {
        for _ in 0..3000 {
            let addr = 4 * rng.gen_range(0..64u32);
            if rng.gen_bool(0.5) {
                let _ = dev.bus().read32(addr);
            } else if addr != regmap::CTRL.offset {
                // DECERR and SLVERR are fine: a typed bus error.
                let _ = dev.bus().write32(addr, rng.r#gen());
            }
        }
        for job in [
            Job::Ntt { log_n: 12, dir: Direction::Forward, coset: false },
            Job::CardNtt { log_n: 6, dir: Direction::Inverse },
            Job::CardAlu { op: FieldOp::Sub, n: 16, constant: false },
            Job::Alu { fq: true, op: FieldOp::Mul, n: 16 },
            Job::Msm { n: 16, scalars: Scalars::Witness, window: Some(8) },
        ] {
            assert_eq!(run_job(&mut dev, &mix, &job, &mut rng), Ok(Outcome::Exact), "round {round}: {job}");
        }
    }
    // Random job registers, then a start: the device runs (or refuses)
    // whatever they say. Only the stream ALU runs next, so a rogue card job
    // writing card memory cannot matter.
    for _ in 0..20 {
        for r in regmap::ALL.iter().filter(|r| r.access == regmap::Access::ReadWrite) {
            if !regmap::NTT_PARAMS.contains(r) || rng.gen_bool(0.3) {
                dev.bus().write32(r.offset, rng.gen_range(0..64)).unwrap();
            }
        }
        dev.bus().write32(regmap::CTRL.offset, regmap::CTRL_AP_START).unwrap();
        let job = Job::Alu { fq: false, op: FieldOp::Add, n: 8 };
        match run_job(&mut dev, &mix, &job, &mut rng) {
            Ok(Outcome::Exact) => {}
            Err(msg) => assert!(msg.starts_with("driver error"), "after a rogue start: {msg}"),
            Ok(o) => panic!("unexpected {o:?}"),
        }
        dev.reset();
        let off = registers_off_reset(&mut dev, caps);
        assert!(off.is_empty(), "after reset: {}", off.join(", "));
        assert_eq!(run_job(&mut dev, &mix, &job, &mut rng), Ok(Outcome::Exact), "after reset");
    }
}

/// A job whose register writes fail part-way (the link drops) returns a
/// typed error; the next job, with other registers, is exact. Every cut
/// point of a card NTT's programming is tried.
fn check_a_job_failing_half_way<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(FlakyWrites::new(bus)).unwrap();
    let mix = MixDevice::new(&mut dev, &mut rng).unwrap();
    // The stream ALU writes NTT_PARAMS all zero; the card NTT, its layouts.
    let stream = Job::Alu { fq: false, op: FieldOp::Mul, n: 16 };
    let card = Job::CardNtt { log_n: 6, dir: Direction::Inverse };
    for cut in 0..40 {
        assert_eq!(run_job(&mut dev, &mix, &stream, &mut rng), Ok(Outcome::Exact), "cut {cut}: stream ALU before");
        let writes = dev.bus_ref().writes;
        dev.bus().fail_at = Some(writes + cut);
        let got = run_job(&mut dev, &mix, &card, &mut rng);
        dev.bus().fail_at = None;
        match got {
            Err(msg) => assert!(msg.contains("driver error"), "cut {cut}: {msg}"),
            Ok(Outcome::Exact) => {} // the cut came after the job's writes
            Ok(o) => panic!("cut {cut}: {o:?}"),
        }
        assert_eq!(run_job(&mut dev, &mix, &stream, &mut rng), Ok(Outcome::Exact), "cut {cut}: stream ALU after");
        assert_eq!(run_job(&mut dev, &mix, &card, &mut rng), Ok(Outcome::Exact), "cut {cut}: card NTT after");
    }
}

/// `Coprocessor::reset` keeps card memory: resident bases and buffers stay
/// valid, and jobs of every kind are exact after it.
fn check_coprocessor_reset_keeps_card_memory<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let mix = MixDevice::new(&mut dev, &mut rng).unwrap();
    let data = random_fr(&mut rng, 64);
    let buf = dev.alloc_buffer(64 * 32).unwrap();
    dev.upload_fr(&buf, &data).unwrap();
    for i in 0..4 {
        let job = Job::Msm { n: 200, scalars: Scalars::Uniform, window: None };
        assert_eq!(run_job(&mut dev, &mix, &job, &mut rng), Ok(Outcome::Exact), "MSM, reset {i}");
        dev.reset();
        let mut back = vec![Fr::from(0u64); 64];
        dev.download_fr(&buf, &mut back).unwrap();
        assert_eq!(back, data, "buffer after reset {i}");
    }
    assert_eq!(dev.mul(&data, &data).map(|r| r.0), Ok(data.iter().map(|x| x * x).collect()));
    assert!(matches!(dev.ntt(&mut [Fr::from(1u64); 3], Direction::Forward), Err(DriverError::NttSize { .. })));
}

/// A job the device refuses at start, of each kind, then every job type:
/// each exact. (A refused field-ALU job left its refusal code on the data
/// port's error input, which ended the next card NTT before its last
/// results were written.)
fn check_device_refusal_then_every_job_type<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let mix = MixDevice::new(&mut dev, &mut rng).unwrap();
    let ok_msm = (8, 32);
    let refusals = [
        (7, 0, 4, ok_msm, regmap::ERR_BAD_OP),
        (regmap::OP_ADD, 0, 0, ok_msm, regmap::ERR_ZERO_COUNT),
        (regmap::OP_MUL, 3, 4, ok_msm, regmap::ERR_BAD_FIELD),
        (regmap::OP_NTT, 0, 4, ok_msm, regmap::ERR_BAD_FIELD),
        (regmap::OP_INTT, 1, 6, ok_msm, regmap::ERR_BAD_SIZE),
        (regmap::OP_MSM, 1, 4, ok_msm, regmap::ERR_BAD_FIELD),
        (regmap::OP_MSM, 0, 4, (8, 33), regmap::ERR_BAD_SIZE),
    ];
    let jobs = [
        Job::CardNtt { log_n: 9, dir: Direction::Inverse },
        Job::CardScale { n: 62 },
        Job::CardAlu { op: FieldOp::Sub, n: 64, constant: false },
        Job::Ntt { log_n: 7, dir: Direction::Forward, coset: true },
        Job::Alu { fq: true, op: FieldOp::Add, n: 33 },
        Job::Msm { n: 64, scalars: Scalars::Edge, window: None },
    ];
    for (op, field, count, msm, code) in refusals {
        for job in &jobs {
            let refused = Job::Refused { op, field, count, msm, code };
            assert_eq!(run_job(&mut dev, &mix, &refused, &mut rng), Ok(Outcome::Refused), "{refused}");
            assert_eq!(run_job(&mut dev, &mix, job, &mut rng), Ok(Outcome::Exact), "{job} after {refused}");
        }
    }
}

on_both_backends! {
    device_refusal_then_every_job_type(check_device_refusal_then_every_job_type);
    reset_through_the_bus(check_reset_through_the_bus);
    raw_write_to_a_cached_register(check_raw_write_to_a_cached_register);
    every_register_every_job_type(check_every_register_every_job_type);
    random_register_accesses(check_random_register_accesses);
    a_job_failing_half_way(check_a_job_failing_half_way);
    coprocessor_reset_keeps_card_memory(check_coprocessor_reset_keeps_card_memory);
}
