//! Combinational bit reversal of an N-bit value (wiring only).

use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

/// Cycles from `x` to `y`: none, it is wiring.
pub const BIT_REVERSE_LATENCY: usize = 0;

pub struct BitReverse<const N: usize> {
    /// Value in.
    pub x: Signal<In, Bits<N>>,
    /// `x` with bit i moved to bit N-1-i.
    pub y: Signal<Out, Bits<N>>,
}

impl<const N: usize> Default for BitReverse<N> {
    fn default() -> Self {
        Self { x: Default::default(), y: Default::default() }
    }
}

impl<const N: usize> Logic for BitReverse<N> {
    fn update(&mut self) {
        let x = self.x.val();
        let mut y = Bits::<N>::default();
        for i in 0..N {
            y = y.replace_bit(N - 1 - i, x.get_bit(i));
        }
        self.y.next = y;
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let bits: Vec<String> = (0..N).map(|i| format!("x[{i}]")).collect();
        Verilog::Custom(format!("always @(*) y = {{{}}};", bits.join(", ")))
    }
}

impl<const N: usize> Block for BitReverse<N> {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.x.update_all();
        self.y.update_all();
    }

    fn has_changed(&self) -> bool {
        self.x.has_changed() || self.y.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.x.accept("x", probe);
        self.y.accept("y", probe);
        probe.visit_end_scope(name, self);
    }
}
