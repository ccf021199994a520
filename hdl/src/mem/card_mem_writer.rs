//! Card-memory write port: an AXI4 write master that stores engines' 512-bit
//! records (two 32-byte beats, one INCR burst each) in card memory, with
//! several bursts awaiting their write response at once.
//!
//! Engine side: a record (address and data) is taken when the address and
//! data registers are free (or free up in that cycle) and fewer than
//! CARD_MAX_OUTSTANDING bursts await a response, so a full memory throttles
//! the engine, never the reverse. BREADY never drops. `idle` says every taken
//! record has its response (a job's results are in memory); `error` is
//! sticky until `clear_counters`: some burst was answered SLVERR/DECERR.
//!
//! Not yet connected to the top: the on-card NTT (issue #9) is its first user.

use super::card_mem_reader::{CARD_ADDR_BITS, CARD_DATA_BITS, CARD_MAX_OUTSTANDING, CARD_RECORD_BITS, CARD_RSP_FIFO_LOG2};
use rust_hdl::prelude::*;

/// Cycles from a record's acceptance to AWVALID and its first WVALID: one register.
pub const CARD_MEM_WRITER_REQ_LATENCY: usize = 1;

// The beat split and the AW fields (AWLEN 1, AWSIZE 5) are written for two
// 32-byte beats per record; the outstanding counter's top bit is bit 5.
const _: () = assert!(CARD_RECORD_BITS == 2 * CARD_DATA_BITS && CARD_DATA_BITS == 256);
const _: () = assert!(CARD_RSP_FIFO_LOG2 == 5 && CARD_MAX_OUTSTANDING == 32);

#[derive(LogicBlock, Default)]
pub struct CardMemWriter {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: drops the record being sent and every
    /// response owed (the memory resets with the card).
    pub reset_n: Signal<In, Bit>,
    /// Pulse: zero the counters and the error flag (job start).
    pub clear_counters: Signal<In, Bit>,
    /// A record is offered.
    pub req_valid: Signal<In, Bit>,
    /// The record is taken this cycle.
    pub req_ready: Signal<Out, Bit>,
    /// Byte address of the record (a multiple of CARD_RECORD_BYTES).
    pub req_addr: Signal<In, Bits<CARD_ADDR_BITS>>,
    /// The record, first beat in the low bits.
    pub req_data: Signal<In, Bits<CARD_RECORD_BITS>>,
    /// Every record taken has been answered.
    pub idle: Signal<Out, Bit>,
    /// Some burst since the last clear was answered with an error.
    pub error: Signal<Out, Bit>,
    /// Write bursts issued since the last clear.
    pub perf_writes: Signal<Out, Bits<32>>,
    /// Write beats sent since the last clear.
    pub perf_beats: Signal<Out, Bits<32>>,
    /// AXI4 write address.
    pub awaddr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// AXI4 burst length minus one.
    pub awlen: Signal<Out, Bits<8>>,
    /// AXI4 log2 of bytes per beat.
    pub awsize: Signal<Out, Bits<3>>,
    /// AXI4 burst type (INCR).
    pub awburst: Signal<Out, Bits<2>>,
    /// AXI4 write address valid.
    pub awvalid: Signal<Out, Bit>,
    /// AXI4 write address ready.
    pub awready: Signal<In, Bit>,
    /// AXI4 write data.
    pub wdata: Signal<Out, Bits<CARD_DATA_BITS>>,
    /// AXI4 write strobes (every byte).
    pub wstrb: Signal<Out, Bits<32>>,
    /// AXI4 last beat of a burst.
    pub wlast: Signal<Out, Bit>,
    /// AXI4 write data valid.
    pub wvalid: Signal<Out, Bit>,
    /// AXI4 write data ready.
    pub wready: Signal<In, Bit>,
    /// AXI4 write response.
    pub bresp: Signal<In, Bits<2>>,
    /// AXI4 write response valid.
    pub bvalid: Signal<In, Bit>,
    /// AXI4 write response ready.
    pub bready: Signal<Out, Bit>,
    aw_valid: DFF<Bit>,
    aw_addr: DFF<Bits<CARD_ADDR_BITS>>,
    w_pending: DFF<Bit>,
    w_beat: DFF<Bit>,
    w_data: DFF<Bits<CARD_RECORD_BITS>>,
    owed: DFF<Bits<{ CARD_RSP_FIFO_LOG2 + 1 }>>,
    err: DFF<Bit>,
    writes: DFF<Bits<32>>,
    beats: DFF<Bits<32>>,
    aw_free: Signal<Local, Bit>,
    w_free: Signal<Local, Bit>,
    req_fire: Signal<Local, Bit>,
    aw_fire: Signal<Local, Bit>,
    w_fire: Signal<Local, Bit>,
    b_fire: Signal<Local, Bit>,
}

impl Logic for CardMemWriter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, aw_valid, aw_addr, w_pending, w_beat, w_data, owed, err, writes, beats);

        // Handshakes on the memory side.
        self.aw_fire.next = self.aw_valid.q.val() & self.awready.val();
        self.w_fire.next = self.w_pending.q.val() & self.wready.val();
        self.b_fire.next = self.bvalid.val() & self.reset_n.val();

        // A record is taken when both registers are free by the next cycle
        // and a response slot is reserved for it.
        self.aw_free.next = !self.aw_valid.q.val() | self.awready.val();
        self.w_free.next = !self.w_pending.q.val() | (self.wready.val() & self.w_beat.q.val());
        self.req_ready.next = self.reset_n.val() & self.aw_free.val() & self.w_free.val() & !self.owed.q.val().get_bit(5);
        self.req_fire.next = self.req_valid.val() & self.req_ready.val();

        // Address channel.
        if self.aw_fire.val() {
            self.aw_valid.d.next = false;
        }
        self.awaddr.next = self.aw_addr.q.val();
        self.awlen.next = 1.into();
        self.awsize.next = 5.into();
        self.awburst.next = 1.into();
        self.awvalid.next = self.aw_valid.q.val();

        // Data channel: low beat, then the high beat with WLAST.
        if self.w_fire.val() {
            self.w_beat.d.next = !self.w_beat.q.val();
            if self.w_beat.q.val() {
                self.w_pending.d.next = false;
            }
        }
        self.wdata.next = self.w_data.q.val().get_bits::<CARD_DATA_BITS>(0);
        if self.w_beat.q.val() {
            self.wdata.next = self.w_data.q.val().get_bits::<CARD_DATA_BITS>(256);
        }
        self.wstrb.next = 0xFFFF_FFFFu64.into();
        self.wlast.next = self.w_beat.q.val();
        self.wvalid.next = self.w_pending.q.val();

        if self.req_fire.val() {
            self.aw_valid.d.next = true;
            self.aw_addr.d.next = self.req_addr.val();
            self.w_pending.d.next = true;
            self.w_beat.d.next = false;
            self.w_data.d.next = self.req_data.val();
        }

        // Responses: always taken; the owed count reserves one per record.
        self.bready.next = self.reset_n.val();
        if self.req_fire.val() & !self.b_fire.val() {
            self.owed.d.next = self.owed.q.val() + 1;
        } else if !self.req_fire.val() & self.b_fire.val() {
            self.owed.d.next = self.owed.q.val() - 1;
        }
        if self.b_fire.val() & (self.bresp.val() != 0) {
            self.err.d.next = true;
        }

        // Counters.
        if self.aw_fire.val() {
            self.writes.d.next = self.writes.q.val() + 1;
        }
        if self.w_fire.val() {
            self.beats.d.next = self.beats.q.val() + 1;
        }
        if self.clear_counters.val() {
            self.writes.d.next = 0.into();
            self.beats.d.next = 0.into();
            self.err.d.next = false;
        }

        if !self.reset_n.val() {
            self.aw_valid.d.next = false;
            self.w_pending.d.next = false;
            self.w_beat.d.next = false;
            self.owed.d.next = 0.into();
            self.err.d.next = false;
            // PERF_MEM_WRITES / PERF_MEM_WBEATS read 0 after a reset.
            self.writes.d.next = 0.into();
            self.beats.d.next = 0.into();
        }

        self.idle.next = (self.owed.q.val() == 0) & !self.aw_valid.q.val() & !self.w_pending.q.val();
        self.error.next = self.err.q.val();
        self.perf_writes.next = self.writes.q.val();
        self.perf_beats.next = self.beats.q.val();
    }
}
