//! Two MSM engines on one job, the windows split between them: engine 0
//! adds the digits of windows [0, s), engine 1 those of [s, W), each into its
//! own buckets, and each reduces and combines its own windows, so the
//! additions of a job divide between two point adders.
//!
//! One read per base: the scalar stream and card memory's base responses
//! go to both engines through stream forks (each beat to both, once); only
//! engine 0's feed issues reads, and engine 1's feed, which drops the same
//! zero scalars, takes the same responses in the same order. Each engine
//! recodes every window (the carries run through all of them) and keeps its
//! own. Each keys its buckets from its own first window, so the bucket
//! memory bounds each engine's share, not W: at c = 13 one engine holds 15
//! windows and the pair the 20 of full-size scalars.
//!
//! Result: engine 0's point, then engine 1's (3 beats each); engine 1's
//! Horner runs down to window 0, so it comes out weighted by 2^(c s) and the
//! MSM is the sum of the two. With MSM_SPLIT 0 or >= W, engine 0 runs the
//! job alone (3 beats), as one engine.
//!
//! Counters: busy is the job's (the later engine's), operations and output
//! beats are both engines'; the PERF_MSM_* phase counters are one engine's,
//! the one `perf_view` picks.

use super::msm_engine::{MSM_BEATS_PER_RESULT, MSM_MAX_WINDOWS, MsmEngine, max_windows_of};
use crate::engine::StreamFork;
use crate::field::MulImpl;
use crate::mem::{CARD_ADDR_BITS, CARD_RECORD_BITS};
use rust_hdl::prelude::*;

/// MSM engines in the pair.
pub const MSM_ENGINES: usize = 2;
/// Output beats of a two-engine job: each engine's point.
pub const MSM_PAIR_BEATS: usize = MSM_ENGINES * MSM_BEATS_PER_RESULT;

/// Whether the pair takes a job of W windows of width c split at s
/// (MSM_SPLIT; 0 or >= W: engine 0 alone): W in 1..=32 and each engine's
/// windows fit its bucket memory. The engines refuse any other job
/// (ERR_BAD_SIZE).
pub const fn pair_windows_fit(c: usize, w: usize, split: usize) -> bool {
    let most = max_windows_of(c);
    if w == 0 || w > MSM_MAX_WINDOWS {
        false
    } else if split == 0 || split >= w {
        w <= most
    } else {
        split <= most && w - split <= most
    }
}

#[derive(LogicBlock)]
pub struct MsmPair {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: start a job.
    pub start: Signal<In, Bit>,
    /// Field code (must be Fq).
    pub job_field: Signal<In, Bits<32>>,
    /// Points in the job.
    pub job_count: Signal<In, Bits<32>>,
    /// Window width c.
    pub job_window_bits: Signal<In, Bits<32>>,
    /// Windows W.
    pub job_windows: Signal<In, Bits<32>>,
    /// First window of engine 1 (MSM_SPLIT bits [5:0]); 0 or >= W: engine 0 alone.
    pub job_split: Signal<In, Bits<6>>,
    /// The PERF_MSM_* outputs show engine 1's counters instead of engine 0's.
    pub perf_view: Signal<In, Bit>,
    /// Card-memory byte address of base 0.
    pub job_bases_addr: Signal<In, Bits<CARD_ADDR_BITS>>,
    /// Bases in the base buffer.
    pub job_bases_count: Signal<In, Bits<32>>,
    /// No job is running.
    pub idle: Signal<Out, Bit>,
    /// Pulse: the job ended (both engines).
    pub done: Signal<Out, Bit>,
    /// Error code of the last job (engine 0's, else engine 1's).
    pub error: Signal<Out, Bits<32>>,
    /// Cycles the last job was busy (the later engine's).
    pub perf_busy: Signal<Out, Bits<32>>,
    /// Cycles engine 0 wanted a scalar that was not offered (waits for
    /// engine 1 to take a beat included).
    pub perf_in_stall: Signal<Out, Bits<32>>,
    /// Cycles a result beat waited on `m_tready`.
    pub perf_out_stall: Signal<Out, Bits<32>>,
    /// Scalars accepted.
    pub perf_beats_in: Signal<Out, Bits<32>>,
    /// Result beats sent (both engines).
    pub perf_beats_out: Signal<Out, Bits<32>>,
    /// Point additions (both engines).
    pub perf_ops: Signal<Out, Bits<32>>,
    /// The viewed engine's accumulation cycles.
    pub perf_accum: Signal<Out, Bits<32>>,
    /// The viewed engine's reduction cycles.
    pub perf_reduce: Signal<Out, Bits<32>>,
    /// The viewed engine's conflict merges.
    pub perf_conflicts: Signal<Out, Bits<32>>,
    /// The viewed engine's accumulation cycles with no addition.
    pub perf_idle: Signal<Out, Bits<32>>,
    /// The viewed engine's reduction additions.
    pub perf_reduce_adds: Signal<Out, Bits<32>>,
    /// The viewed engine's combination cycles.
    pub perf_combine: Signal<Out, Bits<32>>,
    /// The viewed engine's cycles of digits waiting for their base.
    pub perf_mem_stall: Signal<Out, Bits<32>>,
    /// Scalar stream data.
    pub s_tdata: Signal<In, Bits<256>>,
    /// Scalar stream valid.
    pub s_tvalid: Signal<In, Bit>,
    /// Scalar stream ready (every engine in the job has the beat).
    pub s_tready: Signal<Out, Bit>,
    /// Scalar stream end of packet.
    pub s_tlast: Signal<In, Bit>,
    /// Base read request (engine 0's feed).
    pub mem_req_valid: Signal<Out, Bit>,
    /// The port takes it.
    pub mem_req_ready: Signal<In, Bit>,
    /// Byte address of the base.
    pub mem_req_addr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// The oldest base read is back.
    pub mem_rsp_valid: Signal<In, Bit>,
    /// Every engine in the job has taken it.
    pub mem_rsp_ready: Signal<Out, Bit>,
    /// The oldest base.
    pub mem_rsp_data: Signal<In, Bits<CARD_RECORD_BITS>>,
    /// Its read failed.
    pub mem_rsp_error: Signal<In, Bit>,
    /// Result stream data.
    pub m_tdata: Signal<Out, Bits<256>>,
    /// Result stream valid.
    pub m_tvalid: Signal<Out, Bit>,
    /// Result stream ready.
    pub m_tready: Signal<In, Bit>,
    /// Result stream end of packet (the last engine's last beat).
    pub m_tlast: Signal<Out, Bit>,
    core0: MsmEngine,
    core1: MsmEngine,
    scalar_fork: StreamFork,
    rsp_fork: StreamFork,
    /// The running (or last) job uses engine 1.
    pair: DFF<Bit>,
    /// Engine 0's result has left (engine 1's may go).
    out0_sent: DFF<Bit>,
    /// Cycles of the job a result beat waited on `m_tready` (engine 1's
    /// own count would include its wait for engine 0's beats).
    out_stall: DFF<Bits<32>>,
    two: Signal<Local, Bit>,
    split_ok: Signal<Local, Bit>,
}

impl MsmPair {
    pub fn new(mul: MulImpl) -> Self {
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            job_field: Default::default(),
            job_count: Default::default(),
            job_window_bits: Default::default(),
            job_windows: Default::default(),
            job_split: Default::default(),
            perf_view: Default::default(),
            job_bases_addr: Default::default(),
            job_bases_count: Default::default(),
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
            core0: MsmEngine::new(mul),
            core1: MsmEngine::new(mul),
            scalar_fork: Default::default(),
            rsp_fork: Default::default(),
            pair: Default::default(),
            out0_sent: Default::default(),
            out_stall: Default::default(),
            two: Default::default(),
            split_ok: Default::default(),
        }
    }
}

impl Logic for MsmPair {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, pair, out0_sent, out_stall);
        clock!(self, clock, core0, core1, scalar_fork, rsp_fork);
        self.core0.reset_n.next = self.reset_n.val();
        self.core1.reset_n.next = self.reset_n.val();
        self.scalar_fork.reset_n.next = self.reset_n.val();
        self.rsp_fork.reset_n.next = self.reset_n.val();

        // ---- Job: the same registers to both; engine 1 starts only when
        // the split leaves it windows.
        self.split_ok.next = (self.job_split.val() != 0)
            & (bit_cast::<32, 6>(self.job_split.val()) < self.job_windows.val());
        self.core0.job_field.next = self.job_field.val();
        self.core0.job_count.next = self.job_count.val();
        self.core0.job_window_bits.next = self.job_window_bits.val();
        self.core0.job_windows.next = self.job_windows.val();
        self.core0.job_bases_addr.next = self.job_bases_addr.val();
        self.core0.job_bases_count.next = self.job_bases_count.val();
        self.core0.job_first_window.next = 0.into();
        self.core0.job_end_window.next = self.job_windows.val().get_bits::<6>(0);
        if self.split_ok.val() {
            self.core0.job_end_window.next = self.job_split.val();
        }
        self.core1.job_field.next = self.job_field.val();
        self.core1.job_count.next = self.job_count.val();
        self.core1.job_window_bits.next = self.job_window_bits.val();
        self.core1.job_windows.next = self.job_windows.val();
        self.core1.job_bases_addr.next = self.job_bases_addr.val();
        self.core1.job_bases_count.next = self.job_bases_count.val();
        self.core1.job_first_window.next = self.job_split.val();
        // Each engine checks the other's windows too: both refuse together.
        self.core0.job_peer_windows.next = 0.into();
        if self.split_ok.val() {
            self.core0.job_peer_windows.next = self.job_windows.val().get_bits::<6>(0) - self.job_split.val();
        }
        self.core1.job_peer_windows.next = self.job_split.val();
        self.core1.job_end_window.next = self.job_windows.val().get_bits::<6>(0);
        self.core0.start.next = self.start.val();
        self.core1.start.next = self.start.val() & self.split_ok.val();
        if self.start.val() & self.core0.idle.val() & self.core1.idle.val() {
            self.pair.d.next = self.split_ok.val();
            self.out0_sent.d.next = false;
            self.out_stall.d.next = 0.into();
        }
        self.two.next = self.pair.q.val();

        // ---- Scalars to both engines.
        self.scalar_fork.use_b.next = self.two.val();
        self.scalar_fork.in_valid.next = self.s_tvalid.val();
        self.s_tready.next = self.scalar_fork.in_ready.val();
        self.core0.s_tdata.next = self.s_tdata.val();
        self.core0.s_tvalid.next = self.scalar_fork.a_valid.val();
        self.core0.s_tlast.next = self.s_tlast.val();
        self.scalar_fork.a_ready.next = self.core0.s_tready.val();
        self.core1.s_tdata.next = self.s_tdata.val();
        self.core1.s_tvalid.next = self.scalar_fork.b_valid.val();
        self.core1.s_tlast.next = self.s_tlast.val();
        self.scalar_fork.b_ready.next = self.core1.s_tready.val();

        // ---- Bases: engine 0 reads; the responses go to both.
        self.mem_req_valid.next = self.core0.mem_req_valid.val();
        self.mem_req_addr.next = self.core0.mem_req_addr.val();
        self.core0.mem_req_ready.next = self.mem_req_ready.val();
        // Engine 1's reads are engine 0's (same scalars, same order).
        self.core1.mem_req_ready.next = true;
        self.rsp_fork.use_b.next = self.two.val();
        self.rsp_fork.in_valid.next = self.mem_rsp_valid.val();
        self.mem_rsp_ready.next = self.rsp_fork.in_ready.val();
        self.core0.mem_rsp_valid.next = self.rsp_fork.a_valid.val();
        self.core0.mem_rsp_data.next = self.mem_rsp_data.val();
        self.core0.mem_rsp_error.next = self.mem_rsp_error.val();
        self.rsp_fork.a_ready.next = self.core0.mem_rsp_ready.val();
        self.core1.mem_rsp_valid.next = self.rsp_fork.b_valid.val();
        self.core1.mem_rsp_data.next = self.mem_rsp_data.val();
        self.core1.mem_rsp_error.next = self.mem_rsp_error.val();
        self.rsp_fork.b_ready.next = self.core1.mem_rsp_ready.val();

        // ---- Results: engine 0's point, then engine 1's.
        self.core0.m_tready.next = self.m_tready.val() & !self.out0_sent.q.val();
        self.core1.m_tready.next = self.m_tready.val() & self.out0_sent.q.val();
        self.m_tdata.next = self.core0.m_tdata.val();
        self.m_tvalid.next = self.core0.m_tvalid.val() & !self.out0_sent.q.val();
        self.m_tlast.next = self.core0.m_tlast.val() & !self.two.val();
        if self.out0_sent.q.val() {
            self.m_tdata.next = self.core1.m_tdata.val();
            self.m_tvalid.next = self.core1.m_tvalid.val();
            self.m_tlast.next = self.core1.m_tlast.val();
        }
        if self.core0.m_tvalid.val() & self.core0.m_tlast.val() & self.m_tready.val() & !self.out0_sent.q.val() & self.two.val() {
            self.out0_sent.d.next = true;
        }
        if self.m_tvalid.val() & !self.m_tready.val() {
            self.out_stall.d.next = self.out_stall.q.val() + 1;
        }
        if !self.reset_n.val() {
            self.pair.d.next = false;
            self.out0_sent.d.next = false;
            self.out_stall.d.next = 0.into();
        }

        // ---- Job status: done when the later engine is; errors engine 0's
        // first (engine 1's only if it ran: its ERROR holds its last job's).
        self.idle.next = self.core0.idle.val() & self.core1.idle.val();
        self.done.next = (self.core0.done.val() & (self.core1.idle.val() | self.core1.done.val()))
            | (self.core1.done.val() & self.core0.idle.val());
        self.error.next = self.core0.error.val();
        if (self.core0.error.val() == 0) & self.two.val() {
            self.error.next = self.core1.error.val();
        }
        self.perf_busy.next = self.core0.perf_busy.val();
        self.perf_ops.next = self.core0.perf_ops.val();
        self.perf_beats_out.next = self.core0.perf_beats_out.val();
        self.perf_out_stall.next = self.out_stall.q.val();
        if self.two.val() {
            if self.core1.perf_busy.val() > self.core0.perf_busy.val() {
                self.perf_busy.next = self.core1.perf_busy.val();
            }
            self.perf_ops.next = self.core0.perf_ops.val() + self.core1.perf_ops.val();
            self.perf_beats_out.next = self.core0.perf_beats_out.val() + self.core1.perf_beats_out.val();
        }
        self.perf_in_stall.next = self.core0.perf_in_stall.val();
        self.perf_beats_in.next = self.core0.perf_beats_in.val();
        self.perf_accum.next = self.core0.perf_accum.val();
        self.perf_reduce.next = self.core0.perf_reduce.val();
        self.perf_conflicts.next = self.core0.perf_conflicts.val();
        self.perf_idle.next = self.core0.perf_idle.val();
        self.perf_reduce_adds.next = self.core0.perf_reduce_adds.val();
        self.perf_combine.next = self.core0.perf_combine.val();
        self.perf_mem_stall.next = self.core0.perf_mem_stall.val();
        if self.perf_view.val() {
            self.perf_accum.next = self.core1.perf_accum.val();
            self.perf_reduce.next = self.core1.perf_reduce.val();
            self.perf_conflicts.next = self.core1.perf_conflicts.val();
            self.perf_idle.next = self.core1.perf_idle.val();
            self.perf_reduce_adds.next = self.core1.perf_reduce_adds.val();
            self.perf_combine.next = self.core1.perf_combine.val();
            self.perf_mem_stall.next = self.core1.perf_mem_stall.val();
        }
    }
}
