//! snarkjs's QAP on the card: the chain of [`super::reduction`] on device
//! buffers, A, B and C up once and h back once.

use crate::driver::{Coprocessor, DriverError, JobProfile};
use crate::ntt::NTT_LOG_MAX_TOTAL;
use crate::prover::qap::H_STAGE_COUNT;
use crate::Bus;
use ark_bn254::Fr;
use ark_ff::Zero;

/// The stages of snarkjs's h on the card, as the proof profile names them.
pub const SNARKJS_H_STAGES: [&str; H_STAGE_COUNT] = [
    "h(X): A to the card, inverse NTT (coefficient j times w_2n^j)",
    "h(X): B to the card, inverse NTT (coefficient j times w_2n^j)",
    "h(X): C to the card, inverse NTT (coefficient j times w_2n^j)",
    "h(X): 3 NTTs (A, B, C on the odd 2n-th roots of unity)",
    "h(X): A B - C on the odd roots",
    "h(X): h to the host",
];

/// NTTs in snarkjs's chain (three inverse, three forward).
pub const SNARKJS_QAP_TRANSFORMS: u32 = 6;

/// Largest domain: its 2n-th roots of unity must exist in Fr.
pub const SNARKJS_QAP_LOG_MAX: u32 = NTT_LOG_MAX_TOTAL - 1;

impl<B: Bus> Coprocessor<B> {
    /// snarkjs's h (ark-circom's `CircomReduction`): from A, B, C's values
    /// on the n-point domain H (C = A B row by row for a circom key), A B - C
    /// on the odd 2n-th roots of unity, n values, bit for bit as
    /// [`super::reduction::CircomReduction`] on the CPU. The whole chain
    /// runs on the card: three inverse NTTs whose last pass multiplies
    /// coefficient j by w_2n^j, three NTTs, a product and a difference.
    /// Lengths and the size (a power of two from 2 to 2^27) are checked
    /// before any work.
    pub fn qap_h_circom(&mut self, a: &[Fr], b: &[Fr], c: &[Fr]) -> Result<(Vec<Fr>, JobProfile), DriverError> {
        let n = a.len();
        for other in [b.len(), c.len()] {
            if other != n {
                return Err(DriverError::LengthMismatch { left: n, right: other });
            }
        }
        if n < 2 || !n.is_power_of_two() || n.trailing_zeros() > SNARKJS_QAP_LOG_MAX {
            return Err(DriverError::NttSize { n, max_log: SNARKJS_QAP_LOG_MAX });
        }
        let mut h = vec![Fr::zero(); n];
        let stages = self.h_on_card([a, b, c], crate::prover::qap::Qap::Snarkjs, &mut h)?;
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        for p in &stages {
            profile.add(p);
        }
        profile.elements = n as u64;
        Ok((h, profile))
    }
}
