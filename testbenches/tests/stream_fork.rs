//! The stream fork (`zkcopro_hdl::engine::StreamFork`) in rust-hdl's
//! simulator against its reference model, cycle for cycle, under seeded
//! random offers, stalls on both branches, resets and B switched in and out
//! between resets; each branch in use gets every beat once, in order.

use rand::Rng;
use rust_hdl::prelude::*;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::engine::StreamFork;
use zkcopro_hdl::engine::reference::{ForkOutputs, StreamForkModel};
use zkcopro_testbenches::seeded_rng;

#[derive(Clone, Copy)]
struct Cycle {
    reset_n: bool,
    use_b: bool,
    valid: bool,
    a_ready: bool,
    b_ready: bool,
}

fn simulate(inputs: Vec<Cycle>) -> Vec<ForkOutputs> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_tb = seen.clone();
    let mut uut = StreamFork::default();
    uut.clock.connect();
    uut.reset_n.connect();
    uut.use_b.connect();
    uut.in_valid.connect();
    uut.a_ready.connect();
    uut.b_ready.connect();
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<StreamFork>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<StreamFork>| {
        let mut x = sim.init()?;
        for c in &inputs {
            wait_clock_false!(sim, clock, x);
            x.reset_n.next = c.reset_n;
            x.use_b.next = c.use_b;
            x.in_valid.next = c.valid;
            x.a_ready.next = c.a_ready;
            x.b_ready.next = c.b_ready;
            x = sim.wait(1, x)?;
            seen_tb.lock().unwrap().push(ForkOutputs {
                in_ready: x.in_ready.val(),
                a_valid: x.a_valid.val(),
                b_valid: x.b_valid.val(),
            });
            wait_clock_true!(sim, clock, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 10 * 100_000).unwrap();
    let out = seen.lock().unwrap().clone();
    out
}

#[test]
fn stream_fork_matches_its_model_and_gives_each_branch_every_beat_once_in_order() {
    let mut rng = seeded_rng("stream_fork_matches_its_model_and_gives_each_branch_every_beat_once_in_order");
    let mut model = StreamForkModel::default();
    let (mut next, mut offered) = (0u32, None::<u32>);
    let mut use_b = true;
    let mut inputs = Vec::new();
    let mut data = Vec::new();
    for _ in 0..20_000 {
        let reset_n = !rng.gen_bool(0.002);
        if !reset_n {
            // B is switched only across a reset, as a job's engines are.
            use_b = rng.gen_bool(0.7);
        }
        if offered.is_none() && rng.gen_bool(0.7) {
            offered = Some(next);
            next += 1;
        }
        let c = Cycle { reset_n, use_b, valid: offered.is_some(), a_ready: rng.gen_bool(0.6), b_ready: rng.gen_bool(0.4) };
        let o = model.step(c.reset_n, c.use_b, c.valid, c.a_ready, c.b_ready);
        data.push(offered.unwrap_or(u32::MAX));
        if (o.in_ready && c.valid) || !reset_n {
            offered = None;
        }
        inputs.push(c);
    }
    let got = simulate(inputs.clone());
    let mut model = StreamForkModel::default();
    for (i, (c, g)) in inputs.iter().zip(&got).enumerate() {
        assert_eq!(*g, model.step(c.reset_n, c.use_b, c.valid, c.a_ready, c.b_ready), "cycle {i}");
    }
    // Between resets: each branch in use took exactly the beats the producer
    // let go (plus the one half taken at a reset), in order.
    let (mut sent, mut to_a, mut to_b) = (Vec::new(), Vec::new(), Vec::new());
    let (mut beats, mut seg_b) = (0, true);
    let check = |sent: &Vec<u32>, a: &Vec<u32>, b: &Vec<u32>, use_b: bool| {
        assert_eq!(&a[..sent.len()], &sent[..], "branch A");
        assert!(a.len() <= sent.len() + 1);
        if use_b {
            assert_eq!(&b[..sent.len()], &sent[..], "branch B");
            assert!(b.len() <= sent.len() + 1);
        } else {
            assert!(b.is_empty(), "B out of the stream gets nothing");
        }
    };
    for ((c, o), d) in inputs.iter().zip(&got).zip(&data) {
        if !c.reset_n {
            check(&sent, &to_a, &to_b, seg_b);
            beats += sent.len();
            sent.clear();
            to_a.clear();
            to_b.clear();
            continue;
        }
        seg_b = c.use_b;
        if o.a_valid && c.a_ready {
            to_a.push(*d);
        }
        if o.b_valid && c.b_ready {
            to_b.push(*d);
        }
        if c.valid && o.in_ready {
            sent.push(*d);
        }
    }
    check(&sent, &to_a, &to_b, seg_b);
    beats += sent.len();
    assert!(beats > 3_000, "the stream moved: {beats} beats");
}
