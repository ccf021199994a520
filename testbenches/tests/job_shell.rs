//! The shared job shell (`zkcopro_hdl::engine::JobShell`) in rust-hdl's
//! simulator against its reference model (`engine::reference`), cycle for
//! cycle, on seeded random inputs: starts while idle and busy, refusals,
//! faults, finishes, stream handshakes with random stalls, operation counts,
//! credits and resets.

use rand::Rng;
use rust_hdl::prelude::*;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::engine::JobShell;
use zkcopro_hdl::engine::reference::{JobShellModel, ShellInputs, ShellOutputs};
use zkcopro_testbenches::seeded_rng;

const SLOTS: u8 = 4;

fn random_inputs(rng: &mut impl Rng) -> ShellInputs {
    ShellInputs {
        reset_n: !rng.gen_bool(0.01),
        start: rng.gen_bool(0.05),
        refuse_code: if rng.gen_bool(0.3) { rng.gen_range(1..9) } else { 0 },
        finish: rng.gen_bool(0.03),
        fault: rng.gen_bool(0.02),
        fault_code: rng.gen_range(1..9),
        in_want: rng.gen_bool(0.6),
        in_valid: rng.gen_bool(0.6),
        in_fire: rng.gen_bool(0.4),
        out_valid: rng.gen_bool(0.5),
        out_ready: rng.gen_bool(0.6),
        ops: if rng.gen_bool(0.5) { rng.gen_range(0..3) } else { 0 },
        credit_take: rng.gen_bool(0.4),
    }
}

#[test]
fn shell_matches_its_model_cycle_for_cycle() {
    const CYCLES: usize = 20_000;
    let mut rng = seeded_rng("shell_matches_its_model_cycle_for_cycle");
    let inputs: Vec<ShellInputs> = (0..CYCLES).map(|_| random_inputs(&mut rng)).collect();
    let replay = inputs.clone();
    let seen = Arc::new(Mutex::new(Vec::<ShellOutputs>::new()));
    let seen_tb = seen.clone();
    let mut uut = JobShell::new(SLOTS as usize);
    uut.clock.connect();
    uut.reset_n.connect();
    uut.start.connect();
    uut.refuse_code.connect();
    uut.finish.connect();
    uut.fault.connect();
    uut.fault_code.connect();
    uut.in_want.connect();
    uut.in_valid.connect();
    uut.in_fire.connect();
    uut.out_valid.connect();
    uut.out_ready.connect();
    uut.ops.connect();
    uut.credit_take.connect();
    uut.connect_all();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<JobShell>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<JobShell>| {
        let mut x = sim.init()?;
        for i in &inputs {
            wait_clock_false!(sim, clock, x);
            x.reset_n.next = i.reset_n;
            x.start.next = i.start;
            x.refuse_code.next = (i.refuse_code as u64).into();
            x.finish.next = i.finish;
            x.fault.next = i.fault;
            x.fault_code.next = (i.fault_code as u64).into();
            x.in_want.next = i.in_want;
            x.in_valid.next = i.in_valid;
            x.in_fire.next = i.in_fire;
            x.out_valid.next = i.out_valid;
            x.out_ready.next = i.out_ready;
            x.ops.next = (i.ops as u64).into();
            x.credit_take.next = i.credit_take;
            x = sim.wait(1, x)?;
            let u = |b: Bits<32>| b.index() as u32;
            seen_tb.lock().unwrap().push(ShellOutputs {
                busy: x.busy.val(),
                idle: x.idle.val(),
                job_ok: x.job_ok.val(),
                done: x.done.val(),
                error: u(x.error.val()),
                credit_free: x.credit_free.val(),
                perf_busy: u(x.perf_busy.val()),
                perf_in_stall: u(x.perf_in_stall.val()),
                perf_out_stall: u(x.perf_out_stall.val()),
                perf_beats_in: u(x.perf_beats_in.val()),
                perf_beats_out: u(x.perf_beats_out.val()),
                perf_ops: u(x.perf_ops.val()),
            });
            wait_clock_true!(sim, clock, x);
        }
        sim.done(x)
    });
    sim.run(Box::new(uut), 100 * CYCLES as u64).unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), CYCLES);
    let mut model = JobShellModel::new(SLOTS);
    let (mut accepted, mut dones) = (0, 0);
    for (cycle, (got, i)) in seen.iter().zip(&replay).enumerate() {
        let want = model.step(i);
        assert_eq!(*got, want, "cycle {cycle}, inputs {i:?}");
        accepted += usize::from(i.reset_n && i.start && !got.busy && got.job_ok);
        dones += usize::from(got.done);
    }
    // The random run exercised the protocol, not just idle cycles.
    assert!(accepted > 50 && dones > 100, "{accepted} jobs accepted, {dones} done pulses");
}
