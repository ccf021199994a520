//! Occupancy flags of the MSM bucket memory: one bit per key, "the bucket
//! holds a parked point". Two combinational read ports (the adder's result
//! key and the incoming item's key are looked up in the same cycle), two set
//! ports (both may park), one clear port (a take), and a one-cycle clear of
//! every flag (reset), so a job never sees a bucket left over from an aborted one.

use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

pub struct BucketFlags<const A: usize> {
    /// Clock; writes act on its rising edge.
    pub clock: Signal<In, Clock>,
    /// Clear every flag at the next edge (overrides the other writes).
    pub clear_all: Signal<In, Bit>,
    /// Key looked up on `rd_o`.
    pub rd_o_addr: Signal<In, Bits<A>>,
    /// Flag of `rd_o_addr`, combinational.
    pub rd_o: Signal<Out, Bit>,
    /// Key looked up on `rd_f`.
    pub rd_f_addr: Signal<In, Bits<A>>,
    /// Flag of `rd_f_addr`, combinational.
    pub rd_f: Signal<Out, Bit>,
    /// Set the flag of `set_a_addr`.
    pub set_a_en: Signal<In, Bit>,
    /// Key set by `set_a_en`.
    pub set_a_addr: Signal<In, Bits<A>>,
    /// Set the flag of `set_b_addr`.
    pub set_b_en: Signal<In, Bit>,
    /// Key set by `set_b_en`.
    pub set_b_addr: Signal<In, Bits<A>>,
    /// Clear the flag of `clr_addr`.
    pub clr_en: Signal<In, Bit>,
    /// Key cleared by `clr_en` (never the same cycle's set key).
    pub clr_addr: Signal<In, Bits<A>>,
    flags: Vec<bool>,
}

impl<const A: usize> Default for BucketFlags<A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear_all: Default::default(),
            rd_o_addr: Default::default(),
            rd_o: Default::default(),
            rd_f_addr: Default::default(),
            rd_f: Default::default(),
            set_a_en: Default::default(),
            set_a_addr: Default::default(),
            set_b_en: Default::default(),
            set_b_addr: Default::default(),
            clr_en: Default::default(),
            clr_addr: Default::default(),
            flags: vec![false; 1 << A],
        }
    }
}

impl<const A: usize> Logic for BucketFlags<A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self.clear_all.val() {
                self.flags.iter_mut().for_each(|f| *f = false);
            } else {
                if self.clr_en.val() {
                    self.flags[self.clr_addr.val().index()] = false;
                }
                if self.set_a_en.val() {
                    self.flags[self.set_a_addr.val().index()] = true;
                }
                if self.set_b_en.val() {
                    self.flags[self.set_b_addr.val().index()] = true;
                }
            }
        }
        self.rd_o.next = self.flags[self.rd_o_addr.val().index()];
        self.rd_f.next = self.flags[self.rd_f_addr.val().index()];
    }

    fn connect(&mut self) {
        self.rd_o.connect();
        self.rd_f.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{last}:0] occupied;
always @(*) begin
   rd_o = occupied[rd_o_addr];
   rd_f = occupied[rd_f_addr];
end
always @(posedge clock) begin
   if (clear_all) begin
      occupied <= 0;
   end else begin
      if (clr_en) occupied[clr_addr] <= 1'b0;
      if (set_a_en) occupied[set_a_addr] <= 1'b1;
      if (set_b_en) occupied[set_b_addr] <= 1'b1;
   end
end",
            last = (1usize << A) - 1
        ))
    }
}

impl<const A: usize> Block for BucketFlags<A> {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.clock.update_all();
        self.clear_all.update_all();
        self.rd_o_addr.update_all();
        self.rd_o.update_all();
        self.rd_f_addr.update_all();
        self.rd_f.update_all();
        self.set_a_en.update_all();
        self.set_a_addr.update_all();
        self.set_b_en.update_all();
        self.set_b_addr.update_all();
        self.clr_en.update_all();
        self.clr_addr.update_all();
    }

    fn has_changed(&self) -> bool {
        self.clock.has_changed()
            || self.clear_all.has_changed()
            || self.rd_o_addr.has_changed()
            || self.rd_o.has_changed()
            || self.rd_f_addr.has_changed()
            || self.rd_f.has_changed()
            || self.set_a_en.has_changed()
            || self.set_a_addr.has_changed()
            || self.set_b_en.has_changed()
            || self.set_b_addr.has_changed()
            || self.clr_en.has_changed()
            || self.clr_addr.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.clock.accept("clock", probe);
        self.clear_all.accept("clear_all", probe);
        self.rd_o_addr.accept("rd_o_addr", probe);
        self.rd_o.accept("rd_o", probe);
        self.rd_f_addr.accept("rd_f_addr", probe);
        self.rd_f.accept("rd_f", probe);
        self.set_a_en.accept("set_a_en", probe);
        self.set_a_addr.accept("set_a_addr", probe);
        self.set_b_en.accept("set_b_en", probe);
        self.set_b_addr.accept("set_b_addr", probe);
        self.clr_en.accept("clr_en", probe);
        self.clr_addr.accept("clr_addr", probe);
        probe.visit_end_scope(name, self);
    }
}
