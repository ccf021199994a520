//! Fully pipelined BN254 G1 point adder: one complete addition P + Q per
//! cycle, in homogeneous projective coordinates with Montgomery-form Fq
//! coordinates.
//!
//! Formulas: Renes, Costello, Batina, "Complete addition formulas for prime
//! order elliptic curves" (ePrint 2015/1060), Algorithm 7 (a = 0), with
//! b3 = 3b = 9. They are complete on BN254 G1 (prime order): doubling,
//! P + (-P), P + O, O + O need no special case, so the pipeline has no
//! control flow at all. The paper's 12M + 2m_3b sit in three levels (inputs;
//! b3 times level-1 results; final products); here the 12 general products
//! take two multiplier levels of 21 cycles and the middle level, the two
//! products by b3 = 9, is done with modular additions in 8 cycles
//! ([`Times9`]: 2x, 3x, 6x, 9x), which saves two multipliers and 13 cycles:
//!
//! ```text
//!  t  stage (cycles after the inputs' register, one after valid_in)
//!  0  inputs X1 Y1 Z1 X2 Y2 Z2
//!  0-2    pre-adds X1+Y1, X2+Y2, Y1+Z1, Y2+Z2, X1+Z1, X2+Z2
//!  0-21   A = X1 X2, B = Y1 Y2, C = Z1 Z2                   (level 1, 3 mults)
//!  2-23   D = (X1+Y1)(X2+Y2), E = (Y1+Z1)(Y2+Z2), F = (X1+Z1)(X2+Z2) (3 mults)
//! 21-23   A+B, B+C, A+C, 2A
//! 23-25   t3 = D-(A+B), t4 = E-(B+C), Y3' = F-(A+C), t0 = 2A+A
//! 21-29   9C                                                (4 adds)
//! 29-31   Z3' = B+9C, t1 = B-9C
//! 25-33   Y3'' = 9 Y3'                                      (4 adds)
//! 33-54   t3 t1, t4 Y3'', t1 Z3', Y3'' t0, Z3' t4, t0 t3    (level 2, 6 mults)
//! 54-56   X3 = t3 t1 - t4 Y3'', Y3 = t1 Z3' + Y3'' t0, Z3 = Z3' t4 + t0 t3
//! ```
//!
//! Operands that arrive early wait in delay lines of DFFs: A by 2 cycles
//! (for 2A + A), B by 8 (for B +- 9C), t3, t4 and t0 by 8 and t1, Z3' by 2
//! (for level 2); the tag by the whole latency (57 with the input register).

use super::times9::{TIMES9_LATENCY, Times9};
use crate::field::{MOD_ADD_LATENCY, MOD_SUB_LATENCY, MONT_MUL_LATENCY, ModAdd, ModSub, MontMul, MulImpl};
use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to the matching `valid_out` (56): pre-add, level-1
/// product, subtract, times 9, level-2 product, final add; plus the input
/// register.
pub const POINT_ADD_LATENCY: usize = POINT_ADD_INPUT_LATENCY
    + MOD_ADD_LATENCY
    + MONT_MUL_LATENCY
    + MOD_SUB_LATENCY
    + TIMES9_LATENCY
    + MONT_MUL_LATENCY
    + MOD_ADD_LATENCY;
/// The operands are registered as they enter: a user's memory read or
/// multiplexer ends there, not in the pre-adders' carry chains.
pub const POINT_ADD_INPUT_LATENCY: usize = 1;

/// Montgomery multipliers in one point adder (12M; the 2 m_3b are additions).
pub const POINT_ADD_MULTIPLIERS: usize = 12;

// The delay lines below are unrolled with literal bounds, derived from these.
const _: () = assert!(MOD_ADD_LATENCY == 2 && MOD_SUB_LATENCY == 2 && MONT_MUL_LATENCY == 21);
const _: () = assert!(TIMES9_LATENCY == 8 && POINT_ADD_LATENCY == 57);

// When each intermediate is ready, in cycles after the registered inputs.
const T_ABC: usize = MONT_MUL_LATENCY; // A, B, C
const T_DEF: usize = MOD_ADD_LATENCY + MONT_MUL_LATENCY; // D, E, F; also A+B, B+C, A+C, 2A
const T_T3: usize = T_DEF + MOD_SUB_LATENCY; // t3, t4, Y3', and t0 = 2A + A
const T_T1: usize = T_ABC + TIMES9_LATENCY + MOD_ADD_LATENCY; // t1, Z3'
const T_Y3PP: usize = T_T3 + TIMES9_LATENCY; // Y3'': level 2 starts
/// B waits for 9C.
const B_DELAY: usize = TIMES9_LATENCY;
/// t3, t4, t0 wait for Y3''.
const LATE_DELAY: usize = T_Y3PP - T_T3;
/// t1 and Z3' wait for Y3''.
const T1_DELAY: usize = T_Y3PP - T_T1;
const _: () = assert!(T_ABC + 2 * MOD_ADD_LATENCY == T_T3 && T_DEF == T_ABC + MOD_ADD_LATENCY);
const _: () = assert!(B_DELAY == 8 && LATE_DELAY == 8 && T1_DELAY == 2);
const _: () = assert!(POINT_ADD_INPUT_LATENCY + T_Y3PP + MONT_MUL_LATENCY + MOD_ADD_LATENCY == POINT_ADD_LATENCY);

#[derive(LogicBlock)]
pub struct PointAdd {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// X of P, Montgomery form, < p.
    pub x1: Signal<In, Bits<256>>,
    /// Y of P, Montgomery form, < p.
    pub y1: Signal<In, Bits<256>>,
    /// Z of P, Montgomery form, < p (0 for the point at infinity).
    pub z1: Signal<In, Bits<256>>,
    /// X of Q, Montgomery form, < p.
    pub x2: Signal<In, Bits<256>>,
    /// Y of Q, Montgomery form, < p.
    pub y2: Signal<In, Bits<256>>,
    /// Z of Q, Montgomery form, < p (0 for the point at infinity).
    pub z2: Signal<In, Bits<256>>,
    /// The inputs carry an addition this cycle.
    pub valid_in: Signal<In, Bit>,
    /// Opaque tag, returned on `tag_out` with this addition's result.
    pub tag_in: Signal<In, Bits<32>>,
    /// X of P + Q, Montgomery form, POINT_ADD_LATENCY cycles after the inputs.
    pub x3: Signal<Out, Bits<256>>,
    /// Y of P + Q, Montgomery form, aligned with `x3`.
    pub y3: Signal<Out, Bits<256>>,
    /// Z of P + Q, Montgomery form, aligned with `x3` (0 for infinity).
    pub z3: Signal<Out, Bits<256>>,
    /// `x3`, `y3`, `z3` and `tag_out` are valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    /// The `tag_in` of the addition whose result is on `x3`, `y3`, `z3`.
    pub tag_out: Signal<Out, Bits<32>>,
    /// What `tag_out` shows next cycle (for users with a registered lookup by tag).
    pub tag_next: Signal<Out, Bits<32>>,
    // The inputs, registered.
    in_x1: DFF<Bits<256>>,
    in_y1: DFF<Bits<256>>,
    in_z1: DFF<Bits<256>>,
    in_x2: DFF<Bits<256>>,
    in_y2: DFF<Bits<256>>,
    in_z2: DFF<Bits<256>>,
    in_valid: DFF<Bit>,
    // Pre-adds of the inputs.
    sum_xy1: ModAdd,
    sum_xy2: ModAdd,
    sum_yz1: ModAdd,
    sum_yz2: ModAdd,
    sum_xz1: ModAdd,
    sum_xz2: ModAdd,
    // Level 1 products.
    mul_a: MontMul,
    mul_b: MontMul,
    mul_c: MontMul,
    mul_d: MontMul,
    mul_e: MontMul,
    mul_f: MontMul,
    // Between the levels.
    sum_ab: ModAdd,
    sum_bc: ModAdd,
    sum_ac: ModAdd,
    dbl_a: ModAdd,
    a_delay: [DFF<Bits<256>>; MOD_ADD_LATENCY],
    sub_t3: ModSub,
    sub_t4: ModSub,
    sub_y3: ModSub,
    triple_a: ModAdd,
    times9_c: Times9,
    b_delay: [DFF<Bits<256>>; B_DELAY],
    add_z3: ModAdd,
    sub_t1: ModSub,
    times9_y3: Times9,
    t3_delay: [DFF<Bits<256>>; LATE_DELAY],
    t4_delay: [DFF<Bits<256>>; LATE_DELAY],
    t0_delay: [DFF<Bits<256>>; LATE_DELAY],
    t1_delay: [DFF<Bits<256>>; T1_DELAY],
    z3_delay: [DFF<Bits<256>>; T1_DELAY],
    // The valid bits of t3, t4, t0 and of t1, Z3', riding their delay lines.
    late_valid: [DFF<Bit>; LATE_DELAY],
    t1_valid: [DFF<Bit>; T1_DELAY],
    level2_valid: Signal<Local, Bit>,
    // Level 2 products.
    mul_t3t1: MontMul,
    mul_t4y3: MontMul,
    mul_t1z3: MontMul,
    mul_y3t0: MontMul,
    mul_z3t4: MontMul,
    mul_t0t3: MontMul,
    // Output sums.
    out_x: ModSub,
    out_y: ModAdd,
    out_z: ModAdd,
    tag_delay: [DFF<Bits<32>>; POINT_ADD_LATENCY],
}

impl PointAdd {
    /// An adder with every input marked as driven from outside, ready for
    /// simulation or Verilog generation on its own.
    pub fn connected(mul: MulImpl) -> Self {
        let mut add = Self::new(mul);
        add.clock.connect();
        add.x1.connect();
        add.y1.connect();
        add.z1.connect();
        add.x2.connect();
        add.y2.connect();
        add.z2.connect();
        add.valid_in.connect();
        add.tag_in.connect();
        add.connect_all();
        add
    }

    pub fn new(mul: MulImpl) -> Self {
        let add = || ModAdd::new(FieldId::Fq);
        let sub = || ModSub::new(FieldId::Fq);
        let mult = || MontMul::new(FieldId::Fq, mul);
        Self {
            clock: Default::default(),
            x1: Default::default(),
            y1: Default::default(),
            z1: Default::default(),
            x2: Default::default(),
            y2: Default::default(),
            z2: Default::default(),
            valid_in: Default::default(),
            tag_in: Default::default(),
            x3: Default::default(),
            y3: Default::default(),
            z3: Default::default(),
            valid_out: Default::default(),
            tag_out: Default::default(),
            tag_next: Default::default(),
            in_x1: Default::default(),
            in_y1: Default::default(),
            in_z1: Default::default(),
            in_x2: Default::default(),
            in_y2: Default::default(),
            in_z2: Default::default(),
            in_valid: Default::default(),
            sum_xy1: add(),
            sum_xy2: add(),
            sum_yz1: add(),
            sum_yz2: add(),
            sum_xz1: add(),
            sum_xz2: add(),
            mul_a: mult(),
            mul_b: mult(),
            mul_c: mult(),
            mul_d: mult(),
            mul_e: mult(),
            mul_f: mult(),
            sum_ab: add(),
            sum_bc: add(),
            sum_ac: add(),
            dbl_a: add(),
            a_delay: Default::default(),
            sub_t3: sub(),
            sub_t4: sub(),
            sub_y3: sub(),
            triple_a: add(),
            times9_c: Times9::new(),
            b_delay: Default::default(),
            add_z3: add(),
            sub_t1: sub(),
            times9_y3: Times9::new(),
            t3_delay: Default::default(),
            t4_delay: Default::default(),
            t0_delay: Default::default(),
            t1_delay: Default::default(),
            z3_delay: Default::default(),
            late_valid: Default::default(),
            t1_valid: Default::default(),
            level2_valid: Default::default(),
            mul_t3t1: mult(),
            mul_t4y3: mult(),
            mul_t1z3: mult(),
            mul_y3t0: mult(),
            mul_z3t4: mult(),
            mul_t0t3: mult(),
            out_x: sub(),
            out_y: add(),
            out_z: add(),
            tag_delay: std::array::from_fn(|_| Default::default()),
        }
    }
}

impl Logic for PointAdd {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(
            self, clock, sum_xy1, sum_xy2, sum_yz1, sum_yz2, sum_xz1, sum_xz2, mul_a, mul_b, mul_c, mul_d,
            mul_e, mul_f, sum_ab, sum_bc, sum_ac, dbl_a, sub_t3, sub_t4, sub_y3, triple_a, times9_c, add_z3,
            sub_t1, times9_y3, mul_t3t1, mul_t4y3, mul_t1z3, mul_y3t0, mul_z3t4, mul_t0t3, out_x, out_y, out_z
        );
        for i in 0..2 {
            self.a_delay[i].clock.next = self.clock.val();
            self.t1_delay[i].clock.next = self.clock.val();
            self.z3_delay[i].clock.next = self.clock.val();
            self.t1_valid[i].clock.next = self.clock.val();
        }
        for i in 0..8 {
            self.b_delay[i].clock.next = self.clock.val();
            self.t3_delay[i].clock.next = self.clock.val();
            self.t4_delay[i].clock.next = self.clock.val();
            self.t0_delay[i].clock.next = self.clock.val();
            self.late_valid[i].clock.next = self.clock.val();
        }
        for i in 0..57 {
            self.tag_delay[i].clock.next = self.clock.val();
        }
        dff_setup!(self, clock, in_x1, in_y1, in_z1, in_x2, in_y2, in_z2, in_valid);

        self.in_x1.d.next = self.x1.val();
        self.in_y1.d.next = self.y1.val();
        self.in_z1.d.next = self.z1.val();
        self.in_x2.d.next = self.x2.val();
        self.in_y2.d.next = self.y2.val();
        self.in_z2.d.next = self.z2.val();
        self.in_valid.d.next = self.valid_in.val();

        // t = 0..2: pre-adds.
        self.sum_xy1.a.next = self.in_x1.q.val();
        self.sum_xy1.b.next = self.in_y1.q.val();
        self.sum_xy1.valid_in.next = self.in_valid.q.val();
        self.sum_xy2.a.next = self.in_x2.q.val();
        self.sum_xy2.b.next = self.in_y2.q.val();
        self.sum_xy2.valid_in.next = self.in_valid.q.val();
        self.sum_yz1.a.next = self.in_y1.q.val();
        self.sum_yz1.b.next = self.in_z1.q.val();
        self.sum_yz1.valid_in.next = self.in_valid.q.val();
        self.sum_yz2.a.next = self.in_y2.q.val();
        self.sum_yz2.b.next = self.in_z2.q.val();
        self.sum_yz2.valid_in.next = self.in_valid.q.val();
        self.sum_xz1.a.next = self.in_x1.q.val();
        self.sum_xz1.b.next = self.in_z1.q.val();
        self.sum_xz1.valid_in.next = self.in_valid.q.val();
        self.sum_xz2.a.next = self.in_x2.q.val();
        self.sum_xz2.b.next = self.in_z2.q.val();
        self.sum_xz2.valid_in.next = self.in_valid.q.val();

        // t = 0..21: A = X1 X2, B = Y1 Y2, C = Z1 Z2.
        self.mul_a.a.next = self.in_x1.q.val();
        self.mul_a.b.next = self.in_x2.q.val();
        self.mul_a.valid_in.next = self.in_valid.q.val();
        self.mul_b.a.next = self.in_y1.q.val();
        self.mul_b.b.next = self.in_y2.q.val();
        self.mul_b.valid_in.next = self.in_valid.q.val();
        self.mul_c.a.next = self.in_z1.q.val();
        self.mul_c.b.next = self.in_z2.q.val();
        self.mul_c.valid_in.next = self.in_valid.q.val();
        // t = 2..23: D, E, F from the pre-adds. Every merge point ANDs the
        // valids of its operands (equal by construction; none goes unused).
        self.mul_d.a.next = self.sum_xy1.y.val();
        self.mul_d.b.next = self.sum_xy2.y.val();
        self.mul_d.valid_in.next = self.sum_xy1.valid_out.val() & self.sum_xy2.valid_out.val();
        self.mul_e.a.next = self.sum_yz1.y.val();
        self.mul_e.b.next = self.sum_yz2.y.val();
        self.mul_e.valid_in.next = self.sum_yz1.valid_out.val() & self.sum_yz2.valid_out.val();
        self.mul_f.a.next = self.sum_xz1.y.val();
        self.mul_f.b.next = self.sum_xz2.y.val();
        self.mul_f.valid_in.next = self.sum_xz1.valid_out.val() & self.sum_xz2.valid_out.val();

        // t = 21..23: A+B, B+C, A+C, 2A; A waits for 2A.
        self.sum_ab.a.next = self.mul_a.y.val();
        self.sum_ab.b.next = self.mul_b.y.val();
        self.sum_ab.valid_in.next = self.mul_a.valid_out.val() & self.mul_b.valid_out.val();
        self.sum_bc.a.next = self.mul_b.y.val();
        self.sum_bc.b.next = self.mul_c.y.val();
        self.sum_bc.valid_in.next = self.mul_b.valid_out.val() & self.mul_c.valid_out.val();
        self.sum_ac.a.next = self.mul_a.y.val();
        self.sum_ac.b.next = self.mul_c.y.val();
        self.sum_ac.valid_in.next = self.mul_a.valid_out.val() & self.mul_c.valid_out.val();
        self.dbl_a.a.next = self.mul_a.y.val();
        self.dbl_a.b.next = self.mul_a.y.val();
        self.dbl_a.valid_in.next = self.mul_a.valid_out.val();
        self.a_delay[0].d.next = self.mul_a.y.val();
        self.a_delay[1].d.next = self.a_delay[0].q.val();

        // t = 23..25: t3 = D - (A+B), t4 = E - (B+C), Y3' = F - (A+C), t0 = 3A.
        self.sub_t3.a.next = self.mul_d.y.val();
        self.sub_t3.b.next = self.sum_ab.y.val();
        self.sub_t3.valid_in.next = self.mul_d.valid_out.val() & self.sum_ab.valid_out.val();
        self.sub_t4.a.next = self.mul_e.y.val();
        self.sub_t4.b.next = self.sum_bc.y.val();
        self.sub_t4.valid_in.next = self.mul_e.valid_out.val() & self.sum_bc.valid_out.val();
        self.sub_y3.a.next = self.mul_f.y.val();
        self.sub_y3.b.next = self.sum_ac.y.val();
        self.sub_y3.valid_in.next = self.mul_f.valid_out.val() & self.sum_ac.valid_out.val();
        self.triple_a.a.next = self.dbl_a.y.val();
        self.triple_a.b.next = self.a_delay[1].q.val();
        self.triple_a.valid_in.next = self.dbl_a.valid_out.val();

        // t = 21..29: 9C; B waits for it. t = 29..31: Z3' = B + 9C, t1 = B - 9C.
        self.times9_c.a.next = self.mul_c.y.val();
        self.times9_c.valid_in.next = self.mul_c.valid_out.val();
        self.b_delay[0].d.next = self.mul_b.y.val();
        for i in 0..7 {
            self.b_delay[i + 1].d.next = self.b_delay[i].q.val();
        }
        self.add_z3.a.next = self.b_delay[7].q.val();
        self.add_z3.b.next = self.times9_c.y.val();
        self.add_z3.valid_in.next = self.times9_c.valid_out.val();
        self.sub_t1.a.next = self.b_delay[7].q.val();
        self.sub_t1.b.next = self.times9_c.y.val();
        self.sub_t1.valid_in.next = self.times9_c.valid_out.val();

        // t = 25..33: Y3'' = 9 Y3'; t3, t4, t0 wait for it (and t1, Z3' from 31).
        self.times9_y3.a.next = self.sub_y3.y.val();
        self.times9_y3.valid_in.next = self.sub_y3.valid_out.val();
        self.t3_delay[0].d.next = self.sub_t3.y.val();
        self.t4_delay[0].d.next = self.sub_t4.y.val();
        self.t0_delay[0].d.next = self.triple_a.y.val();
        self.late_valid[0].d.next =
            self.sub_t3.valid_out.val() & self.sub_t4.valid_out.val() & self.triple_a.valid_out.val();
        for i in 0..7 {
            self.t3_delay[i + 1].d.next = self.t3_delay[i].q.val();
            self.t4_delay[i + 1].d.next = self.t4_delay[i].q.val();
            self.t0_delay[i + 1].d.next = self.t0_delay[i].q.val();
            self.late_valid[i + 1].d.next = self.late_valid[i].q.val();
        }
        self.t1_delay[0].d.next = self.sub_t1.y.val();
        self.t1_delay[1].d.next = self.t1_delay[0].q.val();
        self.z3_delay[0].d.next = self.add_z3.y.val();
        self.z3_delay[1].d.next = self.z3_delay[0].q.val();
        self.t1_valid[0].d.next = self.sub_t1.valid_out.val() & self.add_z3.valid_out.val();
        self.t1_valid[1].d.next = self.t1_valid[0].q.val();
        self.level2_valid.next =
            self.times9_y3.valid_out.val() & self.late_valid[7].q.val() & self.t1_valid[1].q.val();

        // t = 33..54: the six level-2 products. All start with Y3''.
        self.mul_t3t1.a.next = self.t3_delay[7].q.val();
        self.mul_t3t1.b.next = self.t1_delay[1].q.val();
        self.mul_t3t1.valid_in.next = self.level2_valid.val();
        self.mul_t4y3.a.next = self.t4_delay[7].q.val();
        self.mul_t4y3.b.next = self.times9_y3.y.val();
        self.mul_t4y3.valid_in.next = self.level2_valid.val();
        self.mul_t1z3.a.next = self.t1_delay[1].q.val();
        self.mul_t1z3.b.next = self.z3_delay[1].q.val();
        self.mul_t1z3.valid_in.next = self.level2_valid.val();
        self.mul_y3t0.a.next = self.times9_y3.y.val();
        self.mul_y3t0.b.next = self.t0_delay[7].q.val();
        self.mul_y3t0.valid_in.next = self.level2_valid.val();
        self.mul_z3t4.a.next = self.z3_delay[1].q.val();
        self.mul_z3t4.b.next = self.t4_delay[7].q.val();
        self.mul_z3t4.valid_in.next = self.level2_valid.val();
        self.mul_t0t3.a.next = self.t0_delay[7].q.val();
        self.mul_t0t3.b.next = self.t3_delay[7].q.val();
        self.mul_t0t3.valid_in.next = self.level2_valid.val();

        // t = 54..56: X3 = t3 t1 - t4 Y3'', Y3 = t1 Z3' + Y3'' t0, Z3 = Z3' t4 + t0 t3.
        self.out_x.a.next = self.mul_t3t1.y.val();
        self.out_x.b.next = self.mul_t4y3.y.val();
        self.out_x.valid_in.next = self.mul_t3t1.valid_out.val() & self.mul_t4y3.valid_out.val();
        self.out_y.a.next = self.mul_t1z3.y.val();
        self.out_y.b.next = self.mul_y3t0.y.val();
        self.out_y.valid_in.next = self.mul_t1z3.valid_out.val() & self.mul_y3t0.valid_out.val();
        self.out_z.a.next = self.mul_z3t4.y.val();
        self.out_z.b.next = self.mul_t0t3.y.val();
        self.out_z.valid_in.next = self.mul_z3t4.valid_out.val() & self.mul_t0t3.valid_out.val();
        self.x3.next = self.out_x.y.val();
        self.y3.next = self.out_y.y.val();
        self.z3.next = self.out_z.y.val();
        self.valid_out.next =
            self.out_x.valid_out.val() & self.out_y.valid_out.val() & self.out_z.valid_out.val();

        // The tag rides alongside in a delay line as long as the pipeline.
        self.tag_delay[0].d.next = self.tag_in.val();
        for i in 0..56 {
            self.tag_delay[i + 1].d.next = self.tag_delay[i].q.val();
        }
        self.tag_out.next = self.tag_delay[56].q.val();
        self.tag_next.next = self.tag_delay[55].q.val();
    }
}
