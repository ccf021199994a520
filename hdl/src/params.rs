//! Field parameters shared by every block: the two BN254 moduli and their
//! Montgomery constants (R = 2^256, the form arkworks stores internally).

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// Width of a field element on every datapath and on the stream bus.
pub const FIELD_BITS: usize = 256;

/// The clock device times are projected at by default, MHz: below what the
/// logic-depth report of `scripts/synth.sh` supports on UltraScale+ (-2) for
/// the whole coprocessor with its calibrated delay model (265.5 MHz in the
/// last two runs, bound by the MSM reduction's flag key; 259.7 MHz in
/// earlier ones, the occupancy flags' read: 3.7-5.8% of margin for Yosys's
/// run-to-run mapping). The README's hardware section gives the budget, the
/// model's sources and the figures.
pub const PROJECTED_CLOCK_MHZ: f64 = 250.0;

/// One cycle at [PROJECTED_CLOCK_MHZ], picoseconds (waveform time axes).
pub const PROJECTED_PERIOD_PS: u64 = (1e6 / PROJECTED_CLOCK_MHZ) as u64;

/// Which BN254 field a block computes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldId {
    /// Base field Fq (coordinates of G1 points).
    Fq,
    /// Scalar field Fr (scalars, NTT coefficients).
    Fr,
}

impl FieldId {
    pub const ALL: [FieldId; 2] = [FieldId::Fq, FieldId::Fr];

    /// Value written to the `JOB_FIELD` register to select this field.
    pub fn code(self) -> u32 {
        match self {
            FieldId::Fq => 0,
            FieldId::Fr => 1,
        }
    }

    pub fn from_code(code: u32) -> Option<FieldId> {
        match code {
            0 => Some(FieldId::Fq),
            1 => Some(FieldId::Fr),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FieldId::Fq => "fq",
            FieldId::Fr => "fr",
        }
    }

    /// The prime modulus.
    pub fn modulus(self) -> BigUint {
        let hex: &[u8] = match self {
            FieldId::Fq => b"30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47",
            FieldId::Fr => b"30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001",
        };
        BigUint::parse_bytes(hex, 16).expect("modulus literal")
    }

    /// -p^-1 mod 2^256, the Montgomery reduction constant.
    pub fn mont_neg_inv(self) -> BigUint {
        let p = self.modulus();
        let r = BigUint::one() << FIELD_BITS;
        // Newton iteration for p^-1 mod 2^256: each step doubles the correct bits.
        let mut inv = BigUint::one();
        for _ in 0..9 {
            let two = BigUint::from(2u32);
            let t = (&two + &r - (&p * &inv) % &r) % &r;
            inv = (&inv * t) % &r;
        }
        debug_assert!(((&p * &inv) % &r).is_one());
        if inv.is_zero() { inv } else { &r - inv }
    }
}
