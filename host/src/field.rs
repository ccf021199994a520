//! Field elements on the wire: Montgomery form, eight 32-bit words, least
//! significant first, the same bits arkworks keeps in `Fp.0.0`.

use crate::bus::Beat;
use ark_ff::{BigInt, Fp256, MontBackend, MontConfig, PrimeField};
use num_bigint::BigUint;
use zkcopro_hdl::FieldId;

/// A BN254 field the device computes in.
pub trait DeviceField: PrimeField + Copy {
    const FIELD: FieldId;

    /// The element's Montgomery representation as a stream beat.
    fn to_beat(&self) -> Beat;

    /// An element from a beat holding its Montgomery representation, or
    /// `None` if the beat is not a reduced residue (>= p).
    fn from_beat(beat: &Beat) -> Option<Self>;
}

fn limbs_to_beat(limbs: &[u64; 4]) -> Beat {
    let mut beat = [0u32; 8];
    for (i, l) in limbs.iter().enumerate() {
        beat[2 * i] = *l as u32;
        beat[2 * i + 1] = (*l >> 32) as u32;
    }
    beat
}

fn beat_to_limbs(beat: &Beat) -> [u64; 4] {
    std::array::from_fn(|i| beat[2 * i] as u64 | (beat[2 * i + 1] as u64) << 32)
}

impl<P: MontConfig<4>> DeviceField for Fp256<MontBackend<P, 4>>
where
    Self: FieldOfId,
{
    const FIELD: FieldId = <Self as FieldOfId>::ID;

    fn to_beat(&self) -> Beat {
        limbs_to_beat(&self.0.0)
    }

    fn from_beat(beat: &Beat) -> Option<Self> {
        let repr = BigInt::new(beat_to_limbs(beat));
        (repr < Self::MODULUS).then(|| Fp256::new_unchecked(repr))
    }
}

/// Ties an arkworks field type to the device's field code.
pub trait FieldOfId {
    const ID: FieldId;
}

impl FieldOfId for ark_bn254::Fq {
    const ID: FieldId = FieldId::Fq;
}

impl FieldOfId for ark_bn254::Fr {
    const ID: FieldId = FieldId::Fr;
}

pub fn beat_to_biguint(beat: &Beat) -> BigUint {
    BigUint::from_slice(beat)
}

pub fn biguint_to_beat(x: &BigUint) -> Beat {
    let digits = x.to_u32_digits();
    assert!(digits.len() <= 8, "value wider than a beat");
    std::array::from_fn(|i| digits.get(i).copied().unwrap_or(0))
}

/// A beat as the 32 bytes card memory holds (words little-endian, least significant first).
pub fn beat_to_bytes(beat: &Beat) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, w) in beat.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// The beat of 32 bytes of card memory.
pub fn bytes_to_beat(bytes: &[u8]) -> Beat {
    std::array::from_fn(|i| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().expect("32 bytes")))
}

/// An Fr from any beat, reduced or not, as the hardware's datapath takes it
/// (an unreduced input gives the garbage the hardware would, never a panic).
pub fn fr_from_beat_unchecked(beat: &Beat) -> ark_bn254::Fr {
    Fp256::new_unchecked(BigInt::new(beat_to_limbs(beat)))
}

/// The element whose card-memory bytes (`fr_to_le_bytes`) are `bytes`,
/// unchecked (the caller wrote them).
#[inline]
pub fn fr_from_le_bytes_unchecked(bytes: &[u8]) -> ark_bn254::Fr {
    let limbs: [u64; 4] = std::array::from_fn(|i| u64::from_le_bytes(bytes[8 * i..8 * i + 8].try_into().expect("8 bytes")));
    Fp256::new_unchecked(BigInt::new(limbs))
}

/// The 32 bytes card memory holds for `x`: its Montgomery representation,
/// little-endian limbs (arkworks' own layout, so no conversion).
#[inline]
pub fn fr_to_le_bytes(x: &ark_bn254::Fr, out: &mut [u8; 32]) {
    for (l, limb) in x.0.0.iter().enumerate() {
        out[8 * l..8 * l + 8].copy_from_slice(&limb.to_le_bytes());
    }
}

/// Every element's 32 bytes, as `fr_to_le_bytes` (the upload's hot path).
pub fn frs_to_le_bytes(xs: &[ark_bn254::Fr], out: &mut [u8]) {
    assert_eq!(out.len(), 32 * xs.len(), "32 bytes per element");
    for (x, o) in xs.iter().zip(out.chunks_exact_mut(32)) {
        fr_to_le_bytes(x, o.try_into().expect("32-byte chunk"));
    }
}

/// `out[i]` from the 32 bytes at `bytes[32 i..]` (the Montgomery
/// representation, little-endian limbs, checked reduced), or the index of the first that is not a reduced residue (`out` then
/// holds unchecked values). Branch-free per element, so the compiler keeps
/// it at memory speed: the download's hot path.
pub fn frs_from_le_bytes(out: &mut [ark_bn254::Fr], bytes: &[u8]) -> Result<(), usize> {
    assert_eq!(bytes.len(), 32 * out.len(), "32 bytes per element");
    let p = <ark_bn254::Fr as PrimeField>::MODULUS.0;
    let below = |l: &[u64; 4]| {
        l[3] < p[3] || (l[3] == p[3] && (l[2] < p[2] || (l[2] == p[2] && (l[1] < p[1] || (l[1] == p[1] && l[0] < p[0])))))
    };
    let mut all_reduced = true;
    for (x, b) in out.iter_mut().zip(bytes.chunks_exact(32)) {
        let limbs: [u64; 4] = std::array::from_fn(|i| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().expect("8 bytes")));
        all_reduced &= below(&limbs);
        *x = Fp256::new_unchecked(BigInt::new(limbs));
    }
    if all_reduced {
        return Ok(());
    }
    Err(out.iter().position(|x| !below(&x.0.0)).expect("one element is not reduced"))
}

/// The bytes of `out` as card memory holds them: on a little-endian host an
/// `Fr` is its four little-endian Montgomery limbs and nothing else, the
/// card's layout, so a download can land in place (then checked with
/// [`first_unreduced`]).
#[cfg(target_endian = "little")]
pub(crate) fn frs_as_le_bytes_mut(out: &mut [ark_bn254::Fr]) -> &mut [u8] {
    const _: () = assert!(std::mem::size_of::<ark_bn254::Fr>() == 32);
    // SAFETY: Fr is exactly a [u64; 4] (size asserted), every byte pattern
    // is a valid one, and u8's alignment divides Fr's.
    unsafe { std::slice::from_raw_parts_mut(out.as_mut_ptr() as *mut u8, 32 * out.len()) }
}

/// The index of the first element of `xs` whose limbs are not a reduced
/// residue (below the modulus), if any.
pub fn first_unreduced(xs: &[ark_bn254::Fr]) -> Option<usize> {
    let p = <ark_bn254::Fr as PrimeField>::MODULUS;
    // Branch-free over the slice; the position only when one is off.
    if xs.iter().fold(true, |ok, x| ok & (x.0 < p)) {
        return None;
    }
    xs.iter().position(|x| x.0 >= p)
}
