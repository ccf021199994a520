//! Pure-Rust reference models of the field blocks, on big integers.
//! Independent of the HDL and of arkworks, so a test can hold all three
//! against each other.

use crate::params::{FIELD_BITS, FieldId};
use num_bigint::BigUint;
use num_traits::One;

/// (a + b) mod p, for a, b < p.
pub fn mod_add(field: FieldId, a: &BigUint, b: &BigUint) -> BigUint {
    (a + b) % field.modulus()
}

/// (a - b) mod p, for a, b < p.
pub fn mod_sub(field: FieldId, a: &BigUint, b: &BigUint) -> BigUint {
    let p = field.modulus();
    (a + &p - b) % p
}

/// Montgomery product a * b * 2^-256 mod p, computed the way the hardware does
/// (one REDC with a single conditional subtraction), valid for a, b < p.
pub fn mont_mul(field: FieldId, a: &BigUint, b: &BigUint) -> BigUint {
    let p = field.modulus();
    let mask = (BigUint::one() << FIELD_BITS) - 1u32;
    let t = a * b;
    let m = ((&t & &mask) * field.mont_neg_inv()) & &mask;
    let u = (t + m * &p) >> FIELD_BITS;
    if u >= p { u - p } else { u }
}

/// The NTT engine's computation on Montgomery-form values: `values` holds
/// independent transforms of 2^log_m points back to back; each is a
/// decimation-in-frequency NTT with arkworks' root of unity, read out in
/// natural order and scaled by 1 (forward) or 1/m (inverse).
pub fn ntt_batch(values: &[BigUint], log_m: u32, inverse: bool) -> Vec<BigUint> {
    use crate::ntt::roots;
    let m = 1usize << log_m;
    assert!(values.len() % m == 0, "whole transforms only");
    let field = FieldId::Fr;
    let w = roots::root_of_unity(log_m);
    let w = if inverse { roots::inverse(&w) } else { w };
    let w_mont = roots::to_mont(&w);
    let scale = roots::to_mont(&if inverse { roots::inverse(&BigUint::from(m as u64)) } else { BigUint::one() });
    let mut out = Vec::with_capacity(values.len());
    for chunk in values.chunks(m) {
        let mut a = chunk.to_vec();
        for s in 0..log_m {
            let h = m >> (s + 1);
            // w^(2^s): the root of this stage.
            let mut ws = w_mont.clone();
            for _ in 0..s {
                ws = mont_mul(field, &ws, &ws);
            }
            for block in (0..m).step_by(2 * h) {
                let mut tw = roots::to_mont(&BigUint::one());
                for j in 0..h {
                    let (x, y) = (a[block + j].clone(), a[block + j + h].clone());
                    a[block + j] = mod_add(field, &x, &y);
                    a[block + j + h] = mont_mul(field, &mod_sub(field, &x, &y), &tw);
                    tw = mont_mul(field, &tw, &ws);
                }
            }
        }
        for i in 0..m {
            let r = if log_m == 0 { 0 } else { i.reverse_bits() >> (usize::BITS - log_m) };
            out.push(mont_mul(field, &a[r], &scale));
        }
    }
    out
}
