//! Fast-simulation Montgomery multiplier: the same port contract and latency
//! as the tiled one, but the product is one wide `*` in custom Verilog (fast in
//! Verilator, not a circuit to ship) with a Rust behavioural model for
//! rust-hdl's simulator. The two are checked against each other by tests.

use crate::params::FieldId;
use crate::reference;
use num_bigint::BigUint;
use rust_hdl::core::ast::Verilog;
use rust_hdl::prelude::*;
use std::collections::VecDeque;

pub struct MontMulFast {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First operand, Montgomery form, < p.
    pub a: Signal<In, Bits<256>>,
    /// Second operand, Montgomery form, < p.
    pub b: Signal<In, Bits<256>>,
    /// `a` and `b` carry an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// a * b / 2^256 mod p, `latency` cycles after its operands.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    field: FieldId,
    latency: usize,
    /// Behavioural pipeline for rust-hdl's simulator, oldest stage last.
    stages: VecDeque<(bool, Bits<256>)>,
}

impl MontMulFast {
    /// A fast-simulation multiplier padded to `latency` cycles (>= 1).
    pub fn new(field: FieldId, latency: usize) -> Self {
        assert!(latency >= 1, "latency must be at least one register");
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            field,
            latency,
            stages: std::iter::repeat_n((false, Bits::default()), latency).collect(),
        }
    }

    pub fn latency(&self) -> usize {
        self.latency
    }
}

impl Logic for MontMulFast {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let product = if self.valid_in.val() {
                let a: BigUint = self.a.val().into();
                let b: BigUint = self.b.val().into();
                reference::mont_mul(self.field, &a, &b).into()
            } else {
                Bits::default()
            };
            self.stages.push_front((self.valid_in.val(), product));
            self.stages.pop_back();
        }
        let (valid, y) = *self.stages.back().expect("latency >= 1");
        self.y.next = y;
        self.valid_out.next = valid;
    }

    fn connect(&mut self) {
        self.y.connect();
        self.valid_out.connect();
    }

    fn hdl(&self) -> Verilog {
        let p = self.field.modulus();
        let n_inv = self.field.mont_neg_inv();
        let last = self.latency - 1;
        // Stage 0 computes the whole REDC combinationally; stages 1.. pad the
        // latency to match the tiled multiplier.
        let shift = if self.latency > 1 {
            format!(
                "    for (i = 1; i <= {last}; i = i + 1) begin\n        y_pipe[i] <= y_pipe[i-1];\n    end\n    v_pipe <= {{v_pipe[{}:0], valid_in}};\n",
                last.saturating_sub(1)
            )
        } else {
            "    v_pipe <= valid_in;\n".to_string()
        };
        Verilog::Custom(format!(
            r#"
localparam [255:0] MODULUS = 256'h{p:x};
localparam [255:0] NEG_INV = 256'h{n_inv:x};
// The REDC is computed only on cycles that carry an operation (blocking
// temporaries inside the clocked block), so idle multipliers cost Verilator
// nothing; when idle, stage 0 holds its old value (valid is low).
reg [511:0] t;
reg [255:0] m;
reg [511:0] mp;
reg [256:0] u;
reg [256:0] u_sub;
reg [255:0] y_pipe [0:{last}];
reg [{last}:0] v_pipe;
integer i;
initial v_pipe = 0;
always @(posedge clock) begin
    if (valid_in) begin
        t = {{256'b0, a}} * {{256'b0, b}};
        m = t[255:0] * NEG_INV;
        mp = {{256'b0, m}} * {{256'b0, MODULUS}};
        // T + m*p is 0 mod 2^256, so its low half carries out exactly when T_lo != 0.
        u = {{1'b0, t[511:256]}} + {{1'b0, mp[511:256]}} + {{256'b0, |t[255:0]}};
        u_sub = u - {{1'b0, MODULUS}};
        y_pipe[0] <= u_sub[256] ? u[255:0] : u_sub[255:0];
    end
{shift}end
always @(*) begin
    y = y_pipe[{last}];
    valid_out = v_pipe[{last}];
end
"#
        ))
    }
}

impl Block for MontMulFast {
    fn connect_all(&mut self) {
        self.connect();
    }

    fn update_all(&mut self) {
        self.update();
        self.clock.update_all();
        self.a.update_all();
        self.b.update_all();
        self.valid_in.update_all();
        self.y.update_all();
        self.valid_out.update_all();
    }

    fn has_changed(&self) -> bool {
        self.clock.has_changed()
            || self.a.has_changed()
            || self.b.has_changed()
            || self.valid_in.has_changed()
            || self.y.has_changed()
            || self.valid_out.has_changed()
    }

    // Only the ports are visible to probes: the pipeline is behavioural state.
    fn accept(&self, name: &str, probe: &mut dyn Probe) {
        probe.visit_start_scope(name, self);
        self.clock.accept("clock", probe);
        self.a.accept("a", probe);
        self.b.accept("b", probe);
        self.valid_in.accept("valid_in", probe);
        self.y.accept("y", probe);
        self.valid_out.accept("valid_out", probe);
        probe.visit_end_scope(name, self);
    }
}
