//! MSM engine: sum_i s_i P_i over BN254 G1 by Pippenger's bucket method, one
//! point addition per cycle.
//!
//! The bases live in card memory; the host streams only the scalars. The feed
//! (`msm_feed`) drops zero scalars, reads each other's base, converts the
//! scalar from Montgomery form and recodes it into signed c-bit digits (one
//! per window). Every nonzero digit d of window w is an *item*: the point
//! (negated if d < 0) for bucket key (w - first) 2^(c-1) + |d| - 1, where
//! `first` is the engine's first window: each engine's keys start at 0, so
//! its bucket memory holds its own windows only.
//!
//! Conflicts without stalls ("merge or park"): each cycle the decision stage
//! sees the adder's result O (never stalled) and the next item F, and the
//! occupancy flags of both keys. A key's bucket holds at most one parked
//! point; any two points of the same key may be added, in any order:
//! - O and F share a key: add them.
//! - O's bucket is full: take it, add it to O; F may still park.
//! - O's bucket is empty: park O; F takes its full bucket (add) or parks.
//! - no O: F takes (add) or parks.
//! A result whose bucket gained a point while it was in flight simply merges
//! again: no point is lost or counted twice, nothing waits on the pipeline,
//! and skewed inputs (every item in one bucket) pair up in a tree at full rate.
//!
//! An engine may own only a range of the job's windows (`job_first_window`
//! to `job_end_window`): it recodes every window, issues the items of its
//! own, reduces its own, and its combination runs from its top window down
//! to window 0, so the result is its windows' share of the MSM
//! (`msm_pair`: two engines on one job).
//!
//! Phases: ACCUMULATE (stream in, items, drain), REDUCE (each bucket j of
//! window w is fetched and added once into result key (w, b) for every bit b
//! set in j, by the same merge logic), COMBINE (`msm_combiner`: sum
//! 2^(c w + b) R_{w,b} by Horner's rule on the same adder), UNLOAD (the MSM,
//! one projective point).
//!
//! Stream formats: in, one beat per scalar (arkworks' Montgomery form); out,
//! 3 beats (X, Y, Z, Montgomery form, homogeneous projective; (0 : 1 : 0) is
//! the point at infinity). Card memory:
//! base i at MSM_BASES_ADDR + 64 i, x then y (Montgomery form), (0, 0) for
//! the point at infinity.

use super::bucket_flags::BucketFlags;
use super::bucket_ram::{BucketRam, POINT_BITS};
use super::lane_keys::LaneKeys;
use super::lane_picker::{LanePicker, PICKER_LANES};
use super::msm_combiner::MsmCombiner;
use super::msm_feed::MsmFeed;
use crate::engine::JobShell;
use crate::mem::{CARD_ADDR_BITS, CARD_RECORD_BITS};
use crate::ec::{POINT_ADD_LATENCY, PointAdd};
use crate::ec::reference::one_mont;
use crate::field::MulImpl;
use crate::params::FieldId;
use crate::regmap;
use rust_hdl::prelude::*;

/// Address bits of the bucket memory (build parameter): 2^16 keys.
pub const MSM_KEY_BITS: usize = 16;
/// Most windows per job (digit lanes per point).
pub const MSM_MAX_WINDOWS: usize = PICKER_LANES;
/// Widest window, in bits (bucket indices up to 2^(c-1) need c result keys).
pub const MSM_MAX_WINDOW_BITS: usize = 16;
/// Narrowest window, in bits.
pub const MSM_MIN_WINDOW_BITS: usize = 2;
/// First result key; result (w, b) lives at MSM_RESULT_BASE + 16 w + b.
pub const MSM_RESULT_BASE: usize = (1 << MSM_KEY_BITS) - MSM_MAX_WINDOWS * MSM_MAX_WINDOW_BITS;
/// Bucket keys available to an engine: its windows << (c - 1) must not exceed this.
pub const MSM_BUCKET_CAPACITY: usize = MSM_RESULT_BASE;
/// Input beats per scalar.
pub const MSM_BEATS_PER_SCALAR: usize = 1;
/// Card-memory bytes per base: x, y (Montgomery form); (0, 0) is infinity.
pub const MSM_BASE_BYTES: u64 = crate::mem::CARD_RECORD_BYTES;
/// Output beats per result: X, Y, Z.
pub const MSM_BEATS_PER_RESULT: usize = 3;
/// Cycles from a decision to its result reaching the decision stage again:
/// the operand register, then the point adder.
pub const MSM_LOOP_LATENCY: usize = 1 + POINT_ADD_LATENCY;

const _: () = assert!(MSM_KEY_BITS == 16 && MSM_MAX_WINDOWS == 32 && MSM_MAX_WINDOW_BITS == 16);

/// Most windows of width c one engine may own: every window's 2^(c-1)
/// buckets fit [MSM_BUCKET_CAPACITY] and there are at most
/// [MSM_MAX_WINDOWS]; 0 for a width outside the engine's range. A job's W
/// is at most [MSM_MAX_WINDOWS]; with two engines each owns its share.
pub const fn max_windows_of(c: usize) -> usize {
    if c < MSM_MIN_WINDOW_BITS || c > MSM_MAX_WINDOW_BITS {
        return 0;
    }
    let fit = MSM_BUCKET_CAPACITY >> (c - 1);
    if fit < MSM_MAX_WINDOWS { fit } else { MSM_MAX_WINDOWS }
}
// Additions in flight at reset come out while reset is still held.
const _: () = assert!(regmap::RESET_CYCLES as usize > MSM_LOOP_LATENCY);
// The occupancy flags are swept clear during reset.
const _: () = assert!(regmap::RESET_CYCLES as usize >= super::bucket_flags_model::flag_clear_cycles(MSM_KEY_BITS));

type Key = Bits<MSM_KEY_BITS>;
type Fe = Bits<256>;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum MsmPhase {
    Idle,
    Accumulate,
    Reduce,
    Combine,
    Unload,
}

#[derive(LogicBlock)]
pub struct MsmEngine {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low; hold for `regmap::RESET_CYCLES`.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: start a job with `job_*` (routed here for OP_MSM only).
    pub start: Signal<In, Bit>,
    /// Field code; must be Fq (the points' coordinates).
    pub job_field: Signal<In, Bits<32>>,
    /// Points in the job (>= 1).
    pub job_count: Signal<In, Bits<32>>,
    /// Window width c in bits.
    pub job_window_bits: Signal<In, Bits<32>>,
    /// Number of windows W.
    pub job_windows: Signal<In, Bits<32>>,
    /// First window this engine owns (0 for an engine alone): with two
    /// engines on one job, each adds the digits of its own windows only.
    pub job_first_window: Signal<In, Bits<6>>,
    /// One past the last window it owns (W for an engine alone); the job is
    /// refused unless first < end <= W <= 32 and end - first windows fit
    /// the bucket memory (`max_windows_of`). Its result is
    /// sum over its windows w of 2^(c w) times window w's sum.
    pub job_end_window: Signal<In, Bits<6>>,
    /// Windows the job's other engine owns (0 for an engine alone): checked
    /// against the bucket memory as this engine's own are, so both engines
    /// of a job refuse it together.
    pub job_peer_windows: Signal<In, Bits<6>>,
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
    /// Cycles of the last job a result beat waited on `m_tready`.
    pub perf_out_stall: Signal<Out, Bits<32>>,
    /// Input beats accepted in the last job.
    pub perf_beats_in: Signal<Out, Bits<32>>,
    /// Output beats sent in the last job.
    pub perf_beats_out: Signal<Out, Bits<32>>,
    /// Point additions issued in the last job (both phases).
    pub perf_ops: Signal<Out, Bits<32>>,
    /// Cycles of the ACCUMULATE phase.
    pub perf_accum: Signal<Out, Bits<32>>,
    /// Cycles of the REDUCE phase.
    pub perf_reduce: Signal<Out, Bits<32>>,
    /// Additions whose operand was a result still in flight when its bucket got another point.
    pub perf_conflicts: Signal<Out, Bits<32>>,
    /// ACCUMULATE cycles with no addition issued.
    pub perf_idle: Signal<Out, Bits<32>>,
    /// Additions issued in the REDUCE phase.
    pub perf_reduce_adds: Signal<Out, Bits<32>>,
    /// Cycles of the COMBINE phase.
    pub perf_combine: Signal<Out, Bits<32>>,
    /// Card-memory byte address of the job's base 0 (64-byte aligned).
    pub job_bases_addr: Signal<In, Bits<CARD_ADDR_BITS>>,
    /// Bases in the job's base buffer; JOB_COUNT must not exceed it.
    pub job_bases_count: Signal<In, Bits<32>>,
    /// Cycles the recoded digits waited for their base from card memory.
    pub perf_mem_stall: Signal<Out, Bits<32>>,
    /// Scalar stream data: one scalar per beat (arkworks' Montgomery form).
    pub s_tdata: Signal<In, Bits<256>>,
    /// Scalar stream valid.
    pub s_tvalid: Signal<In, Bit>,
    /// Scalar stream ready.
    pub s_tready: Signal<Out, Bit>,
    /// Scalar stream end of packet (expected on the last scalar).
    pub s_tlast: Signal<In, Bit>,
    /// Base read request to the card-memory port.
    pub mem_req_valid: Signal<Out, Bit>,
    /// The port takes the request.
    pub mem_req_ready: Signal<In, Bit>,
    /// Byte address of the base.
    pub mem_req_addr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// The oldest base read is back.
    pub mem_rsp_valid: Signal<In, Bit>,
    /// Take the oldest base.
    pub mem_rsp_ready: Signal<Out, Bit>,
    /// The oldest base (x low, y high).
    pub mem_rsp_data: Signal<In, Bits<CARD_RECORD_BITS>>,
    /// Its read failed.
    pub mem_rsp_error: Signal<In, Bit>,
    /// Output stream data: X, Y, Z of each result.
    pub m_tdata: Signal<Out, Bits<256>>,
    /// Output stream valid.
    pub m_tvalid: Signal<Out, Bit>,
    /// Output stream ready.
    pub m_tready: Signal<In, Bit>,
    /// Output stream end of packet.
    pub m_tlast: Signal<Out, Bit>,
    adder: PointAdd,
    feed: MsmFeed,
    combiner: MsmCombiner,
    ram: BucketRam<MSM_KEY_BITS>,
    flags: BucketFlags<MSM_KEY_BITS>,
    lane_keys: LaneKeys,
    picker: LanePicker,
    field_fq: Constant<Bits<32>>,
    err_bad_field: Constant<Bits<32>>,
    err_zero_count: Constant<Bits<32>>,
    err_bad_size: Constant<Bits<32>>,
    err_bad_digit: Constant<Bits<32>>,
    err_mem_range: Constant<Bits<32>>,
    /// 0..=16, to compare the window width's low bits against.
    c_code: [Constant<Bits<5>>; 17],
    /// Most windows of width c the engine may own, min(32, capacity >> (c - 1)),
    /// by c (0 outside 2..=16): the size check reads it as a table of c
    /// instead of shifting its windows by c - 1 and comparing (8 LUT levels in Yosys).
    max_w_of_c: [Constant<Bits<6>>; 17],
    /// MSM_MAX_WINDOWS: the digit lanes.
    most_windows: Constant<Bits<6>>,
    modulus: Constant<Fe>,
    one: Constant<Fe>,
    result_base: Constant<Key>,
    one_key: Constant<Key>,
    one_lanes: Constant<Bits<64>>,
    one_lane: Constant<Bits<32>>,
    phase: DFF<MsmPhase>,
    c_minus_1: DFF<Bits<4>>,
    windows: DFF<Bits<6>>,
    first_w: DFF<Bits<6>>,
    end_w: DFF<Bits<6>>,
    /// first_w 2^(c-1): subtracted from every lane's key.
    key_off: DFF<Key>,
    /// Windows the job's check sees this engine own, end - first.
    own_w: Signal<Local, Bits<6>>,
    window_mask: DFF<Bits<32>>,
    total: DFF<Bits<32>>,
    // Loader: the beats of one point.
    // The next point (accumulation) or fetched bucket (reduction) for the
    // expander, so it never waits between two.
    ld_full: DFF<Bit>,
    ld_x: DFF<Fe>,
    ld_y: DFF<Fe>,
    ld_z: DFF<Fe>,
    // Each lane's bucket key, sign, item and bad-digit flags (`LaneKeys`).
    ld_keys: DFF<Bits<512>>,
    ld_neg: DFF<Bits<32>>,
    ld_nonzero: DFF<Bits<32>>,
    ld_bad: DFF<Bits<32>>,
    ld_pending: DFF<Bits<32>>,
    ld_reduce: DFF<Bit>,
    ld_base: DFF<Key>,
    // Expander: the point whose items are being issued.
    ex_x: DFF<Fe>,
    ex_y: DFF<Fe>,
    ex_z: DFF<Fe>,
    ex_keys: DFF<Bits<512>>,
    ex_neg: DFF<Bits<32>>,
    ex_nonzero: DFF<Bits<32>>,
    ex_bad: DFF<Bits<32>>,
    ex_pending: DFF<Bits<32>>,
    ex_reduce: DFF<Bit>,
    ex_base: DFF<Key>,
    // The item (or bucket fetch) at the decision stage.
    fb_valid: DFF<Bit>,
    fb_fetch: DFF<Bit>,
    fb_key: DFF<Key>,
    fb_x: DFF<Fe>,
    fb_y: DFF<Fe>,
    fb_z: DFF<Fe>,
    // Reduction walker over the buckets.
    wk_w: DFF<Bits<6>>,
    /// wk_w - first_w: the walked window's place in this engine's keys.
    wk_rel: DFF<Bits<6>>,
    wk_j: DFF<Key>,
    wk_done: DFF<Bit>,
    fetch_out: DFF<Bit>,
    fetch_w: DFF<Bits<6>>,
    fetch_j: DFF<Key>,
    // Operand register in front of the adder.
    c_valid: DFF<Bit>,
    c_b_ram: DFF<Bit>,
    c_key: DFF<Key>,
    c_fetch: DFF<Bit>,
    c_ax: DFF<Fe>,
    c_ay: DFF<Fe>,
    c_az: DFF<Fe>,
    c_bx: DFF<Fe>,
    c_by: DFF<Fe>,
    c_bz: DFF<Fe>,
    in_flight: DFF<Bits<8>>,
    entering: Signal<Local, Bit>,
    // Unload.
    un_beat: DFF<Bits<2>>,
    combine_cycles: DFF<Bits<32>>,
    shell: JobShell,
    /// The job's refusal code (0 accepts) and its start, decided as the shell does.
    refuse: Signal<Local, Bits<32>>,
    accept: Signal<Local, Bit>,
    accum_cycles: DFF<Bits<32>>,
    reduce_cycles: DFF<Bits<32>>,
    conflicts: DFF<Bits<32>>,
    idle_cycles: DFF<Bits<32>>,
    reduce_adds: DFF<Bits<32>>,
    // Combinational.
    run: Signal<Local, Bit>,
    want_input: Signal<Local, Bit>,
    o_valid: Signal<Local, Bit>,
    o_key: Signal<Local, Key>,
    f_item: Signal<Local, Bit>,
    f_fetch: Signal<Local, Bit>,
    full_o: Signal<Local, Bit>,
    full_f: Signal<Local, Bit>,
    same: Signal<Local, Bit>,
    issue: Signal<Local, Bit>,
    a_from_o: Signal<Local, Bit>,
    b_ram: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    take_key: Signal<Local, Key>,
    /// The take is of O's key (else of F's).
    take_o: Signal<Local, Bit>,
    park_o: Signal<Local, Bit>,
    park_f: Signal<Local, Bit>,
    f_accept: Signal<Local, Bit>,
    fetch_hit: Signal<Local, Bit>,
    conflict: Signal<Local, Bit>,
    fb_free: Signal<Local, Bit>,
    want_fetch: Signal<Local, Bit>,
    ex_take: Signal<Local, Bit>,
    ex_load: Signal<Local, Bit>,
    digit_neg: Signal<Local, Bit>,
    item_key: Signal<Local, Key>,
    sel_bit: Signal<Local, Bits<32>>,
    fetch_key: Signal<Local, Key>,
    un_last: Signal<Local, Bit>,
    out_fire: Signal<Local, Bit>,
    o_point: Signal<Local, Bits<POINT_BITS>>,
    f_point: Signal<Local, Bits<POINT_BITS>>,
    ram_x: Signal<Local, Fe>,
    ram_y: Signal<Local, Fe>,
    ram_z: Signal<Local, Fe>,
    win_mask64: Signal<Local, Bits<64>>,
    first_mask64: Signal<Local, Bits<64>>,
    bad_digit: Signal<Local, Bit>,
    fetch_skip: Signal<Local, Bit>,
    job_c_minus_1: Signal<Local, Bits<4>>,
    max_w: Signal<Local, Bits<6>>,
    // The job checks' first stage (the job registers hold for two cycles
    // before a start; the shell registers the code made from these).
    size_ok: DFF<Bit>,
    range_ok: DFF<Bit>,
    accum_done: Signal<Local, Bit>,
    reduce_done: Signal<Local, Bit>,
    /// The reduction ends this cycle and the combination starts next.
    entering_combine: Signal<Local, Bit>,
}

impl MsmEngine {
    pub fn new(mul: MulImpl) -> Self {
        let c32 = |v: u64| Constant::new(v.into());
        let big = |v: num_bigint::BigUint| Constant::new(v.into());
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            job_field: Default::default(),
            job_count: Default::default(),
            job_window_bits: Default::default(),
            job_windows: Default::default(),
            job_first_window: Default::default(),
            job_end_window: Default::default(),
            job_peer_windows: Default::default(),
            idle: Default::default(),
            done: Default::default(),
            error: Default::default(),
            perf_busy: Default::default(),
            perf_in_stall: Default::default(),
            perf_out_stall: Default::default(),
            perf_beats_in: Default::default(),
            perf_beats_out: Default::default(),
            perf_ops: Default::default(),
            perf_accum: Default::default(),
            perf_reduce: Default::default(),
            perf_conflicts: Default::default(),
            perf_idle: Default::default(),
            perf_reduce_adds: Default::default(),
            perf_combine: Default::default(),
            job_bases_addr: Default::default(),
            job_bases_count: Default::default(),
            perf_mem_stall: Default::default(),
            s_tdata: Default::default(),
            s_tvalid: Default::default(),
            s_tready: Default::default(),
            s_tlast: Default::default(),
            mem_req_valid: Default::default(),
            mem_req_ready: Default::default(),
            mem_req_addr: Default::default(),
            mem_rsp_valid: Default::default(),
            mem_rsp_ready: Default::default(),
            mem_rsp_data: Default::default(),
            mem_rsp_error: Default::default(),
            m_tdata: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tlast: Default::default(),
            adder: PointAdd::new(mul),
            feed: MsmFeed::new(mul),
            combiner: MsmCombiner::new(one_mont().into()),
            ram: Default::default(),
            flags: Default::default(),
            lane_keys: Default::default(),
            picker: Default::default(),
            field_fq: c32(FieldId::Fq.code() as u64),
            err_bad_field: c32(regmap::ERR_BAD_FIELD as u64),
            err_zero_count: c32(regmap::ERR_ZERO_COUNT as u64),
            err_bad_size: c32(regmap::ERR_BAD_SIZE as u64),
            err_bad_digit: c32(regmap::ERR_BAD_DIGIT as u64),
            err_mem_range: c32(regmap::ERR_MEM_RANGE as u64),
            c_code: std::array::from_fn(|c| Constant::new((c as u64).into())),
            max_w_of_c: std::array::from_fn(|c| Constant::new((max_windows_of(c) as u64).into())),
            most_windows: Constant::new((MSM_MAX_WINDOWS as u64).into()),
            modulus: big(FieldId::Fq.modulus()),
            one: big(one_mont()),
            result_base: Constant::new((MSM_RESULT_BASE as u64).into()),
            one_key: Constant::new(1u64.into()),
            one_lanes: Constant::new(1u64.into()),
            one_lane: Constant::new(1u64.into()),
            phase: Default::default(),
            c_minus_1: Default::default(),
            windows: Default::default(),
            first_w: Default::default(),
            end_w: Default::default(),
            key_off: Default::default(),
            own_w: Default::default(),
            window_mask: Default::default(),
            total: Default::default(),
            ld_full: Default::default(),
            ld_x: Default::default(),
            ld_y: Default::default(),
            ld_z: Default::default(),
            ld_keys: Default::default(),
            ld_neg: Default::default(),
            ld_nonzero: Default::default(),
            ld_bad: Default::default(),
            ld_pending: Default::default(),
            ld_reduce: Default::default(),
            ld_base: Default::default(),
            ex_x: Default::default(),
            ex_y: Default::default(),
            ex_z: Default::default(),
            ex_keys: Default::default(),
            ex_neg: Default::default(),
            ex_nonzero: Default::default(),
            ex_bad: Default::default(),
            ex_pending: Default::default(),
            ex_reduce: Default::default(),
            ex_base: Default::default(),
            fb_valid: Default::default(),
            fb_fetch: Default::default(),
            fb_key: Default::default(),
            fb_x: Default::default(),
            fb_y: Default::default(),
            fb_z: Default::default(),
            wk_w: Default::default(),
            wk_rel: Default::default(),
            wk_j: Default::default(),
            wk_done: Default::default(),
            fetch_out: Default::default(),
            fetch_w: Default::default(),
            fetch_j: Default::default(),
            c_valid: Default::default(),
            c_b_ram: Default::default(),
            c_key: Default::default(),
            c_fetch: Default::default(),
            c_ax: Default::default(),
            c_ay: Default::default(),
            c_az: Default::default(),
            c_bx: Default::default(),
            c_by: Default::default(),
            c_bz: Default::default(),
            in_flight: Default::default(),
            entering: Default::default(),
            un_beat: Default::default(),
            combine_cycles: Default::default(),
            shell: JobShell::new(1),
            refuse: Default::default(),
            accept: Default::default(),
            accum_cycles: Default::default(),
            reduce_cycles: Default::default(),
            conflicts: Default::default(),
            idle_cycles: Default::default(),
            reduce_adds: Default::default(),
            run: Default::default(),
            want_input: Default::default(),
            o_valid: Default::default(),
            o_key: Default::default(),
            f_item: Default::default(),
            f_fetch: Default::default(),
            full_o: Default::default(),
            full_f: Default::default(),
            same: Default::default(),
            issue: Default::default(),
            a_from_o: Default::default(),
            b_ram: Default::default(),
            take: Default::default(),
            take_key: Default::default(),
            take_o: Default::default(),
            park_o: Default::default(),
            park_f: Default::default(),
            f_accept: Default::default(),
            fetch_hit: Default::default(),
            conflict: Default::default(),
            fb_free: Default::default(),
            want_fetch: Default::default(),
            ex_take: Default::default(),
            ex_load: Default::default(),
            digit_neg: Default::default(),
            item_key: Default::default(),
            sel_bit: Default::default(),
            fetch_key: Default::default(),
            un_last: Default::default(),
            out_fire: Default::default(),
            o_point: Default::default(),
            f_point: Default::default(),
            ram_x: Default::default(),
            ram_y: Default::default(),
            ram_z: Default::default(),
            win_mask64: Default::default(),
            first_mask64: Default::default(),
            bad_digit: Default::default(),
            fetch_skip: Default::default(),
            job_c_minus_1: Default::default(),
            max_w: Default::default(),
            size_ok: Default::default(),
            range_ok: Default::default(),
            accum_done: Default::default(),
            reduce_done: Default::default(),
            entering_combine: Default::default(),
        }
    }
}

impl Logic for MsmEngine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, size_ok, range_ok, phase, c_minus_1, windows, first_w, end_w, key_off, window_mask, total, ld_full, ld_x, ld_y, ld_z,
            ld_keys, ld_neg, ld_nonzero, ld_bad, ld_pending, ld_reduce, ld_base, ex_x, ex_y, ex_z, ex_keys, ex_neg,
            ex_nonzero, ex_bad, ex_pending, ex_reduce, ex_base, fb_valid,
            fb_fetch, fb_key, fb_x, fb_y, fb_z, wk_w, wk_rel, wk_j, wk_done, fetch_out, fetch_w, fetch_j, c_valid,
            c_b_ram, c_key, c_fetch, c_ax, c_ay, c_az, c_bx, c_by, c_bz, in_flight, un_beat, combine_cycles,
            accum_cycles, reduce_cycles, conflicts, idle_cycles, reduce_adds
        );
        clock!(self, clock, adder, feed, combiner, ram, flags, shell);
        self.lane_keys.digits.next = self.feed.p_digits.val();
        self.lane_keys.c_minus_1.next = self.c_minus_1.q.val();
        self.lane_keys.key_offset.next = self.key_off.q.val();
        self.shell.reset_n.next = self.reset_n.val();
        self.shell.start.next = self.start.val();
        self.shell.credit_take.next = false;
        self.shell.fault.next = false;
        self.shell.fault_code.next = self.err_bad_digit.val();
        self.shell.finish.next = false;
        self.run.next = self.reset_n.val() & (self.phase.q.val() != MsmPhase::Idle);

        // Combiner: result (w, b) is at key RESULT_BASE + 16 w + b.
        self.combiner.reset_n.next = self.reset_n.val();
        self.combiner.c_minus_1.next = self.c_minus_1.q.val();
        // Horner from the top of this engine's windows down to window 0, so
        // a range starting above 0 comes out weighted 2^(c first).
        self.combiner.windows.next = self.end_w.q.val();
        self.combiner.result_base.next = self.result_base.val();
        self.combiner.present.next = self.flags.rd_f.val();
        self.combiner.result_valid.next =
            self.adder.valid_out.val() & (self.phase.q.val() == MsmPhase::Combine);
        self.combiner.result_x.next = self.adder.x3.val();
        self.combiner.result_y.next = self.adder.y3.val();
        self.combiner.result_z.next = self.adder.z3.val();
        self.combiner.start.next = false;

        // ---- Loader: one point with its digits from the feed.
        self.feed.reset_n.next = self.reset_n.val();
        self.feed.job_begin.next = self.start.val() & self.shell.idle.val();
        self.feed.run.next = self.phase.q.val() == MsmPhase::Accumulate;
        self.feed.total.next = self.total.q.val();
        self.feed.bases_addr.next = self.job_bases_addr.val();
        self.feed.c_minus_1.next = self.c_minus_1.q.val();
        self.feed.windows.next = self.windows.q.val();
        self.feed.s_tdata.next = self.s_tdata.val();
        self.feed.s_tvalid.next = self.s_tvalid.val();
        self.feed.s_tlast.next = self.s_tlast.val();
        self.s_tready.next = self.feed.s_tready.val();
        self.mem_req_valid.next = self.feed.mem_req_valid.val();
        self.feed.mem_req_ready.next = self.mem_req_ready.val();
        self.mem_req_addr.next = self.feed.mem_req_addr.val();
        self.feed.mem_rsp_valid.next = self.mem_rsp_valid.val();
        self.mem_rsp_ready.next = self.feed.mem_rsp_ready.val();
        self.feed.mem_rsp_data.next = self.mem_rsp_data.val();
        self.feed.mem_rsp_error.next = self.mem_rsp_error.val();
        self.want_input.next =
            (self.phase.q.val() == MsmPhase::Accumulate) & !self.ld_full.q.val() & self.reset_n.val();
        self.feed.p_ready.next = self.want_input.val();
        if self.want_input.val() & self.feed.p_valid.val() {
            self.ld_full.d.next = true;
            self.ld_x.d.next = self.feed.p_x.val();
            self.ld_y.d.next = self.feed.p_y.val();
            self.ld_z.d.next = self.one.val();
            // A base at infinity (stored as 0, 0) enters as (0 : 1 : 0).
            if self.feed.p_inf.val() {
                self.ld_y.d.next = self.one.val();
                self.ld_z.d.next = 0.into();
            }
            self.ld_keys.d.next = self.lane_keys.keys.val();
            self.ld_neg.d.next = self.lane_keys.neg.val();
            self.ld_nonzero.d.next = self.lane_keys.nonzero.val();
            self.ld_bad.d.next = self.lane_keys.bad.val();
            self.ld_pending.d.next = self.window_mask.q.val();
            self.ld_reduce.d.next = false;
        }

        // ---- Expander: the next item of the current point (or bucket).
        // The lane's key, sign and check were worked out at load (LaneKeys).
        self.picker.keys.next = self.ex_keys.q.val();
        self.picker.nonzero.next = self.ex_nonzero.q.val();
        self.picker.pending.next = self.ex_pending.q.val();
        self.picker.any_lane.next = self.ex_reduce.q.val();
        self.sel_bit.next = self.one_lane.val() << self.picker.sel.val();
        self.digit_neg.next = (self.ex_neg.q.val() & self.sel_bit.val()).any() & !self.ex_reduce.q.val();
        if self.ex_reduce.q.val() {
            self.item_key.next = self.ex_base.q.val() + bit_cast::<16, 5>(self.picker.sel.val());
        } else {
            self.item_key.next = self.picker.key.val();
        }
        self.fetch_key.next =
            (bit_cast::<16, 6>(self.wk_rel.q.val()) << self.c_minus_1.q.val()) + self.wk_j.q.val() - 1;

        // ---- Decision: the adder's result O and the item F.
        // The combiner's results are its own, never parked or merged.
        self.o_valid.next =
            self.adder.valid_out.val() & self.run.val() & (self.phase.q.val() != MsmPhase::Combine);
        self.o_key.next = self.adder.tag_out.val().get_bits::<16>(0);
        self.f_item.next = self.fb_valid.q.val() & !self.fb_fetch.q.val();
        self.f_fetch.next = self.fb_valid.q.val() & self.fb_fetch.q.val();
        // The flags of O's and F's keys, read a cycle ahead (see the end).
        self.full_o.next = self.flags.rd_o.val();
        self.full_f.next = self.flags.rd_f.val();
        self.same.next = self.o_valid.val() & self.f_item.val() & (self.o_key.val() == self.fb_key.q.val());
        self.issue.next = false;
        self.a_from_o.next = false;
        self.b_ram.next = false;
        self.take.next = false;
        self.take_key.next = self.fb_key.q.val();
        self.take_o.next = false;
        self.park_o.next = false;
        self.park_f.next = false;
        self.f_accept.next = false;
        self.fetch_hit.next = false;
        self.conflict.next = false;
        if self.same.val() {
            self.issue.next = true;
            self.a_from_o.next = true;
            self.f_accept.next = true;
            self.conflict.next = true;
        } else if self.o_valid.val() & self.full_o.val() {
            self.issue.next = true;
            self.a_from_o.next = true;
            self.b_ram.next = true;
            self.take.next = true;
            self.take_key.next = self.o_key.val();
            self.take_o.next = true;
            self.conflict.next = true;
            if self.fb_valid.q.val() & !self.full_f.val() {
                self.park_f.next = self.f_item.val();
                self.f_accept.next = true;
            }
        } else if self.o_valid.val() {
            self.park_o.next = true;
            if self.fb_valid.q.val() & self.full_f.val() {
                self.issue.next = self.f_item.val();
                self.b_ram.next = true;
                self.take.next = true;
                self.fetch_hit.next = self.f_fetch.val();
                self.f_accept.next = true;
            } else if self.fb_valid.q.val() {
                self.park_f.next = self.f_item.val();
                self.f_accept.next = true;
            }
        } else if self.fb_valid.q.val() & self.full_f.val() {
            self.issue.next = self.f_item.val();
            self.b_ram.next = true;
            self.take.next = true;
            self.fetch_hit.next = self.f_fetch.val();
            self.f_accept.next = true;
        } else if self.fb_valid.q.val() {
            self.park_f.next = self.f_item.val();
            self.f_accept.next = true;
        }

        // Bucket memory: port A reads a take (or an unload result), else
        // writes F when both park; port B writes a parked O, else a parked F.
        self.o_point.next = bit_cast::<768, 256>(self.adder.x3.val())
            | (bit_cast::<768, 256>(self.adder.y3.val()) << 256)
            | (bit_cast::<768, 256>(self.adder.z3.val()) << 512);
        self.f_point.next = bit_cast::<768, 256>(self.fb_x.q.val())
            | (bit_cast::<768, 256>(self.fb_y.q.val()) << 256)
            | (bit_cast::<768, 256>(self.fb_z.q.val()) << 512);
        self.ram.a_addr.next = self.fb_key.q.val();
        if self.take.val() {
            self.ram.a_addr.next = self.take_key.val();
        } else if self.phase.q.val() == MsmPhase::Combine {
            self.ram.a_addr.next = self.combiner.key.val();
        }
        self.ram.a_we.next = self.park_o.val() & self.park_f.val();
        self.ram.a_wdata.next = self.f_point.val();
        self.ram.b_we.next = self.park_o.val() | self.park_f.val();
        if self.park_o.val() {
            self.ram.b_addr.next = self.o_key.val();
            self.ram.b_wdata.next = self.o_point.val();
        } else {
            self.ram.b_addr.next = self.fb_key.q.val();
            self.ram.b_wdata.next = self.f_point.val();
        }
        // Flags: O's and F's keys are the ones on the read ports. A take
        // clears (the combiner's additions take their result keys too), a
        // park sets, so every job leaves all flags clear; reset sweeps them.
        self.flags.clear.next = !self.reset_n.val();
        self.flags.wr_o_en.next = self.park_o.val() | (self.take.val() & self.take_o.val());
        self.flags.wr_o_val.next = self.park_o.val();
        self.flags.wr_f_en.next = self.park_f.val() | (self.take.val() & !self.take_o.val());
        self.flags.wr_f_val.next = self.park_f.val();
        if self.phase.q.val() == MsmPhase::Combine {
            self.flags.wr_f_en.next = self.combiner.issue.val() & self.combiner.b_ram.val();
            self.flags.wr_f_val.next = false;
        }

        // ---- Operand register, then the adder.
        self.c_valid.d.next = self.issue.val();
        self.c_b_ram.d.next = self.b_ram.val();
        self.c_fetch.d.next = self.fetch_hit.val();
        if self.a_from_o.val() {
            self.c_key.d.next = self.o_key.val();
            self.c_ax.d.next = self.adder.x3.val();
            self.c_ay.d.next = self.adder.y3.val();
            self.c_az.d.next = self.adder.z3.val();
        } else {
            self.c_key.d.next = self.fb_key.q.val();
            self.c_ax.d.next = self.fb_x.q.val();
            self.c_ay.d.next = self.fb_y.q.val();
            self.c_az.d.next = self.fb_z.q.val();
        }
        self.c_bx.d.next = self.fb_x.q.val();
        self.c_by.d.next = self.fb_y.q.val();
        self.c_bz.d.next = self.fb_z.q.val();
        if self.phase.q.val() == MsmPhase::Combine {
            // acc + R_k (B from bucket memory) or acc + acc.
            self.c_valid.d.next = self.combiner.issue.val();
            self.c_b_ram.d.next = self.combiner.b_ram.val();
            self.c_fetch.d.next = false;
            self.c_ax.d.next = self.combiner.acc_x.val();
            self.c_ay.d.next = self.combiner.acc_y.val();
            self.c_az.d.next = self.combiner.acc_z.val();
            self.c_bx.d.next = self.combiner.acc_x.val();
            self.c_by.d.next = self.combiner.acc_y.val();
            self.c_bz.d.next = self.combiner.acc_z.val();
        }
        self.ram_x.next = self.ram.a_rdata.val().get_bits::<256>(0);
        self.ram_y.next = self.ram.a_rdata.val().get_bits::<256>(256);
        self.ram_z.next = self.ram.a_rdata.val().get_bits::<256>(512);
        self.adder.x1.next = self.c_ax.q.val();
        self.adder.y1.next = self.c_ay.q.val();
        self.adder.z1.next = self.c_az.q.val();
        if self.c_b_ram.q.val() {
            self.adder.x2.next = self.ram_x.val();
            self.adder.y2.next = self.ram_y.val();
            self.adder.z2.next = self.ram_z.val();
        } else {
            self.adder.x2.next = self.c_bx.q.val();
            self.adder.y2.next = self.c_by.q.val();
            self.adder.z2.next = self.c_bz.q.val();
        }
        self.adder.valid_in.next = self.c_valid.q.val() & self.reset_n.val();
        self.adder.tag_in.next = bit_cast::<32, 16>(self.c_key.q.val());
        // Additions in the adder, counted as they enter it (`c_valid`, a
        // register: the decision's flag reads end there, not in this
        // counter); the phase ends test `c_valid` as well.
        self.entering.next = self.c_valid.q.val() & (self.phase.q.val() != MsmPhase::Combine);
        if self.entering.val() & !self.o_valid.val() {
            self.in_flight.d.next = self.in_flight.q.val() + 1;
        } else if !self.entering.val() & self.o_valid.val() {
            self.in_flight.d.next = self.in_flight.q.val() - 1;
        }

        // ---- Refill the decision slot: a bucket fetch when the buffer
        // behind the expander is free (so the next bucket is there when the
        // current one's items are out), else the expander's next item.
        self.fb_free.next = !self.fb_valid.q.val() | self.f_accept.val();
        // A fetch of an empty bucket is done at once (the next one may issue
        // in the same cycle); a hit fills the buffer behind the expander.
        self.fetch_skip.next = self.f_fetch.val() & self.f_accept.val() & !self.fetch_hit.val();
        self.want_fetch.next = self.fb_free.val()
            & (self.phase.q.val() == MsmPhase::Reduce)
            & !self.ld_full.q.val()
            & (!self.fetch_out.q.val() | self.fetch_skip.val())
            & !self.wk_done.q.val()
            & self.run.val();
        self.ex_take.next = self.fb_free.val() & self.picker.any.val() & self.run.val() & !self.want_fetch.val();
        if self.fb_free.val() {
            self.fb_valid.d.next = false;
        }
        // A digit beyond the window's buckets (|d| > 2^(c-1)) is refused,
        // never turned into a key outside the job's bucket range.
        self.bad_digit.next = !self.ex_reduce.q.val() & (self.ex_bad.q.val() & self.sel_bit.val()).any();
        if self.fetch_skip.val() {
            self.fetch_out.d.next = false;
        }
        if self.ex_take.val() & self.bad_digit.val() {
            self.shell.fault.next = true;
            self.ex_pending.d.next = self.ex_pending.q.val() & !self.sel_bit.val();
        } else if self.ex_take.val() {
            self.fb_valid.d.next = true;
            self.fb_fetch.d.next = false;
            self.fb_key.d.next = self.item_key.val();
            self.fb_x.d.next = self.ex_x.q.val();
            self.fb_y.d.next = self.ex_y.q.val();
            if self.digit_neg.val() {
                self.fb_y.d.next = self.modulus.val() - self.ex_y.q.val();
            }
            self.fb_z.d.next = self.ex_z.q.val();
            self.ex_pending.d.next = self.ex_pending.q.val() & !self.sel_bit.val();
        } else if self.want_fetch.val() {
            self.fb_valid.d.next = true;
            self.fb_fetch.d.next = true;
            self.fb_key.d.next = self.fetch_key.val();
            self.fetch_out.d.next = true;
            self.fetch_w.d.next = self.wk_w.q.val();
            self.fetch_j.d.next = self.wk_j.q.val();
            self.wk_j.d.next = self.wk_j.q.val() + 1;
            if self.wk_j.q.val() == (self.one_key.val() << self.c_minus_1.q.val()) {
                self.wk_j.d.next = 1.into();
                self.wk_w.d.next = self.wk_w.q.val() + 1;
                self.wk_rel.d.next = self.wk_rel.q.val() + 1;
                if self.wk_w.q.val() == self.end_w.q.val() - 1 {
                    self.wk_done.d.next = true;
                }
            }
        }
        self.ex_load.next = self.ld_full.q.val()
            & (!self.picker.any.val() | (self.ex_take.val() & !self.picker.more.val()))
            & self.run.val();
        if self.ex_load.val() {
            self.ld_full.d.next = false;
            self.ex_x.d.next = self.ld_x.q.val();
            self.ex_y.d.next = self.ld_y.q.val();
            self.ex_z.d.next = self.ld_z.q.val();
            self.ex_keys.d.next = self.ld_keys.q.val();
            self.ex_neg.d.next = self.ld_neg.q.val();
            self.ex_nonzero.d.next = self.ld_nonzero.q.val();
            self.ex_bad.d.next = self.ld_bad.q.val();
            self.ex_pending.d.next = self.ld_pending.q.val();
            self.ex_reduce.d.next = self.ld_reduce.q.val();
            self.ex_base.d.next = self.ld_base.q.val();
        }
        // A fetched bucket: one item per set bit of j, into result (w, b).
        // The buffer is empty: fetches issue only then, and nothing else
        // fills it in the reduction.
        if self.c_fetch.q.val() {
            self.fetch_out.d.next = false;
            self.ld_full.d.next = true;
            self.ld_x.d.next = self.ram_x.val();
            self.ld_y.d.next = self.ram_y.val();
            self.ld_z.d.next = self.ram_z.val();
            self.ld_pending.d.next = bit_cast::<32, 16>(self.fetch_j.q.val());
            self.ld_reduce.d.next = true;
            self.ld_base.d.next = self.result_base.val() + (bit_cast::<16, 6>(self.fetch_w.q.val()) << 4);
        }

        // ---- Unload: the MSM as one projective point, three beats.
        self.un_last.next = self.un_beat.q.val() == 2;
        self.m_tvalid.next = (self.phase.q.val() == MsmPhase::Unload) & self.reset_n.val();
        self.m_tlast.next = self.un_last.val();
        self.m_tdata.next = self.combiner.acc_z.val();
        if self.un_beat.q.val() == 0 {
            self.m_tdata.next = self.combiner.acc_x.val();
        } else if self.un_beat.q.val() == 1 {
            self.m_tdata.next = self.combiner.acc_y.val();
        }
        self.out_fire.next = self.m_tvalid.val() & self.m_tready.val();

        // ---- Phase sequencing.
        self.accum_done.next = self.feed.drained.val()
            & !self.ld_full.q.val()
            & !self.picker.any.val()
            & !self.fb_valid.q.val()
            & !self.c_valid.q.val()
            & (self.in_flight.q.val() == 0);
        self.reduce_done.next = self.wk_done.q.val()
            & !self.fetch_out.q.val()
            & !self.ld_full.q.val()
            & !self.picker.any.val()
            & !self.fb_valid.q.val()
            & !self.c_valid.q.val()
            & (self.in_flight.q.val() == 0);
        if self.phase.q.val() == MsmPhase::Accumulate {
            if self.accum_done.val() {
                self.phase.d.next = MsmPhase::Reduce;
                self.wk_w.d.next = self.first_w.q.val();
                self.wk_rel.d.next = 0.into();
                self.wk_j.d.next = 1.into();
                self.wk_done.d.next = false;
                self.fetch_out.d.next = false;
            }
        } else if self.phase.q.val() == MsmPhase::Reduce {
            if self.reduce_done.val() {
                self.phase.d.next = MsmPhase::Combine;
                self.combiner.start.next = true;
            }
        } else if self.phase.q.val() == MsmPhase::Combine {
            if self.combiner.done.val() {
                self.phase.d.next = MsmPhase::Unload;
                self.un_beat.d.next = 0.into();
            }
        } else if self.phase.q.val() == MsmPhase::Unload {
            if self.out_fire.val() {
                self.un_beat.d.next = self.un_beat.q.val() + 1;
                if self.un_last.val() {
                    self.phase.d.next = MsmPhase::Idle;
                    self.shell.finish.next = true;
                }
            }
        }

        // ---- Performance counters.
        self.shell.in_want.next = self.feed.wants_input.val();
        self.shell.in_valid.next = self.s_tvalid.val();
        self.shell.in_fire.next = self.feed.s_tready.val() & self.s_tvalid.val();
        self.shell.out_valid.next = self.m_tvalid.val();
        self.shell.out_ready.next = self.m_tready.val();
        self.shell.ops.next = 0.into();
        if self.entering.val() {
            self.shell.ops.next = 1.into();
        }
        if self.phase.q.val() == MsmPhase::Accumulate {
            self.accum_cycles.d.next = self.accum_cycles.q.val() + 1;
            if !self.issue.val() {
                self.idle_cycles.d.next = self.idle_cycles.q.val() + 1;
            }
        }
        if self.phase.q.val() == MsmPhase::Combine {
            self.combine_cycles.d.next = self.combine_cycles.q.val() + 1;
        }
        if self.phase.q.val() == MsmPhase::Reduce {
            self.reduce_cycles.d.next = self.reduce_cycles.q.val() + 1;
            if self.issue.val() {
                self.reduce_adds.d.next = self.reduce_adds.q.val() + 1;
            }
        }
        if self.conflict.val() {
            self.conflicts.d.next = self.conflicts.q.val() + 1;
        }

        // ---- Job start.
        // The lanes of this engine's windows [first, end).
        self.first_mask64.next = (self.one_lanes.val() << self.job_first_window.val()) - 1;
        self.win_mask64.next = ((self.one_lanes.val() << self.job_end_window.val()) - 1) & !self.first_mask64.val();
        // c - 1 in 4 bits (c = 16 wraps to 15 correctly; bad c is refused below).
        self.job_c_minus_1.next = self.job_window_bits.val().get_bits::<4>(0) - 1;
        // W in 1..=32, this engine's end - first windows in 1..=max_w_of_c[c]
        // (0 for a c outside 2..=16, so refused).
        self.max_w.next = 0.into();
        for c in 0..17 {
            if self.job_window_bits.val().get_bits::<5>(0) == self.c_code[c].val() {
                self.max_w.next = self.max_w_of_c[c].val();
            }
        }
        self.own_w.next = self.job_end_window.val() - self.job_first_window.val();
        self.size_ok.d.next = (self.job_window_bits.val().get_bits::<27>(5) == 0)
            & (self.job_windows.val().get_bits::<26>(6) == 0)
            & (self.job_windows.val().get_bits::<6>(0) != 0)
            & (self.job_windows.val().get_bits::<6>(0) <= self.most_windows.val())
            & (self.own_w.val() <= self.max_w.val())
            & (self.job_peer_windows.val() <= self.max_w.val())
            & (self.job_first_window.val() < self.job_end_window.val())
            & (self.job_end_window.val() <= self.job_windows.val().get_bits::<6>(0));
        // The job's reads stay inside its base buffer: JOB_COUNT bases from
        // a record-aligned address.
        self.range_ok.d.next = (self.job_count.val() <= self.job_bases_count.val())
            & (self.job_bases_addr.val().get_bits::<6>(0) == 0);
        self.refuse.next = 0.into();
        if self.job_field.val() != self.field_fq.val() {
            self.refuse.next = self.err_bad_field.val();
        } else if self.job_count.val() == 0 {
            self.refuse.next = self.err_zero_count.val();
        } else if !self.size_ok.q.val() {
            self.refuse.next = self.err_bad_size.val();
        } else if !self.range_ok.q.val() {
            self.refuse.next = self.err_mem_range.val();
        }
        if self.start.val() & self.shell.idle.val() {
            self.accum_cycles.d.next = 0.into();
            self.reduce_cycles.d.next = 0.into();
            self.conflicts.d.next = 0.into();
            self.idle_cycles.d.next = 0.into();
            self.reduce_adds.d.next = 0.into();
            self.combine_cycles.d.next = 0.into();
        }
        self.shell.refuse_code.next = self.refuse.val();
        self.accept.next = self.start.val() & self.shell.idle.val() & self.shell.job_ok.val() & self.reset_n.val();
        if self.accept.val() {
            self.phase.d.next = MsmPhase::Accumulate;
            self.c_minus_1.d.next = self.job_c_minus_1.val();
            self.windows.d.next = self.job_windows.val().get_bits::<6>(0);
            self.window_mask.d.next = self.win_mask64.val().get_bits::<32>(0);
            self.first_w.d.next = self.job_first_window.val();
            self.end_w.d.next = self.job_end_window.val();
            self.key_off.d.next = bit_cast::<16, 6>(self.job_first_window.val()) << self.job_c_minus_1.val();
            self.total.d.next = self.job_count.val();
            self.ld_full.d.next = false;
            self.ex_pending.d.next = 0.into();
            self.fb_valid.d.next = false;
            self.in_flight.d.next = 0.into();
        }

        // Reset: stop; the flags clear; in-flight additions drain during reset.
        if !self.reset_n.val() {
            self.phase.d.next = MsmPhase::Idle;
            self.ld_full.d.next = false;
            self.ex_pending.d.next = 0.into();
            self.fb_valid.d.next = false;
            self.c_valid.d.next = false;
            self.c_fetch.d.next = false;
            self.in_flight.d.next = 0.into();
            self.fetch_out.d.next = false;
            // The PERF_MSM_* counters read 0 after a reset (register map).
            self.accum_cycles.d.next = 0.into();
            self.reduce_cycles.d.next = 0.into();
            self.combine_cycles.d.next = 0.into();
            self.conflicts.d.next = 0.into();
            self.idle_cycles.d.next = 0.into();
            self.reduce_adds.d.next = 0.into();
        }

        self.idle.next = self.shell.idle.val();
        self.done.next = self.shell.done.val();
        // The engine's own fault first, else the feed's.
        self.error.next = self.shell.error.val();
        if self.shell.error.val() == 0 {
            self.error.next = self.feed.error.val();
        }
        self.perf_busy.next = self.shell.perf_busy.val();
        self.perf_in_stall.next = self.shell.perf_in_stall.val();
        self.perf_mem_stall.next = self.feed.perf_mem_stall.val();
        self.perf_out_stall.next = self.shell.perf_out_stall.val();
        self.perf_beats_in.next = self.shell.perf_beats_in.val();
        self.perf_beats_out.next = self.shell.perf_beats_out.val();
        self.perf_ops.next = self.shell.perf_ops.val();
        self.perf_accum.next = self.accum_cycles.q.val();
        self.perf_reduce.next = self.reduce_cycles.q.val();
        self.perf_conflicts.next = self.conflicts.q.val();
        self.perf_idle.next = self.idle_cycles.q.val();
        self.perf_reduce_adds.next = self.reduce_adds.q.val();
        self.perf_combine.next = self.combine_cycles.q.val();

        // Flag reads a cycle ahead, from what O's key (the adder's tag) and
        // F's key (or the combiner's) will be; last, as they follow every
        // write of `fb_key` above. The phase's own next value is not read
        // here: the job-start checks that feed it would sit on this path.
        self.entering_combine.next =
            (self.phase.q.val() == MsmPhase::Reduce) & self.reduce_done.val() & self.reset_n.val();
        self.flags.rd_o_addr.next = self.adder.tag_next.val().get_bits::<16>(0);
        self.flags.rd_f_addr.next = self.fb_key.d.val();
        if self.phase.q.val() == MsmPhase::Combine {
            self.flags.rd_f_addr.next = self.combiner.key.val();
        } else if self.entering_combine.val() {
            self.flags.rd_f_addr.next = self.combiner.first_key.val();
        }
    }
}
