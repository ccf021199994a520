//! Resets that strike in the middle of jobs, as OpenTitan's
//! `stress_all_with_rand_reset` does: on the Verilator model (the RTL), from
//! a random initial state, under random stream back-pressure and card-memory
//! delays, with raw register writes mixed in. A reset is armed at a random
//! cycle inside each job of every type (field ALU on streams and on card
//! memory, on-chip and four-step NTTs, coset NTTs, scaling, MSMs); the job
//! must end with a typed error that names the reset (or exactly, if it had
//! finished), every register must then read its reset value, and the same
//! job run again must equal arkworks.
//!
//! `ZKCOPRO_STRIKES=N` sets the strikes per job type (default 20).

use rand::Rng;
use zkcopro_hdl::regmap;
use zkcopro_host::bus::{InitState, RANDOM_INIT_SEED_MAX};
use zkcopro_host::{Bus, Coprocessor, Direction, FieldOp, VerilatorBus};
use zkcopro_testbenches::job_mix::{Job, MIX_NTT_LOG_MAX, MixDevice, Outcome, Scalars, run_job};
use zkcopro_testbenches::{registers_off_reset, seeded_rng};

#[test]
fn resets_strike_during_every_job_type() {
    let name = "resets_strike_during_every_job_type";
    let mut rng = seeded_rng(name);
    let strikes_per_job: usize = std::env::var("ZKCOPRO_STRIKES").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let init = rng.gen_range(1..=RANDOM_INIT_SEED_MAX);
    let (in_pct, out_pct, delay, beat_pct) = (rng.gen_range(50..=100), rng.gen_range(50..=100), rng.gen_range(0..=30), rng.gen_range(0..=25));
    println!("{name}: initial-state seed {init}, stalls {in_pct}%/{out_pct}%, memory delays up to {delay} cycles, {beat_pct}% beats withheld");
    let mut bus = VerilatorBus::with_init(None, InitState::Random(init));
    bus.set_stalls(rng.r#gen(), in_pct, out_pct);
    let mut dev = Coprocessor::new(bus).unwrap();
    dev.bus().set_mem_delays(rng.r#gen(), delay, beat_pct);
    let caps = dev.read_reg(regmap::CAPS).unwrap();
    let mix = MixDevice::new(&mut dev, &mut rng).unwrap();
    let jobs = [
        Job::Alu { fq: true, op: FieldOp::Mul, n: 200 },
        Job::Alu { fq: false, op: FieldOp::Sub, n: 200 },
        Job::Ntt { log_n: 10, dir: Direction::Forward, coset: false },
        Job::Ntt { log_n: 8, dir: Direction::Inverse, coset: true },
        Job::CardAlu { op: FieldOp::Add, n: 256, constant: false },
        Job::CardAlu { op: FieldOp::Mul, n: 256, constant: true },
        Job::CardNtt { log_n: MIX_NTT_LOG_MAX, dir: Direction::Inverse },
        Job::CardScale { n: 512 },
        Job::Msm { n: 200, scalars: Scalars::Uniform, window: None },
        Job::Msm { n: 256, scalars: Scalars::Witness, window: Some(9) },
    ];
    let mut total = 0;
    for job in &jobs {
        // The job's length in cycles, from a clean run.
        let c0 = dev.bus_ref().cycles();
        assert_eq!(run_job(&mut dev, &mix, job, &mut rng), Ok(Outcome::Exact), "{job}: clean run");
        let len = dev.bus_ref().cycles() - c0;
        let mut landed = 0;
        for k in 0..strikes_per_job {
            if rng.gen_bool(0.3) {
                let poke = Job::RawWrites { count: rng.gen_range(1..=20) };
                assert_eq!(run_job(&mut dev, &mix, &poke, &mut rng), Ok(Outcome::Poked));
            }
            let strikes = dev.bus_ref().strikes();
            let at = dev.bus_ref().cycles() + rng.gen_range(0..len);
            dev.bus().strike_reset_at(at);
            let got = run_job(&mut dev, &mix, job, &mut rng);
            if dev.bus_ref().strikes() == strikes {
                // It finished before the reset came: disarm, and it must be exact.
                dev.bus().strike_reset_at(u64::MAX);
                assert_eq!(got, Ok(Outcome::Exact), "{job}: strike {k} at {at} did not land");
                continue;
            }
            landed += 1;
            match &got {
                Err(msg) => assert!(msg.contains("reset"), "{job}: strike {k} at cycle {at}: {msg}"),
                Ok(o) => assert_eq!(*o, Outcome::Exact, "{job}: strike {k}"),
            }
            let off = registers_off_reset(&mut dev, caps);
            assert!(off.is_empty(), "{job}: after strike {k} at cycle {at}: {}", off.join(", "));
            assert_eq!(run_job(&mut dev, &mix, job, &mut rng), Ok(Outcome::Exact), "{job}: the run after strike {k} at cycle {at}");
        }
        println!("{job}: {len} cycles, {landed} of {strikes_per_job} resets struck inside it, the next job exact each time");
        assert!(landed * 2 >= strikes_per_job, "{job}: too few strikes landed inside the job");
        total += landed;
    }
    println!("{name}: {total} resets under load, 0 mismatches");
}
