//! Field-ALU engine: the first job type. Consumes operand pairs from the input
//! stream (a0, b0, a1, b1, ...), runs them through the adder, subtractor or
//! Montgomery multiplier of the chosen field, and streams results out in order.
//!
//! Output back-pressure never stalls a pipeline: an operation is only issued
//! when the output FIFO is sure to have room for it (credit counting), so the
//! units run free and a full FIFO just holds input back.

use crate::engine::JobShell;
use crate::field::{ModAdd, ModSub, MontMul, MulImpl};
use crate::params::FieldId;
use crate::regmap;
use rust_hdl::prelude::*;

/// log2 of the output FIFO depth.
pub const OUT_FIFO_LOG2: usize = 5;
/// Output FIFO depth: results that may be in flight or waiting at once.
pub const OUT_FIFO_DEPTH: usize = 1 << OUT_FIFO_LOG2;

type OutFifo = SynchronousFIFO<Bits<256>, OUT_FIFO_LOG2, { OUT_FIFO_LOG2 + 1 }, 1>;

#[derive(LogicBlock)]
pub struct FieldAlu {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low; hold for `regmap::RESET_CYCLES`.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: start a job with `job_*`.
    pub start: Signal<In, Bit>,
    /// Operation code (regmap::OP_*).
    pub job_op: Signal<In, Bits<32>>,
    /// Field code (FieldId::code).
    pub job_field: Signal<In, Bits<32>>,
    /// Number of operations.
    pub job_count: Signal<In, Bits<32>>,
    /// A refusal code from outside the ALU (the data port's layout check,
    /// registered there; 0 accepts).
    pub job_ext_refuse: Signal<In, Bits<32>>,
    /// No job is running.
    pub idle: Signal<Out, Bit>,
    /// Pulse: a job ended (successfully or with an error).
    pub done: Signal<Out, Bit>,
    /// Error code of the last job (regmap::ERR_*).
    pub error: Signal<Out, Bits<32>>,
    /// Cycles the last job was busy.
    pub perf_busy: Signal<Out, Bits<32>>,
    /// Cycles of the last job the engine wanted input that was not offered.
    pub perf_in_stall: Signal<Out, Bits<32>>,
    /// Cycles of the last job a result waited on `m_tready`.
    pub perf_out_stall: Signal<Out, Bits<32>>,
    /// Input beats accepted in the last job.
    pub perf_beats_in: Signal<Out, Bits<32>>,
    /// Output beats sent in the last job.
    pub perf_beats_out: Signal<Out, Bits<32>>,
    /// Operations issued in the last job.
    pub perf_ops: Signal<Out, Bits<32>>,
    /// Input stream data: one operand per beat.
    pub s_tdata: Signal<In, Bits<256>>,
    /// Input stream valid.
    pub s_tvalid: Signal<In, Bit>,
    /// Input stream ready.
    pub s_tready: Signal<Out, Bit>,
    /// Input stream end of packet (expected on the job's last beat).
    pub s_tlast: Signal<In, Bit>,
    /// Output stream data: one result per beat.
    pub m_tdata: Signal<Out, Bits<256>>,
    /// Output stream valid.
    pub m_tvalid: Signal<Out, Bit>,
    /// Output stream ready.
    pub m_tready: Signal<In, Bit>,
    /// Output stream end of packet (the job's last result).
    pub m_tlast: Signal<Out, Bit>,
    add_fq: ModAdd,
    add_fr: ModAdd,
    sub_fq: ModSub,
    sub_fr: ModSub,
    mul_fq: MontMul,
    mul_fr: MontMul,
    out_fifo: OutFifo,
    shell: JobShell,
    /// The job's refusal code (0 accepts) and its start, decided as the shell does.
    refuse: Signal<Local, Bits<32>>,
    accept: Signal<Local, Bit>,
    op_add: Constant<Bits<32>>,
    op_sub: Constant<Bits<32>>,
    op_mul: Constant<Bits<32>>,
    field_fr: Constant<Bits<32>>,
    err_bad_op: Constant<Bits<32>>,
    err_bad_field: Constant<Bits<32>>,
    err_zero_count: Constant<Bits<32>>,
    err_tlast: Constant<Bits<32>>,
    op_r: DFF<Bits<32>>,
    field_r: DFF<Bits<32>>,
    beats_in_left: DFF<Bits<33>>,
    results_left: DFF<Bits<32>>,
    second_operand: DFF<Bit>,
    a_hold: DFF<Bits<256>>,
    want_input: Signal<Local, Bit>,
    in_fire: Signal<Local, Bit>,
    out_fire: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    bad_op: Signal<Local, Bit>,
    bad_field: Signal<Local, Bit>,
    is_fr: Signal<Local, Bit>,
}

impl FieldAlu {
    pub fn new(mul: MulImpl) -> Self {
        let c32 = |v: u32| Constant::new((v as u64).into());
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            job_op: Default::default(),
            job_field: Default::default(),
            job_count: Default::default(),
            job_ext_refuse: Default::default(),
            idle: Default::default(),
            done: Default::default(),
            error: Default::default(),
            perf_busy: Default::default(),
            perf_in_stall: Default::default(),
            perf_out_stall: Default::default(),
            perf_beats_in: Default::default(),
            perf_beats_out: Default::default(),
            perf_ops: Default::default(),
            s_tdata: Default::default(),
            s_tvalid: Default::default(),
            s_tready: Default::default(),
            s_tlast: Default::default(),
            m_tdata: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tlast: Default::default(),
            add_fq: ModAdd::new(FieldId::Fq),
            add_fr: ModAdd::new(FieldId::Fr),
            sub_fq: ModSub::new(FieldId::Fq),
            sub_fr: ModSub::new(FieldId::Fr),
            mul_fq: MontMul::new(FieldId::Fq, mul),
            mul_fr: MontMul::new(FieldId::Fr, mul),
            out_fifo: Default::default(),
            shell: JobShell::new(OUT_FIFO_DEPTH),
            refuse: Default::default(),
            accept: Default::default(),
            op_add: c32(regmap::OP_ADD),
            op_sub: c32(regmap::OP_SUB),
            op_mul: c32(regmap::OP_MUL),
            field_fr: c32(FieldId::Fr.code()),
            err_bad_op: c32(regmap::ERR_BAD_OP),
            err_bad_field: c32(regmap::ERR_BAD_FIELD),
            err_zero_count: c32(regmap::ERR_ZERO_COUNT),
            err_tlast: c32(regmap::ERR_TLAST),
            op_r: Default::default(),
            field_r: Default::default(),
            beats_in_left: Default::default(),
            results_left: Default::default(),
            second_operand: Default::default(),
            a_hold: Default::default(),
            want_input: Default::default(),
            in_fire: Default::default(),
            out_fire: Default::default(),
            issue: Default::default(),
            bad_op: Default::default(),
            bad_field: Default::default(),
            is_fr: Default::default(),
        }
    }
}

impl Logic for FieldAlu {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, op_r, field_r, beats_in_left, results_left, second_operand, a_hold);
        clock!(self, clock, add_fq, add_fr, sub_fq, sub_fr, mul_fq, mul_fr, out_fifo, shell);
        self.shell.reset_n.next = self.reset_n.val();
        self.shell.start.next = self.start.val();

        // Job registers checked at start (the shell refuses a nonzero code).
        self.bad_op.next = self.job_op.val() > self.op_mul.val();
        self.bad_field.next = self.job_field.val() > self.field_fr.val();
        self.refuse.next = 0.into();
        if self.bad_op.val() {
            self.refuse.next = self.err_bad_op.val();
        } else if self.bad_field.val() {
            self.refuse.next = self.err_bad_field.val();
        } else if !self.job_count.val().any() {
            self.refuse.next = self.err_zero_count.val();
        } else if self.job_ext_refuse.val() != 0 {
            self.refuse.next = self.job_ext_refuse.val();
        }

        // Input: take a beat while the job needs one and, for the second
        // operand, the output FIFO has a free slot reserved for the result.
        self.want_input.next = self.shell.busy.val()
            & self.reset_n.val()
            & self.beats_in_left.q.val().any()
            & (!self.second_operand.q.val() | self.shell.credit_free.val());
        self.s_tready.next = self.want_input.val();
        self.in_fire.next = self.want_input.val() & self.s_tvalid.val();
        self.issue.next = self.in_fire.val() & self.second_operand.q.val();
        // TLAST must mark exactly the job's last beat.
        self.shell.fault.next = self.in_fire.val() & (self.s_tlast.val() != (self.beats_in_left.q.val() == 1));
        self.shell.fault_code.next = self.err_tlast.val();
        if self.in_fire.val() {
            self.beats_in_left.d.next = self.beats_in_left.q.val() - 1;
            self.second_operand.d.next = !self.second_operand.q.val();
            self.a_hold.d.next = self.s_tdata.val();
        }

        // Issue the pair to the units of the job's operation and field.
        self.is_fr.next = self.field_r.q.val() == self.field_fr.val();
        self.add_fq.a.next = self.a_hold.q.val();
        self.add_fq.b.next = self.s_tdata.val();
        self.add_fq.valid_in.next =
            self.issue.val() & (self.op_r.q.val() == self.op_add.val()) & !self.is_fr.val();
        self.add_fr.a.next = self.a_hold.q.val();
        self.add_fr.b.next = self.s_tdata.val();
        self.add_fr.valid_in.next =
            self.issue.val() & (self.op_r.q.val() == self.op_add.val()) & self.is_fr.val();
        self.sub_fq.a.next = self.a_hold.q.val();
        self.sub_fq.b.next = self.s_tdata.val();
        self.sub_fq.valid_in.next =
            self.issue.val() & (self.op_r.q.val() == self.op_sub.val()) & !self.is_fr.val();
        self.sub_fr.a.next = self.a_hold.q.val();
        self.sub_fr.b.next = self.s_tdata.val();
        self.sub_fr.valid_in.next =
            self.issue.val() & (self.op_r.q.val() == self.op_sub.val()) & self.is_fr.val();
        self.mul_fq.a.next = self.a_hold.q.val();
        self.mul_fq.b.next = self.s_tdata.val();
        self.mul_fq.valid_in.next =
            self.issue.val() & (self.op_r.q.val() == self.op_mul.val()) & !self.is_fr.val();
        self.mul_fr.a.next = self.a_hold.q.val();
        self.mul_fr.b.next = self.s_tdata.val();
        self.mul_fr.valid_in.next =
            self.issue.val() & (self.op_r.q.val() == self.op_mul.val()) & self.is_fr.val();

        // Results: one unit is active per job, so at most one is valid.
        self.out_fifo.write.next = false;
        self.out_fifo.data_in.next = self.mul_fq.y.val();
        if self.add_fq.valid_out.val() {
            self.out_fifo.write.next = true;
            self.out_fifo.data_in.next = self.add_fq.y.val();
        } else if self.add_fr.valid_out.val() {
            self.out_fifo.write.next = true;
            self.out_fifo.data_in.next = self.add_fr.y.val();
        } else if self.sub_fq.valid_out.val() {
            self.out_fifo.write.next = true;
            self.out_fifo.data_in.next = self.sub_fq.y.val();
        } else if self.sub_fr.valid_out.val() {
            self.out_fifo.write.next = true;
            self.out_fifo.data_in.next = self.sub_fr.y.val();
        } else if self.mul_fq.valid_out.val() {
            self.out_fifo.write.next = true;
            self.out_fifo.data_in.next = self.mul_fq.y.val();
        } else if self.mul_fr.valid_out.val() {
            self.out_fifo.write.next = true;
            self.out_fifo.data_in.next = self.mul_fr.y.val();
        }

        // Output stream straight from the FIFO head.
        self.m_tdata.next = self.out_fifo.data_out.val();
        self.m_tvalid.next = !self.out_fifo.empty.val() & self.reset_n.val();
        self.m_tlast.next = self.results_left.q.val() == 1;
        self.out_fire.next = !self.out_fifo.empty.val() & self.m_tready.val();
        self.out_fifo.read.next = self.out_fire.val();

        // The shell counts credits, beats, stalls and operations.
        self.shell.in_want.next = self.want_input.val();
        self.shell.in_valid.next = self.s_tvalid.val();
        self.shell.in_fire.next = self.in_fire.val();
        self.shell.out_valid.next = self.m_tvalid.val();
        self.shell.out_ready.next = self.m_tready.val();
        self.shell.credit_take.next = self.issue.val();
        self.shell.ops.next = 0.into();
        if self.issue.val() {
            self.shell.ops.next = 1.into();
        }

        // Job end: the last result leaves.
        self.shell.finish.next = false;
        if self.out_fire.val() & self.shell.busy.val() {
            self.results_left.d.next = self.results_left.q.val() - 1;
            if self.results_left.q.val() == 1 {
                self.shell.finish.next = true;
            }
        }

        // Job start: latch the job registers.
        self.shell.refuse_code.next = self.refuse.val();
        self.accept.next = self.start.val() & self.shell.idle.val() & self.shell.job_ok.val() & self.reset_n.val();
        if self.accept.val() {
            self.op_r.d.next = self.job_op.val();
            self.field_r.d.next = self.job_field.val();
            self.beats_in_left.d.next = bit_cast::<33, 32>(self.job_count.val()) << 1;
            self.results_left.d.next = self.job_count.val();
            self.second_operand.d.next = false;
        }

        // Reset: stop, drop in-flight results and drain the FIFO.
        if !self.reset_n.val() {
            self.out_fifo.write.next = false;
            self.out_fifo.read.next = !self.out_fifo.empty.val();
        }
        self.idle.next = self.shell.idle.val();
        self.done.next = self.shell.done.val();
        self.error.next = self.shell.error.val();
        self.perf_busy.next = self.shell.perf_busy.val();
        self.perf_in_stall.next = self.shell.perf_in_stall.val();
        self.perf_out_stall.next = self.shell.perf_out_stall.val();
        self.perf_beats_in.next = self.shell.perf_beats_in.val();
        self.perf_beats_out.next = self.shell.perf_beats_out.val();
        self.perf_ops.next = self.shell.perf_ops.val();
    }
}
