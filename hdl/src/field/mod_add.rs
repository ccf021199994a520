//! Pipelined modular adder: y = (a + b) mod p, one result per cycle.

use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to the matching `valid_out`.
pub const MOD_ADD_LATENCY: usize = 2;

#[derive(LogicBlock)]
pub struct ModAdd {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First operand, < p.
    pub a: Signal<In, Bits<256>>,
    /// Second operand, < p.
    pub b: Signal<In, Bits<256>>,
    /// `a` and `b` carry an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// (a + b) mod p, MOD_ADD_LATENCY cycles after its operands.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    modulus: Constant<Bits<257>>,
    sum: DFF<Bits<257>>,
    valid_s1: DFF<Bit>,
    diff: Signal<Local, Bits<257>>,
    result: DFF<Bits<256>>,
    valid_s2: DFF<Bit>,
}

impl ModAdd {
    pub fn new(field: FieldId) -> Self {
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            modulus: Constant::new(field.modulus().into()),
            sum: Default::default(),
            valid_s1: Default::default(),
            diff: Default::default(),
            result: Default::default(),
            valid_s2: Default::default(),
        }
    }
}

impl Logic for ModAdd {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sum, valid_s1, result, valid_s2);
        // Stage 1: the raw sum (< 2p, needs one extra bit).
        self.sum.d.next = bit_cast::<257, 256>(self.a.val()) + bit_cast::<257, 256>(self.b.val());
        self.valid_s1.d.next = self.valid_in.val();
        // Stage 2: subtract p unless that borrows.
        self.diff.next = self.sum.q.val() - self.modulus.val();
        if self.diff.val().get_bit(256) {
            self.result.d.next = self.sum.q.val().get_bits::<256>(0);
        } else {
            self.result.d.next = self.diff.val().get_bits::<256>(0);
        }
        self.valid_s2.d.next = self.valid_s1.q.val();
        self.y.next = self.result.q.val();
        self.valid_out.next = self.valid_s2.q.val();
    }
}
