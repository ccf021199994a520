//! A proof's steps after the witness, in the order that lets host and card
//! work at once:
//!
//! ```text
//! host:   split | submit A, L, B | eval A | eval B | eval C, check | G2 MSM       | wait h, start H | full-size scalars, constant terms, witness sums | wait H | add H
//! device:       | MSM A, L, B (G1)        | A up, iNTT | B up, iNTT | C up, iNTT ... h(X)'s chain, h back | MSM H                                          |
//! ```
//!
//! The card runs one job at a time. The host submits the jobs that need
//! nothing from it in between to a command queue (`job_queue`, as XRT's run
//! lists): the witness MSMs after the split, each of A's and B's upload and
//! transform after its evaluation, the rest of h(X)'s chain after C's; then
//! it computes B's G2 MSM and waits for the queue. MSM H needs h, so it
//! starts when the queue is done; the witness MSMs' full-size scalars, the
//! assembly's constant terms and the witness MSMs' sums run while it does.
//!
//! The simulated card advances only while the driver talks to it, so the
//! queue's jobs run in the simulator at the wait, after the host steps
//! they overlap, and each host step is timed on its own (simulation left
//! out); the timeline then places every span where the program above puts
//! it, each after what it depends on (`proof_layout`, on
//! `prover::timeline`): the queue's jobs from their submission, one after
//! another.

use crate::Bus;
use crate::driver::Coprocessor;
use crate::job_queue::JobQueue;
use crate::field::fr_to_le_bytes;
use crate::msm::MsmConfig;
use crate::prover::affine_sum::sum_affine_at_with;
use crate::prover::batch_affine_msm::msm_batch_affine;
use crate::prover::groth16::{AssemblyPrep, DeviceProvingKey, ProofStaging, ProveError, Started};
use crate::prover::profile::{ProveProfile, ProveStep};
use crate::prover::proof_layout::{MeasuredSteps, WitnessMsm, lay_out};
use crate::prover::qap::{HInput, HStageProfiles, Qap};
use crate::prover::witness_split::WitnessSplit;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine, G2Projective};
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

        // Each step runs when its inputs are ready and is timed on its own;
        // the timeline below then lays every step out where the program's
        // dependencies put it. The host's steps between the split and the
        // queue's wait run one after another before the queue is simulated:
        // the simulator would otherwise stand between them for seconds, and
        // what it evicts from the caches and the host's memory (this VM pages
        // out memory idle for seconds) is not what a host beside a real card
        // sees.

        // Host: the witness MSMs' scalars (A and B over the assignment, L
        // over its witness part). The card streams `card`, in one window
        // when the split pays, and the host takes the split's full-size
        // scalars.
        let runs = self.host_timing_runs;
        // Wall time of the host steps' extra runs (not part of the proof).
        let mut extra_s = 0.0;
        let (split, split_s) = timed(runs, &mut extra_s, || {
            let split = WitnessSplit::of(assignment);
            split.pays().then_some(split)
        });
        let config = if split.is_some() { MsmConfig::small_scalars(1) } else { MsmConfig::default() };
        let card: &[Fr] = split.as_ref().map_or(assignment, |s| &s.binary);

        // From here to the wait, the host submits device jobs to a queue
        // and works while the card runs them: MSMs A, L and B in G1 (r = 0:
        // ark-groth16 skips B in G1) and h(X)'s chain, each of A, B and C
        // going up as soon as it is evaluated.
        let mut staging = std::mem::take(&mut *key.staging.lock().unwrap_or_else(|e| e.into_inner()));
        let mut h = std::mem::take(&mut staging.h);
        h.resize(n, Fr::zero());
        let mut stages: HStageProfiles = Default::default();
        let mut witness_slots: [Option<WitnessMsm>; 3] = Default::default();
        let mut eval_s = [0.0; 3];
        let chain = self.h_chain_begin(n, key.qap);
        let host_steps: Result<_, ProveError> = 'queued: {
            let chain = match &chain {
                Ok(chain) => chain,
                Err(e) => break 'queued Err(e.clone().into()),
            };
            let mut queue = JobQueue::new();
            submit_witness_msms(&mut queue, key, card, l_from, !r.is_zero(), &config, &mut witness_slots);

            // Host: A, B, C evaluated at the constraints (sparse products),
            // packed for the card as they are made (no pass of their own),
            // one at a time so each goes up as soon as it is made; C with the
            // R1CS check (A z * B z = C z).
            let ProofStaging { abc, ones, g2_pairs, .. } = &mut staging;
            let [a, b, c] = abc;
            let (done, secs) = timed(runs, &mut extra_s, || {
                m.evaluate_one_packed_into(0, z, n, a)?;
                // libsnark's public-input rows follow the constraints
                // (snarkjs's matrices hold them already).
                if key.qap == Qap::Libsnark {
                    let k = m.num_constraints;
                    for (i, x) in z[..num_inputs].iter().enumerate() {
                        fr_to_le_bytes(x, (&mut a[32 * (k + i)..32 * (k + i + 1)]).try_into().expect("32 bytes"));
                    }
                }
                Ok::<(), crate::prover::r1cs::R1csError>(())
            });
            if let Err(e) = done {
                break 'queued Err(e.into());
            }
            eval_s[0] = secs;
            let [s0, s1, s2, rest @ ..] = &mut stages;
            let a: &[u8] = a;
            chain.submit_input(&mut queue, 0, HInput::Packed(a), s0);
            let (done, secs) = timed(runs, &mut extra_s, || m.evaluate_one_packed_into(1, z, n, b));
            if let Err(e) = done {
                break 'queued Err(e.into());
            }
            eval_s[1] = secs;
            let b: &[u8] = b;
            chain.submit_input(&mut queue, 1, HInput::Packed(b), s1);
            let (done, secs) = timed(runs, &mut extra_s, || m.evaluate_c_packed_into(z, n, a, b, c));
            if let Err(e) = done {
                break 'queued Err(e.into());
            }
            eval_s[2] = secs;
            chain.submit_input(&mut queue, 2, HInput::Packed(c), s2);
            chain.submit_rest(&mut queue, &mut h, rest);

            // Host, while the card runs the queue: B's G2 MSM (no device
            // unit for G2).
            let (b_g2_acc, g2_s) =
                timed(runs, &mut extra_s, || g2_msm(&pk.b_g2_query[1..], assignment, split.as_ref(), ones, g2_pairs));
            // Wait for the queue: the witness MSMs and h(X)'s chain.
            if let Err(e) = queue.wait(self) {
                break 'queued Err(e.into());
            }
            Ok((g2_s, b_g2_acc))
        };
        // The chain's buffers are freed whatever happened; the first error
        // (the queue's before the frees') is the proof's.
        let freed = match chain {
            Ok(chain) => self.h_chain_end(chain).map_err(ProveError::from),
            Err(_) => Ok(()),
        };
        let (g2_s, b_g2_acc) = match host_steps.and_then(|steps| freed.map(|()| steps)) {
            Ok(steps) => steps,
            Err(e) => {
                staging.h = h;
                *key.staging.lock().unwrap_or_else(|e| e.into_inner()) = staging;
                return Err(e);
            }
        };
        *key.staging.lock().unwrap_or_else(|e| e.into_inner()) = staging;
        let witness_msms: Vec<WitnessMsm> = witness_slots.into_iter().flatten().collect();

        // Device: MSM H over h, started when h is back. h goes back to the
        // key's staging whether MSM H succeeds or not.
        let give_back = |h: Vec<Fr>| key.staging.lock().unwrap_or_else(|e| e.into_inner()).h = h;
        let (t, sim_at) = (Instant::now(), self.sim_clock_s());
        let pending = match self.start_msm_resident(&key.h, &h[..key.sizes.h], &MsmConfig::default()) {
            Ok(pending) => pending,
            Err(e) => {
                give_back(h);
                return Err(e.into());
            }
        };
        let h_start_s = (t.elapsed().as_secs_f64() - (self.sim_clock_s() - sim_at)).max(0.0);

        // Host, while the card runs MSM H: the witness MSMs' full-size
        // scalars, the assembly's constant terms and the witness MSMs' sums
        // (all of the proof but H's term).
        let mut host_part = [G1Projective::zero(); 3];
        let mut host_part_steps = Vec::with_capacity(3);
        if let Some(split) = &split {
            for (k, (part, name, bases, from)) in [
                ("MSM A", "MSM A's full-size scalars (host)", &pk.a_query[1..], 0),
                ("MSM B (G1)", "MSM B's full-size scalars (host)", &pk.b_g1_query[1..], 0),
                ("MSM L", "MSM L's full-size scalars (host)", &pk.l_query[..], l_from),
            ]
            .into_iter()
            .enumerate()
            {
                let (sum, secs) = timed(runs, &mut extra_s, || {
                    let (idx, values) = split.others_from(from);
                    gathered_msm(bases, &idx, &values)
                });
                host_part[k] = sum;
                host_part_steps.push(ProveStep::host(part, name, secs));
            }
        }
        let (prep, prep_s) = timed(runs, &mut extra_s, || AssemblyPrep::new(pk, r, s, b_g2_acc));

        let (rest, witness_sums_s) = timed(runs, &mut extra_s, || {
            let mut sums = host_part;
            for m in &witness_msms {
                sums[m.slot] += m.sum;
            }
            let [a_acc, b_g1_acc, l_acc] = sums;
            prep.with_witness_sums(a_acc, (!r.is_zero()).then_some(b_g1_acc), l_acc)
        });

        let waited = self.wait_msm(pending);
        let (h_acc, h_profile) = match waited {
            Ok(done) => done,
            Err(e) => {
                give_back(h);
                return Err(e.into());
            }
        };

        // Host: the proof.
        let (proof, finish_s) = timed(runs, &mut extra_s, || rest.finish(h_acc));
        give_back(h);

        // The timeline, in program order.
        let steps = MeasuredSteps {
            split_s,
            witness_msms: &witness_msms,
            eval_s,
            chain: &stages,
            chain_names: key.qap.stages(),
            g2_s,
            h_start_s,
            h_job: &h_profile.job,
            host_part_steps,
            prep_s,
            witness_sums_s,
            finish_s,
        };
        lay_out(&mut prof, steps);
        // What no step timed (allocations, copies and frees between steps):
        // the whole call's wall time less the steps' host time and all the
        // simulation (register reads between jobs included). Reported, not
        // left out.
        drop(split);
        let sim_s = self.sim_clock_s() - sim0;
        let untimed = t_prove.elapsed().as_secs_f64() - prof.glue_s - sim_s - extra_s;
        prof.push(ProveStep::host("assembly", "glue between the steps (allocations, copies, frees)", untimed.max(0.0)));
        prof.sim_s = sim_s;
        prof.finish();
        Ok((proof, prof))
    }
}

/// Queues the witness MSMs: A, L and, if `with_b`, B in G1, each result in
/// its slot of `out` (A, L, B).
fn submit_witness_msms<'q, B: Bus>(
    queue: &mut JobQueue<'q, B>,
    key: &'q DeviceProvingKey,
    card: &'q [Fr],
    l_from: usize,
    with_b: bool,
    config: &'q MsmConfig,
    out: &'q mut [Option<WitnessMsm>; 3],
) {
    let [a_out, l_out, b_out] = out;
    let mut jobs = vec![(0, "MSM A", "MSM A (G1)", &key.a, card, a_out), (2, "MSM L", "MSM L (G1)", &key.l, &card[l_from..], l_out)];
    if with_b {
        jobs.push((1, "MSM B (G1)", "MSM B (G1)", &key.b_g1, card, b_out));
    }
    for (slot, part, name, bases, scalars, out) in jobs {
        queue.submit(move |dev| {
            let (sum, p) = dev.msm_resident_with(bases, scalars, config)?;
            *out = Some(WitnessMsm { slot, part, name, sum, job: p.job, check_s: p.combine_s });
            Ok(())
        });
    }
}

/// `step` run `runs` times (at least once): the first run's result and the
/// fastest run's wall time; the rest of the runs' time (all of it less the
/// fastest) is added to `extra_s`, so the untimed glue does not take it in.
fn timed<T>(runs: usize, extra_s: &mut f64, mut step: impl FnMut() -> T) -> (T, f64) {
    let t = Instant::now();
    let first = step();
    let mut best = t.elapsed().as_secs_f64();
    let mut total = best;
    for _ in 1..runs {
        let t = Instant::now();
        let again = std::hint::black_box(step());
        let secs = t.elapsed().as_secs_f64();
        // Dropped after the clock stops, as the first run's result is kept.
        drop(again);
        total += secs;
        best = best.min(secs);
    }
    *extra_s += total - best;
    (first, best)
}

/// B's G2 MSM on the host. With the witness split, the ones are a sum of
/// bases (batch-affine, [`sum_affine_at_with`], `ones` and `pairs` its
/// buffers kept from proof to proof) and only the other scalars are
/// converted and windowed (arkworks' MSM: a few); else Pippenger with
/// batch-affine buckets ([`msm_batch_affine`]) over the converted assignment.
fn g2_msm(
    bases: &[G2Affine],
    assignment: &[Fr],
    split: Option<&WitnessSplit>,
    ones: &mut Vec<usize>,
    pairs: &mut Vec<G2Affine>,
) -> G2Projective {
    use rayon::prelude::*;
    match split {
        Some(split) => {
            let one = Fr::one();
            ones.clear();
            ones.par_extend(split.binary.par_iter().enumerate().filter(|(_, x)| **x == one).map(|(i, _)| i));
            let gathered: Vec<_> = split.other_index.iter().map(|&i| bases[i]).collect();
            sum_affine_at_with(bases, ones, pairs) + G2Projective::msm_bigint(&gathered, &split.other_value)
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
