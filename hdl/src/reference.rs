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
