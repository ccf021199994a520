//! snarkjs's encodings of BN254 elements, each checked as it is decoded.
//!
//! - zkey points: coordinates in Montgomery form (32 bytes little-endian
//!   each; G2's as c0 then c1), the point at infinity as all zeros.
//! - zkey matrix coefficients: the value times R^2 (Montgomery form of its
//!   Montgomery form).
//! - wtns and r1cs values: standard form.

use super::{CircomError, FileKind};
use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ff::{BigInt, Field, PrimeField};
use rayon::prelude::*;

/// Bytes of one BN254 field element.
pub const N8: usize = 32;
pub const G1_BYTES: usize = 2 * N8;
pub const G2_BYTES: usize = 4 * N8;

fn bigint(bytes: &[u8]) -> BigInt<4> {
    let mut limbs = [0u64; 4];
    for (l, c) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *l = u64::from_le_bytes(c.try_into().expect("8 bytes"));
    }
    BigInt(limbs)
}

/// The field header every artifact has (n8, then the prime) must name
/// BN254's `F`.
pub fn check_prime<F: PrimeField<BigInt = BigInt<4>>>(
    kind: FileKind,
    what: &'static str,
    n8: u32,
    prime: &[u8],
) -> Result<(), CircomError> {
    if n8 as usize != N8 || prime.len() != N8 || bigint(prime) != F::MODULUS {
        return Err(CircomError::NotBn254 { file: kind, what });
    }
    Ok(())
}

/// A standard-form element (wtns, r1cs), None if not below r.
pub fn fr_standard(bytes: &[u8]) -> Option<Fr> {
    Fr::from_bigint(bigint(bytes))
}

/// A zkey coefficient (stored times R^2), None if the stored value is not
/// below r. `r2_inv` is [`r2_inverse`].
pub fn fr_times_r2(bytes: &[u8], r2_inv: Fr) -> Option<Fr> {
    Some(Fr::from_bigint(bigint(bytes))? * r2_inv)
}

/// 1 / R^2 in Fr, for [`fr_times_r2`].
pub fn r2_inverse() -> Fr {
    Fr::from_bigint(Fr::R2).expect("R^2 mod r is below r").inverse().expect("R is invertible")
}

/// A Montgomery-form Fq element, None if not below q.
fn fq_montgomery(bytes: &[u8]) -> Option<Fq> {
    let b = bigint(bytes);
    (b < Fq::MODULUS).then(|| Fq::new_unchecked(b))
}

/// One G1 point (64 bytes).
pub fn g1(bytes: &[u8], what: &'static str, index: usize) -> Result<G1Affine, CircomError> {
    if bytes.iter().all(|&b| b == 0) {
        return Ok(G1Affine::identity());
    }
    let range = || CircomError::FieldElementOutOfRange { file: FileKind::Zkey, what, index };
    let x = fq_montgomery(&bytes[..N8]).ok_or_else(range)?;
    let y = fq_montgomery(&bytes[N8..]).ok_or_else(range)?;
    let p = G1Affine::new_unchecked(x, y);
    // G1's cofactor is one: on the curve is in the group.
    if !p.is_on_curve() {
        return Err(CircomError::PointNotOnCurve { what, index });
    }
    Ok(p)
}

/// One G2 point (128 bytes), checked on the twist and in the subgroup.
pub fn g2(bytes: &[u8], what: &'static str, index: usize) -> Result<G2Affine, CircomError> {
    if bytes.iter().all(|&b| b == 0) {
        return Ok(G2Affine::identity());
    }
    let range = || CircomError::FieldElementOutOfRange { file: FileKind::Zkey, what, index };
    let c = |i: usize| fq_montgomery(&bytes[i * N8..(i + 1) * N8]).ok_or_else(range);
    let p = G2Affine::new_unchecked(Fq2::new(c(0)?, c(1)?), Fq2::new(c(2)?, c(3)?));
    if !p.is_on_curve() {
        return Err(CircomError::PointNotOnCurve { what, index });
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(CircomError::PointNotInSubgroup { what, index });
    }
    Ok(p)
}

/// A section of G1 points (its length already checked), decoded and
/// checked in parallel; the first bad point is reported.
pub fn g1_points(bytes: &[u8], what: &'static str) -> Result<Vec<G1Affine>, CircomError> {
    bytes.par_chunks_exact(G1_BYTES).enumerate().map(|(i, b)| g1(b, what, i)).collect()
}

/// A section of G2 points, as [`g1_points`].
pub fn g2_points(bytes: &[u8], what: &'static str) -> Result<Vec<G2Affine>, CircomError> {
    bytes.par_chunks_exact(G2_BYTES).enumerate().map(|(i, b)| g2(b, what, i)).collect()
}

/// Standard-form Fr values (wtns), decoded in parallel.
pub fn fr_values(kind: FileKind, bytes: &[u8], what: &'static str) -> Result<Vec<Fr>, CircomError> {
    bytes
        .par_chunks_exact(N8)
        .enumerate()
        .map(|(index, b)| fr_standard(b).ok_or(CircomError::FieldElementOutOfRange { file: kind, what, index }))
        .collect()
}

/// Standard-form little-endian bytes of x (snarkjs's wtns encoding).
pub fn fr_to_standard_bytes(x: &Fr) -> [u8; N8] {
    let mut out = [0u8; N8];
    for (o, l) in out.chunks_exact_mut(8).zip(x.into_bigint().0) {
        o.copy_from_slice(&l.to_le_bytes());
    }
    out
}

/// A prime field's modulus as the artifacts' headers hold it.
pub fn modulus_bytes<F: PrimeField<BigInt = BigInt<4>>>() -> [u8; N8] {
    let mut out = [0u8; N8];
    for (o, l) in out.chunks_exact_mut(8).zip(F::MODULUS.0) {
        o.copy_from_slice(&l.to_le_bytes());
    }
    out
}
