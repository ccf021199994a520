//! NTT engine: radix-2 decimation-in-frequency transforms over BN254 Fr with
//! on-chip memory, natural order in and out, forward or inverse (scaled by
//! 1/n), for 1 <= n <= 2^NTT_LOG_MAX points; a job may hold several
//! transforms of the same size back to back.
//!
//! Phases: LOAD streams the points into two memory banks; COMPUTE issues one
//! butterfly per cycle, stage by stage, draining the butterfly pipeline
//! between stages so no value is read before it is written; UNLOAD reads the
//! results in bit-reversed order through the output multiplier (1 or 1/n).
//!
//! Banking: address a lives in bank parity(a) at index a >> 1. The two points
//! of every butterfly differ in one address bit, so they sit in different
//! banks and each bank serves one read and one write per cycle.

use super::bit_reverse::BitReverse;
use super::butterfly::{BUTTERFLY_LATENCY, Butterfly};
use super::roots;
use crate::field::{MONT_MUL_LATENCY, MontMul, MulImpl};
use crate::params::FieldId;
use crate::regmap;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// log2 of the largest transform held on chip (a build parameter).
pub const NTT_LOG_MAX: usize = 12;
/// Largest on-chip transform, in points.
pub const NTT_MAX_POINTS: usize = 1 << NTT_LOG_MAX;
/// log2 of the number of butterfly units.
pub const NTT_UNITS_LOG2: usize = 0;
/// Cycles from a butterfly's read to its write-back (read + butterfly).
pub const NTT_WRITEBACK_DELAY: usize = 1 + BUTTERFLY_LATENCY;
/// Idle cycles between stages: the last butterfly's results must land first.
pub const NTT_DRAIN_CYCLES: usize = NTT_WRITEBACK_DELAY;
/// Cycles from an unload read to its result entering the output FIFO.
pub const NTT_UNLOAD_LATENCY: usize = 1 + MONT_MUL_LATENCY;
/// log2 of the output FIFO depth.
pub const NTT_OUT_FIFO_LOG2: usize = 5;

const _: () = assert!(NTT_WRITEBACK_DELAY == 24, "delay line below is unrolled for 24");
const _: () = assert!((1 << NTT_OUT_FIFO_LOG2) > NTT_UNLOAD_LATENCY);

type Addr = Bits<NTT_LOG_MAX>;
type Count = Bits<{ NTT_LOG_MAX + 1 }>;
type OutFifo = SynchronousFIFO<Bits<256>, NTT_OUT_FIFO_LOG2, { NTT_OUT_FIFO_LOG2 + 1 }, 1>;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum NttPhase {
    Idle,
    Load,
    Compute,
    Drain,
    Unload,
}

#[derive(LogicBlock)]
pub struct NttCore {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low; hold for `regmap::RESET_CYCLES`.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: start a job with `job_*` (routed here for NTT operations only).
    pub start: Signal<In, Bit>,
    /// Operation: regmap::OP_NTT or regmap::OP_INTT.
    pub job_op: Signal<In, Bits<32>>,
    /// Field code; must be Fr.
    pub job_field: Signal<In, Bits<32>>,
    /// Points in the job (a power of two, <= NTT_MAX_POINTS).
    pub job_count: Signal<In, Bits<32>>,
    /// log2 of each transform's size.
    pub job_log_size: Signal<In, Bits<32>>,
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
    /// Butterflies issued in the last job.
    pub perf_ops: Signal<Out, Bits<32>>,
    /// Cycles spent draining the pipeline between stages.
    pub perf_drain: Signal<Out, Bits<32>>,
    /// Input stream data: one point per beat, natural order.
    pub s_tdata: Signal<In, Bits<256>>,
    /// Input stream valid.
    pub s_tvalid: Signal<In, Bit>,
    /// Input stream ready.
    pub s_tready: Signal<Out, Bit>,
    /// Input stream end of packet (expected on the job's last point).
    pub s_tlast: Signal<In, Bit>,
    /// Output stream data: one result per beat, natural order.
    pub m_tdata: Signal<Out, Bits<256>>,
    /// Output stream valid.
    pub m_tvalid: Signal<Out, Bit>,
    /// Output stream ready.
    pub m_tready: Signal<In, Bit>,
    /// Output stream end of packet.
    pub m_tlast: Signal<Out, Bit>,
    bank0: RAM<Bits<256>, { NTT_LOG_MAX - 1 }>,
    bank1: RAM<Bits<256>, { NTT_LOG_MAX - 1 }>,
    twiddles: RAM<Bits<256>, NTT_LOG_MAX>,
    scales: RAM<Bits<256>, 5>,
    butterfly: Butterfly,
    scale_mul: MontMul,
    reverse: BitReverse<NTT_LOG_MAX>,
    out_fifo: OutFifo,
    op_intt: Constant<Bits<32>>,
    field_fr: Constant<Bits<32>>,
    max_points: Constant<Bits<32>>,
    max_log: Constant<Bits<32>>,
    err_bad_field: Constant<Bits<32>>,
    err_zero_count: Constant<Bits<32>>,
    err_bad_size: Constant<Bits<32>>,
    err_tlast: Constant<Bits<32>>,
    fifo_depth: Constant<Bits<8>>,
    drain_cycles: Constant<Bits<6>>,
    log_max_minus_one: Constant<Bits<4>>,
    log_max: Constant<Bits<4>>,
    one_addr: Constant<Addr>,
    inverse_twiddle_base: Constant<Addr>,
    phase: DFF<NttPhase>,
    log_m: DFF<Bits<4>>,
    inverse: DFF<Bit>,
    total: DFF<Count>,
    counter: DFF<Count>,
    stage: DFF<Bits<4>>,
    drain_left: DFF<Bits<6>>,
    results_left: DFF<Count>,
    credits_used: DFF<Bits<8>>,
    issue_d: DFF<Bit>,
    swap_d: DFF<Bit>,
    unload_issue_d: DFF<Bit>,
    unload_bank_d: DFF<Bit>,
    p_delay: [DFF<Addr>; NTT_WRITEBACK_DELAY],
    done_r: DFF<Bit>,
    error_r: DFF<Bits<32>>,
    busy_cycles: DFF<Bits<32>>,
    in_stall_cycles: DFF<Bits<32>>,
    out_stall_cycles: DFF<Bits<32>>,
    beats_in: DFF<Bits<32>>,
    beats_out: DFF<Bits<32>>,
    butterflies: DFF<Bits<32>>,
    drain_total: DFF<Bits<32>>,
    want_input: Signal<Local, Bit>,
    in_fire: Signal<Local, Bit>,
    out_fire: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    unload_issue: Signal<Local, Bit>,
    load_addr: Signal<Local, Addr>,
    jg: Signal<Local, Addr>,
    half_log: Signal<Local, Bits<4>>,
    low_mask: Signal<Local, Addr>,
    low: Signal<Local, Addr>,
    high: Signal<Local, Addr>,
    p: Signal<Local, Addr>,
    q: Signal<Local, Addr>,
    p_in_bank1: Signal<Local, Bit>,
    twiddle_low: Signal<Local, Addr>,
    wb_p: Signal<Local, Addr>,
    wb_q: Signal<Local, Addr>,
    wb_p_in_bank1: Signal<Local, Bit>,
    m_mask: Signal<Local, Addr>,
    unload_index: Signal<Local, Addr>,
    unload_addr: Signal<Local, Addr>,
    size_ok: Signal<Local, Bit>,
}

fn rom<const N: usize>(values: Vec<num_bigint::BigUint>) -> RAM<Bits<256>, N> {
    let map: BTreeMap<Bits<N>, Bits<256>> =
        values.into_iter().enumerate().map(|(i, v)| ((i as u64).into(), v.into())).collect();
    RAM::new(map)
}

impl NttCore {
    pub fn new(mul: MulImpl) -> Self {
        let c32 = |v: u64| Constant::new(v.into());
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            job_op: Default::default(),
            job_field: Default::default(),
            job_count: Default::default(),
            job_log_size: Default::default(),
            idle: Default::default(),
            done: Default::default(),
            error: Default::default(),
            perf_busy: Default::default(),
            perf_in_stall: Default::default(),
            perf_out_stall: Default::default(),
            perf_beats_in: Default::default(),
            perf_beats_out: Default::default(),
            perf_ops: Default::default(),
            perf_drain: Default::default(),
            s_tdata: Default::default(),
            s_tvalid: Default::default(),
            s_tready: Default::default(),
            s_tlast: Default::default(),
            m_tdata: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tlast: Default::default(),
            bank0: Default::default(),
            bank1: Default::default(),
            twiddles: rom(roots::twiddle_table(NTT_LOG_MAX as u32)),
            scales: rom(roots::scale_table()),
            butterfly: Butterfly::new(mul),
            scale_mul: MontMul::new(FieldId::Fr, mul),
            reverse: Default::default(),
            out_fifo: Default::default(),
            op_intt: c32(regmap::OP_INTT as u64),
            field_fr: c32(FieldId::Fr.code() as u64),
            max_points: c32(NTT_MAX_POINTS as u64),
            max_log: c32(NTT_LOG_MAX as u64),
            err_bad_field: c32(regmap::ERR_BAD_FIELD as u64),
            err_zero_count: c32(regmap::ERR_ZERO_COUNT as u64),
            err_bad_size: c32(regmap::ERR_BAD_SIZE as u64),
            err_tlast: c32(regmap::ERR_TLAST as u64),
            fifo_depth: Constant::new(((1u64) << NTT_OUT_FIFO_LOG2).into()),
            drain_cycles: Constant::new((NTT_DRAIN_CYCLES as u64).into()),
            log_max_minus_one: Constant::new(((NTT_LOG_MAX - 1) as u64).into()),
            log_max: Constant::new((NTT_LOG_MAX as u64).into()),
            one_addr: Constant::new(1u64.into()),
            inverse_twiddle_base: Constant::new((1u64 << (NTT_LOG_MAX - 1)).into()),
            phase: Default::default(),
            log_m: Default::default(),
            inverse: Default::default(),
            total: Default::default(),
            counter: Default::default(),
            stage: Default::default(),
            drain_left: Default::default(),
            results_left: Default::default(),
            credits_used: Default::default(),
            issue_d: Default::default(),
            swap_d: Default::default(),
            unload_issue_d: Default::default(),
            unload_bank_d: Default::default(),
            p_delay: Default::default(),
            done_r: Default::default(),
            error_r: Default::default(),
            busy_cycles: Default::default(),
            in_stall_cycles: Default::default(),
            out_stall_cycles: Default::default(),
            beats_in: Default::default(),
            beats_out: Default::default(),
            butterflies: Default::default(),
            drain_total: Default::default(),
            want_input: Default::default(),
            in_fire: Default::default(),
            out_fire: Default::default(),
            issue: Default::default(),
            unload_issue: Default::default(),
            load_addr: Default::default(),
            jg: Default::default(),
            half_log: Default::default(),
            low_mask: Default::default(),
            low: Default::default(),
            high: Default::default(),
            p: Default::default(),
            q: Default::default(),
            p_in_bank1: Default::default(),
            twiddle_low: Default::default(),
            wb_p: Default::default(),
            wb_q: Default::default(),
            wb_p_in_bank1: Default::default(),
            m_mask: Default::default(),
            unload_index: Default::default(),
            unload_addr: Default::default(),
            size_ok: Default::default(),
        }
    }
}

impl Logic for NttCore {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, phase, log_m, inverse, total, counter, stage, drain_left, results_left,
            credits_used, issue_d, swap_d, unload_issue_d, unload_bank_d, done_r, error_r,
            busy_cycles, in_stall_cycles, out_stall_cycles, beats_in, beats_out, butterflies,
            drain_total
        );
        clock!(self, clock, butterfly, scale_mul, out_fifo);
        for i in 0..24 {
            self.p_delay[i].clock.next = self.clock.val();
        }
        self.bank0.read_clock.next = self.clock.val();
        self.bank0.write_clock.next = self.clock.val();
        self.bank1.read_clock.next = self.clock.val();
        self.bank1.write_clock.next = self.clock.val();
        self.twiddles.read_clock.next = self.clock.val();
        self.twiddles.write_clock.next = self.clock.val();
        self.scales.read_clock.next = self.clock.val();
        self.scales.write_clock.next = self.clock.val();
        // The ROMs are never written.
        self.twiddles.write_enable.next = false;
        self.twiddles.write_address.next = 0.into();
        self.twiddles.write_data.next = 0.into();
        self.scales.write_enable.next = false;
        self.scales.write_address.next = 0.into();
        self.scales.write_data.next = 0.into();
        self.scales.read_address.next =
            bit_cast::<5, 4>(self.log_m.q.val()) | (bit_cast::<5, 1>(self.inverse.q.val().into()) << 4);

        // ---- LOAD: point i goes to bank parity(i), index i >> 1.
        self.want_input.next = (self.phase.q.val() == NttPhase::Load) & self.reset_n.val();
        self.s_tready.next = self.want_input.val();
        self.in_fire.next = self.want_input.val() & self.s_tvalid.val();
        self.load_addr.next = self.counter.q.val().get_bits::<12>(0);

        // ---- COMPUTE: butterfly jg of stage `stage` pairs p and q = p + 2^half_log.
        self.jg.next = self.counter.q.val().get_bits::<12>(0);
        self.half_log.next = self.log_m.q.val() - self.stage.q.val() - 1;
        self.low_mask.next = (self.one_addr.val() << self.half_log.val()) - 1;
        self.low.next = self.jg.val() & self.low_mask.val();
        self.high.next = (self.jg.val() >> self.half_log.val()) << (self.half_log.val() + 1);
        self.p.next = self.high.val() | self.low.val();
        self.q.next = self.p.val() | (self.low_mask.val() + 1);
        self.p_in_bank1.next = self.p.val().xor();
        // Twiddle w_n^(low * 2^stage) = w_N^(low << (NTT_LOG_MAX - 1 - half_log)).
        self.twiddle_low.next = self.low.val() << (self.log_max_minus_one.val() - self.half_log.val());
        self.issue.next = (self.phase.q.val() == NttPhase::Compute) & self.reset_n.val();

        // ---- UNLOAD: output i of each transform is at index bitrev(i).
        self.m_mask.next = (self.one_addr.val() << self.log_m.q.val()) - 1;
        self.unload_index.next = self.counter.q.val().get_bits::<12>(0);
        self.reverse.x.next = self.unload_index.val() & self.m_mask.val();
        self.unload_addr.next = (self.unload_index.val() & !self.m_mask.val())
            | (self.reverse.y.val() >> (self.log_max.val() - self.log_m.q.val()));
        self.unload_issue.next = (self.phase.q.val() == NttPhase::Unload)
            & (self.counter.q.val() < self.total.q.val())
            & (self.credits_used.q.val() < self.fifo_depth.val())
            & self.reset_n.val();

        // Read ports: butterfly operands in COMPUTE, results in UNLOAD.
        if self.phase.q.val() == NttPhase::Unload {
            self.bank0.read_address.next = self.unload_addr.val().get_bits::<11>(1);
            self.bank1.read_address.next = self.unload_addr.val().get_bits::<11>(1);
        } else if self.p_in_bank1.val() {
            self.bank0.read_address.next = self.q.val().get_bits::<11>(1);
            self.bank1.read_address.next = self.p.val().get_bits::<11>(1);
        } else {
            self.bank0.read_address.next = self.p.val().get_bits::<11>(1);
            self.bank1.read_address.next = self.q.val().get_bits::<11>(1);
        }
        if self.inverse.q.val() {
            self.twiddles.read_address.next = self.twiddle_low.val() | self.inverse_twiddle_base.val();
        } else {
            self.twiddles.read_address.next = self.twiddle_low.val();
        }
        self.issue_d.d.next = self.issue.val();
        self.swap_d.d.next = self.p_in_bank1.val();
        self.unload_issue_d.d.next = self.unload_issue.val();
        self.unload_bank_d.d.next = self.unload_addr.val().xor();

        // Butterfly, one cycle after the reads.
        if self.swap_d.q.val() {
            self.butterfly.x.next = self.bank1.read_data.val();
            self.butterfly.y.next = self.bank0.read_data.val();
        } else {
            self.butterfly.x.next = self.bank0.read_data.val();
            self.butterfly.y.next = self.bank1.read_data.val();
        }
        self.butterfly.w.next = self.twiddles.read_data.val();
        self.butterfly.valid_in.next = self.issue_d.q.val();

        // Write-back: p travels with its butterfly; q is recomputed (half_log
        // is constant until the pipeline has drained).
        self.p_delay[0].d.next = self.p.val();
        for i in 0..23 {
            self.p_delay[i + 1].d.next = self.p_delay[i].q.val();
        }
        self.wb_p.next = self.p_delay[23].q.val();
        self.wb_q.next = self.wb_p.val() | (self.low_mask.val() + 1);
        self.wb_p_in_bank1.next = self.wb_p.val().xor();
        if self.phase.q.val() == NttPhase::Load {
            self.bank0.write_enable.next = self.in_fire.val() & !self.load_addr.val().xor();
            self.bank1.write_enable.next = self.in_fire.val() & self.load_addr.val().xor();
            self.bank0.write_address.next = self.load_addr.val().get_bits::<11>(1);
            self.bank1.write_address.next = self.load_addr.val().get_bits::<11>(1);
            self.bank0.write_data.next = self.s_tdata.val();
            self.bank1.write_data.next = self.s_tdata.val();
        } else if self.wb_p_in_bank1.val() {
            self.bank0.write_enable.next = self.butterfly.valid_out.val();
            self.bank1.write_enable.next = self.butterfly.valid_out.val();
            self.bank0.write_address.next = self.wb_q.val().get_bits::<11>(1);
            self.bank1.write_address.next = self.wb_p.val().get_bits::<11>(1);
            self.bank0.write_data.next = self.butterfly.prod.val();
            self.bank1.write_data.next = self.butterfly.sum.val();
        } else {
            self.bank0.write_enable.next = self.butterfly.valid_out.val();
            self.bank1.write_enable.next = self.butterfly.valid_out.val();
            self.bank0.write_address.next = self.wb_p.val().get_bits::<11>(1);
            self.bank1.write_address.next = self.wb_q.val().get_bits::<11>(1);
            self.bank0.write_data.next = self.butterfly.sum.val();
            self.bank1.write_data.next = self.butterfly.prod.val();
        }

        // Output multiplier (1 or 1/n), then the FIFO.
        if self.unload_bank_d.q.val() {
            self.scale_mul.a.next = self.bank1.read_data.val();
        } else {
            self.scale_mul.a.next = self.bank0.read_data.val();
        }
        self.scale_mul.b.next = self.scales.read_data.val();
        self.scale_mul.valid_in.next = self.unload_issue_d.q.val();
        self.out_fifo.write.next = self.scale_mul.valid_out.val() & self.reset_n.val();
        self.out_fifo.data_in.next = self.scale_mul.y.val();
        self.m_tdata.next = self.out_fifo.data_out.val();
        self.m_tvalid.next = !self.out_fifo.empty.val() & self.reset_n.val();
        self.m_tlast.next = self.results_left.q.val() == 1;
        self.out_fire.next = !self.out_fifo.empty.val() & self.m_tready.val();
        self.out_fifo.read.next = self.out_fire.val();
        if self.unload_issue.val() & !self.out_fire.val() {
            self.credits_used.d.next = self.credits_used.q.val() + 1;
        } else if !self.unload_issue.val() & self.out_fire.val() {
            self.credits_used.d.next = self.credits_used.q.val() - 1;
        }

        // ---- Phase sequencing.
        self.done_r.d.next = false;
        if self.phase.q.val() == NttPhase::Load {
            if self.in_fire.val() {
                self.counter.d.next = self.counter.q.val() + 1;
                if self.s_tlast.val() != (self.counter.q.val() == self.total.q.val() - 1) {
                    self.error_r.d.next = self.err_tlast.val();
                }
                if self.counter.q.val() == self.total.q.val() - 1 {
                    self.counter.d.next = 0.into();
                    self.stage.d.next = 0.into();
                    if self.log_m.q.val() == 0 {
                        self.phase.d.next = NttPhase::Unload;
                    } else {
                        self.phase.d.next = NttPhase::Compute;
                    }
                }
            }
        } else if self.phase.q.val() == NttPhase::Compute {
            self.counter.d.next = self.counter.q.val() + 1;
            if self.counter.q.val() == (self.total.q.val() >> 1) - 1 {
                self.counter.d.next = 0.into();
                self.drain_left.d.next = self.drain_cycles.val();
                self.phase.d.next = NttPhase::Drain;
            }
        } else if self.phase.q.val() == NttPhase::Drain {
            self.drain_left.d.next = self.drain_left.q.val() - 1;
            if self.drain_left.q.val() == 1 {
                if self.stage.q.val() == self.log_m.q.val() - 1 {
                    self.phase.d.next = NttPhase::Unload;
                } else {
                    self.stage.d.next = self.stage.q.val() + 1;
                    self.phase.d.next = NttPhase::Compute;
                }
            }
        } else if self.phase.q.val() == NttPhase::Unload {
            if self.unload_issue.val() {
                self.counter.d.next = self.counter.q.val() + 1;
            }
            if self.out_fire.val() {
                self.results_left.d.next = self.results_left.q.val() - 1;
                if self.results_left.q.val() == 1 {
                    self.phase.d.next = NttPhase::Idle;
                    self.done_r.d.next = true;
                }
            }
        }

        // ---- Performance counters.
        if self.phase.q.val() != NttPhase::Idle {
            self.busy_cycles.d.next = self.busy_cycles.q.val() + 1;
        }
        if self.want_input.val() & !self.s_tvalid.val() {
            self.in_stall_cycles.d.next = self.in_stall_cycles.q.val() + 1;
        }
        if !self.out_fifo.empty.val() & !self.m_tready.val() {
            self.out_stall_cycles.d.next = self.out_stall_cycles.q.val() + 1;
        }
        if self.in_fire.val() {
            self.beats_in.d.next = self.beats_in.q.val() + 1;
        }
        if self.out_fire.val() {
            self.beats_out.d.next = self.beats_out.q.val() + 1;
        }
        if self.issue.val() {
            self.butterflies.d.next = self.butterflies.q.val() + 1;
        }
        if self.phase.q.val() == NttPhase::Drain {
            self.drain_total.d.next = self.drain_total.q.val() + 1;
        }

        // ---- Job start: a power-of-two point count, m <= count <= maximum.
        self.size_ok.next = ((self.job_count.val() & (self.job_count.val() - 1)) == 0)
            & (self.job_count.val() <= self.max_points.val())
            & (self.job_log_size.val() <= self.max_log.val())
            & ((self.job_count.val() >> self.job_log_size.val().get_bits::<5>(0)) != 0);
        if self.start.val() & (self.phase.q.val() == NttPhase::Idle) {
            self.log_m.d.next = self.job_log_size.val().get_bits::<4>(0);
            self.inverse.d.next = self.job_op.val() == self.op_intt.val();
            self.total.d.next = self.job_count.val().get_bits::<13>(0);
            self.results_left.d.next = self.job_count.val().get_bits::<13>(0);
            self.counter.d.next = 0.into();
            self.stage.d.next = 0.into();
            self.credits_used.d.next = 0.into();
            self.busy_cycles.d.next = 0.into();
            self.in_stall_cycles.d.next = 0.into();
            self.out_stall_cycles.d.next = 0.into();
            self.beats_in.d.next = 0.into();
            self.beats_out.d.next = 0.into();
            self.butterflies.d.next = 0.into();
            self.drain_total.d.next = 0.into();
            self.error_r.d.next = 0.into();
            if self.job_field.val() != self.field_fr.val() {
                self.error_r.d.next = self.err_bad_field.val();
                self.done_r.d.next = true;
            } else if self.job_count.val() == 0 {
                self.error_r.d.next = self.err_zero_count.val();
                self.done_r.d.next = true;
            } else if !self.size_ok.val() {
                self.error_r.d.next = self.err_bad_size.val();
                self.done_r.d.next = true;
            } else {
                self.phase.d.next = NttPhase::Load;
            }
        }

        // Reset: stop, drop in-flight results and drain the FIFO.
        if !self.reset_n.val() {
            self.phase.d.next = NttPhase::Idle;
            self.done_r.d.next = false;
            self.error_r.d.next = 0.into();
            self.credits_used.d.next = 0.into();
            self.out_fifo.read.next = !self.out_fifo.empty.val();
        }

        self.idle.next = self.phase.q.val() == NttPhase::Idle;
        self.done.next = self.done_r.q.val();
        self.error.next = self.error_r.q.val();
        self.perf_busy.next = self.busy_cycles.q.val();
        self.perf_in_stall.next = self.in_stall_cycles.q.val();
        self.perf_out_stall.next = self.out_stall_cycles.q.val();
        self.perf_beats_in.next = self.beats_in.q.val();
        self.perf_beats_out.next = self.beats_out.q.val();
        self.perf_ops.next = self.butterflies.q.val();
        self.perf_drain.next = self.drain_total.q.val();
    }
}
