//! The arithmetic plan of the DSP-tiled Montgomery multiplier, shared by the
//! hardware ([super::MontMulTiled]) and its reference model
//! ([super::mont_mul_model]) so the two cannot drift apart.
//!
//! Every product is built from one tile shape, 26 x 17 bits unsigned: what one
//! UltraScale+ DSP48E2 multiplies (27 x 18 signed). Two tiles by three make a
//! *piece product* of a 52-bit x by a 51-bit y (plus bit 51 of y, added as a
//! shifted copy of x in LUTs), 6 DSPs.
//!
//! - `T = a * b`: a and b are cut into five 51-bit pieces; pairwise Karatsuba
//!   (`a_i b_j + a_j b_i = (a_i + a_j)(b_i + b_j) - a_i b_i - a_j b_j`) needs
//!   5 + 10 = 15 piece products instead of 25: 90 DSPs.
//! - `m = (T mod 2^256) * (-p^-1) mod 2^256`: the same pieces, only the
//!   coefficients below 2^256, and at 2^204 only the low 52 bits (tiles above
//!   them masked); 8 full and 3 low piece products: 63 DSPs.
//! - `m * p`: m in 52-bit pieces, p in 51-bit pieces, schoolbook, with every
//!   tile whose product lies wholly below 2^[MP_TRUNC_BITS] left out: 89 DSPs.
//!   The omitted sum is below 2^252 < 2^256 and `T + m p` is a multiple of
//!   2^256, so `(T + m p) / 2^256 = T_hi + ceil((T_lo + S) / 2^256)` exactly,
//!   where S is the sum of the kept tiles.
//!
//! Constants never pass through an adder: the pair sums of q' pieces are
//! folded when the design is built.
//!
//! That is 242 tiles, over the [DSP_BUDGET]. The tiles of `m` and `m * p`
//! multiply by constants (q' and p), so [tile_plan] moves the cheapest of
//! them into LUTs ([super::const_mul]) until the DSPs fit: first the tiles of
//! m's top coefficient, which need only 9 to 35 low bits of their product,
//! then the full tiles whose factor has the fewest signed digits.

use crate::params::FieldId;
use num_bigint::BigUint;

/// Width of the first tile operand (the DSP48E2's 27-bit port, unsigned).
pub const TILE_X_BITS: usize = 26;
/// Width of the second tile operand (the DSP48E2's 18-bit port, unsigned).
pub const TILE_Y_BITS: usize = 17;
/// Width of a tile product.
pub const TILE_P_BITS: usize = TILE_X_BITS + TILE_Y_BITS;
/// Width of a Karatsuba piece of a, b and T_lo.
pub const PIECE_BITS: usize = 51;
/// Width of a piece of m in `m * p` (two tile x operands).
pub const M_PIECE_BITS: usize = 52;
/// Pieces per operand.
pub const PIECES: usize = 5;
/// Tiles of a piece product: two x halves by three y thirds.
pub const PIECE_TILES: usize = 6;
/// Tiles of `m * p` whose product lies wholly below 2^MP_TRUNC_BITS are left out.
pub const MP_TRUNC_BITS: usize = 255;

/// DSP48E2s one multiplier may use (the 250 MHz issue asks for 200 or fewer;
/// two are kept in hand).
pub const DSP_BUDGET: usize = 198;

/// DSP tiles of T = a * b: 15 piece products, all variable.
pub const AB_TILES: usize = (PIECES + PAIRS.len()) * PIECE_TILES;

/// A tile computed in LUTs: x times `factor` (17 bits), mod 2^`width`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LutTile {
    pub factor: u64,
    pub width: usize,
}

/// The ten Karatsuba pairs (i < j), in the order the hardware lays them out.
pub const PAIRS: [(usize, usize); 10] =
    [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)];

/// The pairs `m` needs (coefficients up to 2^204), indices into [PAIRS].
pub const M_PAIRS: [usize; 6] = [0, 1, 2, 3, 4, 5];

/// Tile masks of m's eleven piece products: D_0..D_4, then the pairs of
/// [M_PAIRS]; those at 2^204 ((4,4), (0,4), (1,3)) need only 52 low bits.
pub const M_MASKS: [u8; 11] = [
    FULL_MASK, FULL_MASK, FULL_MASK, FULL_MASK, LOW52_MASK,
    FULL_MASK, FULL_MASK, FULL_MASK, LOW52_MASK, FULL_MASK, LOW52_MASK,
];

/// Offset of tile t (0..6) inside a piece product: x half t / 3, y third t % 3.
pub const fn tile_offset(t: usize) -> usize {
    TILE_X_BITS * (t / 3) + TILE_Y_BITS * (t % 3)
}

/// Tile mask keeping only the tiles that reach below bit 52 of a piece product
/// (tile 5, at bit 60, is the one left out).
pub const LOW52_MASK: u8 = 0b01_1111;
/// Tile mask keeping all six tiles.
pub const FULL_MASK: u8 = 0b11_1111;

/// Tile mask of the `m * p` piece product (i, j): tile t is kept unless its
/// product lies wholly below 2^MP_TRUNC_BITS.
pub fn mp_tile_mask(i: usize, j: usize) -> u8 {
    let mut mask = 0u8;
    for t in 0..PIECE_TILES {
        let top = M_PIECE_BITS * i + PIECE_BITS * j + tile_offset(t) + TILE_P_BITS;
        if top > MP_TRUNC_BITS {
            mask |= 1 << t;
        }
    }
    mask
}

/// Offset of the `m * p` piece product (i, j) in the 512-bit sum.
pub const fn mp_offset(i: usize, j: usize) -> usize {
    M_PIECE_BITS * i + PIECE_BITS * j
}

/// The `m * p` piece products grouped into 13 words whose members do not
/// overlap (each is below 2^103 and they stand at least 153 bits apart), so a
/// word is an OR of shifted products, not an addition.
pub const MP_WORDS: [&[(usize, usize)]; 13] = [
    &[(0, 0), (0, 3), (2, 4)],
    &[(1, 2), (3, 3)],
    &[(2, 1), (4, 2)],
    &[(3, 0)],
    &[(0, 1), (0, 4), (3, 4)],
    &[(1, 0), (1, 3), (4, 3)],
    &[(2, 2)],
    &[(3, 1)],
    &[(4, 0)],
    &[(0, 2), (1, 4), (4, 4)],
    &[(1, 1), (2, 3)],
    &[(2, 0), (3, 2)],
    &[(4, 1)],
];

/// The constant factor (52 bits) of m's piece product k: a piece of q' or a pair sum.
pub fn m_factor(field: FieldId, k: usize) -> u64 {
    let (qp, _) = q_pieces(field);
    if k < PIECES {
        qp[k]
    } else {
        let (i, j) = PAIRS[M_PAIRS[k - PIECES]];
        qp[i] + qp[j]
    }
}

/// Which tiles of m (11 piece products) and m * p (25) are computed in LUTs.
#[derive(Clone, Debug)]
pub struct TilePlan {
    pub m: [[Option<LutTile>; PIECE_TILES]; 11],
    pub mp: [[Option<LutTile>; PIECE_TILES]; 25],
    /// Estimated LUTs of the LUT tiles ([super::const_mul::lut_estimate]).
    pub lut_estimate: usize,
}

/// Low bits of tile t's product that m's piece product k needs (m is mod 2^256).
fn m_tile_width(k: usize, t: usize) -> usize {
    if M_MASKS[k] == LOW52_MASK { (52 - tile_offset(t)).min(TILE_P_BITS) } else { TILE_P_BITS }
}

/// Moves the cheapest constant tiles (by estimated LUTs, ties in layout order)
/// into LUTs until the multiplier's DSP tiles number at most [DSP_BUDGET].
/// Worked out once per field (the integer model asks for it every product).
pub fn tile_plan(field: FieldId) -> &'static TilePlan {
    static PLANS: std::sync::OnceLock<[TilePlan; 2]> = std::sync::OnceLock::new();
    let plans = PLANS.get_or_init(|| [make_tile_plan(FieldId::Fq), make_tile_plan(FieldId::Fr)]);
    match field {
        FieldId::Fq => &plans[0],
        FieldId::Fr => &plans[1],
    }
}

fn make_tile_plan(field: FieldId) -> TilePlan {
    use super::const_mul::lut_estimate;
    let third = |y: u64, t: usize| (y >> (TILE_Y_BITS * (t % 3))) & ((1 << TILE_Y_BITS) - 1);
    let pp = p_pieces(field);
    // (LUTs, stage, product, tile, tile as LUTs): stage 0 is m, 1 is m * p.
    let mut candidates = vec![];
    for k in 0..11 {
        for t in (0..PIECE_TILES).filter(|t| M_MASKS[k] & (1 << t) != 0) {
            let lut = LutTile { factor: third(m_factor(field, k), t), width: m_tile_width(k, t) };
            candidates.push((lut_estimate(lut.factor, lut.width), 0, k, t, lut));
        }
    }
    for k in 0..25 {
        for t in (0..PIECE_TILES).filter(|t| mp_tile_mask(k / 5, k % 5) & (1 << t) != 0) {
            let lut = LutTile { factor: third(pp[k % 5], t), width: TILE_P_BITS };
            candidates.push((lut_estimate(lut.factor, lut.width), 1, k, t, lut));
        }
    }
    candidates.sort_by_key(|c| (c.0, c.1, c.2, c.3));
    let over = (AB_TILES + candidates.len()).saturating_sub(DSP_BUDGET);
    let mut plan = TilePlan { m: [[None; PIECE_TILES]; 11], mp: [[None; PIECE_TILES]; 25], lut_estimate: 0 };
    for &(luts, stage, k, t, lut) in &candidates[..over] {
        plan.lut_estimate += luts;
        if stage == 0 {
            plan.m[k][t] = Some(lut);
        } else {
            plan.mp[k][t] = Some(lut);
        }
    }
    plan
}

/// DSP48E2 tiles of one multiplier: a*b, and the tiles of m and m*p that are
/// kept by their masks and not moved into LUTs.
pub fn dsp_tiles(field: FieldId) -> usize {
    let plan = tile_plan(field);
    let dsp = |mask: u8, luts: &[Option<LutTile>; PIECE_TILES]| {
        (0..PIECE_TILES).filter(|&t| mask & (1 << t) != 0 && luts[t].is_none()).count()
    };
    let m: usize = (0..11).map(|k| dsp(M_MASKS[k], &plan.m[k])).sum();
    let mp: usize = (0..25).map(|k| dsp(mp_tile_mask(k / 5, k % 5), &plan.mp[k])).sum();
    AB_TILES + m + mp
}

/// The 51-bit pieces of q' = -p^-1 mod 2^256 (pieces 0..5) and its bit 255.
pub fn q_pieces(field: FieldId) -> ([u64; PIECES], bool) {
    let q = field.mont_neg_inv();
    (piece_values(&q, PIECE_BITS), q.bit(255))
}

/// The 51-bit pieces of p.
pub fn p_pieces(field: FieldId) -> [u64; PIECES] {
    piece_values(&field.modulus(), PIECE_BITS)
}

/// Pieces of `width` bits of x, least significant first.
pub fn piece_values(x: &BigUint, width: usize) -> [u64; PIECES] {
    let mask = (BigUint::from(1u8) << width) - 1u8;
    std::array::from_fn(|i| {
        let v: BigUint = (x >> (width * i)) & &mask;
        v.iter_u64_digits().next().unwrap_or(0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsp_budget() {
        for field in FieldId::ALL {
            let plan = tile_plan(field);
            let luts = plan.m.iter().chain(plan.mp.iter()).flatten().flatten().count();
            println!("{field:?}: {} DSP tiles, {luts} tiles in LUTs, about {} LUTs", dsp_tiles(field), plan.lut_estimate);
            // 242 tiles by the masks (90 + 63 + 89), less those moved into LUTs.
            assert_eq!(dsp_tiles(field) + luts, 90 + 63 + 89);
            assert_eq!(dsp_tiles(field), DSP_BUDGET);
            // m's top-coefficient tiles (9 to 35 bits) are the cheapest and go first.
            for k in [4, 8, 10] {
                for t in 2..5 {
                    assert!(plan.m[k][t].is_some(), "{field:?} m product {k} tile {t}");
                }
            }
        }
    }

    #[test]
    fn mp_words_cover_every_piece_product_once_without_overlap() {
        let mut seen = vec![];
        for word in MP_WORDS {
            for (k, &(i, j)) in word.iter().enumerate() {
                seen.push((i, j));
                for &(i2, j2) in &word[k + 1..] {
                    // Members are < 2^103: they must stand 103 bits apart.
                    assert!(mp_offset(i2, j2) >= mp_offset(i, j) + 103, "{i}{j} vs {i2}{j2}");
                }
            }
        }
        seen.sort();
        let all: Vec<_> = (0..PIECES).flat_map(|i| (0..PIECES).map(move |j| (i, j))).collect();
        assert_eq!(seen, all);
    }

    #[test]
    fn omitted_mp_tiles_sum_below_2_256() {
        let mut bound = BigUint::from(0u8);
        for i in 0..PIECES {
            for j in 0..PIECES {
                let mask = mp_tile_mask(i, j);
                for t in 0..PIECE_TILES {
                    if mask & (1 << t) == 0 {
                        bound += BigUint::from(1u8) << (mp_offset(i, j) + tile_offset(t) + TILE_P_BITS);
                    }
                }
            }
        }
        assert!(bound.bits() <= 252, "omitted tiles reach 2^{}", bound.bits());
    }
}
