//! NTT constants, computed when the design is built: the roots of unity
//! arkworks uses for BN254 Fr (so results match ark-poly bit for bit), the
//! twiddle table and the output scale factors, all in Montgomery form.

use crate::params::{FIELD_BITS, FieldId};
use num_bigint::BigUint;
use num_traits::One;

/// Two-adicity of BN254 Fr: r - 1 = 2^28 * t, t odd.
pub const FR_TWO_ADICITY: u32 = 28;
/// arkworks' multiplicative generator of BN254 Fr.
pub const FR_GENERATOR: u32 = 5;

/// x * 2^256 mod r: the Montgomery form the datapath carries.
pub fn to_mont(x: &BigUint) -> BigUint {
    let r = FieldId::Fr.modulus();
    (x << FIELD_BITS) % r
}

/// Primitive 2^28-th root of unity, GENERATOR^t (arkworks' TWO_ADIC_ROOT_OF_UNITY).
pub fn two_adic_root() -> BigUint {
    let r = FieldId::Fr.modulus();
    let t = (&r - 1u32) >> FR_TWO_ADICITY;
    BigUint::from(FR_GENERATOR).modpow(&t, &r)
}

/// Primitive 2^log_n-th root of unity, as `Fr::get_root_of_unity(2^log_n)`.
pub fn root_of_unity(log_n: u32) -> BigUint {
    assert!(log_n <= FR_TWO_ADICITY);
    let r = FieldId::Fr.modulus();
    let mut w = two_adic_root();
    for _ in log_n..FR_TWO_ADICITY {
        w = &w * &w % &r;
    }
    w
}

/// x^-1 mod r.
pub fn inverse(x: &BigUint) -> BigUint {
    let r = FieldId::Fr.modulus();
    x.modpow(&(&r - 2u32), &r)
}

/// Twiddle ROM for transforms up to 2^log_max points, in Montgomery form:
/// entry t < 2^(log_max-1) is w^t (forward), entry 2^(log_max-1) + t is w^-t
/// (inverse), w the primitive 2^log_max-th root.
pub fn twiddle_table(log_max: u32) -> Vec<BigUint> {
    let r = FieldId::Fr.modulus();
    let half = 1usize << (log_max - 1);
    let w = root_of_unity(log_max);
    let w_inv = inverse(&w);
    let mut table = Vec::with_capacity(2 * half);
    for base in [w, w_inv] {
        let mut x = BigUint::one();
        for _ in 0..half {
            table.push(to_mont(&x));
            x = x * &base % &r;
        }
    }
    table
}

/// Output scale ROM, in Montgomery form: entry {inverse, log_n} is 1 for the
/// forward transform and n^-1 for the inverse one (2 * 16 entries).
pub fn scale_table() -> Vec<BigUint> {
    let mut table = Vec::with_capacity(32);
    for inv in [false, true] {
        for log_n in 0..16u32 {
            let s = if inv { inverse(&(BigUint::one() << log_n)) } else { BigUint::one() };
            table.push(to_mont(&s));
        }
    }
    table
}
