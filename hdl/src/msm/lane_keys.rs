//! Lane keys: every lane's bucket key, sign and checks, worked out once when
//! a point's digits load, so that issuing an item is only a priority pick and
//! a mux (the expander's path to the decision stage and the flags' read
//! address is the MSM's critical one). Combinational.

use super::lane_picker::{PICKER_LANE_BITS, PICKER_LANES};
use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

/// Cycles from inputs to outputs: none.
pub const LANE_KEYS_LATENCY: usize = 0;

const LANES_BITS: usize = PICKER_LANES * PICKER_LANE_BITS;

#[derive(Default)]
pub struct LaneKeys {
    /// Lane i's signed digit in bits [16 i, 16 i + 16), two's complement.
    pub digits: Signal<In, Bits<LANES_BITS>>,
    /// Window width minus one, c - 1.
    pub c_minus_1: Signal<In, Bits<4>>,
    /// The engine's first window times 2^(c-1): keys count from the
    /// engine's own first window, so each engine's buckets start at key 0.
    pub key_offset: Signal<In, Bits<16>>,
    /// Lane i's bucket key i 2^(c-1) + |d_i| - 1 - key_offset (mod 2^16) in
    /// bits [16 i, 16 i + 16) (meaningless where the digit is zero or bad,
    /// or the lane is below the engine's first window).
    pub keys: Signal<Out, Bits<LANES_BITS>>,
    /// Lane i's digit is negative (its point is negated).
    pub neg: Signal<Out, Bits<PICKER_LANES>>,
    /// Lane i's digit is nonzero (it is an item).
    pub nonzero: Signal<Out, Bits<PICKER_LANES>>,
    /// Lane i's digit is nonzero and |d_i| > 2^(c-1): no bucket holds it.
    pub bad: Signal<Out, Bits<PICKER_LANES>>,
}

/// What the block computes for lane digits `digits` at window width `c`,
/// keys less `key_offset`: (keys, neg, nonzero, bad), bit i of a mask for
/// lane i.
pub fn lane_keys(digits: &[i16; PICKER_LANES], c: usize, key_offset: u16) -> ([u16; PICKER_LANES], u32, u32, u32) {
    let half = 1i32 << (c - 1);
    let mut keys = [0u16; PICKER_LANES];
    let (mut neg, mut nonzero, mut bad) = (0u32, 0u32, 0u32);
    for (i, &d) in digits.iter().enumerate() {
        let mag = (d as i32).abs();
        keys[i] = (((i as i32) * half + mag - 1) as u16).wrapping_sub(key_offset);
        neg |= ((d < 0) as u32) << i;
        nonzero |= ((d != 0) as u32) << i;
        bad |= ((mag > half) as u32) << i;
    }
    (keys, neg, nonzero, bad)
}

impl Logic for LaneKeys {
    fn update(&mut self) {
        let raw = self.digits.val();
        let digits: [i16; PICKER_LANES] =
            std::array::from_fn(|i| raw.get_bits::<PICKER_LANE_BITS>(i * PICKER_LANE_BITS).index() as u16 as i16);
        let (keys, neg, nonzero, bad) =
            lane_keys(&digits, self.c_minus_1.val().index() + 1, self.key_offset.val().index() as u16);
        let mut packed: Bits<LANES_BITS> = 0.into();
        for (i, k) in keys.iter().enumerate() {
            packed.set_bits::<PICKER_LANE_BITS>(i * PICKER_LANE_BITS, (*k as u64).into());
        }
        self.keys.next = packed;
        self.neg.next = (neg as u64).into();
        self.nonzero.next = (nonzero as u64).into();
        self.bad.next = (bad as u64).into();
    }

    fn connect(&mut self) {
        self.keys.connect();
        self.neg.connect();
        self.nonzero.connect();
        self.bad.connect();
    }

    fn hdl(&self) -> Verilog {
        // |d| - 1 is ~d for a negative digit and d - 1 otherwise: one carry
        // chain where negating and subtracting would take two. The lane's
        // base less the offset is a job constant's sum, off the digit's path.
        Verilog::Custom(format!(
            "integer i;
reg [{hb}:0] d, mag_m1;
always @(*) begin
   for (i = 0; i < {lanes}; i = i + 1) begin
      d = digits[i*{lb} +: {lb}];
      mag_m1 = d[{hb}] ? ~d : d - {lb}'d1;
      keys[i*{lb} +: {lb}] = ((i[{hb}:0] << c_minus_1) - key_offset) + mag_m1;
      neg[i] = d[{hb}];
      nonzero[i] = d != {lb}'d0;
      bad[i] = (d != {lb}'d0) & (mag_m1 >= ({lb}'d1 << c_minus_1));
   end
end",
            lanes = PICKER_LANES,
            lb = PICKER_LANE_BITS,
            hb = PICKER_LANE_BITS - 1
        ))
    }
}

impl Block for LaneKeys {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.digits.update_all();
        self.c_minus_1.update_all();
        self.key_offset.update_all();
        self.keys.update_all();
        self.neg.update_all();
        self.nonzero.update_all();
        self.bad.update_all();
    }

    fn has_changed(&self) -> bool {
        self.digits.has_changed()
            || self.c_minus_1.has_changed()
            || self.key_offset.has_changed()
            || self.keys.has_changed()
            || self.neg.has_changed()
            || self.nonzero.has_changed()
            || self.bad.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.digits.accept("digits", probe);
        self.c_minus_1.accept("c_minus_1", probe);
        self.key_offset.accept("key_offset", probe);
        self.keys.accept("keys", probe);
        self.neg.accept("neg", probe);
        self.nonzero.accept("nonzero", probe);
        self.bad.accept("bad", probe);
        probe.visit_end_scope(name, self);
    }
}
