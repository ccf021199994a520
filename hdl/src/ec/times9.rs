//! Multiplication by the curve constant 3b = 9 (BN254 G1, b = 3) with modular
//! adders: 2x, 3x = 2x + x, 6x = 3x + 3x, 9x = 6x + 3x. Scaling by a small
//! integer commutes with the Montgomery map, so the same circuit multiplies a
//! Montgomery-form element by 9. Four adders instead of a 21-cycle Montgomery
//! multiplier (hundreds of DSP tiles) and 8 cycles instead of 21.

use crate::field::{MOD_ADD_LATENCY, ModAdd};
use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to `valid_out`: four chained adders.
pub const TIMES9_LATENCY: usize = 4 * MOD_ADD_LATENCY;

// The delay lines below are unrolled with literal bounds.
const _: () = assert!(MOD_ADD_LATENCY == 2);

#[derive(LogicBlock)]
pub struct Times9 {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// Operand, < p (any form: plain or Montgomery).
    pub a: Signal<In, Bits<256>>,
    /// `a` carries an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// 9a mod p, TIMES9_LATENCY cycles after its operand.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    // 2a.
    double: ModAdd,
    // 3a = 2a + a.
    triple: ModAdd,
    // 6a = 3a + 3a.
    sextuple: ModAdd,
    // 9a = 6a + 3a.
    nonuple: ModAdd,
    // a, waiting for 2a.
    a_delay: [DFF<Bits<256>>; MOD_ADD_LATENCY],
    // 3a, waiting for 6a.
    a3_delay: [DFF<Bits<256>>; MOD_ADD_LATENCY],
}

impl Times9 {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            a: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            double: ModAdd::new(FieldId::Fq),
            triple: ModAdd::new(FieldId::Fq),
            sextuple: ModAdd::new(FieldId::Fq),
            nonuple: ModAdd::new(FieldId::Fq),
            a_delay: Default::default(),
            a3_delay: Default::default(),
        }
    }
}

impl Default for Times9 {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for Times9 {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, double, triple, sextuple, nonuple);
        for i in 0..2 {
            self.a_delay[i].clock.next = self.clock.val();
            self.a3_delay[i].clock.next = self.clock.val();
        }
        self.double.a.next = self.a.val();
        self.double.b.next = self.a.val();
        self.double.valid_in.next = self.valid_in.val();
        self.a_delay[0].d.next = self.a.val();
        self.a_delay[1].d.next = self.a_delay[0].q.val();
        self.triple.a.next = self.double.y.val();
        self.triple.b.next = self.a_delay[1].q.val();
        self.triple.valid_in.next = self.double.valid_out.val();
        self.sextuple.a.next = self.triple.y.val();
        self.sextuple.b.next = self.triple.y.val();
        self.sextuple.valid_in.next = self.triple.valid_out.val();
        self.a3_delay[0].d.next = self.triple.y.val();
        self.a3_delay[1].d.next = self.a3_delay[0].q.val();
        self.nonuple.a.next = self.sextuple.y.val();
        self.nonuple.b.next = self.a3_delay[1].q.val();
        self.nonuple.valid_in.next = self.sextuple.valid_out.val();
        self.y.next = self.nonuple.y.val();
        self.valid_out.next = self.nonuple.valid_out.val();
    }
}
