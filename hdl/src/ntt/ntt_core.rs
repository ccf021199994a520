//! NTT engine: radix-2 decimation-in-frequency transforms over BN254 Fr with
//! on-chip memory, natural order in and out, forward or inverse (scaled by
//! 1/n), for 1 <= n <= 2^NTT_LOG_MAX points. A job is a sequence of batches
//! of up to NTT_MAX_POINTS points, each batch one or more transforms of the
//! same size (back to back, or interleaved on input and output).
//!
//! Three processes work on three bank sets in rotation, so a long job keeps
//! the butterflies busy: LOAD streams batch j + 1 into a free set while
//! COMPUTE runs batch j in another, U butterflies per cycle, stage by stage
//! (draining the butterfly pipeline between stages so no value is read
//! before it is written), and UNLOAD reads batch j - 1 from the third in
//! bit-reversed order through the output multiplier (1 or 1/n, or a factor
//! the job gives, so a constant rides on a transform). A set's
//! status (free, loaded, computed) hands it from one process to the next.
//!
//! U butterfly units (U = 2^NTT_UNITS_LOG2) issue butterflies jg = kU .. kU+U-1
//! of a stage together. Banking: 2U banks per set; address a lives in bank
//! (a mod U) + U parity(a >> log2 U), at index a >> (log2 U + 1). The 2U
//! points of the U butterflies always fall in 2U different banks (for
//! distance h >= U the units differ in a mod U and each pair in the parity;
//! for h < U they are one aligned block of 2U addresses), so every bank
//! serves one read and one write per cycle, through read and write crossbars.

use super::bit_permute::BitPermute;
use super::order_selects::OrderSelects;
use super::unload_order::UnloadOrder;
use super::butterfly::{BUTTERFLY_LATENCY, Butterfly};
use super::roots;
use crate::engine::JobShell;
use crate::field::{MONT_MUL_LATENCY, MontMul, MulImpl};
use crate::params::FieldId;
use crate::regmap;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// log2 of the largest transform held on chip (a build parameter).
pub const NTT_LOG_MAX: usize = 12;
/// Largest on-chip transform, in points.
pub const NTT_MAX_POINTS: usize = 1 << NTT_LOG_MAX;
/// log2 of the number of butterfly units (a build parameter: change it
/// together with the `ntt_core_logic!` invocation at the end of this file).
pub const NTT_UNITS_LOG2: usize = 2;
/// Butterfly units.
pub const NTT_UNITS: usize = 1 << NTT_UNITS_LOG2;
/// Memory banks of one set: two per unit.
pub const NTT_BANKS: usize = 2 * NTT_UNITS;
/// Bank sets: one loading, one computing, one unloading.
pub const NTT_SETS: usize = 3;
/// Address bits of one bank.
pub const NTT_BANK_BITS: usize = NTT_LOG_MAX - NTT_UNITS_LOG2 - 1;
/// Cycles from a butterfly's read to its write-back (read + butterfly).
pub const NTT_WRITEBACK_DELAY: usize = 1 + BUTTERFLY_LATENCY;
/// Idle cycles between stages: the last butterfly's results must land first.
pub const NTT_DRAIN_CYCLES: usize = NTT_WRITEBACK_DELAY;
/// Cycles from an unload read to its result entering the output FIFO.
pub const NTT_UNLOAD_LATENCY: usize = 1 + MONT_MUL_LATENCY;
/// log2 of the output FIFO depth.
pub const NTT_OUT_FIFO_LOG2: usize = 5;

const _: () = assert!(NTT_WRITEBACK_DELAY == 25, "delay line below is unrolled for 25");
const _: () = assert!((1 << NTT_OUT_FIFO_LOG2) > NTT_UNLOAD_LATENCY);

type Addr = Bits<NTT_LOG_MAX>;
type Count = Bits<{ NTT_LOG_MAX + 1 }>;
type OutFifo = SynchronousFIFO<Bits<256>, NTT_OUT_FIFO_LOG2, { NTT_OUT_FIFO_LOG2 + 1 }, 1>;

/// The compute process.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum NttPhase {
    Idle,
    Compute,
    Drain,
}

/// A bank set's status: which process owns it.
const SET_FREE: u64 = 0;
const SET_LOADED: u64 = 1;
const SET_COMPUTED: u64 = 2;

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
    /// Points in the job (a power of two, a multiple of the batch).
    pub job_count: Signal<In, Bits<32>>,
    /// log2 of the points per batch (<= NTT_LOG_MAX); 0: the job is one
    /// batch (JOB_COUNT <= NTT_MAX_POINTS).
    pub job_batch_log: Signal<In, Bits<32>>,
    /// log2 of each transform's size.
    pub job_log_size: Signal<In, Bits<32>>,
    /// log2 B of the transforms interleaved on input: point i of transform
    /// t is input beat i B + t of its batch (0: back to back). B > 1 needs
    /// a batch of B m points.
    pub job_in_ilv: Signal<In, Bits<4>>,
    /// log2 B of the transforms interleaved on output, as `job_in_ilv`.
    pub job_out_ilv: Signal<In, Bits<4>>,
    /// A refusal code from outside the core (the data port's layout check,
    /// registered there; 0 accepts).
    pub job_ext_refuse: Signal<In, Bits<32>>,
    /// NTT_MODE bit16: multiply every result by `job_scale` instead of 1
    /// (NTT) or 1/m (INTT).
    pub job_scale_en: Signal<In, Bit>,
    /// NTT_SCALE: that factor, Montgomery form, reduced (checked outside).
    pub job_scale: Signal<In, Bits<256>>,
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
    /// Set s, bank b is `banks[s * NTT_BANKS + b]`.
    banks: [RAM<Bits<256>, NTT_BANK_BITS>; NTT_SETS * NTT_BANKS],
    /// One twiddle ROM per unit (each unit reads its own twiddle every cycle).
    twiddles: [RAM<Bits<256>, NTT_LOG_MAX>; NTT_UNITS],
    scales: RAM<Bits<256>, 5>,
    bfly: [Butterfly; NTT_UNITS],
    scale_mul: MontMul,
    /// Where each output of the unloading batch is read.
    order: UnloadOrder,
    /// Where each input point of a batch is written: the job's permutation
    /// of the load count's bits, set while idle from the job registers (they
    /// hold for a cycle before the start), so it is ready for the first beat.
    load_selects: OrderSelects,
    load_sel: DFF<Bits<60>>,
    load_perm: BitPermute,
    out_fifo: OutFifo,
    shell: JobShell,
    /// The job's refusal code (0 accepts) and its start, decided as the shell does.
    refuse: Signal<Local, Bits<32>>,
    accept: Signal<Local, Bit>,
    op_intt: Constant<Bits<32>>,
    field_fr: Constant<Bits<32>>,
    max_points: Constant<Bits<32>>,
    max_log: Constant<Bits<32>>,
    err_bad_field: Constant<Bits<32>>,
    err_zero_count: Constant<Bits<32>>,
    err_bad_size: Constant<Bits<32>>,
    err_tlast: Constant<Bits<32>>,
    err_bad_layout: Constant<Bits<32>>,
    drain_cycles: Constant<Bits<6>>,
    log_max: Constant<Bits<4>>,
    one_addr: Constant<Addr>,
    inverse_twiddle_base: Constant<Addr>,
    units_log2: Constant<Bits<4>>,
    unit_mask: Constant<Addr>,
    parity_bit: Constant<Addr>,
    unit_offset: [Constant<Addr>; NTT_UNITS],
    bank_id: [Constant<Addr>; NTT_BANKS],
    set_id: [Constant<Bits<2>>; NTT_SETS],
    set_free: Constant<Bits<2>>,
    set_loaded: Constant<Bits<2>>,
    set_computed: Constant<Bits<2>>,
    one32: Constant<Bits<32>>,
    running: DFF<Bit>,
    phase: DFF<NttPhase>,
    status: [DFF<Bits<2>>; NTT_SETS],
    ld_set: DFF<Bits<2>>,
    cp_set: DFF<Bits<2>>,
    ul_set: DFF<Bits<2>>,
    ul_set_d: DFF<Bits<2>>,
    /// Points per batch.
    batch: DFF<Count>,
    ld_count: DFF<Count>,
    ul_count: DFF<Count>,
    /// Batches still to load.
    ld_left: DFF<Bits<32>>,
    log_m: DFF<Bits<4>>,
    in_ilv: DFF<Bits<4>>,
    out_ilv: DFF<Bits<4>>,
    inverse: DFF<Bit>,
    /// The job's output factor replaces the 1 or 1/m of `scales`.
    scale_en: DFF<Bit>,
    scale_value: DFF<Bits<256>>,
    counter: DFF<Count>,
    stage: DFF<Bits<4>>,
    // The stage's shape, kept as state beside `stage` (set with it), so the
    // operand addresses do not start with subtractions and shifts of it.
    // half_log below is the span's log2, log_m - stage - 1.
    /// 2^half_log - 1.
    low_mask_r: DFF<Addr>,
    /// 2^half_log: q = p + 2^half_log.
    half_bit_r: DFF<Addr>,
    /// Twiddle index shift: NTT_LOG_MAX - 1 - half_log.
    tw_shift_r: DFF<Bits<4>>,
    /// The compute phase's last counter value (from the job's batch).
    last_cycle_r: DFF<Count>,
    drain_left: DFF<Bits<6>>,
    results_left: DFF<Bits<32>>,
    issue_d: [DFF<Bit>; NTT_UNITS],
    p_bank_d: [DFF<Addr>; NTT_UNITS],
    q_bank_d: [DFF<Addr>; NTT_UNITS],
    unload_issue_d: DFF<Bit>,
    unload_bank_d: DFF<Addr>,
    /// First butterfly index of each issue, riding along to the write-back.
    jg_delay: [DFF<Addr>; NTT_WRITEBACK_DELAY],
    drain_total: DFF<Bits<32>>,
    want_input: Signal<Local, Bit>,
    in_fire: Signal<Local, Bit>,
    out_fire: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    unload_issue: Signal<Local, Bit>,
    load_addr: Signal<Local, Addr>,
    load_bank: Signal<Local, Addr>,
    jg_base: Signal<Local, Addr>,
    half_count: Signal<Local, Count>,
    half12: Signal<Local, Addr>,
    last_cycle: Signal<Local, Count>,
    low_mask: Signal<Local, Addr>,
    jg: [Signal<Local, Addr>; NTT_UNITS],
    unit_valid: [Signal<Local, Bit>; NTT_UNITS],
    low: [Signal<Local, Addr>; NTT_UNITS],
    high: [Signal<Local, Addr>; NTT_UNITS],
    p: [Signal<Local, Addr>; NTT_UNITS],
    q: [Signal<Local, Addr>; NTT_UNITS],
    p_bank: [Signal<Local, Addr>; NTT_UNITS],
    q_bank: [Signal<Local, Addr>; NTT_UNITS],
    twiddle_low: [Signal<Local, Addr>; NTT_UNITS],
    wb_jg: [Signal<Local, Addr>; NTT_UNITS],
    wb_low: [Signal<Local, Addr>; NTT_UNITS],
    wb_p: [Signal<Local, Addr>; NTT_UNITS],
    wb_q: [Signal<Local, Addr>; NTT_UNITS],
    wb_p_bank: [Signal<Local, Addr>; NTT_UNITS],
    wb_q_bank: [Signal<Local, Addr>; NTT_UNITS],
    issued_count: [Signal<Local, Bits<4>>; 1 + NTT_UNITS],
    p_hi: [Signal<Local, Addr>; NTT_UNITS],
    q_hi: [Signal<Local, Addr>; NTT_UNITS],
    wb_p_hi: [Signal<Local, Addr>; NTT_UNITS],
    wb_q_hi: [Signal<Local, Addr>; NTT_UNITS],
    load_hi: Signal<Local, Addr>,
    unload_addr: Signal<Local, Addr>,
    unload_bank: Signal<Local, Addr>,
    // The job checks' first stage (the job registers hold for two cycles
    // before a start; the shell registers the code made from these).
    pow2_ok: DFF<Bit>,
    batch_ok: DFF<Bit>,
    span_ok: DFF<Bit>,
    ilv_ok: DFF<Bit>,
    /// The load and unload counters split into (transform, point) fields.
    /// Each process's set is ready for it.
    ld_free: Signal<Local, Bit>,
    cp_loaded: Signal<Local, Bit>,
    ul_ready: Signal<Local, Bit>,
    /// Pulses: a process is done with its set.
    ld_done: Signal<Local, Bit>,
    cp_done: Signal<Local, Bit>,
    ul_done: Signal<Local, Bit>,
    ld_next: Signal<Local, Bits<2>>,
    cp_next: Signal<Local, Bits<2>>,
    ul_next: Signal<Local, Bits<2>>,
    /// Read data of the computing and the unloading set, per bank.
    cp_rd: [Signal<Local, Bits<256>>; NTT_BANKS],
    ul_rd: [Signal<Local, Bits<256>>; NTT_BANKS],
    job_batch: Signal<Local, Bits<32>>,
    last_load: Signal<Local, Bit>,
}

/// Bank of address `a`: (a mod U) + U parity(a >> log2 U).
pub fn bank_of(a: usize) -> usize {
    (a & (NTT_UNITS - 1)) | ((((a >> NTT_UNITS_LOG2).count_ones() & 1) as usize) << NTT_UNITS_LOG2)
}

/// Index of address `a` inside its bank.
pub fn bank_index(a: usize) -> usize {
    a >> (NTT_UNITS_LOG2 + 1)
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
            job_batch_log: Default::default(),
            job_log_size: Default::default(),
            job_in_ilv: Default::default(),
            job_out_ilv: Default::default(),
            job_ext_refuse: Default::default(),
            job_scale_en: Default::default(),
            job_scale: Default::default(),
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
            banks: Default::default(),
            twiddles: std::array::from_fn(|_| rom(roots::twiddle_table(NTT_LOG_MAX as u32))),
            scales: rom(roots::scale_table()),
            bfly: std::array::from_fn(|_| Butterfly::new(mul)),
            scale_mul: MontMul::new(FieldId::Fr, mul),
            order: Default::default(),
            load_selects: OrderSelects::new(false),
            load_sel: Default::default(),
            load_perm: Default::default(),
            out_fifo: Default::default(),
            shell: JobShell::new(1 << NTT_OUT_FIFO_LOG2),
            refuse: Default::default(),
            accept: Default::default(),
            op_intt: c32(regmap::OP_INTT as u64),
            field_fr: c32(FieldId::Fr.code() as u64),
            max_points: c32(NTT_MAX_POINTS as u64),
            max_log: c32(NTT_LOG_MAX as u64),
            err_bad_field: c32(regmap::ERR_BAD_FIELD as u64),
            err_zero_count: c32(regmap::ERR_ZERO_COUNT as u64),
            err_bad_size: c32(regmap::ERR_BAD_SIZE as u64),
            err_tlast: c32(regmap::ERR_TLAST as u64),
            err_bad_layout: c32(regmap::ERR_BAD_LAYOUT as u64),
            drain_cycles: Constant::new((NTT_DRAIN_CYCLES as u64).into()),
            log_max: Constant::new((NTT_LOG_MAX as u64).into()),
            one_addr: Constant::new(1u64.into()),
            inverse_twiddle_base: Constant::new((1u64 << (NTT_LOG_MAX - 1)).into()),
            units_log2: Constant::new((NTT_UNITS_LOG2 as u64).into()),
            unit_mask: Constant::new(((NTT_UNITS - 1) as u64).into()),
            parity_bit: Constant::new(((NTT_UNITS) as u64).into()),
            unit_offset: std::array::from_fn(|u| Constant::new((u as u64).into())),
            bank_id: std::array::from_fn(|b| Constant::new((b as u64).into())),
            set_id: std::array::from_fn(|s| Constant::new((s as u64).into())),
            set_free: Constant::new(SET_FREE.into()),
            set_loaded: Constant::new(SET_LOADED.into()),
            set_computed: Constant::new(SET_COMPUTED.into()),
            one32: Constant::new(1u64.into()),
            running: Default::default(),
            phase: Default::default(),
            status: Default::default(),
            ld_set: Default::default(),
            cp_set: Default::default(),
            ul_set: Default::default(),
            ul_set_d: Default::default(),
            batch: Default::default(),
            ld_count: Default::default(),
            ul_count: Default::default(),
            ld_left: Default::default(),
            log_m: Default::default(),
            in_ilv: Default::default(),
            out_ilv: Default::default(),
            inverse: Default::default(),
            scale_en: Default::default(),
            scale_value: Default::default(),
            counter: Default::default(),
            stage: Default::default(),
            low_mask_r: Default::default(),
            half_bit_r: Default::default(),
            tw_shift_r: Default::default(),
            last_cycle_r: Default::default(),
            drain_left: Default::default(),
            results_left: Default::default(),
            issue_d: Default::default(),
            p_bank_d: Default::default(),
            q_bank_d: Default::default(),
            unload_issue_d: Default::default(),
            unload_bank_d: Default::default(),
            jg_delay: Default::default(),
            drain_total: Default::default(),
            want_input: Default::default(),
            in_fire: Default::default(),
            out_fire: Default::default(),
            issue: Default::default(),
            unload_issue: Default::default(),
            load_addr: Default::default(),
            load_bank: Default::default(),
            jg_base: Default::default(),
            half_count: Default::default(),
            half12: Default::default(),
            last_cycle: Default::default(),
            low_mask: Default::default(),
            jg: Default::default(),
            unit_valid: Default::default(),
            low: Default::default(),
            high: Default::default(),
            p: Default::default(),
            q: Default::default(),
            p_bank: Default::default(),
            q_bank: Default::default(),
            twiddle_low: Default::default(),
            wb_jg: Default::default(),
            wb_low: Default::default(),
            wb_p: Default::default(),
            wb_q: Default::default(),
            wb_p_bank: Default::default(),
            wb_q_bank: Default::default(),
            issued_count: Default::default(),
            p_hi: Default::default(),
            q_hi: Default::default(),
            wb_p_hi: Default::default(),
            wb_q_hi: Default::default(),
            load_hi: Default::default(),
            unload_addr: Default::default(),
            unload_bank: Default::default(),
            pow2_ok: Default::default(),
            batch_ok: Default::default(),
            span_ok: Default::default(),
            ilv_ok: Default::default(),
            ld_free: Default::default(),
            cp_loaded: Default::default(),
            ul_ready: Default::default(),
            ld_done: Default::default(),
            cp_done: Default::default(),
            ul_done: Default::default(),
            ld_next: Default::default(),
            cp_next: Default::default(),
            ul_next: Default::default(),
            cp_rd: Default::default(),
            ul_rd: Default::default(),
            job_batch: Default::default(),
            last_load: Default::default(),
        }
    }
}


/// The core's logic for one choice of units, written with the literal loop
/// bounds and widths rust-hdl needs: units, banks per set (2 units), log2 of
/// the units, bank-id bits (log2 units + 1), bank index bits, index shift.
macro_rules! ntt_core_logic {
    ($units:tt, $banks:tt, $ul:tt, $bb:tt, $bi:tt, $shift:tt) => {
        const _: () = assert!(
            $units == NTT_UNITS && $banks == NTT_BANKS && $ul == NTT_UNITS_LOG2
                && $bb == NTT_UNITS_LOG2 + 1 && $bi == NTT_BANK_BITS && $shift == NTT_UNITS_LOG2 + 1
                && NTT_LOG_MAX == 12 && NTT_WRITEBACK_DELAY == 25 && NTT_SETS == 3,
            "ntt_core_logic! literals do not match the NTT constants"
        );

        impl Logic for NttCore {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(
                    self, clock, running, phase, log_m, in_ilv, out_ilv, inverse, scale_en, scale_value, counter, stage, drain_left,
                    low_mask_r, half_bit_r, tw_shift_r, last_cycle_r,
                    results_left, unload_issue_d, unload_bank_d, drain_total, ld_set, cp_set, ul_set, ul_set_d,
                    batch, ld_count, ul_count, ld_left, load_sel, pow2_ok, batch_ok, span_ok, ilv_ok
                );
                clock!(self, clock, scale_mul, out_fifo, shell, order);
                self.shell.reset_n.next = self.reset_n.val();
                self.shell.start.next = self.start.val();
                for u in 0..$units {
                    self.bfly[u].clock.next = self.clock.val();
                    self.issue_d[u].clock.next = self.clock.val();
                    self.issue_d[u].d.next = self.issue_d[u].q.val();
                    self.p_bank_d[u].clock.next = self.clock.val();
                    self.p_bank_d[u].d.next = self.p_bank_d[u].q.val();
                    self.q_bank_d[u].clock.next = self.clock.val();
                    self.q_bank_d[u].d.next = self.q_bank_d[u].q.val();
                    self.twiddles[u].read_clock.next = self.clock.val();
                    self.twiddles[u].write_clock.next = self.clock.val();
                    // The ROMs are never written.
                    self.twiddles[u].write_enable.next = false;
                    self.twiddles[u].write_address.next = 0.into();
                    self.twiddles[u].write_data.next = 0.into();
                }
                for i in 0..25 {
                    self.jg_delay[i].clock.next = self.clock.val();
                }
                for s in 0..3 {
                    self.status[s].clock.next = self.clock.val();
                    self.status[s].d.next = self.status[s].q.val();
                }
                for k in 0..(3 * $banks) {
                    self.banks[k].read_clock.next = self.clock.val();
                    self.banks[k].write_clock.next = self.clock.val();
                }
                self.scales.read_clock.next = self.clock.val();
                self.scales.write_clock.next = self.clock.val();
                self.scales.write_enable.next = false;
                self.scales.write_address.next = 0.into();
                self.scales.write_data.next = 0.into();
                self.scales.read_address.next = bit_cast::<5, 4>(self.log_m.q.val())
                    | (bit_cast::<5, 1>(self.inverse.q.val().into()) << 4);

                // ---- Which set each process holds, and whether it is ready.
                self.ld_free.next = false;
                self.cp_loaded.next = false;
                self.ul_ready.next = false;
                for s in 0..3 {
                    if self.ld_set.q.val() == self.set_id[s].val() {
                        self.ld_free.next = self.status[s].q.val() == self.set_free.val();
                    }
                    if self.cp_set.q.val() == self.set_id[s].val() {
                        self.cp_loaded.next = self.status[s].q.val() == self.set_loaded.val();
                    }
                    if self.ul_set.q.val() == self.set_id[s].val() {
                        self.ul_ready.next = self.status[s].q.val() == self.set_computed.val();
                    }
                }
                self.ld_next.next = self.ld_set.q.val() + 1;
                if self.ld_set.q.val() == 2 {
                    self.ld_next.next = 0.into();
                }
                self.cp_next.next = self.cp_set.q.val() + 1;
                if self.cp_set.q.val() == 2 {
                    self.cp_next.next = 0.into();
                }
                self.ul_next.next = self.ul_set.q.val() + 1;
                if self.ul_set.q.val() == 2 {
                    self.ul_next.next = 0.into();
                }

                // ---- LOAD: point i of the batch goes to bank_of(i), index i >> (log2 U + 1).
                self.want_input.next =
                    self.running.q.val() & (self.ld_left.q.val() != 0) & self.ld_free.val() & self.reset_n.val();
                self.s_tready.next = self.want_input.val();
                self.in_fire.next = self.want_input.val() & self.s_tvalid.val();
                // Beat i B + t is point i of transform t: address t m + i.
                self.load_selects.log_m.next = self.job_log_size.val().get_bits::<4>(0);
                self.load_selects.ilv.next = self.job_in_ilv.val();
                if self.shell.idle.val() {
                    self.load_sel.d.next = self.load_selects.sel.val();
                }
                self.load_perm.sel.next = self.load_sel.q.val();
                self.load_perm.x.next = self.ld_count.q.val().get_bits::<12>(0);
                self.load_addr.next = self.load_perm.y.val();
                self.load_hi.next = self.load_addr.val() >> self.units_log2.val();
                self.load_bank.next = self.load_addr.val() & self.unit_mask.val();
                if self.load_hi.val().xor() {
                    self.load_bank.next = (self.load_addr.val() & self.unit_mask.val()) | self.parity_bit.val();
                }
                self.ld_done.next = self.in_fire.val() & (self.ld_count.q.val() == self.batch.q.val() - 1);
                self.last_load.next = (self.ld_left.q.val() == 1) & (self.ld_count.q.val() == self.batch.q.val() - 1);

                // ---- COMPUTE: unit u runs butterfly jg = counter * U + u of
                // stage `stage`, pairing p and q = p + 2^half_log.
                self.jg_base.next = self.counter.q.val().get_bits::<12>(0) << self.units_log2.val();
                self.half_count.next = self.batch.q.val() >> 1;
                self.half12.next = self.half_count.val().get_bits::<12>(0);
                self.last_cycle_r.d.next = (self.half_count.val() - 1) >> self.units_log2.val();
                self.last_cycle.next = self.last_cycle_r.q.val();
                self.low_mask.next = self.low_mask_r.q.val();
                self.issue.next = (self.phase.q.val() == NttPhase::Compute) & self.reset_n.val();
                self.issued_count[0].next = 0.into();
                for u in 0..$units {
                    self.jg[u].next = self.jg_base.val() | self.unit_offset[u].val();
                    self.unit_valid[u].next = self.issue.val() & (self.jg[u].val() < self.half12.val());
                    self.low[u].next = self.jg[u].val() & self.low_mask.val();
                    // (jg >> half_log) << (half_log + 1), without the shifter.
                    self.high[u].next = (self.jg[u].val() & !self.low_mask.val()) << 1;
                    self.p[u].next = self.high[u].val() | self.low[u].val();
                    self.q[u].next = self.p[u].val() | self.half_bit_r.q.val();
                    self.p_hi[u].next = self.p[u].val() >> self.units_log2.val();
                    self.q_hi[u].next = self.q[u].val() >> self.units_log2.val();
                    self.p_bank[u].next = self.p[u].val() & self.unit_mask.val();
                    if self.p_hi[u].val().xor() {
                        self.p_bank[u].next = (self.p[u].val() & self.unit_mask.val()) | self.parity_bit.val();
                    }
                    self.q_bank[u].next = self.q[u].val() & self.unit_mask.val();
                    if self.q_hi[u].val().xor() {
                        self.q_bank[u].next = (self.q[u].val() & self.unit_mask.val()) | self.parity_bit.val();
                    }
                    // Twiddle w_n^(low * 2^stage) = w_N^(low << (NTT_LOG_MAX - 1 - half_log)).
                    self.twiddle_low[u].next = self.low[u].val() << self.tw_shift_r.q.val();
                    if self.inverse.q.val() {
                        self.twiddles[u].read_address.next =
                            self.twiddle_low[u].val() | self.inverse_twiddle_base.val();
                    } else {
                        self.twiddles[u].read_address.next = self.twiddle_low[u].val();
                    }
                    // Counted from the registered issue (the job's total is the same).
                    self.issued_count[u + 1].next = self.issued_count[u].val();
                    if self.issue_d[u].q.val() {
                        self.issued_count[u + 1].next = self.issued_count[u].val() + 1;
                    }
                    self.issue_d[u].d.next = self.unit_valid[u].val();
                    self.p_bank_d[u].d.next = self.p_bank[u].val();
                    self.q_bank_d[u].d.next = self.q_bank[u].val();
                }

                // ---- UNLOAD: output i of each transform is at index bitrev(i);
                // the unload order keeps the address a step ahead of the count.
                self.unload_issue.next =
                    self.running.q.val() & self.ul_ready.val() & self.shell.credit_free.val() & self.reset_n.val();
                self.ul_done.next = self.unload_issue.val() & (self.ul_count.q.val() == self.batch.q.val() - 1);
                self.order.log_m.next = self.log_m.q.val();
                self.order.out_ilv.next = self.out_ilv.q.val();
                self.order.count.next = self.ul_count.q.val().get_bits::<12>(0);
                self.order.advance.next = self.unload_issue.val();
                self.order.restart.next = self.ul_done.val();
                self.unload_addr.next = self.order.addr.val();
                self.unload_bank.next = self.order.bank.val();

                // Read crossbar: a computed set serves the unload, any other
                // set the operand that lives in each of its banks.
                for s in 0..3 {
                    for b in 0..$banks {
                        self.banks[s * $banks + b].read_address.next = self.unload_addr.val().get_bits::<$bi>($shift);
                        if self.status[s].q.val() != self.set_computed.val() {
                            for u in 0..$units {
                                if self.p_bank[u].val() == self.bank_id[b].val() {
                                    self.banks[s * $banks + b].read_address.next = self.p[u].val().get_bits::<$bi>($shift);
                                }
                                if self.q_bank[u].val() == self.bank_id[b].val() {
                                    self.banks[s * $banks + b].read_address.next = self.q[u].val().get_bits::<$bi>($shift);
                                }
                            }
                        }
                    }
                }
                self.unload_issue_d.d.next = self.unload_issue.val();
                self.unload_bank_d.d.next = self.unload_bank.val();
                self.ul_set_d.d.next = self.ul_set.q.val();

                // Each bank's read data from the computing and the unloading set.
                for b in 0..$banks {
                    self.cp_rd[b].next = self.banks[b].read_data.val();
                    self.ul_rd[b].next = self.banks[b].read_data.val();
                    for s in 1..3 {
                        if self.cp_set.q.val() == self.set_id[s].val() {
                            self.cp_rd[b].next = self.banks[s * $banks + b].read_data.val();
                        }
                        if self.ul_set_d.q.val() == self.set_id[s].val() {
                            self.ul_rd[b].next = self.banks[s * $banks + b].read_data.val();
                        }
                    }
                }

                // Butterflies, one cycle after the reads.
                for u in 0..$units {
                    self.bfly[u].x.next = 0.into();
                    self.bfly[u].y.next = 0.into();
                    for b in 0..$banks {
                        if self.p_bank_d[u].q.val() == self.bank_id[b].val() {
                            self.bfly[u].x.next = self.cp_rd[b].val();
                        }
                        if self.q_bank_d[u].q.val() == self.bank_id[b].val() {
                            self.bfly[u].y.next = self.cp_rd[b].val();
                        }
                    }
                    self.bfly[u].w.next = self.twiddles[u].read_data.val();
                    self.bfly[u].valid_in.next = self.issue_d[u].q.val();
                }

                // Write-back: the first butterfly index travels with the
                // issue; p and q are recomputed (half_log is constant until
                // the pipeline has drained).
                self.jg_delay[0].d.next = self.jg_base.val();
                for i in 0..24 {
                    self.jg_delay[i + 1].d.next = self.jg_delay[i].q.val();
                }
                for u in 0..$units {
                    self.wb_jg[u].next = self.jg_delay[24].q.val() | self.unit_offset[u].val();
                    self.wb_low[u].next = self.wb_jg[u].val() & self.low_mask.val();
                    self.wb_p[u].next = ((self.wb_jg[u].val() & !self.low_mask.val()) << 1) | self.wb_low[u].val();
                    self.wb_q[u].next = self.wb_p[u].val() | self.half_bit_r.q.val();
                    self.wb_p_hi[u].next = self.wb_p[u].val() >> self.units_log2.val();
                    self.wb_q_hi[u].next = self.wb_q[u].val() >> self.units_log2.val();
                    self.wb_p_bank[u].next = self.wb_p[u].val() & self.unit_mask.val();
                    if self.wb_p_hi[u].val().xor() {
                        self.wb_p_bank[u].next = (self.wb_p[u].val() & self.unit_mask.val()) | self.parity_bit.val();
                    }
                    self.wb_q_bank[u].next = self.wb_q[u].val() & self.unit_mask.val();
                    if self.wb_q_hi[u].val().xor() {
                        self.wb_q_bank[u].next = (self.wb_q[u].val() & self.unit_mask.val()) | self.parity_bit.val();
                    }
                }
                // Write crossbar: a free set takes the loads, the computing
                // set the butterfly results.
                for s in 0..3 {
                    for b in 0..$banks {
                        self.banks[s * $banks + b].write_address.next = self.load_addr.val().get_bits::<$bi>($shift);
                        self.banks[s * $banks + b].write_data.next = self.s_tdata.val();
                        self.banks[s * $banks + b].write_enable.next = false;
                        if self.status[s].q.val() == self.set_free.val() {
                            self.banks[s * $banks + b].write_enable.next = self.in_fire.val()
                                & (self.ld_set.q.val() == self.set_id[s].val())
                                & (self.load_bank.val() == self.bank_id[b].val());
                        } else if self.cp_set.q.val() == self.set_id[s].val() {
                            for u in 0..$units {
                                if self.wb_p_bank[u].val() == self.bank_id[b].val() {
                                    self.banks[s * $banks + b].write_address.next = self.wb_p[u].val().get_bits::<$bi>($shift);
                                    self.banks[s * $banks + b].write_data.next = self.bfly[u].sum.val();
                                    self.banks[s * $banks + b].write_enable.next = self.bfly[u].valid_out.val();
                                }
                                if self.wb_q_bank[u].val() == self.bank_id[b].val() {
                                    self.banks[s * $banks + b].write_address.next = self.wb_q[u].val().get_bits::<$bi>($shift);
                                    self.banks[s * $banks + b].write_data.next = self.bfly[u].prod.val();
                                    self.banks[s * $banks + b].write_enable.next = self.bfly[u].valid_out.val();
                                }
                            }
                        }
                    }
                }

                // Output multiplier (1 or 1/n, or the job's factor), then the FIFO.
                self.scale_mul.a.next = 0.into();
                for b in 0..$banks {
                    if self.unload_bank_d.q.val() == self.bank_id[b].val() {
                        self.scale_mul.a.next = self.ul_rd[b].val();
                    }
                }
                self.scale_mul.b.next = self.scales.read_data.val();
                if self.scale_en.q.val() {
                    self.scale_mul.b.next = self.scale_value.q.val();
                }
                self.scale_mul.valid_in.next = self.unload_issue_d.q.val();
                self.out_fifo.write.next = self.scale_mul.valid_out.val() & self.reset_n.val();
                self.out_fifo.data_in.next = self.scale_mul.y.val();
                self.m_tdata.next = self.out_fifo.data_out.val();
                self.m_tvalid.next = !self.out_fifo.empty.val() & self.reset_n.val();
                self.m_tlast.next = self.results_left.q.val() == 1;
                self.out_fire.next = !self.out_fifo.empty.val() & self.m_tready.val();
                self.out_fifo.read.next = self.out_fire.val();

                // ---- The shell: credits, counters, faults, start and end.
                self.shell.in_want.next = self.want_input.val();
                self.shell.in_valid.next = self.s_tvalid.val();
                self.shell.in_fire.next = self.in_fire.val();
                self.shell.out_valid.next = self.m_tvalid.val();
                self.shell.out_ready.next = self.m_tready.val();
                self.shell.credit_take.next = self.unload_issue.val();
                self.shell.ops.next = bit_cast::<32, 4>(self.issued_count[$units].val());
                // TLAST must mark exactly the job's last input beat.
                self.shell.fault.next = self.in_fire.val() & (self.s_tlast.val() != self.last_load.val());
                self.shell.fault_code.next = self.err_tlast.val();
                self.shell.finish.next = false;

                // ---- The three processes.
                if self.in_fire.val() {
                    self.ld_count.d.next = self.ld_count.q.val() + 1;
                    if self.ld_done.val() {
                        self.ld_count.d.next = 0.into();
                        self.ld_left.d.next = self.ld_left.q.val() - 1;
                        self.ld_set.d.next = self.ld_next.val();
                    }
                }
                self.cp_done.next = false;
                if self.phase.q.val() == NttPhase::Idle {
                    if self.running.q.val() & self.cp_loaded.val() {
                        self.counter.d.next = 0.into();
                        self.stage.d.next = 0.into();
                        self.half_bit_r.d.next = self.one_addr.val() << (self.log_m.q.val() - 1);
                        self.low_mask_r.d.next = (self.one_addr.val() << (self.log_m.q.val() - 1)) - 1;
                        self.tw_shift_r.d.next = self.log_max.val() - self.log_m.q.val();
                        if self.log_m.q.val() == 0 {
                            self.cp_done.next = true;
                        } else {
                            self.phase.d.next = NttPhase::Compute;
                        }
                    }
                } else if self.phase.q.val() == NttPhase::Compute {
                    self.counter.d.next = self.counter.q.val() + 1;
                    if self.counter.q.val() == self.last_cycle.val() {
                        self.counter.d.next = 0.into();
                        self.drain_left.d.next = self.drain_cycles.val();
                        self.phase.d.next = NttPhase::Drain;
                    }
                } else {
                    self.drain_left.d.next = self.drain_left.q.val() - 1;
                    if self.drain_left.q.val() == 1 {
                        if self.stage.q.val() == self.log_m.q.val() - 1 {
                            self.cp_done.next = true;
                            self.phase.d.next = NttPhase::Idle;
                        } else {
                            self.stage.d.next = self.stage.q.val() + 1;
                            self.half_bit_r.d.next = self.half_bit_r.q.val() >> 1;
                            self.low_mask_r.d.next = self.low_mask_r.q.val() >> 1;
                            self.tw_shift_r.d.next = self.tw_shift_r.q.val() + 1;
                            self.phase.d.next = NttPhase::Compute;
                        }
                    }
                }
                if self.cp_done.val() {
                    self.cp_set.d.next = self.cp_next.val();
                }
                if self.unload_issue.val() {
                    self.ul_count.d.next = self.ul_count.q.val() + 1;
                    if self.ul_done.val() {
                        self.ul_count.d.next = 0.into();
                        self.ul_set.d.next = self.ul_next.val();
                    }
                }
                for s in 0..3 {
                    if self.ld_done.val() & (self.ld_set.q.val() == self.set_id[s].val()) {
                        self.status[s].d.next = self.set_loaded.val();
                    }
                    if self.cp_done.val() & (self.cp_set.q.val() == self.set_id[s].val()) {
                        self.status[s].d.next = self.set_computed.val();
                    }
                    if self.ul_done.val() & (self.ul_set.q.val() == self.set_id[s].val()) {
                        self.status[s].d.next = self.set_free.val();
                    }
                }
                if self.out_fire.val() {
                    self.results_left.d.next = self.results_left.q.val() - 1;
                    if self.results_left.q.val() == 1 {
                        self.running.d.next = false;
                        self.shell.finish.next = true;
                    }
                }

                // ---- Drain cycles (the shell counts the rest).
                if self.phase.q.val() == NttPhase::Drain {
                    self.drain_total.d.next = self.drain_total.q.val() + 1;
                }

                // ---- Job start: batches of a power of two points, m <= batch
                // <= maximum, the count a multiple of the batch.
                self.job_batch.next = self.one32.val() << self.job_batch_log.val().get_bits::<5>(0);
                if self.job_batch_log.val() == 0 {
                    self.job_batch.next = self.job_count.val();
                }
                self.pow2_ok.d.next = (self.job_count.val() & (self.job_count.val() - 1)) == 0;
                self.batch_ok.d.next = (self.job_batch_log.val() <= self.max_log.val())
                    & (self.job_batch.val() <= self.max_points.val())
                    & (self.job_count.val() >= self.job_batch.val());
                self.span_ok.d.next = (self.job_log_size.val() <= self.max_log.val())
                    & ((self.job_batch.val() >> self.job_log_size.val().get_bits::<5>(0)) != 0);
                // Interleaved transforms must fill the batch exactly: batch = B m.
                self.ilv_ok.d.next = ((self.job_in_ilv.val() == 0)
                    | ((self.job_batch.val() >> self.job_log_size.val().get_bits::<5>(0))
                        == (self.one32.val() << self.job_in_ilv.val())))
                    & ((self.job_out_ilv.val() == 0)
                        | ((self.job_batch.val() >> self.job_log_size.val().get_bits::<5>(0))
                            == (self.one32.val() << self.job_out_ilv.val())));
                self.refuse.next = 0.into();
                if self.job_field.val() != self.field_fr.val() {
                    self.refuse.next = self.err_bad_field.val();
                } else if self.job_count.val() == 0 {
                    self.refuse.next = self.err_zero_count.val();
                } else if !(self.pow2_ok.q.val() & self.batch_ok.q.val() & self.span_ok.q.val()) {
                    self.refuse.next = self.err_bad_size.val();
                } else if !self.ilv_ok.q.val() {
                    self.refuse.next = self.err_bad_layout.val();
                } else if self.job_ext_refuse.val() != 0 {
                    self.refuse.next = self.job_ext_refuse.val();
                }
                if self.start.val() & self.shell.idle.val() {
                    self.drain_total.d.next = 0.into();
                }
                self.shell.refuse_code.next = self.refuse.val();
                self.accept.next =
                    self.start.val() & self.shell.idle.val() & self.shell.job_ok.val() & self.reset_n.val();
                if self.accept.val() {
                    self.running.d.next = true;
                    self.phase.d.next = NttPhase::Idle;
                    self.log_m.d.next = self.job_log_size.val().get_bits::<4>(0);
                    self.in_ilv.d.next = self.job_in_ilv.val();
                    self.out_ilv.d.next = self.job_out_ilv.val();
                    self.inverse.d.next = self.job_op.val() == self.op_intt.val();
                    self.scale_en.d.next = self.job_scale_en.val();
                    self.scale_value.d.next = self.job_scale.val();
                    self.batch.d.next = self.job_batch.val().get_bits::<13>(0);
                    self.ld_left.d.next = self.job_count.val() >> self.job_batch_log.val().get_bits::<5>(0);
                    if self.job_batch_log.val() == 0 {
                        self.ld_left.d.next = 1.into();
                    }
                    self.results_left.d.next = self.job_count.val();
                    self.counter.d.next = 0.into();
                    self.stage.d.next = 0.into();
                    self.ld_count.d.next = 0.into();
                    self.ul_count.d.next = 0.into();
                    self.ld_set.d.next = 0.into();
                    self.cp_set.d.next = 0.into();
                    self.ul_set.d.next = 0.into();
                    for s in 0..3 {
                        self.status[s].d.next = self.set_free.val();
                    }
                }

                // Reset: stop, drop in-flight results and drain the FIFO.
                if !self.reset_n.val() {
                    self.running.d.next = false;
                    self.phase.d.next = NttPhase::Idle;
                    for s in 0..3 {
                        self.status[s].d.next = self.set_free.val();
                    }
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
                self.perf_drain.next = self.drain_total.q.val();
            }
        }
    };
}

// units, banks per set, log2 units, bank-id bits, bank index bits, index shift.
ntt_core_logic!(4, 8, 2, 3, 9, 3);

#[cfg(test)]
mod tests {
    use super::*;

    /// The banking claim: the 2U points of the U butterflies issued together
    /// sit in 2U different banks, for every size and stage. Units past the
    /// stage's last butterfly (tiny transforms) still drive the crossbars, so
    /// the whole block of U is checked.
    #[test]
    fn units_never_share_a_bank() {
        for log_m in 1..=NTT_LOG_MAX {
            let half = 1usize << (log_m - 1);
            for stage in 0..log_m {
                let hl = log_m - stage - 1;
                let mask = (1usize << hl) - 1;
                for base in (0..half).step_by(NTT_UNITS) {
                    let mut used = [false; NTT_BANKS];
                    for jg in base..base + NTT_UNITS {
                        let p = ((jg >> hl) << (hl + 1)) | (jg & mask);
                        for a in [p, p + (1 << hl)] {
                            assert!(!used[bank_of(a)], "log_m {log_m} stage {stage} jg {jg}: bank clash");
                            used[bank_of(a)] = true;
                        }
                    }
                }
            }
        }
        // Every address has a distinct (bank, index) slot.
        let mut seen = std::collections::HashSet::new();
        for a in 0..NTT_MAX_POINTS {
            assert!(seen.insert((bank_of(a), bank_index(a))));
            assert!(bank_index(a) < 1 << NTT_BANK_BITS);
        }
    }
}
