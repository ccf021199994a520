//! One tile: a registered 26 x 17-bit unsigned product, the shape of an
//! UltraScale+ DSP48E2 (27 x 18 signed). Rust-HDL's `*` only takes 16-bit
//! operands, so the product is a line of custom Verilog, with a Rust model for
//! rust-hdl's simulator; `synth.sh --only tile` shows Yosys maps it to exactly
//! one DSP48E2, and the multiplier tests check the two against each other
//! through the whole Montgomery multiplier.
//!
//! A tile built with [DspTile::constant] multiplies x by a constant factor in
//! LUTs instead ([super::const_mul]), keeping only the product's low bits the
//! multiplier reads; its y port is then unused.

use super::const_mul;
use super::mont_mul_plan::{LutTile, TILE_P_BITS, TILE_X_BITS, TILE_Y_BITS};
use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;

/// Cycles from the operands to their product.
pub const DSP_TILE_LATENCY: usize = 1;

const _: () = assert!(TILE_X_BITS == 26 && TILE_Y_BITS == 17 && TILE_P_BITS == 43);

#[derive(Default)]
pub struct DspTile {
    /// Clock; the product register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First factor (the DSP's A port).
    pub x: Signal<In, Bits<26>>,
    /// Second factor (the DSP's B port); a constant tile ignores it.
    pub y: Signal<In, Bits<17>>,
    /// x * y, DSP_TILE_LATENCY cycles after its operands (the DSP's M/P register).
    pub p: Signal<Out, Bits<43>>,
    /// Model state: the product register.
    product: u64,
    /// Some: x times this constant in LUTs, not a DSP.
    lut: Option<LutTile>,
}

impl DspTile {
    /// A tile multiplying x by `lut.factor` mod 2^`lut.width` in LUTs.
    pub fn constant(lut: LutTile) -> Self {
        Self { lut: Some(lut), ..Default::default() }
    }
}

impl Logic for DspTile {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let x = self.x.val().to_u64();
            self.product = match self.lut {
                Some(lut) => const_mul::product(x, lut.factor, lut.width),
                None => x * self.y.val().to_u64(),
            };
        }
        self.p.next = bits::<43>(self.product as LiteralType);
    }

    fn connect(&mut self) {
        self.p.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(match self.lut {
            Some(lut) => const_mul::verilog(lut.factor, lut.width),
            None => "always @(posedge clock) begin\n    p <= {17'd0, x} * {26'd0, y};\nend\n".to_string(),
        })
    }
}

impl Block for DspTile {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.clock.update_all();
        self.x.update_all();
        self.y.update_all();
        self.p.update_all();
    }

    fn has_changed(&self) -> bool {
        self.clock.has_changed() || self.x.has_changed() || self.y.has_changed() || self.p.has_changed()
    }

    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.clock.accept("clock", probe);
        self.x.accept("x", probe);
        self.y.accept("y", probe);
        self.p.accept("p", probe);
        probe.visit_end_scope(name, self);
    }
}
