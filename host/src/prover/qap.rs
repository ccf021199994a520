//! h(X) on the card: the R1CS-to-QAP chains of ark-groth16's
//! `LibsnarkReduction` (here) and snarkjs's (`circom::qap_card`) on device
//! buffers, A, B and C up once and h back once.

use crate::driver::{Coprocessor, DriverError, FieldOp, JobProfile};
use crate::job_queue::JobQueue;
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
        let stages = self.h_on_card([a, b, c], Qap::Libsnark, &mut h)?;
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        for p in &stages {
            profile.add(p);
        }
        profile.elements = n as u64;
        Ok((h, profile))
    }

    /// h(X) from A, B, C's evaluations by `qap`'s reduction into `h` (n
    /// elements), with the profile of each of its stages ([`Qap::stages`]:
    /// A, B and C each uploaded and inverse-transformed, then three more),
    /// the whole chain queued and waited for.
    pub(crate) fn h_on_card(&mut self, abc: [&[Fr]; 3], qap: Qap, h: &mut [Fr]) -> Result<HStageProfiles, DriverError> {
        let n = abc[0].len();
        if h.len() != n {
            return Err(DriverError::LengthMismatch { left: n, right: h.len() });
        }
        let chain = self.h_chain_begin(n, qap)?;
        let mut stages: HStageProfiles = Default::default();
        let [s0, s1, s2, rest @ ..] = &mut stages;
        let mut queue = JobQueue::new();
        for (i, out) in [s0, s1, s2].into_iter().enumerate() {
            chain.submit_input(&mut queue, i, HInput::Elements(abc[i]), out);
        }
        chain.submit_rest(&mut queue, h, rest);
        let outcome = queue.wait(self);
        // The queue's error first, then the frees'.
        let freed = self.h_chain_end(chain);
        outcome.and(freed).map(|()| stages)
    }

    /// h(X)'s chain over n points by `qap`'s reduction: its three card
    /// buffers allocated (sizes checked first). Queue its stages with
    /// [`HChain::submit_input`] and [`HChain::submit_rest`]; free it with
    /// [`Coprocessor::h_chain_end`] once they ran (or failed).
    pub(crate) fn h_chain_begin(&mut self, n: usize, qap: Qap) -> Result<HChain, DriverError> {
        let max_log = match qap {
            Qap::Libsnark => crate::ntt::NTT_LOG_MAX_TOTAL,
            Qap::Snarkjs => crate::circom::qap_card::SNARKJS_QAP_LOG_MAX,
        };
        if n < 2 || !n.is_power_of_two() || n.trailing_zeros() > max_log {
            return Err(DriverError::NttSize { n, max_log });
        }
        let domain = Radix2EvaluationDomain::<Fr>::new(n).ok_or(DriverError::NttSize { n, max_log })?;
        let z_inv = domain.evaluate_vanishing_polynomial(Fr::GENERATOR).inverse().expect("g is outside H");
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
        Ok(HChain { bufs, n, qap, z_inv })
    }

    /// Frees the chain's buffers, every one of them; the first failure is
    /// the result.
    pub(crate) fn h_chain_end(&mut self, chain: HChain) -> Result<(), DriverError> {
        let mut first = Ok(());
        for b in chain.bufs {
            if let Err(e) = self.free_buffer(b) {
                first = first.and(Err(e));
            }
        }
        first
    }

    /// Uploads `input` into `buf`, profiled.
    fn upload_h_input(&mut self, input: HInput<'_>, buf: &DeviceBuffer) -> Result<JobProfile, DriverError> {
        match input {
            HInput::Packed(v) => {
                let t = self.write_buffer(buf, 0, v)?;
                Ok(JobProfile { clock_hz: self.clock_hz(), transfer_s: t.transfer_s, ..Default::default() })
            }
            HInput::Elements(v) => self.upload_fr(buf, v),
        }
    }

    /// Stage i (0..3): A, B or C up and inverse-transformed, its output
    /// scaled for the stages after. LibsnarkReduction's h =
    /// coset_ifft((coset_fft(a) coset_fft(b) - coset_fft(c)) z), z =
    /// 1/Z_H(g) a constant on the coset g H, with a, b, c = ifft(A),
    /// ifft(B), ifft(C). coset_ifft is linear and undoes coset_fft exactly
    /// (c has degree < n), so h = coset_ifft(coset_fft(a) coset_fft(b)) z -
    /// c z: C needs no coset transform (six NTTs, not seven), and the same
    /// field elements come out. coset_fft(v) = fft(v g^j): the powers ride
    /// on the inverse NTT's last pass, z on its output multiplier. snarkjs's
    /// multiplies coefficient j by w_2n^j there, so evaluating on the odd
    /// 2n-th roots is a plain NTT after it.
    fn h_input_stage(&mut self, chain: &HChain, i: usize, input: HInput<'_>) -> Result<JobProfile, DriverError> {
        let (n, buf) = (chain.n, &chain.bufs[i]);
        if input.len() != n {
            return Err(DriverError::LengthMismatch { left: n, right: input.len() });
        }
        let (powers, factor) = match chain.qap {
            Qap::Libsnark if i < 2 => (OutputPowers::Coset, Fr::one()),
            Qap::Libsnark => (OutputPowers::None, chain.z_inv),
            Qap::Snarkjs => (OutputPowers::Root { log_order: n.trailing_zeros() + 1 }, Fr::one()),
        };
        let mut stage = self.upload_h_input(input, buf)?;
        stage.add(&self.ntt_buffer_scaled(buf, n, Direction::Inverse, powers, factor)?);
        Ok(stage)
    }

    /// Stages 3 to 5: the forward transforms, the products and h back.
    fn h_rest_stages(&mut self, chain: &HChain, h: &mut [Fr]) -> Result<[JobProfile; 3], DriverError> {
        let n = chain.n;
        if h.len() != n {
            return Err(DriverError::LengthMismatch { left: n, right: h.len() });
        }
        let (a, b, c) = (&chain.bufs[0], &chain.bufs[1], &chain.bufs[2]);
        let mut stages: [JobProfile; 3] = Default::default();
        match chain.qap {
            Qap::Libsnark => {
                for buf in [a, b] {
                    stages[0].add(&self.ntt_buffer(buf, n, Direction::Forward)?);
                }
                stages[1].add(&self.field_op_buffers::<Fr>(FieldOp::Mul, a, Operand::Buffer(b), a, n)?);
                stages[1].add(&self.ntt_buffer_scaled(a, n, Direction::Inverse, OutputPowers::InverseCoset, chain.z_inv)?);
            }
            Qap::Snarkjs => {
                for buf in [a, b, c] {
                    stages[0].add(&self.ntt_buffer(buf, n, Direction::Forward)?);
                }
                stages[1].add(&self.field_op_buffers::<Fr>(FieldOp::Mul, a, Operand::Buffer(b), a, n)?);
            }
        }
        stages[1].add(&self.field_op_buffers::<Fr>(FieldOp::Sub, a, Operand::Buffer(c), a, n)?);
        stages[2].add(&self.download_fr(a, h)?);
        Ok(stages)
    }
}

/// h(X)'s chain on the card: its buffers (A's, B's, C's; h forms in A's).
pub(crate) struct HChain {
    bufs: Vec<DeviceBuffer>,
    n: usize,
    qap: Qap,
    /// 1/Z_H(g), LibsnarkReduction's constant on the coset.
    z_inv: Fr,
}

impl HChain {
    /// Queues stage i (0..3): `input` (A, B or C) up and inverse-transformed;
    /// its profile lands in `out`.
    pub(crate) fn submit_input<'q, B: Bus>(&'q self, queue: &mut JobQueue<'q, B>, i: usize, input: HInput<'q>, out: &'q mut JobProfile) {
        queue.submit(move |dev| {
            *out = dev.h_input_stage(self, i, input)?;
            Ok(())
        });
    }

    /// Queues stages 3 to 5, after the three inputs: h lands in `h`, the
    /// stages' profiles in `out`.
    pub(crate) fn submit_rest<'q, B: Bus>(&'q self, queue: &mut JobQueue<'q, B>, h: &'q mut [Fr], out: &'q mut [JobProfile; 3]) {
        queue.submit(move |dev| {
            *out = dev.h_rest_stages(self, h)?;
            Ok(())
        });
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

/// One of A, B, C for h(X): card-memory bytes the glue packed as it
/// evaluated them (32 per point), or elements the driver packs on upload.
#[derive(Clone, Copy)]
pub(crate) enum HInput<'a> {
    Packed(&'a [u8]),
    Elements(&'a [Fr]),
}

impl HInput<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            HInput::Packed(v) => v.len() / 32,
            HInput::Elements(v) => v.len(),
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
