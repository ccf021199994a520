//! AXI4-Lite slave: turns bus transactions into single-cycle register
//! accesses. One read and one write may complete in the same cycle; responses
//! come one cycle after the address handshake. Writes are at least
//! `AXIL_WRITE_GAP` cycles apart, so a job's registers hold for two cycles
//! before the write that starts it: the engines check them in two stages.

use crate::regmap::AXIL_ADDR_BITS;
use rust_hdl::prelude::*;

/// Cycles from an address handshake to its response being valid.
pub const AXIL_RESPONSE_LATENCY: usize = 1;
/// Fewest cycles from one register write to the next.
pub const AXIL_WRITE_GAP: usize = 3;
// `wrote_1` and `wrote_2` below keep the gap.
const _: () = assert!(AXIL_WRITE_GAP == 3);

#[derive(LogicBlock, Default)]
pub struct AxiLiteSlave {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// Write address.
    pub awaddr: Signal<In, Bits<AXIL_ADDR_BITS>>,
    /// Write address valid.
    pub awvalid: Signal<In, Bit>,
    /// Write address accepted (together with the write data).
    pub awready: Signal<Out, Bit>,
    /// Write data.
    pub wdata: Signal<In, Bits<32>>,
    /// Write byte strobes.
    pub wstrb: Signal<In, Bits<4>>,
    /// Write data valid.
    pub wvalid: Signal<In, Bit>,
    /// Write data accepted (together with the write address).
    pub wready: Signal<Out, Bit>,
    /// Write response code.
    pub bresp: Signal<Out, Bits<2>>,
    /// Write response valid.
    pub bvalid: Signal<Out, Bit>,
    /// Master accepts the write response.
    pub bready: Signal<In, Bit>,
    /// Read address.
    pub araddr: Signal<In, Bits<AXIL_ADDR_BITS>>,
    /// Read address valid.
    pub arvalid: Signal<In, Bit>,
    /// Read address accepted.
    pub arready: Signal<Out, Bit>,
    /// Read data.
    pub rdata: Signal<Out, Bits<32>>,
    /// Read response code.
    pub rresp: Signal<Out, Bits<2>>,
    /// Read data valid.
    pub rvalid: Signal<Out, Bit>,
    /// Master accepts the read data.
    pub rready: Signal<In, Bit>,
    /// Register side: a write happens this cycle.
    pub reg_write: Signal<Out, Bit>,
    /// Register side: address of the write.
    pub reg_waddr: Signal<Out, Bits<AXIL_ADDR_BITS>>,
    /// Register side: data of the write.
    pub reg_wdata: Signal<Out, Bits<32>>,
    /// Register side: byte strobes of the write.
    pub reg_wstrb: Signal<Out, Bits<4>>,
    /// Register side: response for `reg_waddr` (OKAY, SLVERR, DECERR).
    pub reg_wresp: Signal<In, Bits<2>>,
    /// Register side: a read happens this cycle (for clear-on-read bits).
    pub reg_read: Signal<Out, Bit>,
    /// Register side: address of the read.
    pub reg_raddr: Signal<Out, Bits<AXIL_ADDR_BITS>>,
    /// Register side: data at `reg_raddr`.
    pub reg_rdata: Signal<In, Bits<32>>,
    /// Register side: response for `reg_raddr`.
    pub reg_rresp: Signal<In, Bits<2>>,
    write_fire: Signal<Local, Bit>,
    read_fire: Signal<Local, Bit>,
    bvalid_r: DFF<Bit>,
    /// A write one and two cycles ago.
    wrote_1: DFF<Bit>,
    wrote_2: DFF<Bit>,
    bresp_r: DFF<Bits<2>>,
    rvalid_r: DFF<Bit>,
    rresp_r: DFF<Bits<2>>,
    rdata_r: DFF<Bits<32>>,
}

impl Logic for AxiLiteSlave {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, bvalid_r, wrote_1, wrote_2, bresp_r, rvalid_r, rresp_r, rdata_r);
        // Take address and data together once both are offered (legal: ready
        // may wait for valid), the previous response has been taken and the
        // last write is AXIL_WRITE_GAP cycles back.
        self.write_fire.next = self.awvalid.val()
            & self.wvalid.val()
            & !self.bvalid_r.q.val()
            & !self.wrote_1.q.val()
            & !self.wrote_2.q.val()
            & self.reset_n.val();
        self.wrote_1.d.next = self.write_fire.val();
        self.wrote_2.d.next = self.wrote_1.q.val();
        self.read_fire.next = self.arvalid.val() & !self.rvalid_r.q.val() & self.reset_n.val();
        self.awready.next = self.write_fire.val();
        self.wready.next = self.write_fire.val();
        self.arready.next = self.read_fire.val();
        self.reg_write.next = self.write_fire.val();
        self.reg_waddr.next = self.awaddr.val();
        self.reg_wdata.next = self.wdata.val();
        self.reg_wstrb.next = self.wstrb.val();
        self.reg_read.next = self.read_fire.val();
        self.reg_raddr.next = self.araddr.val();
        if self.write_fire.val() {
            self.bvalid_r.d.next = true;
            self.bresp_r.d.next = self.reg_wresp.val();
        } else if self.bready.val() {
            self.bvalid_r.d.next = false;
        }
        if self.read_fire.val() {
            self.rvalid_r.d.next = true;
            self.rresp_r.d.next = self.reg_rresp.val();
            self.rdata_r.d.next = self.reg_rdata.val();
        } else if self.rready.val() {
            self.rvalid_r.d.next = false;
        }
        if !self.reset_n.val() {
            self.bvalid_r.d.next = false;
            self.rvalid_r.d.next = false;
        }
        self.bvalid.next = self.bvalid_r.q.val();
        self.bresp.next = self.bresp_r.q.val();
        self.rvalid.next = self.rvalid_r.q.val();
        self.rresp.next = self.rresp_r.q.val();
        self.rdata.next = self.rdata_r.q.val();
    }
}
