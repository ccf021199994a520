//! Gentleman-Sande (decimation-in-frequency) butterfly over BN254 Fr:
//! sum = x + y, prod = (x - y) * w, one butterfly per cycle. Its operands
//! are registered first: they arrive through the NTT core's bank and set
//! selects, straight from block RAM, and the adder's and subtractor's
//! 257-bit carry chains would otherwise sit behind them in one cycle.

use crate::field::{MOD_ADD_LATENCY, MOD_SUB_LATENCY, MONT_MUL_LATENCY, ModAdd, ModSub, MontMul, MulImpl};
use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles of the operand register in front of the adder and subtractor.
pub const BUTTERFLY_INPUT_LATENCY: usize = 1;
/// Cycles from `valid_in` to `valid_out`: operand register, subtract, multiply.
pub const BUTTERFLY_LATENCY: usize = BUTTERFLY_INPUT_LATENCY + MOD_SUB_LATENCY + MONT_MUL_LATENCY;

// The delay lines below are unrolled with literal bounds (rust-hdl needs them).
const _: () =
    assert!(BUTTERFLY_INPUT_LATENCY == 1 && MOD_ADD_LATENCY == 2 && MOD_SUB_LATENCY == 2 && MONT_MUL_LATENCY == 21);

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
    x_r: DFF<Bits<256>>,
    y_r: DFF<Bits<256>>,
    w_r: DFF<Bits<256>>,
    valid_r: DFF<Bit>,
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
            x_r: Default::default(),
            y_r: Default::default(),
            w_r: Default::default(),
            valid_r: Default::default(),
            w_delay: Default::default(),
            sum_delay: Default::default(),
        }
    }
}

impl Logic for Butterfly {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, add, sub, mul);
        dff_setup!(self, clock, x_r, y_r, w_r, valid_r);
        self.x_r.d.next = self.x.val();
        self.y_r.d.next = self.y.val();
        self.w_r.d.next = self.w.val();
        self.valid_r.d.next = self.valid_in.val();
        for i in 0..2 {
            self.w_delay[i].clock.next = self.clock.val();
        }
        for i in 0..21 {
            self.sum_delay[i].clock.next = self.clock.val();
        }
        self.add.a.next = self.x_r.q.val();
        self.add.b.next = self.y_r.q.val();
        self.add.valid_in.next = self.valid_r.q.val();
        self.sub.a.next = self.x_r.q.val();
        self.sub.b.next = self.y_r.q.val();
        self.sub.valid_in.next = self.valid_r.q.val();
        // The twiddle waits for the difference.
        self.w_delay[0].d.next = self.w_r.q.val();
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
