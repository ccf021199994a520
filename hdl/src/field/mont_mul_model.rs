//! Pure-Rust reference model of the DSP-tiled Montgomery multiplier: the same
//! pieces, tiles, masks, Karatsuba differences and word packing as the
//! hardware, on integers, so each step can be checked against a plain REDC
//! ([crate::reference::mont_mul]) without simulating anything.

use super::const_mul;
use super::mont_mul_plan::*;
use crate::params::FieldId;
use num_bigint::BigUint;

const MASK_104: u128 = (1 << 104) - 1;
/// No tile in LUTs (a * b has no constant factor).
const NO_LUTS: [Option<LutTile>; PIECE_TILES] = [None; PIECE_TILES];

/// One 26 x 17 tile.
pub fn tile(x: u64, y: u64) -> u64 {
    debug_assert!(x < 1 << TILE_X_BITS && y < 1 << TILE_Y_BITS);
    x * y
}

/// A piece product of a 52-bit x and a 52-bit y: the masked tiles of x by the
/// low 51 bits of y (those in `luts` by their constant, mod 2^width), plus
/// x << 51 when bit 51 of y is set (the correction the hardware adds in LUTs).
pub fn piece_mul(x: u64, y: u64, mask: u8, luts: &[Option<LutTile>; PIECE_TILES]) -> u128 {
    debug_assert!(x < 1 << 52 && y < 1 << 52);
    let mut sum: u128 = 0;
    for t in 0..PIECE_TILES {
        if mask & (1 << t) != 0 {
            let xs = (x >> (TILE_X_BITS * (t / 3))) & ((1 << TILE_X_BITS) - 1);
            let ys = (y >> (TILE_Y_BITS * (t % 3))) & ((1 << TILE_Y_BITS) - 1);
            let product = match luts[t] {
                Some(lut) => {
                    debug_assert_eq!(lut.factor, ys, "a LUT tile's factor is its y");
                    const_mul::product(xs, lut.factor, lut.width)
                }
                None => tile(xs, ys),
            };
            sum += (product as u128) << tile_offset(t);
        }
    }
    if y >> 51 & 1 == 1 {
        sum += (x as u128) << 51;
    }
    sum & MASK_104
}

/// `D_ij - D_i - D_j` in 104-bit wrapping arithmetic, as the hardware computes it.
fn karatsuba_diff(d_ij: u128, d_i: u128, d_j: u128) -> u128 {
    d_ij.wrapping_sub(d_i).wrapping_sub(d_j) & MASK_104
}

fn big(x: u128) -> BigUint {
    BigUint::from(x)
}

/// T = a * b by pairwise Karatsuba over five 51-bit pieces.
pub fn full_product(a: &BigUint, b: &BigUint) -> BigUint {
    let ap = piece_values(a, PIECE_BITS);
    let bp = piece_values(b, PIECE_BITS);
    let d: Vec<u128> = (0..PIECES).map(|i| piece_mul(ap[i], bp[i], FULL_MASK, &NO_LUTS)).collect();
    let mut t = BigUint::from(0u8);
    for i in 0..PIECES {
        t += big(d[i]) << (2 * PIECE_BITS * i);
    }
    for &(i, j) in &PAIRS {
        let dij = piece_mul(ap[i] + ap[j], bp[i] + bp[j], FULL_MASK, &NO_LUTS);
        t += big(karatsuba_diff(dij, d[i], d[j])) << (PIECE_BITS * (i + j));
    }
    t
}

/// m = T_lo * q' mod 2^256 from the coefficients below 2^256 only.
pub fn low_product(field: FieldId, t_lo: &BigUint) -> BigUint {
    let (qp, q255) = q_pieces(field);
    let xp = piece_values(t_lo, PIECE_BITS);
    let x255 = t_lo.bit(255);
    let plan = tile_plan(field);
    let d: [u128; PIECES] = std::array::from_fn(|i| piece_mul(xp[i], qp[i], M_MASKS[i], &plan.m[i]));
    let mut m = BigUint::from(0u8);
    for (i, di) in d.iter().enumerate().take(3) {
        m += big(*di) << (2 * PIECE_BITS * i);
    }
    for (n, &k) in M_PAIRS.iter().enumerate() {
        let (i, j) = PAIRS[k];
        let dij = piece_mul(xp[i] + xp[j], qp[i] + qp[j], M_MASKS[PIECES + n], &plan.m[PIECES + n]);
        m += big(karatsuba_diff(dij, d[i], d[j])) << (PIECE_BITS * (i + j));
    }
    // Bit 255: products at 2^255 count only by their lowest bit.
    let mut parity = (x255 & (qp[0] & 1 == 1)) ^ ((xp[0] & 1 == 1) & q255);
    for (i, j) in [(1, 4), (2, 3), (3, 2), (4, 1)] {
        parity ^= (xp[i] & qp[j] & 1) == 1;
    }
    if parity {
        m += BigUint::from(1u8) << 255;
    }
    m & ((BigUint::from(1u8) << 256) - 1u8)
}

/// S: the kept tiles of m * p, packed into [MP_WORDS] and summed.
pub fn truncated_mp(field: FieldId, m: &BigUint) -> BigUint {
    let mp = piece_values(m, M_PIECE_BITS);
    let pp = p_pieces(field);
    let plan = tile_plan(field);
    let mut s = BigUint::from(0u8);
    for word in MP_WORDS {
        let mut w = BigUint::from(0u8);
        for &(i, j) in word {
            let d = piece_mul(mp[i], pp[j], mp_tile_mask(i, j), &plan.mp[PIECES * i + j]);
            let shifted = big(d) << mp_offset(i, j);
            debug_assert!((&w & &shifted) == BigUint::from(0u8), "word members overlap");
            w |= shifted;
        }
        s += w;
    }
    s
}

/// a * b * 2^-256 mod p, computed step by step as the hardware does.
pub fn mont_mul(field: FieldId, a: &BigUint, b: &BigUint) -> BigUint {
    let p = field.modulus();
    let r_mask = (BigUint::from(1u8) << 256) - 1u8;
    let t = full_product(a, b);
    let t_lo = &t & &r_mask;
    let t_hi = &t >> 256;
    let m = low_product(field, &t_lo);
    let s = truncated_mp(field, &m);
    // (T + m p) / 2^256 = T_hi + ceil((T_lo + S) / 2^256).
    let v_hi = (s + &t_lo + &r_mask) >> 256;
    let u = t_hi + v_hi;
    if u >= p { u - p } else { u }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn seed() -> u64 {
        std::env::var("ZKCOPRO_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(0)
            })
    }

    fn random_below(rng: &mut ChaCha8Rng, n: &BigUint) -> BigUint {
        BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % n
    }

    #[test]
    fn model_matches_plain_redc() {
        let seed = seed();
        println!("mont_mul_model seed = {seed} (set ZKCOPRO_SEED to repeat)");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for field in FieldId::ALL {
            let p = field.modulus();
            let r = BigUint::from(1u8) << 256;
            let edge = [
                BigUint::from(0u8),
                BigUint::from(1u8),
                BigUint::from(2u8),
                &p - 1u8,
                &p - 2u8,
                (&r % &p),
                (BigUint::from(1u8) << 253) - 1u8,
                (BigUint::from(1u8) << 204) - 1u8,
                BigUint::from(1u8) << 51,
                (BigUint::from(1u8) << 51) - 1u8,
            ];
            let mut ops: Vec<(BigUint, BigUint)> = vec![];
            for x in &edge {
                for y in &edge {
                    ops.push((x % &p, y % &p));
                }
            }
            for _ in 0..20_000 {
                ops.push((random_below(&mut rng, &p), random_below(&mut rng, &p)));
            }
            for (a, b) in &ops {
                assert_eq!(full_product(a, b), a * b, "{field:?} a*b");
                assert_eq!(mont_mul(field, a, b), reference::mont_mul(field, a, b), "{field:?} {a:x} {b:x}");
            }
        }
    }

    #[test]
    fn low_product_and_truncation_hold_for_any_t_lo() {
        let mut rng = ChaCha8Rng::seed_from_u64(seed() ^ 1);
        let r = BigUint::from(1u8) << 256;
        for field in FieldId::ALL {
            let q = field.mont_neg_inv();
            let p = field.modulus();
            let mut cases = vec![BigUint::from(0u8), BigUint::from(1u8), &r - 1u8, BigUint::from(1u8) << 255];
            for _ in 0..20_000 {
                cases.push(BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()));
            }
            for t_lo in &cases {
                let m = low_product(field, t_lo);
                assert_eq!(m, (t_lo * &q) % &r, "{field:?} m for T_lo {t_lo:x}");
                let s = truncated_mp(field, &m);
                let exact = &m * &p;
                assert!(s <= exact && &exact - &s < BigUint::from(1u8) << 252, "{field:?} truncation");
            }
        }
    }
}
