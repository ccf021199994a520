//! Fully pipelined Montgomery multiplier (R = 2^256) built only from 16x16-bit
//! tile multipliers, one product per cycle: y = a * b * 2^-256 mod p.
//!
//! Three multipliers in a row, each a set of registered tile rows followed by a
//! registered adder tree:
//! 1. `T = a * b` ([FullMul], 256 tiles, 512-bit result);
//! 2. `m = (T mod 2^256) * (-p^-1) mod 2^256` ([LowMul], only the 136 tiles that
//!    feed bits below 2^256);
//! 3. `m * p` ([FullMul] with `y` tied to p, 256 tiles).
//!
//! The low half of `T + m * p` is zero mod 2^256, so the carry out of it is 1
//! exactly when `T mod 2^256` is non-zero; `u = T_hi + (m*p)_hi + carry`, and a
//! final conditional subtraction brings `u < 2p` below p. `T_hi` and the carry
//! travel through a delay line while `m` and `m * p` are computed.
//!
//! Stages (a register after each): the operands (so each input bit drives its 16
//! tiles from a register), then per multiplier tile products, row sum and four tree
//! levels (6 per multiplier, 18 in all), then `u`, then the subtraction.

use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to the matching `valid_out`.
pub const MONT_MUL_LATENCY: usize = 3 * MUL_LATENCY + 3;

/// Pipeline depth of [FullMul] and [LowMul]: tile products, row sum, four tree levels.
pub const MUL_LATENCY: usize = 6;

/// 16x16-bit tile multipliers in one [MontMulTiled]: 256 (a*b) + 136 (m) + 256 (m*p).
pub const MONT_MUL_TILES: usize = 256 + 136 + 256;

/// Number of pipeline stages `T_hi` waits while `m` and `m * p` are computed.
const T_HI_DELAY: usize = 2 * MUL_LATENCY;

// `#[hdl_gen]` loops need literal bounds: the update below is written for these.
const _: () = assert!(T_HI_DELAY == 12 && MONT_MUL_LATENCY == 21);

/// A row of tile products: `out = x * (y mod 2^(16 * tiles))`, truncated to the
/// output width. Products with even and odd limb index do not overlap, so each
/// set is concatenated into one word (stage 1) and the two words added (stage 2).
/// Generated per shape because `bit_cast` needs literal indices.
macro_rules! tile_row {
    ($(#[$doc:meta])* $name:ident, width $w:tt, tiles $n:tt, even [$($e:tt)+], odd [$($o:tt)*]) => {
        $(#[$doc])*
        #[derive(LogicBlock, Default)]
        pub struct $name {
            /// Clock; every register updates on its rising edge.
            pub clock: Signal<In, Clock>,
            /// One 16-bit limb of the first factor.
            pub x: Signal<In, Bits<16>>,
            /// The second factor; only its low `16 * tiles` bits are used.
            pub y: Signal<In, Bits<256>>,
            /// The row product, two cycles after its operands.
            pub out: Signal<Out, Bits<$w>>,
            prod: [Signal<Local, Bits<32>>; $n],
            even: DFF<Bits<$w>>,
            odd: DFF<Bits<$w>>,
            sum: DFF<Bits<$w>>,
        }

        impl Logic for $name {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, even, odd, sum);
                for j in 0..$n {
                    self.prod[j].next = self.x.val() * self.y.val().get_bits::<16>(16 * j);
                }
                self.even.d.next = $((bit_cast::<$w, 32>(self.prod[$e].val()) << (16 * $e)))|+;
                self.odd.d.next = bits::<$w>(0)
                    $(| (bit_cast::<$w, 32>(self.prod[$o].val()) << (16 * $o)))*;
                self.sum.d.next = self.even.q.val() + self.odd.q.val();
                self.out.next = self.sum.q.val();
            }
        }
    };
}

/// One registered adder-tree node: `sum = lo + (hi << shift)`, in `out` bits
/// (the sum always fits; for `out = in = 256` it is taken mod 2^256).
macro_rules! shift_add {
    ($(#[$doc:meta])* $name:ident, in $win:tt, out $wout:tt, shift $shift:tt) => {
        $(#[$doc])*
        #[derive(LogicBlock, Default)]
        pub struct $name {
            /// Clock; every register updates on its rising edge.
            pub clock: Signal<In, Clock>,
            /// Lower-weight operand.
            pub lo: Signal<In, Bits<$win>>,
            /// Higher-weight operand, shifted left before the add.
            pub hi: Signal<In, Bits<$win>>,
            /// `lo + (hi << shift)`, one cycle after its operands.
            pub sum: Signal<Out, Bits<$wout>>,
            acc: DFF<Bits<$wout>>,
        }

        impl Logic for $name {
            #[hdl_gen]
            fn update(&mut self) {
                dff_setup!(self, clock, acc);
                self.acc.d.next = bit_cast::<$wout, $win>(self.lo.val())
                    + (bit_cast::<$wout, $win>(self.hi.val()) << $shift);
                self.sum.next = self.acc.q.val();
            }
        }
    };
}

tile_row!(
    /// Full row: x * y, 16 tiles, 272 bits.
    FullRow, width 272, tiles 16,
    even [0 2 4 6 8 10 12 14], odd [1 3 5 7 9 11 13 15]
);

shift_add!(
    /// Full-product tree level 1: two rows (272 bits) into 288 bits.
    FullAdd1, in 272, out 288, shift 16
);
shift_add!(
    /// Full-product tree level 2: 288 into 320 bits.
    FullAdd2, in 288, out 320, shift 32
);
shift_add!(
    /// Full-product tree level 3: 320 into 384 bits.
    FullAdd3, in 320, out 384, shift 64
);
shift_add!(
    /// Full-product tree level 4: 384 into 512 bits.
    FullAdd4, in 384, out 512, shift 128
);

/// Full 256 x 256 -> 512-bit product from 256 tiles, MUL_LATENCY cycles.
#[derive(LogicBlock, Default)]
pub struct FullMul {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First factor.
    pub x: Signal<In, Bits<256>>,
    /// Second factor.
    pub y: Signal<In, Bits<256>>,
    /// x * y, MUL_LATENCY cycles after its operands.
    pub z: Signal<Out, Bits<512>>,
    rows: [FullRow; 16],
    level1: [FullAdd1; 8],
    level2: [FullAdd2; 4],
    level3: [FullAdd3; 2],
    level4: FullAdd4,
}

impl Logic for FullMul {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, level4);
        for i in 0..16 {
            self.rows[i].clock.next = self.clock.val();
            self.rows[i].x.next = self.x.val().get_bits::<16>(16 * i);
            self.rows[i].y.next = self.y.val();
        }
        for k in 0..8 {
            self.level1[k].clock.next = self.clock.val();
            self.level1[k].lo.next = self.rows[2 * k].out.val();
            self.level1[k].hi.next = self.rows[2 * k + 1].out.val();
        }
        for k in 0..4 {
            self.level2[k].clock.next = self.clock.val();
            self.level2[k].lo.next = self.level1[2 * k].sum.val();
            self.level2[k].hi.next = self.level1[2 * k + 1].sum.val();
        }
        for k in 0..2 {
            self.level3[k].clock.next = self.clock.val();
            self.level3[k].lo.next = self.level2[2 * k].sum.val();
            self.level3[k].hi.next = self.level2[2 * k + 1].sum.val();
        }
        self.level4.lo.next = self.level3[0].sum.val();
        self.level4.hi.next = self.level3[1].sum.val();
        self.z.next = self.level4.sum.val();
    }
}

// Rows of the low-half product x * c mod 2^256: row k multiplies limb k of x by
// limbs 0..16-k of c (limb 16-k and up only reach bits >= 256 and are skipped).
tile_row!(
    /// Low-half row 0: 16 tiles.
    LowRow0, width 256, tiles 16, even [0 2 4 6 8 10 12 14], odd [1 3 5 7 9 11 13 15]
);
tile_row!(
    /// Low-half row 1: 15 tiles.
    LowRow1, width 256, tiles 15, even [0 2 4 6 8 10 12 14], odd [1 3 5 7 9 11 13]
);
tile_row!(
    /// Low-half row 2: 14 tiles.
    LowRow2, width 256, tiles 14, even [0 2 4 6 8 10 12], odd [1 3 5 7 9 11 13]
);
tile_row!(
    /// Low-half row 3: 13 tiles.
    LowRow3, width 256, tiles 13, even [0 2 4 6 8 10 12], odd [1 3 5 7 9 11]
);
tile_row!(
    /// Low-half row 4: 12 tiles.
    LowRow4, width 256, tiles 12, even [0 2 4 6 8 10], odd [1 3 5 7 9 11]
);
tile_row!(
    /// Low-half row 5: 11 tiles.
    LowRow5, width 256, tiles 11, even [0 2 4 6 8 10], odd [1 3 5 7 9]
);
tile_row!(
    /// Low-half row 6: 10 tiles.
    LowRow6, width 256, tiles 10, even [0 2 4 6 8], odd [1 3 5 7 9]
);
tile_row!(
    /// Low-half row 7: 9 tiles.
    LowRow7, width 256, tiles 9, even [0 2 4 6 8], odd [1 3 5 7]
);
tile_row!(
    /// Low-half row 8: 8 tiles.
    LowRow8, width 256, tiles 8, even [0 2 4 6], odd [1 3 5 7]
);
tile_row!(
    /// Low-half row 9: 7 tiles.
    LowRow9, width 256, tiles 7, even [0 2 4 6], odd [1 3 5]
);
tile_row!(
    /// Low-half row 10: 6 tiles.
    LowRow10, width 256, tiles 6, even [0 2 4], odd [1 3 5]
);
tile_row!(
    /// Low-half row 11: 5 tiles.
    LowRow11, width 256, tiles 5, even [0 2 4], odd [1 3]
);
tile_row!(
    /// Low-half row 12: 4 tiles.
    LowRow12, width 256, tiles 4, even [0 2], odd [1 3]
);
tile_row!(
    /// Low-half row 13: 3 tiles.
    LowRow13, width 256, tiles 3, even [0 2], odd [1]
);
tile_row!(
    /// Low-half row 14: 2 tiles.
    LowRow14, width 256, tiles 2, even [0], odd [1]
);
tile_row!(
    /// Low-half row 15: 1 tile.
    LowRow15, width 256, tiles 1, even [0], odd []
);

shift_add!(
    /// Low-half tree level 1, mod 2^256.
    LowAdd1, in 256, out 256, shift 16
);
shift_add!(
    /// Low-half tree level 2, mod 2^256.
    LowAdd2, in 256, out 256, shift 32
);
shift_add!(
    /// Low-half tree level 3, mod 2^256.
    LowAdd3, in 256, out 256, shift 64
);
shift_add!(
    /// Low-half tree level 4, mod 2^256.
    LowAdd4, in 256, out 256, shift 128
);

/// Low half of a product with a constant: x * c mod 2^256 from 136 tiles,
/// MUL_LATENCY cycles.
#[derive(LogicBlock)]
pub struct LowMul {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// The variable factor.
    pub x: Signal<In, Bits<256>>,
    /// x * c mod 2^256, MUL_LATENCY cycles after `x`.
    pub z: Signal<Out, Bits<256>>,
    factor: Constant<Bits<256>>,
    row0: LowRow0,
    row1: LowRow1,
    row2: LowRow2,
    row3: LowRow3,
    row4: LowRow4,
    row5: LowRow5,
    row6: LowRow6,
    row7: LowRow7,
    row8: LowRow8,
    row9: LowRow9,
    row10: LowRow10,
    row11: LowRow11,
    row12: LowRow12,
    row13: LowRow13,
    row14: LowRow14,
    row15: LowRow15,
    level1: [LowAdd1; 8],
    level2: [LowAdd2; 4],
    level3: [LowAdd3; 2],
    level4: LowAdd4,
}

impl LowMul {
    /// A multiplier by the constant `c` (< 2^256).
    pub fn new(c: Bits<256>) -> Self {
        Self {
            clock: Default::default(),
            x: Default::default(),
            z: Default::default(),
            factor: Constant::new(c),
            row0: Default::default(),
            row1: Default::default(),
            row2: Default::default(),
            row3: Default::default(),
            row4: Default::default(),
            row5: Default::default(),
            row6: Default::default(),
            row7: Default::default(),
            row8: Default::default(),
            row9: Default::default(),
            row10: Default::default(),
            row11: Default::default(),
            row12: Default::default(),
            row13: Default::default(),
            row14: Default::default(),
            row15: Default::default(),
            level1: Default::default(),
            level2: Default::default(),
            level3: Default::default(),
            level4: Default::default(),
        }
    }
}

impl Logic for LowMul {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(
            self, clock, row0, row1, row2, row3, row4, row5, row6, row7, row8, row9, row10, row11,
            row12, row13, row14, row15, level4
        );
        self.row0.x.next = self.x.val().get_bits::<16>(0);
        self.row1.x.next = self.x.val().get_bits::<16>(16);
        self.row2.x.next = self.x.val().get_bits::<16>(32);
        self.row3.x.next = self.x.val().get_bits::<16>(48);
        self.row4.x.next = self.x.val().get_bits::<16>(64);
        self.row5.x.next = self.x.val().get_bits::<16>(80);
        self.row6.x.next = self.x.val().get_bits::<16>(96);
        self.row7.x.next = self.x.val().get_bits::<16>(112);
        self.row8.x.next = self.x.val().get_bits::<16>(128);
        self.row9.x.next = self.x.val().get_bits::<16>(144);
        self.row10.x.next = self.x.val().get_bits::<16>(160);
        self.row11.x.next = self.x.val().get_bits::<16>(176);
        self.row12.x.next = self.x.val().get_bits::<16>(192);
        self.row13.x.next = self.x.val().get_bits::<16>(208);
        self.row14.x.next = self.x.val().get_bits::<16>(224);
        self.row15.x.next = self.x.val().get_bits::<16>(240);
        self.row0.y.next = self.factor.val();
        self.row1.y.next = self.factor.val();
        self.row2.y.next = self.factor.val();
        self.row3.y.next = self.factor.val();
        self.row4.y.next = self.factor.val();
        self.row5.y.next = self.factor.val();
        self.row6.y.next = self.factor.val();
        self.row7.y.next = self.factor.val();
        self.row8.y.next = self.factor.val();
        self.row9.y.next = self.factor.val();
        self.row10.y.next = self.factor.val();
        self.row11.y.next = self.factor.val();
        self.row12.y.next = self.factor.val();
        self.row13.y.next = self.factor.val();
        self.row14.y.next = self.factor.val();
        self.row15.y.next = self.factor.val();
        self.level1[0].lo.next = self.row0.out.val();
        self.level1[0].hi.next = self.row1.out.val();
        self.level1[1].lo.next = self.row2.out.val();
        self.level1[1].hi.next = self.row3.out.val();
        self.level1[2].lo.next = self.row4.out.val();
        self.level1[2].hi.next = self.row5.out.val();
        self.level1[3].lo.next = self.row6.out.val();
        self.level1[3].hi.next = self.row7.out.val();
        self.level1[4].lo.next = self.row8.out.val();
        self.level1[4].hi.next = self.row9.out.val();
        self.level1[5].lo.next = self.row10.out.val();
        self.level1[5].hi.next = self.row11.out.val();
        self.level1[6].lo.next = self.row12.out.val();
        self.level1[6].hi.next = self.row13.out.val();
        self.level1[7].lo.next = self.row14.out.val();
        self.level1[7].hi.next = self.row15.out.val();
        for k in 0..8 {
            self.level1[k].clock.next = self.clock.val();
        }
        for k in 0..4 {
            self.level2[k].clock.next = self.clock.val();
            self.level2[k].lo.next = self.level1[2 * k].sum.val();
            self.level2[k].hi.next = self.level1[2 * k + 1].sum.val();
        }
        for k in 0..2 {
            self.level3[k].clock.next = self.clock.val();
            self.level3[k].lo.next = self.level2[2 * k].sum.val();
            self.level3[k].hi.next = self.level2[2 * k + 1].sum.val();
        }
        self.level4.lo.next = self.level3[0].sum.val();
        self.level4.hi.next = self.level3[1].sum.val();
        self.z.next = self.level4.sum.val();
    }
}

/// Fully pipelined Montgomery multiplier from 16x16 tiles: y = a * b * 2^-256 mod p,
/// one operation per cycle, MONT_MUL_LATENCY cycles.
#[derive(LogicBlock)]
pub struct MontMulTiled {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First operand, < p.
    pub a: Signal<In, Bits<256>>,
    /// Second operand, < p.
    pub b: Signal<In, Bits<256>>,
    /// `a` and `b` carry an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// a * b * 2^-256 mod p (fully reduced), MONT_MUL_LATENCY cycles after its operands.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    modulus: Constant<Bits<256>>,
    a_in: DFF<Bits<256>>,
    b_in: DFF<Bits<256>>,
    // T = a * b.
    ab: FullMul,
    // m = T_lo * (-p^-1) mod 2^256.
    m: LowMul,
    // m * p.
    mp: FullMul,
    // T_hi and (T_lo != 0), waiting for m * p.
    t_hi: [DFF<Bits<256>>; T_HI_DELAY],
    t_carry: [DFF<Bit>; T_HI_DELAY],
    // u = T_hi + (m * p)_hi + carry, < 2p.
    u: DFF<Bits<256>>,
    diff: Signal<Local, Bits<257>>,
    result: DFF<Bits<256>>,
    valid: [DFF<Bit>; MONT_MUL_LATENCY],
}

impl MontMulTiled {
    pub fn new(field: FieldId) -> Self {
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            modulus: Constant::new(field.modulus().into()),
            a_in: Default::default(),
            b_in: Default::default(),
            ab: Default::default(),
            m: LowMul::new(field.mont_neg_inv().into()),
            mp: Default::default(),
            t_hi: Default::default(),
            t_carry: Default::default(),
            u: Default::default(),
            diff: Default::default(),
            result: Default::default(),
            valid: Default::default(),
        }
    }
}

impl Logic for MontMulTiled {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, clock, ab, m, mp);
        dff_setup!(self, clock, a_in, b_in, u, result);
        // Stage 1: operands.
        self.a_in.d.next = self.a.val();
        self.b_in.d.next = self.b.val();
        // Stages 2-7: T = a * b.
        self.ab.x.next = self.a_in.q.val();
        self.ab.y.next = self.b_in.q.val();
        // Stages 8-13: m from T_lo; T_hi and the carry wait.
        self.m.x.next = self.ab.z.val().get_bits::<256>(0);
        self.t_hi[0].d.next = self.ab.z.val().get_bits::<256>(256);
        self.t_carry[0].d.next = self.ab.z.val().get_bits::<256>(0).any();
        for k in 0..12 {
            self.t_hi[k].clock.next = self.clock.val();
            self.t_carry[k].clock.next = self.clock.val();
        }
        for k in 0..11 {
            self.t_hi[k + 1].d.next = self.t_hi[k].q.val();
            self.t_carry[k + 1].d.next = self.t_carry[k].q.val();
        }
        // Stages 14-19: m * p.
        self.mp.x.next = self.m.z.val();
        self.mp.y.next = self.modulus.val();
        // Stage 20: u = (T + m * p) / 2^256.
        self.u.d.next = self.t_hi[11].q.val()
            + self.mp.z.val().get_bits::<256>(256)
            + bit_cast::<256, 1>(self.t_carry[11].q.val().into());
        // Stage 21: subtract p unless that borrows.
        self.diff.next =
            bit_cast::<257, 256>(self.u.q.val()) - bit_cast::<257, 256>(self.modulus.val());
        if self.diff.val().get_bit(256) {
            self.result.d.next = self.u.q.val();
        } else {
            self.result.d.next = self.diff.val().get_bits::<256>(0);
        }
        self.y.next = self.result.q.val();
        // valid_in follows the data through MONT_MUL_LATENCY registers.
        self.valid[0].d.next = self.valid_in.val();
        for k in 0..21 {
            self.valid[k].clock.next = self.clock.val();
        }
        for k in 0..20 {
            self.valid[k + 1].d.next = self.valid[k].q.val();
        }
        self.valid_out.next = self.valid[20].q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference;
    use num_bigint::BigUint;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::time::Instant;

    /// Operations fed per field (edge values first, then random ones).
    const OPS_PER_FIELD: usize = 40;

    /// The block is ~0.7 MB by value and rust-hdl recurses over it: run on a big stack.
    fn on_big_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    fn connected(field: FieldId) -> MontMulTiled {
        let mut uut = MontMulTiled::new(field);
        uut.clock.connect();
        uut.a.connect();
        uut.b.connect();
        uut.valid_in.connect();
        uut.connect_all();
        uut
    }

    fn seed() -> u64 {
        match std::env::var("ZKCOPRO_SEED") {
            Ok(s) => s.parse().expect("ZKCOPRO_SEED must be a u64"),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64,
        }
    }

    fn operands(field: FieldId, rng: &mut ChaCha8Rng) -> Vec<(BigUint, BigUint)> {
        let p = field.modulus();
        let edge = [
            BigUint::from(0u32),
            BigUint::from(1u32),
            &p - 1u32,
            &p - 2u32,
        ];
        let mut ops = vec![];
        for x in &edge {
            for y in &edge {
                ops.push((x.clone(), y.clone()));
            }
        }
        while ops.len() < OPS_PER_FIELD {
            let x = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
            let y = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
            ops.push((x, y));
        }
        ops
    }

    fn simulate(field: FieldId, ops: Vec<(BigUint, BigUint)>) {
        let expected: Vec<BigUint> = ops
            .iter()
            .map(|(x, y)| reference::mont_mul(field, x, y))
            .collect();
        // Cycle n presents ops[n - LEAD]; its result must appear at cycle n + LATENCY.
        const LEAD: usize = 3;
        let total = LEAD + ops.len() + MONT_MUL_LATENCY + 4;
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<MontMulTiled>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<MontMulTiled>| {
            let mut x = sim.init()?;
            let mut checked = 0;
            for n in 0..total {
                wait_clock_false!(sim, clock, x);
                wait_clock_true!(sim, clock, x);
                // Output side: registers just updated on this edge.
                let want = n
                    .checked_sub(LEAD + MONT_MUL_LATENCY)
                    .and_then(|i| expected.get(i));
                match want {
                    Some(v) => {
                        let got: BigUint = x.y.val().into();
                        if !x.valid_out.val() || &got != v {
                            println!(
                                "{field:?} cycle {n}: valid_out={} y={got:x}, want {v:x}",
                                x.valid_out.val()
                            );
                        }
                        sim_assert!(sim, x.valid_out.val() && &got == v, x);
                        checked += 1;
                    }
                    None => {
                        if x.valid_out.val() {
                            println!("{field:?} cycle {n}: valid_out high with no operation due");
                        }
                        sim_assert!(sim, !x.valid_out.val(), x);
                    }
                }
                // Input side: captured on the next edge.
                match n.checked_sub(LEAD).and_then(|i| ops.get(i)) {
                    Some((a, b)) => {
                        x.a.next = a.clone().into();
                        x.b.next = b.clone().into();
                        x.valid_in.next = true;
                    }
                    None => {
                        // Garbage operands with valid_in low must not show up.
                        x.a.next = BigUint::from(n as u64 * 7919).into();
                        x.b.next = BigUint::from(n as u64 * 104729).into();
                        x.valid_in.next = false;
                    }
                }
            }
            sim_assert!(sim, checked == expected.len(), x);
            sim.done(x)
        });
        sim.run(Box::new(connected(field)), (total as u64 + 10) * 10)
            .unwrap();
    }

    #[test]
    fn mont_mul_tiled_matches_reference_back_to_back() {
        on_big_stack(matches_reference_back_to_back);
    }

    fn matches_reference_back_to_back() {
        let seed = seed();
        println!("mont_mul_tiled seed = {seed} (set ZKCOPRO_SEED to repeat)");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for field in FieldId::ALL {
            let ops = operands(field, &mut rng);
            let start = Instant::now();
            simulate(field, ops);
            println!(
                "{field:?}: {OPS_PER_FIELD} operations ok in {:?}",
                start.elapsed()
            );
        }
    }

    #[test]
    fn mont_mul_tiled_generates_verilog() {
        on_big_stack(generates_verilog);
    }

    fn generates_verilog() {
        for field in FieldId::ALL {
            let uut = connected(field);
            let start = Instant::now();
            let verilog = generate_verilog(&uut);
            println!(
                "{field:?}: generate_verilog {:?}, {} lines, {} modules",
                start.elapsed(),
                verilog.lines().count(),
                verilog.matches("\nmodule ").count() + verilog.starts_with("module ") as usize
            );
            assert!(verilog.contains("module top("));
            if let Ok(dir) = std::env::var("ZKCOPRO_VERILOG_DIR") {
                std::fs::create_dir_all(&dir).unwrap();
                let path = format!("{dir}/mont_mul_tiled_{}.v", field.name());
                std::fs::write(&path, &verilog).unwrap();
                println!("wrote {path}");
            }
        }
    }
}
