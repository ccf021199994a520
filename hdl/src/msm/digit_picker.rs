//! Picks the next item of a point: the lowest pending lane whose signed digit
//! is nonzero (or, with `any_lane`, the lowest pending lane). Combinational.
//! Zero digits are skipped here, so they cost no cycle.

use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

/// Lanes (windows) per point.
pub const PICKER_LANES: usize = 32;
/// Bits per lane: a two's-complement signed digit.
pub const PICKER_LANE_BITS: usize = 16;
/// Cycles from inputs to outputs: none.
pub const DIGIT_PICKER_LATENCY: usize = 0;

#[derive(Default)]
pub struct DigitPicker {
    /// Lane i's digit in bits [16 i, 16 i + 16), two's complement.
    pub digits: Signal<In, Bits<{ PICKER_LANES * PICKER_LANE_BITS }>>,
    /// Lanes not yet emitted.
    pub pending: Signal<In, Bits<PICKER_LANES>>,
    /// Ignore the digits: every pending lane is a candidate.
    pub any_lane: Signal<In, Bit>,
    /// Some lane is a candidate.
    pub any: Signal<Out, Bit>,
    /// At least two lanes are candidates (the picked one is not the last).
    pub more: Signal<Out, Bit>,
    /// Index of the lowest candidate lane (0 if none).
    pub sel: Signal<Out, Bits<5>>,
    /// Digit of lane `sel`.
    pub digit: Signal<Out, Bits<PICKER_LANE_BITS>>,
}

/// The picker's function: (any, more, sel, digit) for the given inputs.
pub fn pick(digits: &[i16; PICKER_LANES], pending: u32, any_lane: bool) -> (bool, bool, usize, i16) {
    let cand: u32 = (0..PICKER_LANES)
        .filter(|&i| pending >> i & 1 == 1 && (any_lane || digits[i] != 0))
        .fold(0, |m, i| m | 1 << i);
    let sel = if cand == 0 { 0 } else { cand.trailing_zeros() as usize };
    (cand != 0, cand.count_ones() >= 2, sel, digits[sel])
}

impl Logic for DigitPicker {
    fn update(&mut self) {
        let raw = self.digits.val();
        let digits: [i16; PICKER_LANES] =
            std::array::from_fn(|i| raw.get_bits::<PICKER_LANE_BITS>(i * PICKER_LANE_BITS).index() as u16 as i16);
        let (any, more, sel, digit) = pick(&digits, self.pending.val().index() as u32, self.any_lane.val());
        self.any.next = any;
        self.more.next = more;
        self.sel.next = (sel as u64).into();
        self.digit.next = (digit as u16 as u64).into();
    }

    fn connect(&mut self) {
        self.any.connect();
        self.more.connect();
        self.sel.connect();
        self.digit.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "reg [{lm}:0] cand;
integer i;
always @(*) begin
   for (i = 0; i < {lanes}; i = i + 1)
      cand[i] = pending[i] & (any_lane | (digits[i*{lb} +: {lb}] != {lb}'d0));
   any = |cand;
   more = |(cand & (cand - {lanes}'d1));
   sel = 5'd0;
   for (i = {lm}; i >= 0; i = i - 1)
      if (cand[i]) sel = i[4:0];
   digit = digits[{{sel, 4'b0000}} +: {lb}];
end",
            lm = PICKER_LANES - 1,
            lanes = PICKER_LANES,
            lb = PICKER_LANE_BITS
        ))
    }
}

impl Block for DigitPicker {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.digits.update_all();
        self.pending.update_all();
        self.any_lane.update_all();
        self.any.update_all();
        self.more.update_all();
        self.sel.update_all();
        self.digit.update_all();
    }

    fn has_changed(&self) -> bool {
        self.digits.has_changed()
            || self.pending.has_changed()
            || self.any_lane.has_changed()
            || self.any.has_changed()
            || self.more.has_changed()
            || self.sel.has_changed()
            || self.digit.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.digits.accept("digits", probe);
        self.pending.accept("pending", probe);
        self.any_lane.accept("any_lane", probe);
        self.any.accept("any", probe);
        self.more.accept("more", probe);
        self.sel.accept("sel", probe);
        self.digit.accept("digit", probe);
        probe.visit_end_scope(name, self);
    }
}
