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

/// The ten Karatsuba pairs (i < j), in the order the hardware lays them out.
pub const PAIRS: [(usize, usize); 10] =
    [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)];

/// The pairs `m` needs (coefficients up to 2^204), indices into [PAIRS].
pub const M_PAIRS: [usize; 6] = [0, 1, 2, 3, 4, 5];

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

/// DSP48E2 tiles of one multiplier: a*b, m and the kept tiles of m*p.
pub fn dsp_tiles() -> usize {
    let ab = (PIECES + PAIRS.len()) * PIECE_TILES;
    let m_full = 8 * PIECE_TILES;
    let m_low = 3 * LOW52_MASK.count_ones() as usize;
    let mp: usize = (0..PIECES)
        .flat_map(|i| (0..PIECES).map(move |j| mp_tile_mask(i, j).count_ones() as usize))
        .sum();
    ab + m_full + m_low + mp
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
        assert_eq!(dsp_tiles(), 90 + 63 + 89);
        assert_eq!(dsp_tiles(), super::super::MONT_MUL_TILES);
        assert!(dsp_tiles() <= 250);
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
