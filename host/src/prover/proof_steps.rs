//! A proof's steps after the witness, in the order that lets host and card
//! work at once:
//!
//! ```text
//! host:   split | start A | evaluate A, B, C |  h(X) (waits)  | start H | G2 MSM, full-size scalars, assembly's constants |  L, B (waits) | assembly
//! device:       |   MSM A                    | 3 NTTs ... h   |   MSM H                            |  MSM L, MSM B |
//! ```
//!
//! The card runs one job at a time (the driver's job in flight); h(X)'s
//! chain and the last two MSMs are waited for at once, as nothing on the
//! host is left to do beside them.

use crate::Bus;
use crate::driver::Coprocessor;
use crate::field::fr_to_le_bytes;
use crate::msm::{MsmBases, MsmConfig, PendingMsm};
use crate::prover::affine_sum::sum_affine_at;
use crate::prover::batch_affine_msm::msm_batch_affine;
use crate::prover::groth16::{AssemblyPrep, DeviceProvingKey, ProveError, Started};
use crate::prover::profile::{ProveProfile, ProveStep, StartedJob};
use crate::prover::qap::{HInputs, Qap};
use crate::prover::timeline::Flow;
use crate::prover::witness_split::WitnessSplit;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::{One, PrimeField, Zero};
use ark_groth16::{Proof, ProvingKey};
use std::time::Instant;

impl<B: Bus> Coprocessor<B> {
    /// The proof from a full assignment z with `num_inputs` public inputs
    /// (the one included) and randomness (r, s), its profile begun in `started`.
    pub(crate) fn prove_assignment(
        &mut self,
        (pk, key): (&ProvingKey<Bn254>, &DeviceProvingKey),
        (z, num_inputs): (&[Fr], usize),
        (r, s): (Fr, Fr),
        started: Started,
    ) -> Result<(Proof<Bn254>, ProveProfile), ProveError> {
        let Started { mut prof, t_prove, sim0 } = started;
        let m = &key.matrices;
        if num_inputs != m.num_instance {
            return Err(ProveError::KeyMismatch { what: "public inputs", key: m.num_instance, circuit: num_inputs });
        }
        if z.len() != m.num_instance + m.num_witness {
            return Err(ProveError::KeyMismatch { what: "witness variables", key: m.num_witness, circuit: z.len() - num_inputs });
        }
        // The key's sizes were checked against the matrices at load, and pk
        // is the loaded key (sizes and fingerprint above).
        let n = key.domain_size;
        prof.num_constraints = m.num_constraints;
        prof.num_instance_variables = m.num_instance;
        prof.num_witness_variables = m.num_witness;
        prof.domain_size = n;
        let assignment = &z[1..];
        // L's scalars are the assignment's witness part.
        let l_from = num_inputs - 1;

        let t = Instant::now();
        // The witness MSMs' scalars (A and B over the assignment, L over its
        // witness part): the card streams `card`, in one window when the
        // split pays, and the host takes the split's full-size scalars.
        let split = WitnessSplit::of(assignment);
        let split = split.pays().then_some(split);
        let config = if split.is_some() { MsmConfig::small_scalars(1) } else { MsmConfig::default() };
        let card: &[Fr] = split.as_ref().map_or(assignment, |s| &s.binary);
        prof.push(ProveStep::host("MSM A", "split the witness: its 0/1 scalars to the card, the rest to the host", t.elapsed().as_secs_f64()));

        // MSM A needs only the witness: the card runs it while the host
        // evaluates A, B, C.
        let (pending_a, started_a) = self.start_msm_step(&mut prof, "MSM A", "MSM A (G1)", &key.a, card, &config)?;
        let t = Instant::now();
        // A, B, C evaluated at the constraints (sparse products: glue),
        // with the R1CS check on the same pass, packed for the card as they
        // are made (no pass of their own).
        let mut abc = std::mem::take(&mut *key.staging.lock().unwrap_or_else(|e| e.into_inner()));
        if let Err(e) = m.evaluate_packed_into(z, n, &mut abc) {
            *key.staging.lock().unwrap_or_else(|e| e.into_inner()) = abc;
            // The card finishes A (its result unused) before the error returns.
            let _ = self.wait_msm(pending_a);
            return Err(e.into());
        }
        // libsnark's public-input rows follow the constraints (snarkjs's
        // matrices hold them already).
        if key.qap == Qap::Libsnark {
            let k = m.num_constraints;
            for (i, x) in z[..num_inputs].iter().enumerate() {
                fr_to_le_bytes(x, (&mut abc[0][32 * (k + i)..32 * (k + i + 1)]).try_into().expect("32 bytes"));
            }
        }
        prof.push(ProveStep::host("h(X)", "evaluate A, B, C at the constraints", t.elapsed().as_secs_f64()));
        let a_card = self.wait_msm_step(&mut prof, "MSM A", "MSM A (G1)", pending_a, started_a);

        // h(X) = (A(X) B(X) - C(X)) / Z_H(X), computed on the coset g H, on
        // the card: A, B, C go up once and h comes back; every transform and
        // product in between runs on device buffers.
        let outcome = match &a_card {
            Ok(_) => Some(self.h_on_card(HInputs::Packed(&abc), key.qap)),
            Err(_) => None,
        };
        *key.staging.lock().unwrap_or_else(|e| e.into_inner()) = abc;
        let a_card = a_card?;
        let (h, stages) = outcome.expect("h(X) ran after MSM A")?;
        let last = stages.len() - 1;
        for (i, (name, p)) in key.qap.stages().iter().zip(&stages).enumerate() {
            // The last stage brings h back (download, then unpacking).
            prof.push_device("h(X)", name, p, if i == last { Flow::Out } else { Flow::In });
        }

        // MSM H on the card while the host computes B's G2 MSM (no device
        // unit for G2) and the witness MSMs' full-size scalars.
        let (pending_h, started_h) = self.start_msm_step(&mut prof, "MSM H", "MSM H (G1)", &key.h, &h[..key.sizes.h], &MsmConfig::default())?;
        let t = Instant::now();
        let b_g2_acc = g2_msm(&pk.b_g2_query[1..], assignment, split.as_ref());
        prof.push(ProveStep::host("MSM B (G2)", "MSM B (G2, no device unit)", t.elapsed().as_secs_f64()));
        let mut host_part = [G1Projective::zero(); 3];
        if let Some(split) = &split {
            for (k, (part, name, bases, from)) in [
                ("MSM A", "MSM A's full-size scalars (host)", &pk.a_query[1..], 0),
                ("MSM B (G1)", "MSM B's full-size scalars (host)", &pk.b_g1_query[1..], 0),
                ("MSM L", "MSM L's full-size scalars (host)", &pk.l_query[..], l_from),
            ]
            .into_iter()
            .enumerate()
            {
                let t = Instant::now();
                let (idx, values) = split.others_from(from);
                host_part[k] = gathered_msm(bases, &idx, &values);
                prof.push(ProveStep::host(part, name, t.elapsed().as_secs_f64()));
            }
        }
        let t = Instant::now();
        let prep = AssemblyPrep::new(pk, r, s, b_g2_acc);
        prof.push(ProveStep::host("assembly", "the terms that need no device result", t.elapsed().as_secs_f64()));
        let h_acc = self.wait_msm_step(&mut prof, "MSM H", "MSM H (G1)", pending_h, started_h)?;

        let (l_card, p) = self.msm_resident_with(&key.l, &card[l_from..], &config)?;
        prof.push_device("MSM L", "MSM L (G1)", &p.job, Flow::In);
        let b_g1_acc = if r.is_zero() {
            None
        } else {
            let (acc, p) = self.msm_resident_with(&key.b_g1, card, &config)?;
            prof.push_device("MSM B (G1)", "MSM B (G1)", &p.job, Flow::In);
            Some(acc + host_part[1])
        };

        let t = Instant::now();
        let proof = prep.finish(a_card + host_part[0], b_g1_acc, l_card + host_part[2], h_acc);
        prof.push(ProveStep::host("assembly", "add the device's sums", t.elapsed().as_secs_f64()));
        // What no step timed (allocations, copies and frees between steps):
        // the whole call's wall time less the steps' host time and all the
        // simulation (register reads between jobs included). Reported, not
        // left out.
        drop(h);
        drop(split);
        let sim_s = self.sim_clock_s() - sim0;
        let untimed = t_prove.elapsed().as_secs_f64() - prof.glue_s - sim_s;
        prof.push(ProveStep::host("assembly", "glue between the steps (allocations, copies, frees)", untimed.max(0.0)));
        prof.sim_s = sim_s;
        prof.finish();
        Ok((proof, prof))
    }

    /// Starts an MSM over resident bases for a proof step; its start's host
    /// time (simulation left out) goes on the proof's timeline.
    #[allow(clippy::too_many_arguments)]
    fn start_msm_step<'a>(
        &mut self,
        prof: &mut ProveProfile,
        part: &'static str,
        name: &'static str,
        bases: &MsmBases,
        scalars: &'a [Fr],
        config: &MsmConfig,
    ) -> Result<(PendingMsm<'a>, StartedJob), ProveError> {
        let (t, sim0) = (Instant::now(), self.sim_clock_s());
        let pending = self.start_msm_resident(bases, scalars, config)?;
        let start_s = (t.elapsed().as_secs_f64() - (self.sim_clock_s() - sim0)).max(0.0);
        Ok((pending, prof.start_device(part, name, start_s)))
    }

    /// Waits for a step's MSM; its run and result go on the timeline.
    fn wait_msm_step(
        &mut self,
        prof: &mut ProveProfile,
        part: &'static str,
        name: &'static str,
        pending: PendingMsm<'_>,
        started: StartedJob,
    ) -> Result<G1Projective, ProveError> {
        let (acc, p) = self.wait_msm(pending)?;
        prof.push_started(part, name, started, &p.job);
        Ok(acc)
    }
}

/// B's G2 MSM on the host. With the witness split, the ones are a sum of
/// bases (batch-affine, [`sum_affine_at`]) and only the other scalars are
/// converted and windowed (arkworks' MSM: a few); else Pippenger with
/// batch-affine buckets ([`msm_batch_affine`]) over the converted assignment.
fn g2_msm(bases: &[ark_bn254::G2Affine], assignment: &[Fr], split: Option<&WitnessSplit>) -> G2Projective {
    use rayon::prelude::*;
    match split {
        Some(split) => {
            let one = Fr::one();
            let ones: Vec<usize> = split.binary.par_iter().enumerate().filter(|(_, x)| **x == one).map(|(i, _)| i).collect();
            let gathered: Vec<_> = split.other_index.iter().map(|&i| bases[i]).collect();
            sum_affine_at(bases, &ones) + G2Projective::msm_bigint(&gathered, &split.other_value)
        }
        None => {
            let bigints: Vec<_> = assignment.par_iter().map(|x| x.into_bigint()).collect();
            msm_batch_affine(bases, &bigints)
        }
    }
}

/// sum values[k] * bases[idx[k]] on the host (arkworks).
fn gathered_msm(bases: &[G1Affine], idx: &[usize], values: &[<Fr as PrimeField>::BigInt]) -> G1Projective {
    if idx.is_empty() {
        return G1Projective::zero();
    }
    let gathered: Vec<G1Affine> = idx.iter().map(|&i| bases[i]).collect();
    G1Projective::msm_bigint(&gathered, values)
}
