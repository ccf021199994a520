//! The Montgomery multiplier as the engines see it: one port contract, two
//! implementations chosen when the design is built.
//!
//! The wrapper is transparent in the hierarchy: probes (Verilog export, VCD)
//! see the chosen implementation under the wrapper's name, so the exported
//! Verilog contains only that implementation.

use super::mont_mul_fast::MontMulFast;
use super::mont_mul_tiled::MontMulTiled;
use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Which multiplier implementation a design is built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum MulImpl {
    /// Tiled from 16x16 DSP-sized products: the circuit the export ships.
    #[default]
    Tiled,
    /// One wide `*` in custom Verilog: fast to simulate, same cycle behaviour.
    Fast,
}

impl MulImpl {
    pub fn name(self) -> &'static str {
        match self {
            MulImpl::Tiled => "tiled",
            MulImpl::Fast => "fast",
        }
    }

    /// Value reported in the CAPS register.
    pub fn code(self) -> u32 {
        match self {
            MulImpl::Tiled => 0,
            MulImpl::Fast => 1,
        }
    }
}

// Boxed: the tiled block is large (hundreds of KB of signals) by value.
enum Inner {
    Fast(Box<MontMulFast>),
    Tiled(Box<MontMulTiled>),
}

pub struct MontMul {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First operand, Montgomery form, < p.
    pub a: Signal<In, Bits<256>>,
    /// Second operand, Montgomery form, < p.
    pub b: Signal<In, Bits<256>>,
    /// `a` and `b` carry an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// a * b / 2^256 mod p, MONT_MUL_LATENCY cycles after its operands.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    inner: Inner,
}

macro_rules! with_inner {
    ($self:expr, $m:ident => $body:expr) => {
        match &$self.inner {
            Inner::Fast($m) => $body,
            Inner::Tiled($m) => $body,
        }
    };
    (mut $self:expr, $m:ident => $body:expr) => {
        match &mut $self.inner {
            Inner::Fast($m) => $body,
            Inner::Tiled($m) => $body,
        }
    };
}

impl MontMul {
    pub fn new(field: FieldId, imp: MulImpl) -> Self {
        let inner = match imp {
            MulImpl::Fast => Inner::Fast(Box::new(MontMulFast::new(field, super::MONT_MUL_LATENCY))),
            MulImpl::Tiled => Inner::Tiled(Box::new(MontMulTiled::new(field))),
        };
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            inner,
        }
    }
}

impl Logic for MontMul {
    fn update(&mut self) {
        let (clock, a, b, valid_in) =
            (self.clock.val(), self.a.val(), self.b.val(), self.valid_in.val());
        let (y, valid_out) = with_inner!(mut self, m => {
            m.clock.next = clock;
            m.a.next = a;
            m.b.next = b;
            m.valid_in.next = valid_in;
            (m.y.val(), m.valid_out.val())
        });
        self.y.next = y;
        self.valid_out.next = valid_out;
    }

    fn connect(&mut self) {
        self.y.connect();
        self.valid_out.connect();
        with_inner!(mut self, m => {
            m.clock.connect();
            m.a.connect();
            m.b.connect();
            m.valid_in.connect();
        });
    }
}

impl Block for MontMul {
    fn connect_all(&mut self) {
        self.connect();
        with_inner!(mut self, m => m.connect_all());
    }

    fn update_all(&mut self) {
        self.update();
        self.clock.update_all();
        self.a.update_all();
        self.b.update_all();
        self.valid_in.update_all();
        self.y.update_all();
        self.valid_out.update_all();
        with_inner!(mut self, m => m.update_all());
    }

    fn has_changed(&self) -> bool {
        self.clock.has_changed()
            || self.a.has_changed()
            || self.b.has_changed()
            || self.valid_in.has_changed()
            || self.y.has_changed()
            || self.valid_out.has_changed()
            || with_inner!(self, m => m.has_changed())
    }

    // Transparent: the implementation stands in the hierarchy under our name.
    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        with_inner!(self, m => m.accept(name, probe))
    }
}
