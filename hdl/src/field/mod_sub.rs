//! Pipelined modular subtractor: y = (a - b) mod p, one result per cycle.

use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to the matching `valid_out`.
pub const MOD_SUB_LATENCY: usize = 2;

#[derive(LogicBlock)]
pub struct ModSub {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First operand, < p.
    pub a: Signal<In, Bits<256>>,
    /// Second operand, < p.
    pub b: Signal<In, Bits<256>>,
    /// `a` and `b` carry an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// (a - b) mod p, MOD_SUB_LATENCY cycles after its operands.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    modulus: Constant<Bits<256>>,
    difference: DFF<Bits<257>>,
    valid_s1: DFF<Bit>,
    corrected: Signal<Local, Bits<256>>,
    result: DFF<Bits<256>>,
    valid_s2: DFF<Bit>,
}

impl ModSub {
    pub fn new(field: FieldId) -> Self {
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            modulus: Constant::new(field.modulus().into()),
            difference: Default::default(),
            valid_s1: Default::default(),
            corrected: Default::default(),
            result: Default::default(),
            valid_s2: Default::default(),
        }
    }
}

impl Logic for ModSub {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, difference, valid_s1, result, valid_s2);
        // Stage 1: a - b in 257 bits; bit 256 is the borrow.
        self.difference.d.next =
            bit_cast::<257, 256>(self.a.val()) - bit_cast::<257, 256>(self.b.val());
        self.valid_s1.d.next = self.valid_in.val();
        // Stage 2: add p back if the subtraction borrowed.
        self.corrected.next = self.difference.q.val().get_bits::<256>(0) + self.modulus.val();
        if self.difference.q.val().get_bit(256) {
            self.result.d.next = self.corrected.val();
        } else {
            self.result.d.next = self.difference.q.val().get_bits::<256>(0);
        }
        self.valid_s2.d.next = self.valid_s1.q.val();
        self.y.next = self.result.q.val();
        self.valid_out.next = self.valid_s2.q.val();
    }
}
