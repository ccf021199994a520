//! Card-memory read port: an AXI4 read master (INCR bursts, several reads in
//! flight, single ID so responses come back in order) that serves engines
//! 512-bit *records* (one BN254 G1 affine point: x then y).
//!
//! Engine side: a request (byte address of a record) is accepted only when
//! the response FIFO has a slot reserved for it, so RREADY never drops and a
//! slow engine throttles the requests, never the memory. Each record returns
//! with an error bit: any beat answered SLVERR/DECERR, or RLAST misplaced.

use rust_hdl::prelude::*;

/// Byte-address width of card memory (AXI4 ARADDR).
pub const CARD_ADDR_BITS: usize = 64;
/// Data width of the AXI4 read channel (build parameter; a record is
/// `CARD_RECORD_BITS / CARD_DATA_BITS` beats).
pub const CARD_DATA_BITS: usize = 256;
/// Bits of one record.
pub const CARD_RECORD_BITS: usize = 512;
/// Bytes of one record; record addresses are multiples of it.
pub const CARD_RECORD_BYTES: u64 = (CARD_RECORD_BITS / 8) as u64;
/// Beats (ARLEN + 1) per record burst.
pub const CARD_BEATS_PER_RECORD: usize = CARD_RECORD_BITS / CARD_DATA_BITS;
/// log2 of the response FIFO depth: records requested but not yet taken.
pub const CARD_RSP_FIFO_LOG2: usize = 5;
/// Records that may be in flight or buffered at once.
pub const CARD_MAX_OUTSTANDING: usize = 1 << CARD_RSP_FIFO_LOG2;
/// Cycles from a request's acceptance to ARVALID: one register.
pub const CARD_MEM_READER_REQ_LATENCY: usize = 1;
/// AXI4 ARBURST code of INCR bursts.
pub const AXI_BURST_INCR: u64 = 1;

// The record assembler and the AR fields (ARLEN 1, ARSIZE 5) are written for
// two 32-byte beats per record.
const _: () = assert!(CARD_BEATS_PER_RECORD == 2 && CARD_DATA_BITS == 256);
// Bit indices written as literals in the logic (rust-hdl emits names otherwise).
const _: () = assert!(CARD_RSP_FIFO_LOG2 == 5 && CARD_RECORD_BITS == 512);

type RspFifo = SynchronousFIFO<Bits<{ CARD_RECORD_BITS + 1 }>, CARD_RSP_FIFO_LOG2, { CARD_RSP_FIFO_LOG2 + 1 }, 1>;

#[derive(LogicBlock, Default)]
pub struct CardMemReader {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: drops every outstanding read.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: zero the performance counters (job start).
    pub clear_counters: Signal<In, Bit>,
    /// A record read is requested.
    pub req_valid: Signal<In, Bit>,
    /// The request is accepted this cycle.
    pub req_ready: Signal<Out, Bit>,
    /// Byte address of the requested record (a multiple of CARD_RECORD_BYTES).
    pub req_addr: Signal<In, Bits<CARD_ADDR_BITS>>,
    /// The oldest record is here.
    pub rsp_valid: Signal<Out, Bit>,
    /// Take the oldest record.
    pub rsp_ready: Signal<In, Bit>,
    /// The oldest record, first beat in the low bits.
    pub rsp_data: Signal<Out, Bits<CARD_RECORD_BITS>>,
    /// The oldest record's read failed (error response or bad RLAST).
    pub rsp_error: Signal<Out, Bit>,
    /// Read bursts issued since the last clear.
    pub perf_reads: Signal<Out, Bits<32>>,
    /// Read beats received since the last clear.
    pub perf_beats: Signal<Out, Bits<32>>,
    /// AXI4 read address.
    pub araddr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// AXI4 burst length minus one.
    pub arlen: Signal<Out, Bits<8>>,
    /// AXI4 log2 of bytes per beat.
    pub arsize: Signal<Out, Bits<3>>,
    /// AXI4 burst type (INCR).
    pub arburst: Signal<Out, Bits<2>>,
    /// AXI4 read address valid.
    pub arvalid: Signal<Out, Bit>,
    /// AXI4 read address ready.
    pub arready: Signal<In, Bit>,
    /// AXI4 read data.
    pub rdata: Signal<In, Bits<CARD_DATA_BITS>>,
    /// AXI4 read response.
    pub rresp: Signal<In, Bits<2>>,
    /// AXI4 last beat of a burst.
    pub rlast: Signal<In, Bit>,
    /// AXI4 read data valid.
    pub rvalid: Signal<In, Bit>,
    /// AXI4 read data ready.
    pub rready: Signal<Out, Bit>,
    fifo: RspFifo,
    ar_valid: DFF<Bit>,
    ar_addr: DFF<Bits<CARD_ADDR_BITS>>,
    reserved: DFF<Bits<{ CARD_RSP_FIFO_LOG2 + 1 }>>,
    beat: DFF<Bit>,
    first_half: DFF<Bits<CARD_DATA_BITS>>,
    first_err: DFF<Bit>,
    reads: DFF<Bits<32>>,
    beats: DFF<Bits<32>>,
    req_fire: Signal<Local, Bit>,
    ar_fire: Signal<Local, Bit>,
    r_fire: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    beat_err: Signal<Local, Bit>,
    rec_err: Signal<Local, Bits<1>>,
}

impl Logic for CardMemReader {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, ar_valid, ar_addr, reserved, beat, first_half, first_err, reads, beats);
        clock!(self, clock, fifo);

        // Address channel: one register, refilled in the cycle it is taken.
        self.req_ready.next = self.reset_n.val()
            & (!self.ar_valid.q.val() | self.arready.val())
            & !self.reserved.q.val().get_bit(5);
        self.req_fire.next = self.req_valid.val() & self.req_ready.val();
        self.ar_fire.next = self.ar_valid.q.val() & self.arready.val();
        if self.ar_fire.val() {
            self.ar_valid.d.next = false;
        }
        if self.req_fire.val() {
            self.ar_valid.d.next = true;
            self.ar_addr.d.next = self.req_addr.val();
        }
        self.araddr.next = self.ar_addr.q.val();
        self.arlen.next = 1.into();
        self.arsize.next = 5.into();
        self.arburst.next = 1.into();
        self.arvalid.next = self.ar_valid.q.val();

        // Data channel: always ready (every burst has a FIFO slot reserved).
        self.rready.next = self.reset_n.val();
        self.r_fire.next = self.rvalid.val() & self.reset_n.val();
        self.beat_err.next = (self.rresp.val() != 0) | (self.rlast.val() != self.beat.q.val());
        self.fifo.write.next = false;
        self.rec_err.next = 0.into();
        if self.first_err.q.val() | self.beat_err.val() {
            self.rec_err.next = 1.into();
        }
        self.fifo.data_in.next = bit_cast::<{ CARD_RECORD_BITS + 1 }, CARD_DATA_BITS>(self.first_half.q.val())
            | (bit_cast::<{ CARD_RECORD_BITS + 1 }, CARD_DATA_BITS>(self.rdata.val()) << 256)
            | (bit_cast::<{ CARD_RECORD_BITS + 1 }, 1>(self.rec_err.val()) << 512);
        if self.r_fire.val() {
            self.beat.d.next = !self.beat.q.val();
            if !self.beat.q.val() {
                self.first_half.d.next = self.rdata.val();
                self.first_err.d.next = self.beat_err.val();
            } else {
                self.fifo.write.next = true;
            }
        }

        // Engine side: the FIFO head.
        self.rsp_valid.next = !self.fifo.empty.val() & self.reset_n.val();
        self.rsp_data.next = self.fifo.data_out.val().get_bits::<CARD_RECORD_BITS>(0);
        self.rsp_error.next = self.fifo.data_out.val().get_bit(512);
        self.pop.next = !self.fifo.empty.val() & (self.rsp_ready.val() | !self.reset_n.val());
        self.fifo.read.next = self.pop.val();
        if self.req_fire.val() & !(self.pop.val() & self.reset_n.val()) {
            self.reserved.d.next = self.reserved.q.val() + 1;
        } else if !self.req_fire.val() & self.pop.val() & self.reset_n.val() {
            self.reserved.d.next = self.reserved.q.val() - 1;
        }

        // Counters.
        if self.ar_fire.val() {
            self.reads.d.next = self.reads.q.val() + 1;
        }
        if self.r_fire.val() {
            self.beats.d.next = self.beats.q.val() + 1;
        }
        if self.clear_counters.val() {
            self.reads.d.next = 0.into();
            self.beats.d.next = 0.into();
        }
        self.perf_reads.next = self.reads.q.val();
        self.perf_beats.next = self.beats.q.val();

        // Reset drops every read in flight (the memory resets with the card).
        if !self.reset_n.val() {
            self.ar_valid.d.next = false;
            self.reserved.d.next = 0.into();
            self.beat.d.next = false;
            self.first_err.d.next = false;
            // PERF_MEM_READS / PERF_MEM_BEATS read 0 after a reset.
            self.reads.d.next = 0.into();
            self.beats.d.next = 0.into();
        }
    }
}
