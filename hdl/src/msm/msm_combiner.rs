//! MSM combination on the device: after the reduction, bucket memory holds
//! R(w, b) = the sum of the window-w buckets whose index has bit b set, and
//! the MSM is sum_k 2^k R_k with k = c w + b. The combiner runs Horner's rule
//! from the top k down on the engine's point adder: acc = 2 acc + R_k, one
//! doubling (acc + acc) and one addition (acc + R_k) per k, each waiting for
//! the adder. Leading doublings of the point at infinity and additions of
//! empty results are skipped.
//!
//! The engine routes the combiner's issue through its operand register: A is
//! `acc`, B is the bucket-memory read of `key` issued in the same cycle
//! (`b_ram`) or `acc` itself (doubling).

use rust_hdl::prelude::*;

/// Cycles per k with a nonempty result: issue and wait for the doubling,
/// then for the addition (the engine's loop latency each).
pub fn combiner_cycles_per_step(loop_latency: usize) -> usize {
    2 * (loop_latency + 1)
}

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum CombinePhase {
    Idle,
    IssueDouble,
    WaitDouble,
    IssueAdd,
    WaitAdd,
}

#[derive(LogicBlock)]
pub struct MsmCombiner {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: the reduction is done; combine (the adder is idle).
    pub start: Signal<In, Bit>,
    /// Window width minus one (held for the job).
    pub c_minus_1: Signal<In, Bits<4>>,
    /// Windows W (held for the job).
    pub windows: Signal<In, Bits<6>>,
    /// First result key: R(w, b) is at `result_base + 16 w + b`.
    pub result_base: Signal<In, Bits<16>>,
    /// Bucket key of R_k for this cycle's read.
    pub key: Signal<Out, Bits<16>>,
    /// The first `key` of a combination (top window, top bit). `present` is
    /// read a cycle ahead: from `first_key` in the cycle of `start`, then from
    /// `key`, which holds in the cycle before every addition's check.
    pub first_key: Signal<Out, Bits<16>>,
    /// The bucket `key` holds a point (its occupancy flag); an addition that
    /// reads it (`issue` with `b_ram`) takes the point, so the engine clears the flag.
    pub present: Signal<In, Bit>,
    /// Issue an addition this cycle: A = acc, B per `b_ram`.
    pub issue: Signal<Out, Bit>,
    /// B is the bucket-memory read of `key` (else B = acc: a doubling).
    pub b_ram: Signal<Out, Bit>,
    /// The adder's result of the combiner's last issue is here.
    pub result_valid: Signal<In, Bit>,
    /// Result X.
    pub result_x: Signal<In, Bits<256>>,
    /// Result Y.
    pub result_y: Signal<In, Bits<256>>,
    /// Result Z.
    pub result_z: Signal<In, Bits<256>>,
    /// Accumulator X (projective; (0 : 1 : 0) is infinity).
    pub acc_x: Signal<Out, Bits<256>>,
    /// Accumulator Y.
    pub acc_y: Signal<Out, Bits<256>>,
    /// Accumulator Z.
    pub acc_z: Signal<Out, Bits<256>>,
    /// Pulse: the accumulator holds the MSM.
    pub done: Signal<Out, Bit>,
    /// Montgomery form of 1, for the point at infinity.
    one: Constant<Bits<256>>,
    phase: DFF<CombinePhase>,
    w: DFF<Bits<6>>,
    b: DFF<Bits<4>>,
    acc_inf: DFF<Bit>,
    ax: DFF<Bits<256>>,
    ay: DFF<Bits<256>>,
    az: DFF<Bits<256>>,
    done_r: DFF<Bit>,
    last: Signal<Local, Bit>,
    step_done: Signal<Local, Bit>,
}

impl MsmCombiner {
    /// `one_mont`: 1 in the coordinates' Montgomery form.
    pub fn new(one_mont: Bits<256>) -> Self {
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            c_minus_1: Default::default(),
            windows: Default::default(),
            result_base: Default::default(),
            key: Default::default(),
            first_key: Default::default(),
            present: Default::default(),
            issue: Default::default(),
            b_ram: Default::default(),
            result_valid: Default::default(),
            result_x: Default::default(),
            result_y: Default::default(),
            result_z: Default::default(),
            acc_x: Default::default(),
            acc_y: Default::default(),
            acc_z: Default::default(),
            done: Default::default(),
            one: Constant::new(one_mont),
            phase: Default::default(),
            w: Default::default(),
            b: Default::default(),
            acc_inf: Default::default(),
            ax: Default::default(),
            ay: Default::default(),
            az: Default::default(),
            done_r: Default::default(),
            last: Default::default(),
            step_done: Default::default(),
        }
    }
}

impl Logic for MsmCombiner {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, phase, w, b, acc_inf, ax, ay, az, done_r);
        self.key.next = self.result_base.val() + (bit_cast::<16, 6>(self.w.q.val()) << 4) + bit_cast::<16, 4>(self.b.q.val());
        self.last.next = (self.w.q.val() == 0) & (self.b.q.val() == 0);
        self.issue.next = false;
        self.b_ram.next = false;
        self.done_r.d.next = false;
        self.step_done.next = false;
        if self.phase.q.val() == CombinePhase::IssueDouble {
            if self.acc_inf.q.val() {
                // 2 * O = O: nothing to do.
                self.phase.d.next = CombinePhase::IssueAdd;
            } else {
                self.issue.next = true;
                self.phase.d.next = CombinePhase::WaitDouble;
            }
        } else if self.phase.q.val() == CombinePhase::IssueAdd {
            if self.present.val() {
                self.issue.next = true;
                self.b_ram.next = true;
                self.acc_inf.d.next = false;
                self.phase.d.next = CombinePhase::WaitAdd;
            } else {
                // acc + O = acc: this k is done.
                self.step_done.next = true;
            }
        } else if self.phase.q.val() == CombinePhase::WaitDouble {
            if self.result_valid.val() {
                self.ax.d.next = self.result_x.val();
                self.ay.d.next = self.result_y.val();
                self.az.d.next = self.result_z.val();
                self.phase.d.next = CombinePhase::IssueAdd;
            }
        } else if self.phase.q.val() == CombinePhase::WaitAdd {
            if self.result_valid.val() {
                self.ax.d.next = self.result_x.val();
                self.ay.d.next = self.result_y.val();
                self.az.d.next = self.result_z.val();
                self.step_done.next = true;
            }
        }
        // After k = 0 the accumulator is the MSM; else on to k - 1.
        if self.step_done.val() & self.last.val() {
            self.phase.d.next = CombinePhase::Idle;
            self.done_r.d.next = true;
        } else if self.step_done.val() {
            self.phase.d.next = CombinePhase::IssueDouble;
            self.b.d.next = self.b.q.val() - 1;
            if self.b.q.val() == 0 {
                self.b.d.next = self.c_minus_1.val();
                self.w.d.next = self.w.q.val() - 1;
            }
        }
        if self.start.val() {
            // From the top k = c W - 1, with acc = O.
            self.phase.d.next = CombinePhase::IssueAdd;
            self.w.d.next = self.windows.val() - 1;
            self.b.d.next = self.c_minus_1.val();
            self.acc_inf.d.next = true;
            self.ax.d.next = 0.into();
            self.ay.d.next = self.one.val();
            self.az.d.next = 0.into();
        }
        if !self.reset_n.val() {
            self.phase.d.next = CombinePhase::Idle;
            self.done_r.d.next = false;
        }
        self.first_key.next = self.result_base.val()
            + (bit_cast::<16, 6>(self.windows.val() - 1) << 4)
            + bit_cast::<16, 4>(self.c_minus_1.val());
        self.acc_x.next = self.ax.q.val();
        self.acc_y.next = self.ay.q.val();
        self.acc_z.next = self.az.q.val();
        self.done.next = self.done_r.q.val();
    }
}
