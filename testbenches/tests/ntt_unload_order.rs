//! The NTT core's unload order (`zkcopro_hdl::ntt::UnloadOrder`, with its
//! `BitPermute`) in rust-hdl's simulator against the reference
//! (`ntt::reference::unload_address` and `bank_of`): every transform size,
//! interleaved and whole-transform batches, a count that moves on at seeded
//! random cycles and restarts at the batch's end, and counts set from outside
//! (as a job start does); the address and bank are checked in every cycle.

use rand::Rng;
use rust_hdl::prelude::*;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::ntt::reference::unload_address;
use zkcopro_hdl::ntt::{UnloadOrder, bank_of};
use zkcopro_testbenches::seeded_rng;

#[derive(Clone, Copy, Debug)]
struct Cycle {
    log_m: u32,
    ilv: u32,
    count: usize,
    advance: bool,
    restart: bool,
    /// The contract holds: check this cycle's outputs.
    check: bool,
}

/// Runs the block; returns (addr, bank) as seen in each cycle.
fn simulate(inputs: Vec<Cycle>) -> Vec<(usize, usize)> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_tb = seen.clone();
    let mut uut = UnloadOrder::default();
    uut.clock.connect();
    uut.log_m.connect();
    uut.out_ilv.connect();
    uut.count.connect();
    uut.advance.connect();
    uut.restart.connect();
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<UnloadOrder>| x.clock.next = !x.clock.val());
    let n = inputs.len();
    sim.add_testbench(move |mut sim: Sim<UnloadOrder>| {
        let mut x = sim.init()?;
        for c in &inputs {
            wait_clock_false!(sim, clock, x);
            x.log_m.next = (c.log_m as u64).into();
            x.out_ilv.next = (c.ilv as u64).into();
            x.count.next = (c.count as u64).into();
            x.advance.next = c.advance;
            x.restart.next = c.restart;
            x = sim.wait(1, x)?;
            seen_tb.lock().unwrap().push((x.addr.val().index(), x.bank.val().index()));
            wait_clock_true!(sim, clock, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 10 * (n as u64 + 10)).unwrap();
    let out = seen.lock().unwrap().clone();
    out
}

#[test]
fn unload_order_matches_the_reference() {
    let mut rng = seeded_rng("unload_order_matches_the_reference");
    let mut inputs = vec![];
    let mut jobs = 0;
    for log_m in 1..=12u32 {
        for ilv in 0..=(12 - log_m) {
            // Interleaved batches hold 2^ilv transforms; with ilv = 0 a batch
            // may also hold several whole transforms one after another.
            let batch_logs: Vec<u32> = if ilv == 0 { vec![log_m, rng.gen_range(log_m..=12)] } else { vec![log_m + ilv] };
            for batch_log in batch_logs {
                jobs += 1;
                let batch = 1usize << batch_log;
                // A job start: the count is set from outside, two quiet cycles.
                let mut count = 0usize;
                for _ in 0..2 {
                    inputs.push(Cycle { log_m, ilv, count, advance: false, restart: false, check: false });
                }
                let cycles = (2 * batch + 8).min(600);
                for k in 0..cycles {
                    // Now and then a count set from outside, a quiet cycle after.
                    if k % 97 == 50 {
                        count = rng.gen_range(0..batch);
                        inputs.push(Cycle { log_m, ilv, count, advance: false, restart: false, check: false });
                    }
                    let advance = rng.gen_bool(0.75);
                    let restart = advance && count == batch - 1;
                    inputs.push(Cycle { log_m, ilv, count, advance, restart, check: true });
                    if advance {
                        count = if restart { 0 } else { count + 1 };
                    }
                }
            }
        }
    }
    let seen = simulate(inputs.clone());
    let mut checked = 0;
    for (k, (c, got)) in inputs.iter().zip(&seen).enumerate() {
        if !c.check {
            continue;
        }
        let addr = unload_address(c.count, c.ilv, c.log_m);
        assert_eq!(*got, (addr, bank_of(addr)), "cycle {k}: {c:?}");
        checked += 1;
    }
    assert!(jobs > 80 && checked > 20_000, "{jobs} configurations, {checked} cycles checked");
}
