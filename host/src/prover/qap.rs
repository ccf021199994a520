//! h(X) on the card: the R1CS-to-QAP chains of ark-groth16's
//! `LibsnarkReduction` (here) and snarkjs's (`circom::qap_card`) on device
//! buffers, A, B and C up once and h back once.

use crate::driver::{Coprocessor, DriverError, FieldOp, JobProfile};
use crate::ntt::{Direction, OutputPowers};
use crate::{Bus, DeviceBuffer, Operand};
use ark_bn254::Fr;
use ark_ff::{FftField, Field, One, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};

/// NTTs `qap_h` runs on the card (see `h_chain`; ark-groth16's reduction
/// runs seven).
pub const QAP_H_TRANSFORMS: u32 = 6;

impl<B: Bus> Coprocessor<B> {
    /// h(X) = (A(X) B(X) - C(X)) / Z_H(X) as ark-groth16's
    /// `LibsnarkReduction` computes it, from the evaluations of A, B and C
    /// over the QAP domain H (n points, a power of two from 2 to
    /// 2^NTT_LOG_MAX_TOTAL): its n coefficients. The whole chain runs on
    /// the card (three inverse NTTs, two coset NTTs, A B on the coset, one
    /// inverse coset NTT, the division by Z_H folded into two of them, and
    /// C's coefficients subtracted: the same elements as the reduction's
    /// seven transforms, see `h_chain`); A, B and C go up once and h comes
    /// back. Lengths and sizes are checked before any
    /// work.
    pub fn qap_h(&mut self, a: &[Fr], b: &[Fr], c: &[Fr]) -> Result<(Vec<Fr>, JobProfile), DriverError> {
        let n = a.len();
        for other in [b.len(), c.len()] {
            if other != n {
                return Err(DriverError::LengthMismatch { left: n, right: other });
            }
        }
        if n < 2 || !n.is_power_of_two() || n.trailing_zeros() > crate::ntt::NTT_LOG_MAX_TOTAL {
            return Err(DriverError::NttSize { n, max_log: crate::ntt::NTT_LOG_MAX_TOTAL });
        }
        let mut h = vec![Fr::zero(); n];
        let stages = self.h_on_card(HInputs::Elements([a, b, c]), Qap::Libsnark, &mut h)?;
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        for p in &stages {
            profile.add(p);
        }
        profile.elements = n as u64;
        Ok((h, profile))
    }

    /// h(X) from A, B, C's evaluations by `qap`'s reduction into `h` (n
    /// elements), with the profile of each of its stages ([`Qap::stages`]:
    /// A, B and C each uploaded and inverse-transformed, then three more).
    pub(crate) fn h_on_card(&mut self, abc: HInputs<'_>, qap: Qap, h: &mut [Fr]) -> Result<HStageProfiles, DriverError> {
        let n = abc.len();
        if h.len() != n {
            return Err(DriverError::LengthMismatch { left: n, right: h.len() });
        }
        let mut bufs = Vec::with_capacity(3);
        for _ in 0..3 {
            match self.alloc_buffer(n as u64 * 32) {
                Ok(b) => bufs.push(b),
                Err(e) => {
                    for b in bufs {
                        self.free_buffer(b)?;
                    }
                    return Err(e);
                }
            }
        }
        let outcome = match qap {
            Qap::Libsnark => self.h_chain(abc, &bufs, h),
            Qap::Snarkjs => self.snarkjs_h_chain(abc, &bufs, h),
        };
        for b in bufs {
            self.free_buffer(b)?;
        }
        outcome
    }

    /// Uploads A, B or C (`which`) into `buf`, profiled.
    pub(crate) fn upload_h_input(&mut self, abc: HInputs<'_>, which: usize, buf: &DeviceBuffer) -> Result<JobProfile, DriverError> {
        match abc {
            HInputs::Packed(v) => {
                let t = self.write_buffer(buf, 0, &v[which])?;
                Ok(JobProfile { clock_hz: self.clock_hz(), transfer_s: t.transfer_s, ..Default::default() })
            }
            HInputs::Elements(v) => self.upload_fr(buf, v[which]),
        }
    }

    fn h_chain(&mut self, abc: HInputs<'_>, bufs: &[DeviceBuffer], h: &mut [Fr]) -> Result<HStageProfiles, DriverError> {
        let n = abc.len();
        let domain = Radix2EvaluationDomain::<Fr>::new(n).ok_or(DriverError::NttSize { n, max_log: crate::ntt::NTT_LOG_MAX_TOTAL })?;
        let z_inv = domain.evaluate_vanishing_polynomial(Fr::GENERATOR).inverse().expect("g is outside H");
        let mut stages: HStageProfiles = Default::default();
        // LibsnarkReduction's h = coset_ifft((coset_fft(a) coset_fft(b) -
        // coset_fft(c)) z), z = 1/Z_H(g) a constant on the coset g H, with
        // a, b, c = ifft(A), ifft(B), ifft(C). coset_ifft is linear and
        // undoes coset_fft exactly (c has degree < n), so h =
        // coset_ifft(coset_fft(a) coset_fft(b)) z - c z: C needs no coset
        // transform (six NTTs, not seven), and the same field elements come
        // out. coset_fft(v) = fft(v g^j): the powers ride on the inverse
        // NTT's last pass, z on its output multiplier.
        for (i, buf) in bufs.iter().enumerate() {
            stages[i].add(&self.upload_h_input(abc, i, buf)?);
            let (powers, factor) = if i < 2 { (OutputPowers::Coset, Fr::one()) } else { (OutputPowers::None, z_inv) };
            stages[i].add(&self.ntt_buffer_scaled(buf, n, Direction::Inverse, powers, factor)?);
        }
        let (a, b, c) = (&bufs[0], &bufs[1], &bufs[2]);
        for buf in [a, b] {
            stages[3].add(&self.ntt_buffer(buf, n, Direction::Forward)?);
        }
        stages[4].add(&self.field_op_buffers::<Fr>(FieldOp::Mul, a, Operand::Buffer(b), a, n)?);
        stages[4].add(&self.ntt_buffer_scaled(a, n, Direction::Inverse, OutputPowers::InverseCoset, z_inv)?);
        stages[4].add(&self.field_op_buffers::<Fr>(FieldOp::Sub, a, Operand::Buffer(c), a, n)?);
        stages[5].add(&self.download_fr(a, h)?);
        Ok(stages)
    }
}

/// The R1CS-to-QAP reduction h(X) follows (the proving key is made for one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qap {
    /// ark-groth16's `LibsnarkReduction`: h's coefficients, divided by Z_H.
    Libsnark,
    /// snarkjs's (ark-circom's `CircomReduction`): A B - C on the odd 2n-th
    /// roots of unity.
    Snarkjs,
}

/// The profiles of h(X)'s stages on the card: A, B and C each uploaded and
/// inverse-transformed (so each can go up as soon as it is evaluated), then
/// two more, and h brought back (the download alone).
pub(crate) type HStageProfiles = [JobProfile; H_STAGE_COUNT];

/// Stages of h(X) on the card: one per input, three after.
pub const H_STAGE_COUNT: usize = 6;

impl Qap {
    /// The names of the chain's stages, as proof profiles show them.
    pub fn stages(self) -> [&'static str; H_STAGE_COUNT] {
        match self {
            Qap::Libsnark => H_STAGES,
            Qap::Snarkjs => crate::circom::qap_card::SNARKJS_H_STAGES,
        }
    }
}

/// A, B, C's evaluations for h(X): card-memory bytes the glue packed as it
/// evaluated them (32 per point), or elements the driver packs on upload.
#[derive(Clone, Copy)]
pub(crate) enum HInputs<'a> {
    Packed(&'a [Vec<u8>; 3]),
    Elements([&'a [Fr]; 3]),
}

impl HInputs<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            HInputs::Packed(v) => v[0].len() / 32,
            HInputs::Elements(v) => v[0].len(),
        }
    }
}

/// The stages of h(X) on the card, as the proof profile names them.
const H_STAGES: [&str; H_STAGE_COUNT] = [
    "h(X): A to the card, inverse NTT (times g^j)",
    "h(X): B to the card, inverse NTT (times g^j)",
    "h(X): C to the card, inverse NTT (times 1/Z_H)",
    "h(X): 2 coset NTTs (A, B)",
    "h(X): A B on the coset, inverse coset NTT times 1/Z_H, minus C's",
    "h(X): h to the host",
];
