//! Occupancy flags of the MSM bucket memory: one bit per key, "the bucket
//! holds a parked point". Each cycle the decision stage reads two keys (the
//! adder's result O and the incoming item F) and may rewrite both, so the
//! table has two read ports and two read-modify-write ports.
//!
//! Reads are registered, as block RAM's are: the address goes in one cycle
//! before its flag is used, and a flag written on the same edge is seen.
//! Writes name no address: `wr_o_*` / `wr_f_*` rewrite the flags now on
//! `rd_o` / `rd_f` (F's after O's when both show the same key).
//!
//! The memory is an XOR two-write-port table: bank O takes port O's writes,
//! bank F port F's, and a key's flag is the XOR of its bits in the two banks;
//! each bank is kept twice, one copy per read port. Every copy is then a
//! simple dual-port RAM (one write, one registered read) of 2^A / 128 words
//! of 128 flags: 8 BRAM36 for 2^16 keys. A port writes a whole word (its
//! new flags XOR the other bank's word, which the read fetched); when both
//! ports' keys share a word, port O writes both changes.
//!
//! Block RAM cannot clear in one cycle: while `clear` is held the table
//! clears one word per cycle (`flag_clear_cycles`), which the engine does
//! during reset. Jobs leave every flag clear (each parked bucket is taken),
//! so a job starts with empty buckets without a sweep.

use super::bucket_flags_model::{FLAG_WORD_LOG2, FlagInputs, FlagTableModel};
use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

/// Cycles from `rd_*_addr` to its flag on `rd_*`.
pub const BUCKET_FLAGS_READ_LATENCY: usize = 1;

pub struct BucketFlags<const A: usize> {
    /// Clock; reads and writes act on its rising edge.
    pub clock: Signal<In, Clock>,
    /// Clear one word of flags per cycle (writes ignored); hold for `flag_clear_cycles(A)`.
    pub clear: Signal<In, Bit>,
    /// Key whose flag shows on `rd_o` next cycle.
    pub rd_o_addr: Signal<In, Bits<A>>,
    /// Flag of the key given on `rd_o_addr` one cycle earlier.
    pub rd_o: Signal<Out, Bit>,
    /// Key whose flag shows on `rd_f` next cycle.
    pub rd_f_addr: Signal<In, Bits<A>>,
    /// Flag of the key given on `rd_f_addr` one cycle earlier.
    pub rd_f: Signal<Out, Bit>,
    /// Rewrite the flag now on `rd_o`.
    pub wr_o_en: Signal<In, Bit>,
    /// Its new value.
    pub wr_o_val: Signal<In, Bit>,
    /// Rewrite the flag now on `rd_f` (after `wr_o` if the keys are equal).
    pub wr_f_en: Signal<In, Bit>,
    /// Its new value.
    pub wr_f_val: Signal<In, Bit>,
    model: FlagTableModel,
}

impl<const A: usize> Default for BucketFlags<A> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            clear: Default::default(),
            rd_o_addr: Default::default(),
            rd_o: Default::default(),
            rd_f_addr: Default::default(),
            rd_f: Default::default(),
            wr_o_en: Default::default(),
            wr_o_val: Default::default(),
            wr_f_en: Default::default(),
            wr_f_val: Default::default(),
            model: FlagTableModel::new(A),
        }
    }
}

impl<const A: usize> BucketFlags<A> {
    /// The block on its own, every input connected (for export and tests).
    pub fn connected() -> Self {
        let mut blk = Self::default();
        blk.clock.connect();
        blk.clear.connect();
        blk.rd_o_addr.connect();
        blk.rd_f_addr.connect();
        blk.wr_o_en.connect();
        blk.wr_o_val.connect();
        blk.wr_f_en.connect();
        blk.wr_f_val.connect();
        blk.connect_all();
        blk
    }
}

impl<const A: usize> Logic for BucketFlags<A> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let (o, f) = self.model.edge(&FlagInputs {
                clear: self.clear.val(),
                rd_o_addr: self.rd_o_addr.val().index(),
                rd_f_addr: self.rd_f_addr.val().index(),
                wr_o_en: self.wr_o_en.val(),
                wr_o_val: self.wr_o_val.val(),
                wr_f_en: self.wr_f_en.val(),
                wr_f_val: self.wr_f_val.val(),
            });
            self.rd_o.next = o;
            self.rd_f.next = f;
        }
    }

    fn connect(&mut self) {
        self.rd_o.connect();
        self.rd_f.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(flags_verilog(A))
    }
}

/// The block's body for 2^`a` keys.
fn flags_verilog(a: usize) -> String {
    let wl = FLAG_WORD_LOG2;
    let (w, aw) = (1usize << wl, a - wl);
    format!(
        "// bank O (port O's writes) and bank F, each kept once per read port
reg [{wt}:0] bank_o_at_o [0:{dl}];
reg [{wt}:0] bank_o_at_f [0:{dl}];
reg [{wt}:0] bank_f_at_o [0:{dl}];
reg [{wt}:0] bank_f_at_f [0:{dl}];
reg [{wt}:0] oo_q, of_q, fo_q, ff_q;
reg [{at}:0] key_o, key_f;
// each bank's write of the last edge, which that edge's read did not see
reg wo_en_q, wf_en_q;
reg [{awt}:0] wo_addr_q, wf_addr_q;
reg [{wt}:0] wo_data_q, wf_data_q;
reg [{awt}:0] sweep;
initial sweep = {aw}'d0;
wire [{awt}:0] word_of_o = key_o[{at}:{wl}];
wire [{awt}:0] word_of_f = key_f[{at}:{wl}];
wire [{wt}:0] oo_now = (wo_en_q && wo_addr_q == word_of_o) ? wo_data_q : oo_q;
wire [{wt}:0] of_now = (wo_en_q && wo_addr_q == word_of_f) ? wo_data_q : of_q;
wire [{wt}:0] fo_now = (wf_en_q && wf_addr_q == word_of_o) ? wf_data_q : fo_q;
wire [{wt}:0] ff_now = (wf_en_q && wf_addr_q == word_of_f) ? wf_data_q : ff_q;
wire [{wt}:0] word_o = oo_now ^ fo_now;
wire [{wt}:0] word_f = of_now ^ ff_now;
wire same_word = word_of_o == word_of_f;
wire [{wt}:0] bit_o = {{{{{wm1}{{1'b0}}}}, 1'b1}} << key_o[{wlm1}:0];
wire [{wt}:0] bit_f = {{{{{wm1}{{1'b0}}}}, 1'b1}} << key_f[{wlm1}:0];
wire [{wt}:0] new_o = !wr_o_en ? word_o : wr_o_val ? (word_o | bit_o) : (word_o & ~bit_o);
wire [{wt}:0] base_f = same_word ? new_o : word_f;
wire [{wt}:0] new_f = !wr_f_en ? base_f : wr_f_val ? (base_f | bit_f) : (base_f & ~bit_f);
wire wo_en = clear | wr_o_en | (wr_f_en & same_word);
wire wf_en = clear | (wr_f_en & !same_word);
wire [{awt}:0] wo_addr = clear ? sweep : word_of_o;
wire [{awt}:0] wf_addr = clear ? sweep : word_of_f;
wire [{wt}:0] wo_data = clear ? {w}'d0 : ((same_word ? new_f : new_o) ^ fo_now);
wire [{wt}:0] wf_data = clear ? {w}'d0 : (new_f ^ of_now);
always @(*) begin
   rd_o = word_o[key_o[{wlm1}:0]];
   rd_f = word_f[key_f[{wlm1}:0]];
end
always @(posedge clock) begin
   if (wo_en) begin
      bank_o_at_o[wo_addr] <= wo_data;
      bank_o_at_f[wo_addr] <= wo_data;
   end
   if (wf_en) begin
      bank_f_at_o[wf_addr] <= wf_data;
      bank_f_at_f[wf_addr] <= wf_data;
   end
   oo_q <= bank_o_at_o[rd_o_addr[{at}:{wl}]];
   fo_q <= bank_f_at_o[rd_o_addr[{at}:{wl}]];
   of_q <= bank_o_at_f[rd_f_addr[{at}:{wl}]];
   ff_q <= bank_f_at_f[rd_f_addr[{at}:{wl}]];
   key_o <= rd_o_addr;
   key_f <= rd_f_addr;
   wo_en_q <= wo_en;
   wo_addr_q <= wo_addr;
   wo_data_q <= wo_data;
   wf_en_q <= wf_en;
   wf_addr_q <= wf_addr;
   wf_data_q <= wf_data;
   if (clear) sweep <= sweep + {aw}'d1;
   else sweep <= {aw}'d0;
end",
        wt = w - 1,
        wm1 = w - 1,
        wl = wl,
        wlm1 = wl - 1,
        at = a - 1,
        aw = aw,
        awt = aw - 1,
        dl = (1usize << aw) - 1,
    )
}

impl<const A: usize> Block for BucketFlags<A> {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.clock.update_all();
        self.clear.update_all();
        self.rd_o_addr.update_all();
        self.rd_o.update_all();
        self.rd_f_addr.update_all();
        self.rd_f.update_all();
        self.wr_o_en.update_all();
        self.wr_o_val.update_all();
        self.wr_f_en.update_all();
        self.wr_f_val.update_all();
    }

    fn has_changed(&self) -> bool {
        self.clock.has_changed()
            || self.clear.has_changed()
            || self.rd_o_addr.has_changed()
            || self.rd_o.has_changed()
            || self.rd_f_addr.has_changed()
            || self.rd_f.has_changed()
            || self.wr_o_en.has_changed()
            || self.wr_o_val.has_changed()
            || self.wr_f_en.has_changed()
            || self.wr_f_val.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.clock.accept("clock", probe);
        self.clear.accept("clear", probe);
        self.rd_o_addr.accept("rd_o_addr", probe);
        self.rd_o.accept("rd_o", probe);
        self.rd_f_addr.accept("rd_f_addr", probe);
        self.rd_f.accept("rd_f", probe);
        self.wr_o_en.accept("wr_o_en", probe);
        self.wr_o_val.accept("wr_o_val", probe);
        self.wr_f_en.accept("wr_f_en", probe);
        self.wr_f_val.accept("wr_f_val", probe);
        probe.visit_end_scope(name, self);
    }
}
