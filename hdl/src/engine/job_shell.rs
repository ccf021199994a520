//! The job protocol every engine shares: start (accepted or refused with an
//! error code), busy, done pulse, error code of the last job, the busy /
//! stall / beat / operation counters, and output credits. Engines keep only
//! their own datapath and tell the shell what it did each cycle.
//!
//! Timing (one job): the shell registers the engine's `refuse_code` every
//! cycle, so the checks on the job registers end at a register instead of
//! running on through the start into every register a job loads. `start`
//! while idle, with the code of the cycle before 0 (`job_ok`), starts the job
//! (the engine latches its job registers in that cycle: it sees the same
//! start, `idle` and `job_ok`); with a nonzero code, no job and a `done`
//! pulse with that error one cycle later. So the job registers must hold for
//! a cycle before `start` (two where an engine registers its checks too):
//! the AXI4-Lite slave takes a write at most every third cycle
//! (`AXIL_WRITE_GAP`), and the start is itself a write. `job_ok` is a
//! register, so an engine that writes the code and reads it in one always
//! block makes no loop.
//! `finish` ends the job: `busy` falls and `done` pulses one cycle later.
//! A `fault` records its code as the job's error while the job runs on.

use rust_hdl::prelude::*;

/// Cycles from `finish` (or a refused `start`) to the `done` pulse.
pub const JOB_SHELL_DONE_LATENCY: usize = 1;

#[derive(LogicBlock)]
pub struct JobShell {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: no job, no error, no credits in use,
    /// counters at 0.
    pub reset_n: Signal<In, Bit>,
    /// Pulse from the register block: start a job (ignored while busy).
    pub start: Signal<In, Bit>,
    /// The engine's verdict on its job registers, every cycle: 0 accepts,
    /// anything else refuses the job with that error code. A start is
    /// decided on the code of the cycle before (registered here).
    pub refuse_code: Signal<In, Bits<32>>,
    /// Pulse: the engine's datapath finished the running job.
    pub finish: Signal<In, Bit>,
    /// Pulse: something went wrong in the running job; `fault_code` becomes
    /// its error (the engine decides whether the job goes on).
    pub fault: Signal<In, Bit>,
    /// Error code recorded by `fault`.
    pub fault_code: Signal<In, Bits<32>>,
    /// The engine wants an input beat this cycle (a stall if none is offered).
    pub in_want: Signal<In, Bit>,
    /// Input-stream valid.
    pub in_valid: Signal<In, Bit>,
    /// An input beat was transferred this cycle.
    pub in_fire: Signal<In, Bit>,
    /// The engine's output-stream valid.
    pub out_valid: Signal<In, Bit>,
    /// Output-stream ready.
    pub out_ready: Signal<In, Bit>,
    /// Operations the engine issued this cycle (added to `perf_ops`).
    pub ops: Signal<In, Bits<32>>,
    /// Pulse: a result entered the pipeline toward the output FIFO (takes
    /// one credit; an output beat gives one back).
    pub credit_take: Signal<In, Bit>,
    /// A job is running.
    pub busy: Signal<Out, Bit>,
    /// No job is running.
    pub idle: Signal<Out, Bit>,
    /// The refusal code of the cycle before was 0: a start now is accepted
    /// (a register).
    pub job_ok: Signal<Out, Bit>,
    /// Pulse: a job ended (finished, or refused at start).
    pub done: Signal<Out, Bit>,
    /// Error code of the last job (regmap::ERR_*), cleared at start.
    pub error: Signal<Out, Bits<32>>,
    /// Fewer results in flight or waiting than the output FIFO holds: one
    /// more may be issued.
    pub credit_free: Signal<Out, Bit>,
    /// Cycles the last job was busy.
    pub perf_busy: Signal<Out, Bits<32>>,
    /// Cycles the engine wanted input that was not offered.
    pub perf_in_stall: Signal<Out, Bits<32>>,
    /// Cycles an output beat waited on `out_ready`.
    pub perf_out_stall: Signal<Out, Bits<32>>,
    /// Input beats accepted in the last job.
    pub perf_beats_in: Signal<Out, Bits<32>>,
    /// Output beats sent in the last job.
    pub perf_beats_out: Signal<Out, Bits<32>>,
    /// Operations issued in the last job.
    pub perf_ops: Signal<Out, Bits<32>>,
    credit_limit: Constant<Bits<8>>,
    busy_r: DFF<Bit>,
    refuse_r: DFF<Bits<32>>,
    done_r: DFF<Bit>,
    error_r: DFF<Bits<32>>,
    credits_used: DFF<Bits<8>>,
    busy_cycles: DFF<Bits<32>>,
    in_stall_cycles: DFF<Bits<32>>,
    out_stall_cycles: DFF<Bits<32>>,
    beats_in: DFF<Bits<32>>,
    beats_out: DFF<Bits<32>>,
    ops_total: DFF<Bits<32>>,
    starting: Signal<Local, Bit>,
    out_fire: Signal<Local, Bit>,
}

impl JobShell {
    /// `output_slots`: results the engine's output FIFO holds (1..=255);
    /// an engine without one passes 1 and never takes credits.
    pub fn new(output_slots: usize) -> Self {
        assert!((1..=255).contains(&output_slots), "output slots must fit the 8-bit credit counter");
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            refuse_code: Default::default(),
            finish: Default::default(),
            fault: Default::default(),
            fault_code: Default::default(),
            in_want: Default::default(),
            in_valid: Default::default(),
            in_fire: Default::default(),
            out_valid: Default::default(),
            out_ready: Default::default(),
            ops: Default::default(),
            credit_take: Default::default(),
            busy: Default::default(),
            idle: Default::default(),
            job_ok: Default::default(),
            done: Default::default(),
            error: Default::default(),
            credit_free: Default::default(),
            perf_busy: Default::default(),
            perf_in_stall: Default::default(),
            perf_out_stall: Default::default(),
            perf_beats_in: Default::default(),
            perf_beats_out: Default::default(),
            perf_ops: Default::default(),
            credit_limit: Constant::new((output_slots as u64).into()),
            busy_r: Default::default(),
            refuse_r: Default::default(),
            done_r: Default::default(),
            error_r: Default::default(),
            credits_used: Default::default(),
            busy_cycles: Default::default(),
            in_stall_cycles: Default::default(),
            out_stall_cycles: Default::default(),
            beats_in: Default::default(),
            beats_out: Default::default(),
            ops_total: Default::default(),
            starting: Default::default(),
            out_fire: Default::default(),
        }
    }
}

impl Logic for JobShell {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, busy_r, refuse_r, done_r, error_r, credits_used, busy_cycles, in_stall_cycles,
            out_stall_cycles, beats_in, beats_out, ops_total
        );
        self.out_fire.next = self.out_valid.val() & self.out_ready.val();

        // Credits: results issued and not yet sent.
        if self.credit_take.val() & !self.out_fire.val() {
            self.credits_used.d.next = self.credits_used.q.val() + 1;
        } else if !self.credit_take.val() & self.out_fire.val() {
            self.credits_used.d.next = self.credits_used.q.val() - 1;
        }

        // The running job: faults, the end, counters.
        self.done_r.d.next = false;
        if self.fault.val() {
            self.error_r.d.next = self.fault_code.val();
        }
        if self.finish.val() & self.busy_r.q.val() {
            self.busy_r.d.next = false;
            self.done_r.d.next = true;
        }
        if self.busy_r.q.val() {
            self.busy_cycles.d.next = self.busy_cycles.q.val() + 1;
        }
        if self.in_want.val() & !self.in_valid.val() {
            self.in_stall_cycles.d.next = self.in_stall_cycles.q.val() + 1;
        }
        if self.out_valid.val() & !self.out_ready.val() {
            self.out_stall_cycles.d.next = self.out_stall_cycles.q.val() + 1;
        }
        if self.in_fire.val() {
            self.beats_in.d.next = self.beats_in.q.val() + 1;
        }
        if self.out_fire.val() {
            self.beats_out.d.next = self.beats_out.q.val() + 1;
        }
        self.ops_total.d.next = self.ops_total.q.val() + self.ops.val();

        // A start while idle: counters and error clear; accepted or refused
        // on the code of the cycle before.
        self.refuse_r.d.next = self.refuse_code.val();
        self.starting.next = self.start.val() & !self.busy_r.q.val();
        if self.starting.val() {
            self.credits_used.d.next = 0.into();
            self.busy_cycles.d.next = 0.into();
            self.in_stall_cycles.d.next = 0.into();
            self.out_stall_cycles.d.next = 0.into();
            self.beats_in.d.next = 0.into();
            self.beats_out.d.next = 0.into();
            self.ops_total.d.next = 0.into();
            self.error_r.d.next = self.refuse_r.q.val();
            if self.refuse_r.q.val() == 0 {
                self.busy_r.d.next = true;
            } else {
                self.done_r.d.next = true;
            }
        }

        // Reset: no job, no error, and the counters read 0 (as after a start).
        if !self.reset_n.val() {
            self.busy_r.d.next = false;
            self.done_r.d.next = false;
            self.error_r.d.next = 0.into();
            self.credits_used.d.next = 0.into();
            self.busy_cycles.d.next = 0.into();
            self.in_stall_cycles.d.next = 0.into();
            self.out_stall_cycles.d.next = 0.into();
            self.beats_in.d.next = 0.into();
            self.beats_out.d.next = 0.into();
            self.ops_total.d.next = 0.into();
        }

        self.busy.next = self.busy_r.q.val();
        self.idle.next = !self.busy_r.q.val();
        self.job_ok.next = self.refuse_r.q.val() == 0;
        self.done.next = self.done_r.q.val();
        self.error.next = self.error_r.q.val();
        self.credit_free.next = self.credits_used.q.val() < self.credit_limit.val();
        self.perf_busy.next = self.busy_cycles.q.val();
        self.perf_in_stall.next = self.in_stall_cycles.q.val();
        self.perf_out_stall.next = self.out_stall_cycles.q.val();
        self.perf_beats_in.next = self.beats_in.q.val();
        self.perf_beats_out.next = self.beats_out.q.val();
        self.perf_ops.next = self.ops_total.q.val();
    }
}
