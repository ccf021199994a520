//! Picks the next item of a point: the lowest pending lane whose digit is
//! nonzero (or, with `any_lane`, the lowest pending lane), and that lane's
//! bucket key (from `lane_keys`). Combinational. Zero digits are skipped
//! here, so they cost no cycle.

use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

/// Lanes (windows) per point.
pub const PICKER_LANES: usize = 32;
/// Bits per lane: a two's-complement signed digit.
pub const PICKER_LANE_BITS: usize = 16;
/// Cycles from inputs to outputs: none.
pub const LANE_PICKER_LATENCY: usize = 0;

#[derive(Default)]
pub struct LanePicker {
    /// Lane i's bucket key in bits [16 i, 16 i + 16).
    pub keys: Signal<In, Bits<{ PICKER_LANES * PICKER_LANE_BITS }>>,
    /// Lane i has an item (its digit is nonzero).
    pub nonzero: Signal<In, Bits<PICKER_LANES>>,
    /// Lanes not yet emitted.
    pub pending: Signal<In, Bits<PICKER_LANES>>,
    /// Ignore `nonzero`: every pending lane is a candidate.
    pub any_lane: Signal<In, Bit>,
    /// Some lane is a candidate.
    pub any: Signal<Out, Bit>,
    /// At least two lanes are candidates (the picked one is not the last).
    pub more: Signal<Out, Bit>,
    /// Index of the lowest candidate lane (0 if none).
    pub sel: Signal<Out, Bits<5>>,
    /// Key of lane `sel`.
    pub key: Signal<Out, Bits<PICKER_LANE_BITS>>,
}

/// The picker's function: (any, more, sel, key) for the given inputs.
pub fn pick(keys: &[u16; PICKER_LANES], nonzero: u32, pending: u32, any_lane: bool) -> (bool, bool, usize, u16) {
    let cand = pending & if any_lane { u32::MAX } else { nonzero };
    let sel = if cand == 0 { 0 } else { cand.trailing_zeros() as usize };
    (cand != 0, cand.count_ones() >= 2, sel, keys[sel])
}

impl Logic for LanePicker {
    fn update(&mut self) {
        let raw = self.keys.val();
        let keys: [u16; PICKER_LANES] =
            std::array::from_fn(|i| raw.get_bits::<PICKER_LANE_BITS>(i * PICKER_LANE_BITS).index() as u16);
        let (any, more, sel, key) = pick(
            &keys,
            self.nonzero.val().index() as u32,
            self.pending.val().index() as u32,
            self.any_lane.val(),
        );
        self.any.next = any;
        self.more.next = more;
        self.sel.next = (sel as u64).into();
        self.key.next = (key as u64).into();
    }

    fn connect(&mut self) {
        self.any.connect();
        self.more.connect();
        self.sel.connect();
        self.key.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{lm}:0] cand;
integer i;
always @(*) begin
   cand = pending & (nonzero | {{{lanes}{{any_lane}}}});
   any = |cand;
   more = |(cand & (cand - {lanes}'d1));
   sel = 5'd0;
   for (i = {lm}; i >= 0; i = i - 1)
      if (cand[i]) sel = i[4:0];
   key = keys[{{sel, 4'b0000}} +: {lb}];
end",
            lm = PICKER_LANES - 1,
            lanes = PICKER_LANES,
            lb = PICKER_LANE_BITS
        ))
    }
}

impl Block for LanePicker {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.keys.update_all();
        self.nonzero.update_all();
        self.pending.update_all();
        self.any_lane.update_all();
        self.any.update_all();
        self.more.update_all();
        self.sel.update_all();
        self.key.update_all();
    }

    fn has_changed(&self) -> bool {
        self.keys.has_changed()
            || self.nonzero.has_changed()
            || self.pending.has_changed()
            || self.any_lane.has_changed()
            || self.any.has_changed()
            || self.more.has_changed()
            || self.sel.has_changed()
            || self.key.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.keys.accept("keys", probe);
        self.nonzero.accept("nonzero", probe);
        self.pending.accept("pending", probe);
        self.any_lane.accept("any_lane", probe);
        self.any.accept("any", probe);
        self.more.accept("more", probe);
        self.sel.accept("sel", probe);
        self.key.accept("key", probe);
        probe.visit_end_scope(name, self);
    }
}
