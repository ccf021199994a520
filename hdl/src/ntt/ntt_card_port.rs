//! The engines' data port (NTT and field ALU): where a job's points come
//! from and where its results go. Points come from s_axis or, through the
//! shared card-memory read port, from a strided layout in card memory (two
//! points per 64-byte record); for field-ALU jobs, optionally from two
//! layouts (operand pairs a_i, b_i: a record of a, a record of b, then
//! a0 b0 a1 b1). Results (after the NTT's twiddle scaler, or from the ALU) go
//! to m_axis or, through the card-memory write port, to another strided
//! layout. A job ends when its last result has left: on the stream, or
//! written and acknowledged.

use crate::mem::{CARD_ADDR_BITS, CARD_RECORD_BITS, RunAddresses};
use rust_hdl::prelude::*;

type Addr = Bits<CARD_ADDR_BITS>;

#[derive(LogicBlock)]
pub struct NttCardPort {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: drops the job.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: a job starts; the job inputs are taken (an engine that
    /// refuses it ends it with `core_done` and a nonzero `core_error`).
    pub start: Signal<In, Bit>,
    /// NTT_MODE bit0: points from card memory.
    pub job_src_mem: Signal<In, Bit>,
    /// NTT_MODE bit1: results to card memory.
    pub job_dst_mem: Signal<In, Bit>,
    /// NTT_MODE bit14: operand pairs from two layouts (field-ALU jobs).
    pub job_src_b: Signal<In, Bit>,
    /// Second source layout: byte address of the first run.
    pub job_srcb_addr: Signal<In, Addr>,
    /// Second source layout: points per run.
    pub job_srcb_run_len: Signal<In, Bits<32>>,
    /// Second source layout: points between run starts (0 repeats a run).
    pub job_srcb_stride: Signal<In, Bits<32>>,
    /// Points in the job.
    pub job_count: Signal<In, Bits<32>>,
    /// NTT_BATCH_LOG: log2 points per batch, where the layouts restart (0: none).
    pub job_batch_log: Signal<In, Bits<32>>,
    /// Source layout: points between batch starts.
    pub job_src_batch_stride: Signal<In, Bits<32>>,
    /// Destination layout: points between batch starts.
    pub job_dst_batch_stride: Signal<In, Bits<32>>,
    /// Source layout: byte address of the first run.
    pub job_src_addr: Signal<In, Addr>,
    /// Source layout: points per run.
    pub job_src_run_len: Signal<In, Bits<32>>,
    /// Source layout: points between run starts.
    pub job_src_stride: Signal<In, Bits<32>>,
    /// Destination layout: byte address of the first run.
    pub job_dst_addr: Signal<In, Addr>,
    /// Destination layout: points per run.
    pub job_dst_run_len: Signal<In, Bits<32>>,
    /// Destination layout: points between run starts.
    pub job_dst_stride: Signal<In, Bits<32>>,
    /// The core is idle.
    pub core_idle: Signal<In, Bit>,
    /// Pulse: the core ended a job (refused jobs end here at once).
    pub core_done: Signal<In, Bit>,
    /// The engine's error code (nonzero with `core_done`: a refused job).
    pub core_error: Signal<In, Bits<32>>,
    /// No job is running or finishing.
    pub idle: Signal<Out, Bit>,
    /// Pulse: the job ended.
    pub done: Signal<Out, Bit>,
    /// A card memory read or write of this job was answered with an error.
    pub mem_error: Signal<Out, Bit>,
    /// This job's points come from card memory.
    pub src_active: Signal<Out, Bit>,
    /// Card-memory read port: a record is requested.
    pub mem_req_valid: Signal<Out, Bit>,
    /// Card-memory read port: the request is taken.
    pub mem_req_ready: Signal<In, Bit>,
    /// Card-memory read port: byte address of the record.
    pub mem_req_addr: Signal<Out, Addr>,
    /// Card-memory read port: the oldest record is here.
    pub mem_rsp_valid: Signal<In, Bit>,
    /// Card-memory read port: take it.
    pub mem_rsp_ready: Signal<Out, Bit>,
    /// Card-memory read port: the record (first point in the low half).
    pub mem_rsp_data: Signal<In, Bits<CARD_RECORD_BITS>>,
    /// Card-memory read port: the record's read failed.
    pub mem_rsp_error: Signal<In, Bit>,
    /// Points to the core.
    pub c_tdata: Signal<Out, Bits<256>>,
    /// A point is offered to the core.
    pub c_tvalid: Signal<Out, Bit>,
    /// The core takes it.
    pub c_tready: Signal<In, Bit>,
    /// The job's last point.
    pub c_tlast: Signal<Out, Bit>,
    /// Results from the twiddle scaler.
    pub o_tdata: Signal<In, Bits<256>>,
    /// A result is offered.
    pub o_tvalid: Signal<In, Bit>,
    /// The result is taken.
    pub o_tready: Signal<Out, Bit>,
    /// Results to m_axis (stream jobs).
    pub m_tdata: Signal<Out, Bits<256>>,
    /// A result is on m_axis.
    pub m_tvalid: Signal<Out, Bit>,
    /// m_axis takes it.
    pub m_tready: Signal<In, Bit>,
    /// The job's last result.
    pub m_tlast: Signal<Out, Bit>,
    /// Card-memory write port: a record is offered.
    pub wr_valid: Signal<Out, Bit>,
    /// Card-memory write port: the record is taken.
    pub wr_ready: Signal<In, Bit>,
    /// Card-memory write port: byte address of the record.
    pub wr_addr: Signal<Out, Addr>,
    /// Card-memory write port: the record (first point in the low half).
    pub wr_data: Signal<Out, Bits<CARD_RECORD_BITS>>,
    /// Card-memory write port: every record taken has been acknowledged.
    pub wr_idle: Signal<In, Bit>,
    /// Card-memory write port: some write of this job failed.
    pub wr_error: Signal<In, Bit>,
    src_addrs: RunAddresses,
    srcb_addrs: RunAddresses,
    dst_addrs: RunAddresses,
    src_b: DFF<Bit>,
    next_b: DFF<Bit>,
    hold: DFF<Bits<CARD_RECORD_BITS>>,
    quad: DFF<Bits<2>>,
    // Which half the next c beat comes from, decided a cycle ahead from the
    // next quad / upper, so the beat leaves through one mux level.
    c_from_hold: DFF<Bit>,
    c_from_upper: DFF<Bit>,
    pending: DFF<Bit>,
    src_mem: DFF<Bit>,
    dst_mem: DFF<Bit>,
    reqs_left: DFF<Bits<32>>,
    in_left: DFF<Bits<32>>,
    out_left: DFF<Bits<32>>,
    upper: DFF<Bit>,
    have_low: DFF<Bit>,
    low: DFF<Bits<256>>,
    pair_valid: DFF<Bit>,
    pair_addr: DFF<Addr>,
    pair_data: DFF<Bits<CARD_RECORD_BITS>>,
    read_error: DFF<Bit>,
    req_fire: Signal<Local, Bit>,
    c_fire: Signal<Local, Bit>,
    o_fire: Signal<Local, Bit>,
    wr_fire: Signal<Local, Bit>,
    finished: Signal<Local, Bit>,
    batch_records: Signal<Local, Bits<32>>,
    one32: Constant<Bits<32>>,
}

impl NttCardPort {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            job_src_mem: Default::default(),
            job_dst_mem: Default::default(),
            job_src_b: Default::default(),
            job_srcb_addr: Default::default(),
            job_srcb_run_len: Default::default(),
            job_srcb_stride: Default::default(),
            job_count: Default::default(),
            job_batch_log: Default::default(),
            job_src_batch_stride: Default::default(),
            job_dst_batch_stride: Default::default(),
            job_src_addr: Default::default(),
            job_src_run_len: Default::default(),
            job_src_stride: Default::default(),
            job_dst_addr: Default::default(),
            job_dst_run_len: Default::default(),
            job_dst_stride: Default::default(),
            core_idle: Default::default(),
            core_done: Default::default(),
            core_error: Default::default(),
            idle: Default::default(),
            done: Default::default(),
            mem_error: Default::default(),
            src_active: Default::default(),
            mem_req_valid: Default::default(),
            mem_req_ready: Default::default(),
            mem_req_addr: Default::default(),
            mem_rsp_valid: Default::default(),
            mem_rsp_ready: Default::default(),
            mem_rsp_data: Default::default(),
            mem_rsp_error: Default::default(),
            c_tdata: Default::default(),
            c_tvalid: Default::default(),
            c_tready: Default::default(),
            c_tlast: Default::default(),
            o_tdata: Default::default(),
            o_tvalid: Default::default(),
            o_tready: Default::default(),
            m_tdata: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            m_tlast: Default::default(),
            wr_valid: Default::default(),
            wr_ready: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_idle: Default::default(),
            wr_error: Default::default(),
            src_addrs: RunAddresses::new(),
            srcb_addrs: RunAddresses::new(),
            dst_addrs: RunAddresses::new(),
            src_b: Default::default(),
            next_b: Default::default(),
            hold: Default::default(),
            quad: Default::default(),
            c_from_hold: Default::default(),
            c_from_upper: Default::default(),
            pending: Default::default(),
            src_mem: Default::default(),
            dst_mem: Default::default(),
            reqs_left: Default::default(),
            in_left: Default::default(),
            out_left: Default::default(),
            upper: Default::default(),
            have_low: Default::default(),
            low: Default::default(),
            pair_valid: Default::default(),
            pair_addr: Default::default(),
            pair_data: Default::default(),
            read_error: Default::default(),
            req_fire: Default::default(),
            c_fire: Default::default(),
            o_fire: Default::default(),
            wr_fire: Default::default(),
            finished: Default::default(),
            batch_records: Default::default(),
            one32: Constant::new(1u64.into()),
        }
    }
}

impl Default for NttCardPort {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for NttCardPort {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, pending, src_mem, dst_mem, reqs_left, in_left, out_left, upper, have_low, low,
            pair_valid, pair_addr, pair_data, read_error, src_b, next_b, hold, quad,
            c_from_hold, c_from_upper
        );
        clock!(self, clock, src_addrs, srcb_addrs, dst_addrs);

        // ---- Layout generators (records of two points; operand b is never batched).
        self.batch_records.next = (self.one32.val() << self.job_batch_log.val().get_bits::<5>(0)) >> 1;
        if self.job_batch_log.val() == 0 {
            self.batch_records.next = 0.into();
        }
        self.src_addrs.batch_records.next = self.batch_records.val();
        self.src_addrs.batch_step_bytes.next = bit_cast::<64, 32>(self.job_src_batch_stride.val()) << 5;
        self.dst_addrs.batch_records.next = self.batch_records.val();
        self.dst_addrs.batch_step_bytes.next = bit_cast::<64, 32>(self.job_dst_batch_stride.val()) << 5;
        self.srcb_addrs.batch_records.next = 0.into();
        self.srcb_addrs.batch_step_bytes.next = 0.into();
        self.src_addrs.start.next = self.start.val();
        self.src_addrs.base.next = self.job_src_addr.val();
        self.src_addrs.run_records.next = self.job_src_run_len.val() >> 1;
        self.src_addrs.stride_bytes.next = bit_cast::<64, 32>(self.job_src_stride.val()) << 5;
        self.srcb_addrs.start.next = self.start.val();
        self.srcb_addrs.base.next = self.job_srcb_addr.val();
        self.srcb_addrs.run_records.next = self.job_srcb_run_len.val() >> 1;
        self.srcb_addrs.stride_bytes.next = bit_cast::<64, 32>(self.job_srcb_stride.val()) << 5;
        self.dst_addrs.start.next = self.start.val();
        self.dst_addrs.base.next = self.job_dst_addr.val();
        self.dst_addrs.run_records.next = self.job_dst_run_len.val() >> 1;
        self.dst_addrs.stride_bytes.next = bit_cast::<64, 32>(self.job_dst_stride.val()) << 5;

        // ---- Input from card memory: request records, split each in two.
        self.src_active.next = self.pending.q.val() & self.src_mem.q.val();
        self.mem_req_valid.next = self.src_active.val() & (self.reqs_left.q.val() != 0) & self.reset_n.val();
        // Two sources: requests alternate a, b (b's record is the second).
        self.mem_req_addr.next = self.src_addrs.addr.val();
        if self.src_b.q.val() & self.next_b.q.val() {
            self.mem_req_addr.next = self.srcb_addrs.addr.val();
        }
        self.req_fire.next = self.mem_req_valid.val() & self.mem_req_ready.val();
        self.src_addrs.advance.next = self.req_fire.val() & !(self.src_b.q.val() & self.next_b.q.val());
        self.srcb_addrs.advance.next = self.req_fire.val() & self.src_b.q.val() & self.next_b.q.val();
        if self.req_fire.val() {
            self.reqs_left.d.next = self.reqs_left.q.val() - 1;
            self.next_b.d.next = !self.next_b.q.val();
        }
        // One source: each record gives two points. Two sources, four beats
        // per record pair at one a beat: a.lo leaves as a's record is taken
        // (and held), then b.lo, a.hi (held), b.hi with b's at the head.
        self.c_tvalid.next = self.src_active.val() & (self.mem_rsp_valid.val() | self.c_from_hold.q.val());
        self.c_tdata.next = self.mem_rsp_data.val().get_bits::<256>(0);
        if self.c_from_hold.q.val() {
            self.c_tdata.next = self.hold.q.val().get_bits::<256>(256);
        } else if self.c_from_upper.q.val() {
            self.c_tdata.next = self.mem_rsp_data.val().get_bits::<256>(256);
        }
        self.c_tlast.next = self.in_left.q.val() == 1;
        self.c_fire.next = self.c_tvalid.val() & self.c_tready.val();
        self.mem_rsp_ready.next = self.c_fire.val() & self.upper.q.val();
        if self.src_b.q.val() {
            self.mem_rsp_ready.next = self.c_fire.val() & ((self.quad.q.val() == 0) | (self.quad.q.val() == 3));
            if self.c_fire.val() & (self.quad.q.val() == 0) {
                self.hold.d.next = self.mem_rsp_data.val();
            }
        }
        if self.c_fire.val() {
            self.upper.d.next = !self.upper.q.val();
            self.quad.d.next = self.quad.q.val() + 1;
            self.in_left.d.next = self.in_left.q.val() - 1;
            if self.mem_rsp_ready.val() & self.mem_rsp_error.val() {
                self.read_error.d.next = true;
            }
        }

        // ---- Results: to m_axis, or paired into records for card memory.
        self.m_tdata.next = self.o_tdata.val();
        self.m_tvalid.next = self.o_tvalid.val() & !self.dst_mem.q.val();
        self.m_tlast.next = self.out_left.q.val() == 1;
        self.wr_valid.next = self.pair_valid.q.val();
        self.wr_addr.next = self.pair_addr.q.val();
        self.wr_data.next = self.pair_data.q.val();
        self.wr_fire.next = self.pair_valid.q.val() & self.wr_ready.val();
        self.o_tready.next = self.m_tready.val();
        if self.dst_mem.q.val() {
            self.o_tready.next = !self.have_low.q.val() | !self.pair_valid.q.val() | self.wr_ready.val();
        }
        self.o_fire.next = self.o_tvalid.val() & self.o_tready.val();
        self.dst_addrs.advance.next = false;
        if self.wr_fire.val() {
            self.pair_valid.d.next = false;
        }
        if self.o_fire.val() {
            self.out_left.d.next = self.out_left.q.val() - 1;
            if self.dst_mem.q.val() {
                if self.have_low.q.val() {
                    self.have_low.d.next = false;
                    self.pair_valid.d.next = true;
                    self.pair_addr.d.next = self.dst_addrs.addr.val();
                    self.pair_data.d.next = bit_cast::<512, 256>(self.low.q.val())
                        | (bit_cast::<512, 256>(self.o_tdata.val()) << 256);
                    self.dst_addrs.advance.next = true;
                } else {
                    self.have_low.d.next = true;
                    self.low.d.next = self.o_tdata.val();
                }
            }
        }

        // ---- End: every result delivered (and, to memory, acknowledged).
        self.finished.next = (self.out_left.q.val() == 0)
            & (!self.dst_mem.q.val() | (!self.pair_valid.q.val() & self.wr_idle.val()));
        self.done.next = self.core_done.val() & !self.pending.q.val();
        if self.pending.q.val() & (self.finished.val() | (self.core_done.val() & (self.core_error.val() != 0))) {
            self.done.next = true;
            self.pending.d.next = false;
        }
        self.idle.next = self.core_idle.val() & !self.pending.q.val();
        self.mem_error.next = self.read_error.q.val() | self.wr_error.val();

        if self.start.val() {
            self.pending.d.next = true;
            self.src_mem.d.next = self.job_src_mem.val();
            self.dst_mem.d.next = self.job_dst_mem.val();
            self.src_b.d.next = self.job_src_b.val();
            self.next_b.d.next = false;
            self.quad.d.next = 0.into();
            self.reqs_left.d.next = self.job_count.val() >> 1;
            self.in_left.d.next = self.job_count.val();
            if self.job_src_b.val() {
                self.reqs_left.d.next = self.job_count.val();
                self.in_left.d.next = self.job_count.val() << 1;
            }
            self.out_left.d.next = self.job_count.val();
            self.upper.d.next = false;
            self.have_low.d.next = false;
            self.pair_valid.d.next = false;
            self.read_error.d.next = false;
        }
        if !self.reset_n.val() {
            self.pending.d.next = false;
            self.src_mem.d.next = false;
            self.dst_mem.d.next = false;
            self.pair_valid.d.next = false;
            self.have_low.d.next = false;
        }
        // Two sources: quad 2 is a.hi from the hold, quad 3 b.hi from the
        // head; one source: the upper half every other beat.
        self.c_from_hold.d.next = self.src_b.d.val() & (self.quad.d.val() == 2);
        self.c_from_upper.d.next =
            (self.src_b.d.val() & (self.quad.d.val() == 3)) | (!self.src_b.d.val() & self.upper.d.val());
    }
}
