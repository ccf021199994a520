//! Bucket memory of the MSM engine: 2^A projective points (X, Y, Z packed as
//! 768 bits), one read-or-write port and one write port, as a true dual-port
//! UltraRAM provides: registered reads (one cycle), and a write on port A
//! leaves its read data unchanged (UltraRAM's only mode; the engine never
//! uses port A's data after a write).

use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;
use std::collections::HashMap;

/// Bits of one stored point: X, Y, Z (256 each, X lowest).
pub const POINT_BITS: usize = 768;
/// Cycles from `a_addr` to `a_rdata`.
pub const BUCKET_RAM_READ_LATENCY: usize = 1;

pub type PointWord = Bits<POINT_BITS>;

pub struct BucketRam<const A: usize> {
    /// Clock; both ports act on its rising edge.
    pub clock: Signal<In, Clock>,
    /// Port A address (read every cycle; written when `a_we`).
    pub a_addr: Signal<In, Bits<A>>,
    /// Port A write enable.
    pub a_we: Signal<In, Bit>,
    /// Port A write data.
    pub a_wdata: Signal<In, PointWord>,
    /// Port A read data: the word at the previous cycle's `a_addr` if port A
    /// did not write then (else unchanged); a port B write to that address in
    /// the same cycle is not seen.
    pub a_rdata: Signal<Out, PointWord>,
    /// Port B address (write only).
    pub b_addr: Signal<In, Bits<A>>,
    /// Port B write enable.
    pub b_we: Signal<In, Bit>,
    /// Port B write data.
    pub b_wdata: Signal<In, PointWord>,
    mem: HashMap<u64, PointWord>,
}

impl<const A: usize> Default for BucketRam<A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            a_addr: Default::default(),
            a_we: Default::default(),
            a_wdata: Default::default(),
            a_rdata: Default::default(),
            b_addr: Default::default(),
            b_we: Default::default(),
            b_wdata: Default::default(),
            mem: HashMap::new(),
        }
    }
}

impl<const A: usize> BucketRam<A> {
    /// The block on its own, every input connected (for export).
    pub fn connected() -> Self {
        let mut blk = Self::default();
        blk.clock.connect();
        blk.a_addr.connect();
        blk.a_we.connect();
        blk.a_wdata.connect();
        blk.b_addr.connect();
        blk.b_we.connect();
        blk.b_wdata.connect();
        blk.connect_all();
        blk
    }
}

impl<const A: usize> Logic for BucketRam<A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let a = self.a_addr.val().index() as u64;
            if self.a_we.val() {
                self.mem.insert(a, self.a_wdata.val());
            } else {
                self.a_rdata.next = self.mem.get(&a).copied().unwrap_or_default();
            }
            if self.b_we.val() {
                self.mem.insert(self.b_addr.val().index() as u64, self.b_wdata.val());
            }
        }
    }

    fn connect(&mut self) {
        self.a_rdata.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{top}:0] mem [0:{last}];
always @(posedge clock) begin
   if (a_we) mem[a_addr] <= a_wdata;
   else a_rdata <= mem[a_addr];
   if (b_we) mem[b_addr] <= b_wdata;
end",
            top = POINT_BITS - 1,
            last = (1usize << A) - 1
        ))
    }
}

impl<const A: usize> Block for BucketRam<A> {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.clock.update_all();
        self.a_addr.update_all();
        self.a_we.update_all();
        self.a_wdata.update_all();
        self.a_rdata.update_all();
        self.b_addr.update_all();
        self.b_we.update_all();
        self.b_wdata.update_all();
    }

    fn has_changed(&self) -> bool {
        self.clock.has_changed()
            || self.a_addr.has_changed()
            || self.a_we.has_changed()
            || self.a_wdata.has_changed()
            || self.a_rdata.has_changed()
            || self.b_addr.has_changed()
            || self.b_we.has_changed()
            || self.b_wdata.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.clock.accept("clock", probe);
        self.a_addr.accept("a_addr", probe);
        self.a_we.accept("a_we", probe);
        self.a_wdata.accept("a_wdata", probe);
        self.a_rdata.accept("a_rdata", probe);
        self.b_addr.accept("b_addr", probe);
        self.b_we.accept("b_we", probe);
        self.b_wdata.accept("b_wdata", probe);
        probe.visit_end_scope(name, self);
    }
}
