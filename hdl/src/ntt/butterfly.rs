//! Gentleman-Sande (decimation-in-frequency) butterfly over BN254 Fr:
//! sum = x + y, prod = (x - y) * w, one butterfly per cycle.

use crate::field::{MOD_ADD_LATENCY, MOD_SUB_LATENCY, MONT_MUL_LATENCY, ModAdd, ModSub, MontMul, MulImpl};
use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to `valid_out`: subtract, then multiply.
pub const BUTTERFLY_LATENCY: usize = MOD_SUB_LATENCY + MONT_MUL_LATENCY;

// The delay lines below are unrolled with literal bounds (rust-hdl needs them).
const _: () = assert!(MOD_ADD_LATENCY == 2 && MOD_SUB_LATENCY == 2 && MONT_MUL_LATENCY == 21);

#[derive(LogicBlock)]
pub struct Butterfly {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Upper input, Montgomery form.
    pub x: Signal<In, Bits<256>>,
    /// Lower input, Montgomery form.
    pub y: Signal<In, Bits<256>>,
    /// Twiddle factor, Montgomery form.
    pub w: Signal<In, Bits<256>>,
    /// The inputs carry a butterfly this cycle.
    pub valid_in: Signal<In, Bit>,
    /// x + y, BUTTERFLY_LATENCY cycles after the inputs.
    pub sum: Signal<Out, Bits<256>>,
    /// (x - y) * w, aligned with `sum`.
    pub prod: Signal<Out, Bits<256>>,
    /// `sum` and `prod` are valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    add: ModAdd,
    sub: ModSub,
    mul: MontMul,
    w_delay: [DFF<Bits<256>>; MOD_SUB_LATENCY],
    sum_delay: [DFF<Bits<256>>; MONT_MUL_LATENCY],
}

impl Butterfly {
    pub fn new(mul: MulImpl) -> Self {
        Self {
            clock: Default::default(),
            x: Default::default(),
            y: Default::default(),
            w: Default::default(),
            valid_in: Default::default(),
            sum: Default::default(),
            prod: Default::default(),
            valid_out: Default::default(),
            add: ModAdd::new(FieldId::Fr),
            sub: ModSub::new(FieldId::Fr),
            mul: MontMul::new(FieldId::Fr, mul),
            w_delay: Default::default(),
            sum_delay: Default::default(),
        }
    }
}

impl Logic for Butterfly {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, add, sub, mul);
        for i in 0..2 {
            self.w_delay[i].clock.next = self.clock.val();
        }
        for i in 0..21 {
            self.sum_delay[i].clock.next = self.clock.val();
        }
        self.add.a.next = self.x.val();
        self.add.b.next = self.y.val();
        self.add.valid_in.next = self.valid_in.val();
        self.sub.a.next = self.x.val();
        self.sub.b.next = self.y.val();
        self.sub.valid_in.next = self.valid_in.val();
        // The twiddle waits for the difference.
        self.w_delay[0].d.next = self.w.val();
        self.w_delay[1].d.next = self.w_delay[0].q.val();
        self.mul.a.next = self.sub.y.val();
        self.mul.b.next = self.w_delay[1].q.val();
        self.mul.valid_in.next = self.sub.valid_out.val();
        // The sum waits for the product.
        self.sum_delay[0].d.next = self.add.y.val();
        for i in 0..20 {
            self.sum_delay[i + 1].d.next = self.sum_delay[i].q.val();
        }
        self.sum.next = self.sum_delay[20].q.val();
        self.prod.next = self.mul.y.val();
        self.valid_out.next = self.mul.valid_out.val();
    }
}
