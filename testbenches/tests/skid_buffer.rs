//! The skid buffer (`zkcopro_hdl::engine::SkidBuffer`) in rust-hdl's
//! simulator against its reference model, cycle for cycle, under seeded
//! random offers, stalls and resets; the beats that leave are the beats that
//! entered, none lost, duplicated or reordered; with no stall it passes one
//! beat per cycle.

use rand::Rng;
use rust_hdl::prelude::*;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::engine::SkidBuffer;
use zkcopro_hdl::engine::reference::{SkidBufferModel, SkidOutputs};
use zkcopro_testbenches::seeded_rng;

#[derive(Clone, Copy)]
struct Cycle {
    reset_n: bool,
    valid: bool,
    data: u16,
    out_ready: bool,
}

type Uut = SkidBuffer<Bits<16>>;

/// Runs the block on these inputs; returns what it showed in each cycle.
fn simulate(inputs: Vec<Cycle>) -> Vec<SkidOutputs<u16>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_tb = seen.clone();
    let mut uut = Uut::default();
    uut.clock.connect();
    uut.reset_n.connect();
    uut.in_valid.connect();
    uut.in_data.connect();
    uut.out_ready.connect();
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<Uut>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<Uut>| {
        let mut x = sim.init()?;
        for c in &inputs {
            wait_clock_false!(sim, clock, x);
            x.reset_n.next = c.reset_n;
            x.in_valid.next = c.valid;
            x.in_data.next = (c.data as u64).into();
            x.out_ready.next = c.out_ready;
            x = sim.wait(1, x)?;
            seen_tb.lock().unwrap().push(SkidOutputs {
                in_ready: x.in_ready.val(),
                out: x.out_valid.val().then(|| x.out_data.val().index() as u16),
                empty: x.empty.val(),
            });
            wait_clock_true!(sim, clock, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 10 * 200_000).unwrap();
    let out = seen.lock().unwrap().clone();
    out
}

fn model(inputs: &[Cycle]) -> Vec<SkidOutputs<u16>> {
    let mut m = SkidBufferModel::default();
    inputs.iter().map(|c| m.step(c.reset_n, c.valid.then_some(c.data), c.out_ready)).collect()
}

#[test]
fn skid_buffer_matches_its_model_and_keeps_the_stream_under_random_stalls() {
    let mut rng = seeded_rng("skid_buffer_matches_its_model_and_keeps_the_stream_under_random_stalls");
    let mut next = 0u16;
    let mut offered: Option<u16> = None;
    let mut inputs = Vec::new();
    let mut model_state = SkidBufferModel::default();
    // A producer that holds its beat until taken (AXI rules), a consumer with
    // random stalls, and a rare reset (which both sides also see).
    for _ in 0..20_000 {
        let reset_n = !rng.gen_bool(0.002);
        if offered.is_none() && rng.gen_bool(0.7) {
            offered = Some(next);
            next = next.wrapping_add(1);
        }
        let c = Cycle { reset_n, valid: offered.is_some(), data: offered.unwrap_or(0), out_ready: rng.gen_bool(0.6) };
        let o = model_state.step(c.reset_n, c.valid.then_some(c.data), c.out_ready);
        if (o.in_ready && c.valid) || !reset_n {
            offered = None;
        }
        inputs.push(c);
    }
    let got = simulate(inputs.clone());
    let want = model(&inputs);
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "cycle {i}");
    }
    // Between resets, what leaves is what entered, in order.
    let (mut entered, mut left) = (Vec::new(), Vec::new());
    for (c, o) in inputs.iter().zip(&got) {
        if !c.reset_n {
            // Anything still inside is dropped by the reset.
            let kept = left.len();
            entered.truncate(kept);
            assert_eq!(entered, left);
            continue;
        }
        if c.valid && o.in_ready {
            entered.push(c.data);
        }
        if let (Some(d), true) = (o.out, c.out_ready) {
            left.push(d);
        }
    }
    assert_eq!(&entered[..left.len()], &left[..], "nothing lost, duplicated or reordered");
    assert!(left.len() > 5_000, "the stream moved: {} beats", left.len());
}

#[test]
fn skid_buffer_passes_a_beat_every_cycle_without_stalls() {
    let inputs: Vec<Cycle> =
        (0..200u16).map(|i| Cycle { reset_n: i >= 2, valid: i >= 2, data: i, out_ready: true }).collect();
    let got = simulate(inputs.clone());
    assert_eq!(got, model(&inputs));
    let left: Vec<u16> = got.iter().filter_map(|o| o.out).collect();
    // One cycle of latency, then every cycle a beat.
    assert_eq!(left, (2..199).collect::<Vec<u16>>());
    assert!(got[3..].iter().all(|o| o.in_ready));
}
