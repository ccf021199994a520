//! Cycle-level reference model of [`JobShell`](super::JobShell), apart from
//! the hardware: the same inputs give the same outputs, cycle for cycle.

/// The shell's inputs in one cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShellInputs {
    pub reset_n: bool,
    pub start: bool,
    pub refuse_code: u32,
    pub finish: bool,
    pub fault: bool,
    pub fault_code: u32,
    pub in_want: bool,
    pub in_valid: bool,
    pub in_fire: bool,
    pub out_valid: bool,
    pub out_ready: bool,
    pub ops: u32,
    pub credit_take: bool,
}

/// The shell's outputs in one cycle (before that cycle's clock edge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShellOutputs {
    pub busy: bool,
    pub idle: bool,
    pub job_ok: bool,
    pub done: bool,
    pub error: u32,
    pub credit_free: bool,
    pub perf_busy: u32,
    pub perf_in_stall: u32,
    pub perf_out_stall: u32,
    pub perf_beats_in: u32,
    pub perf_beats_out: u32,
    pub perf_ops: u32,
}

/// The shell's registers.
#[derive(Clone, Debug, Default)]
pub struct JobShellModel {
    pub output_slots: u8,
    busy: bool,
    /// The refusal code of the cycle before (not cleared by reset).
    refuse_code: u32,
    done: bool,
    error: u32,
    credits: u8,
    busy_cycles: u32,
    in_stall: u32,
    out_stall: u32,
    beats_in: u32,
    beats_out: u32,
    ops: u32,
}

impl JobShellModel {
    pub fn new(output_slots: u8) -> Self {
        JobShellModel { output_slots, ..Default::default() }
    }

    /// One cycle: the outputs seen during it, then the clock edge.
    pub fn step(&mut self, i: &ShellInputs) -> ShellOutputs {
        let starting = i.start && !self.busy;
        let out = ShellOutputs {
            busy: self.busy,
            idle: !self.busy,
            job_ok: self.refuse_code == 0,
            done: self.done,
            error: self.error,
            credit_free: self.credits < self.output_slots,
            perf_busy: self.busy_cycles,
            perf_in_stall: self.in_stall,
            perf_out_stall: self.out_stall,
            perf_beats_in: self.beats_in,
            perf_beats_out: self.beats_out,
            perf_ops: self.ops,
        };
        let mut next = self.clone();
        let out_fire = i.out_valid && i.out_ready;
        match (i.credit_take, out_fire) {
            (true, false) => next.credits = self.credits.wrapping_add(1),
            (false, true) => next.credits = self.credits.wrapping_sub(1),
            _ => {}
        }
        next.done = false;
        if i.fault {
            next.error = i.fault_code;
        }
        if i.finish && self.busy {
            next.busy = false;
            next.done = true;
        }
        let count = |c: &mut u32, on: bool| {
            if on {
                *c = c.wrapping_add(1)
            }
        };
        count(&mut next.busy_cycles, self.busy);
        count(&mut next.in_stall, i.in_want && !i.in_valid);
        count(&mut next.out_stall, i.out_valid && !i.out_ready);
        count(&mut next.beats_in, i.in_fire);
        count(&mut next.beats_out, out_fire);
        next.ops = self.ops.wrapping_add(i.ops);
        if starting {
            next.credits = 0;
            next.busy_cycles = 0;
            next.in_stall = 0;
            next.out_stall = 0;
            next.beats_in = 0;
            next.beats_out = 0;
            next.ops = 0;
            next.error = self.refuse_code;
            if self.refuse_code == 0 {
                next.busy = true;
            } else {
                next.done = true;
            }
        }
        if !i.reset_n {
            next = JobShellModel::new(self.output_slots);
        }
        next.refuse_code = i.refuse_code;
        *self = next;
        out
    }
}

/// What the skid buffer shows in one cycle, before its clock edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkidOutputs<T> {
    pub in_ready: bool,
    /// The offered beat, if any.
    pub out: Option<T>,
    pub empty: bool,
}

/// Reference model of [super::skid_buffer::SkidBuffer]: two entries, the
/// older one offered.
#[derive(Clone, Debug, Default)]
pub struct SkidBufferModel<T> {
    main: Option<T>,
    skid: Option<T>,
}

impl<T: Copy> SkidBufferModel<T> {
    /// One cycle: the outputs seen during it for these inputs, then the edge.
    pub fn step(&mut self, reset_n: bool, input: Option<T>, out_ready: bool) -> SkidOutputs<T> {
        let out = SkidOutputs {
            in_ready: self.skid.is_none() && reset_n,
            out: self.main,
            empty: self.main.is_none() && self.skid.is_none(),
        };
        let take = if out.in_ready { input } else { None };
        if self.main.is_none() || out_ready {
            self.main = self.skid.take().or(take);
        } else if take.is_some() {
            self.skid = take;
        }
        if !reset_n {
            *self = SkidBufferModel { main: None, skid: None };
        }
        out
    }
}

/// Cycle-level reference model of [`StreamFork`](super::StreamFork).
#[derive(Clone, Copy, Debug, Default)]
pub struct StreamForkModel {
    a_done: bool,
    b_done: bool,
}

/// The fork's outputs in one cycle: `in_ready`, `a_valid`, `b_valid`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ForkOutputs {
    pub in_ready: bool,
    pub a_valid: bool,
    pub b_valid: bool,
}

impl StreamForkModel {
    /// One cycle: the outputs before the clock edge, then the edge.
    pub fn step(&mut self, reset_n: bool, use_b: bool, in_valid: bool, a_ready: bool, b_ready: bool) -> ForkOutputs {
        let o = ForkOutputs {
            in_ready: (self.a_done || a_ready) && (self.b_done || b_ready || !use_b),
            a_valid: in_valid && !self.a_done,
            b_valid: in_valid && !self.b_done && use_b,
        };
        self.a_done |= o.a_valid && a_ready;
        self.b_done |= o.b_valid && b_ready;
        if (in_valid && o.in_ready) || !reset_n {
            *self = Self::default();
        }
        o
    }
}
