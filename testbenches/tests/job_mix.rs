//! A long seeded mix of jobs of every kind (see `zkcopro_testbenches::job_mix`):
//! every result against arkworks, every refusal against its typed error or
//! device error code, raw register writes mixed in. The Verilator runs add
//! random stream back-pressure, card-memory delays and a random initial state.
//!
//! Default run: 10^4 jobs on the model, 500 on Verilator (about 6 s and
//! 15 s). Longer (ignored tests): 10^5 on the model, 5000 on Verilator;
//! `ZKCOPRO_MIX_JOBS=N` overrides any of them; `ZKCOPRO_MIX_CALM=init,stalls,delays`
//! turns the named disturbances off in the Verilator runs (same jobs).

use rand::Rng;
use zkcopro_host::bus::{InitState, RANDOM_INIT_SEED_MAX};
use zkcopro_host::{Bus, Coprocessor, ModelBus, VerilatorBus};
use zkcopro_testbenches::job_mix::run_mix;
use zkcopro_testbenches::seeded_rng;

fn jobs(default: usize) -> usize {
    std::env::var("ZKCOPRO_MIX_JOBS").ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn model_mix(name: &str, n: usize) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(ModelBus::new()).unwrap();
    let t0 = std::time::Instant::now();
    let tally = run_mix(&mut dev, &mut rng, n, true).unwrap_or_else(|e| panic!("{name}: {e}"));
    println!("{name}: {tally:?}, 0 mismatches, {:.1} s", t0.elapsed().as_secs_f64());
    assert_eq!(tally.jobs, n as u64);
}

fn verilator_mix(name: &str, n: usize) {
    let mut rng = seeded_rng(name);
    let mut init = rng.gen_range(1..=RANDOM_INIT_SEED_MAX);
    let (stall_seed, mut in_pct, mut out_pct) = (rng.r#gen::<u64>(), rng.gen_range(40..=100), rng.gen_range(40..=100));
    let (delay_seed, mut delay, mut beat_pct) = (rng.r#gen::<u64>(), rng.gen_range(0..=40), rng.gen_range(0..=30));
    // To tell causes apart when a run fails: ZKCOPRO_MIX_CALM=init,stalls,delays
    // turns the named disturbances off (the jobs stay the same).
    let calm = std::env::var("ZKCOPRO_MIX_CALM").unwrap_or_default();
    if calm.contains("init") {
        init = 0;
    }
    if calm.contains("stalls") {
        (in_pct, out_pct) = (100, 100);
    }
    if calm.contains("delays") {
        (delay, beat_pct) = (0, 0);
    }
    println!("{name}: initial-state seed {init}, stalls {in_pct}%/{out_pct}%, memory delays up to {delay} cycles, {beat_pct}% beats withheld");
    let mut bus = VerilatorBus::with_init(None, if init == 0 { InitState::Zero } else { InitState::Random(init) });
    bus.set_stalls(stall_seed, in_pct, out_pct);
    let mut dev = Coprocessor::new(bus).unwrap();
    // After Coprocessor::new: it sets the card memory's timing.
    dev.bus().set_mem_delays(delay_seed, delay, beat_pct);
    let t0 = std::time::Instant::now();
    let tally = run_mix(&mut dev, &mut rng, n, true).unwrap_or_else(|e| panic!("{name}: {e}"));
    println!("{name}: {tally:?}, 0 mismatches, {:.1} s", t0.elapsed().as_secs_f64());
    assert_eq!(tally.jobs, n as u64);
}

#[test]
fn model_mix_10k() {
    model_mix("model_mix_10k", jobs(10_000));
}

#[test]
fn verilator_mix_500() {
    verilator_mix("verilator_mix_500", jobs(500));
}

#[test]
#[ignore = "long: 10^5 model jobs (cargo test --release --test job_mix -- --ignored)"]
fn model_mix_100k() {
    model_mix("model_mix_100k", jobs(100_000));
}

#[test]
#[ignore = "long: 5000 Verilator jobs (cargo test --release --test job_mix -- --ignored)"]
fn verilator_mix_5000() {
    verilator_mix("verilator_mix_5000", jobs(5_000));
}
