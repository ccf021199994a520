//! Groth16 proofs with the heavy work on the coprocessor.
//!
//! The same computation as ark-groth16's `create_proof_with_reduction` with
//! `LibsnarkReduction`, step for step: circuit synthesis and the constraint
//! evaluations stay in the glue (the constraint matrices are extracted once
//! when the key is loaded, so a proof only computes the witness); the seven NTTs of h(X) and its element-wise
//! products run on the device, as do the four G1 MSMs (A, B in G1, L, H) over
//! bases loaded into card memory once per proving key. The coprocessor has
//! no G2 unit, so B's G2 MSM runs on the host, as does the proof's final
//! assembly. Given the same (r, s) the proof is identical to ark-groth16's.

use crate::driver::{Coprocessor, DriverError};
use crate::msm::{BasesProfile, MsmBases};
pub use crate::prover::profile::{PROOF_PARTS, ProveProfile, ProveStep};
pub use crate::prover::qap::{QAP_H_TRANSFORMS, Qap};
use crate::prover::r1cs::{R1csError, R1csMatrices};
use crate::Bus;
use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{PrimeField, Zero};
use ark_groth16::{Proof, ProvingKey};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, R1CS_PREDICATE_LABEL, SynthesisMode,
};
use serde::Serialize;
use std::sync::Mutex;
use std::time::Instant;

/// Why a proof was not made. Nothing is returned that would not verify.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
    #[error("circuit synthesis failed: {0}")]
    Synthesis(String),
    #[error("the witness does not satisfy the circuit ({0})")]
    Unsatisfied(String),
    #[error("proving key does not match the circuit: {what} has {key} entries in the key, the circuit needs {circuit}")]
    KeyMismatch { what: &'static str, key: usize, circuit: usize },
    #[error("the resident key was loaded from another proving key than the one given")]
    ForeignKey,
    #[error(transparent)]
    Device(#[from] DriverError),
    #[error(transparent)]
    Circom(#[from] crate::circom::CircomError),
}

/// A proving key's G1 bases, resident in card memory.
#[derive(Debug)]
pub struct DeviceProvingKey {
    /// a_query[1..], b_g1_query[1..], l_query, h_query.
    pub(crate) a: MsmBases,
    pub(crate) b_g1: MsmBases,
    pub(crate) l: MsmBases,
    pub(crate) h: MsmBases,
    pub(crate) sizes: KeySizes,
    /// The circuit's constraint matrices (host memory).
    pub(crate) matrices: R1csMatrices,
    /// The reduction the key was made for.
    pub(crate) qap: Qap,
    /// The QAP domain's size, checked against the key's h_query at load.
    pub(crate) domain_size: usize,
    /// Points that tell proving keys apart (a new setup changes every one).
    fingerprint: Vec<G1Affine>,
    /// The proof's host buffers for the card, allocated and touched at load
    /// and reused by every proof, as a driver keeps its DMA staging buffers.
    pub(crate) staging: Mutex<ProofStaging>,
}

/// delta, alpha, beta and the ends of every G1 query: a fresh setup of the
/// same circuit draws new toxic waste, so all of them change.
fn fingerprint(pk: &ProvingKey<Bn254>) -> Vec<G1Affine> {
    let mut f = vec![pk.delta_g1, pk.vk.alpha_g1, pk.beta_g1];
    for q in [&pk.a_query, &pk.b_g1_query, &pk.l_query, &pk.h_query] {
        f.extend(q.first().copied());
        f.extend(q.last().copied());
    }
    f
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeySizes {
    a: usize,
    b_g1: usize,
    b_g2: usize,
    l: usize,
    pub(crate) h: usize,
}

impl KeySizes {
    fn of(pk: &ProvingKey<Bn254>) -> Self {
        KeySizes {
            a: pk.a_query.len(),
            b_g1: pk.b_g1_query.len(),
            b_g2: pk.b_g2_query.len(),
            l: pk.l_query.len(),
            h: pk.h_query.len(),
        }
    }
}

fn synthesis_error(e: ark_relations::gr1cs::SynthesisError) -> ProveError {
    ProveError::Synthesis(e.to_string())
}

/// `circuit` synthesized in prove mode (ark-groth16's optimization goal),
/// with or without its constraint matrices, and its full assignment (1,
/// public inputs, witness).
fn synthesize_for_proof<C: ConstraintSynthesizer<Fr>>(
    circuit: C,
    construct_matrices: bool,
) -> Result<(ConstraintSystemRef<Fr>, Vec<Fr>), ProveError> {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices, generate_lc_assignments: false });
    circuit.generate_constraints(cs.clone()).map_err(synthesis_error)?;
    cs.finalize();
    let mut z = cs.instance_assignment().map_err(synthesis_error)?;
    z.extend(cs.witness_assignment().map_err(synthesis_error)?);
    Ok((cs, z))
}

/// The full assignment and the number of public inputs (the constant one
/// included), without building the constraint matrices (the key holds them).
fn synthesize_witness<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<(Vec<Fr>, usize), ProveError> {
    let (cs, z) = synthesize_for_proof(circuit, false)?;
    Ok((z, cs.num_instance_variables()))
}

/// The circuit synthesized as ark-groth16's prover does it (matrices and
/// assignment), for timing arkworks' steps.
struct Synthesized {
    matrices: Vec<Vec<Vec<(Fr, usize)>>>,
    num_inputs: usize,
    num_constraints: usize,
    full_assignment: Vec<Fr>,
}

fn synthesize<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Synthesized, ProveError> {
    let (cs, full_assignment) = synthesize_for_proof(circuit, true)?;
    let mut all = cs.to_matrices().map_err(synthesis_error)?;
    let matrices = all.remove(R1CS_PREDICATE_LABEL).ok_or_else(|| ProveError::Synthesis("no R1CS constraints".into()))?;
    Ok(Synthesized {
        matrices,
        num_inputs: cs.num_instance_variables(),
        num_constraints: cs.num_constraints(),
        full_assignment,
    })
}

impl From<R1csError> for ProveError {
    fn from(e: R1csError) -> Self {
        match e {
            R1csError::Unsatisfied { .. } => ProveError::Unsatisfied(e.to_string()),
            other => ProveError::Synthesis(other.to_string()),
        }
    }
}

/// What loading a proving key took (outside any proof's time).
#[derive(Clone, Debug, Default, Serialize)]
pub struct KeyLoadProfile {
    /// Extracting the circuit's constraint matrices and allocating the
    /// host buffers their evaluations go to the card from, seconds.
    pub matrices_s: f64,
    /// The G1 bases into card memory.
    pub bases: BasesProfile,
    /// matrices_s + bases.total_s.
    pub total_s: f64,
}

/// The QAP domain of a circuit and whether the key's sizes fit it. For
/// snarkjs's reduction the matrices hold the public inputs' rows already,
/// and the H query has a point per domain element (libsnark's one fewer).
fn check_key_sizes(pk: &ProvingKey<Bn254>, m: &R1csMatrices, qap: Qap) -> Result<Radix2EvaluationDomain<Fr>, ProveError> {
    let rows = match qap {
        Qap::Libsnark => m.num_constraints + m.num_instance,
        Qap::Snarkjs => m.num_constraints,
    };
    let domain = Radix2EvaluationDomain::<Fr>::new(rows)
        .ok_or(ProveError::Synthesis("the QAP domain is larger than BN254's two-adicity".into()))?;
    let h_len = match qap {
        Qap::Libsnark => domain.size() - 1,
        Qap::Snarkjs => domain.size(),
    };
    let variables = m.num_instance + m.num_witness;
    for (what, key_len, need) in [
        ("a_query", pk.a_query.len(), variables),
        ("b_g1_query", pk.b_g1_query.len(), variables),
        ("b_g2_query", pk.b_g2_query.len(), variables),
        ("l_query", pk.l_query.len(), m.num_witness),
        ("h_query", pk.h_query.len(), h_len),
    ] {
        if key_len != need {
            return Err(ProveError::KeyMismatch { what, key: key_len, circuit: need });
        }
    }
    Ok(domain)
}

impl<B: Bus> Coprocessor<B> {
    /// Loads a proving key for `circuit` (any instance of it: only its
    /// shape is used): its constraint matrices, extracted once, and its G1
    /// query vectors into card memory (each point checked once), for any
    /// number of proofs. A key whose sizes do not fit the circuit is refused.
    pub fn load_proving_key<C: ConstraintSynthesizer<Fr>>(
        &mut self,
        pk: &ProvingKey<Bn254>,
        circuit: C,
    ) -> Result<(DeviceProvingKey, KeyLoadProfile), ProveError> {
        let t = Instant::now();
        let matrices = R1csMatrices::extract(circuit)?;
        let (key, mut profile) = self.load_proving_key_with_matrices(pk, matrices, Qap::Libsnark)?;
        profile.matrices_s += t.elapsed().as_secs_f64() - profile.total_s;
        profile.total_s = profile.matrices_s + profile.bases.total_s;
        Ok((key, profile))
    }

    /// Loads a proving key made for `qap`'s reduction, with its circuit's
    /// matrices given (a circom zkey holds them): the G1 queries into card
    /// memory (each point checked once) and the host buffers the matrices'
    /// evaluations go to the card from.
    pub fn load_proving_key_with_matrices(
        &mut self,
        pk: &ProvingKey<Bn254>,
        matrices: R1csMatrices,
        qap: Qap,
    ) -> Result<(DeviceProvingKey, KeyLoadProfile), ProveError> {
        let t = Instant::now();
        let domain_size = check_key_sizes(pk, &matrices, qap)?.size();
        let staging = ProofStaging::new(domain_size, pk.b_g2_query.len());
        let matrices_s = t.elapsed().as_secs_f64();
        let sizes = KeySizes::of(pk);
        if sizes.a == 0 || sizes.b_g1 == 0 {
            return Err(DriverError::EmptyInput.into());
        }
        let mut bases = BasesProfile::default();
        let mut loaded = Vec::with_capacity(4);
        for points in [&pk.a_query[1..], &pk.b_g1_query[1..], &pk.l_query[..], &pk.h_query[..]] {
            match self.load_bases(points) {
                Ok((b, p)) => {
                    bases.add(&p);
                    loaded.push(b);
                }
                Err(e) => {
                    for b in loaded {
                        let _ = self.free_bases(b);
                    }
                    return Err(e.into());
                }
            }
        }
        let mut it = loaded.into_iter();
        let mut next = || it.next().expect("four base sets");
        let key = DeviceProvingKey {
            a: next(),
            b_g1: next(),
            l: next(),
            h: next(),
            sizes,
            matrices,
            qap,
            domain_size,
            fingerprint: fingerprint(pk),
            staging: Mutex::new(staging),
        };
        let total_s = matrices_s + bases.total_s;
        Ok((key, KeyLoadProfile { matrices_s, bases, total_s }))
    }

    /// Frees a proving key's card memory.
    pub fn free_proving_key(&mut self, key: DeviceProvingKey) -> Result<(), DriverError> {
        // Every set is freed; the first failure is reported.
        let mut result = Ok(());
        for b in [key.a, key.b_g1, key.l, key.h] {
            if let Err(e) = self.free_bases(b) {
                result = result.and(Err(e));
            }
        }
        result
    }

    /// A Groth16 proof with randomness (r, s), identical to ark-groth16's
    /// `create_proof_with_reduction::<LibsnarkReduction>` for the same inputs.
    pub fn prove<C: ConstraintSynthesizer<Fr>>(
        &mut self,
        pk: &ProvingKey<Bn254>,
        key: &DeviceProvingKey,
        circuit: C,
        r: Fr,
        s: Fr,
    ) -> Result<(Proof<Bn254>, ProveProfile), ProveError> {
        check_key(pk, key)?;
        let mut started = self.start_proof();
        let t = Instant::now();
        let (z, num_inputs) = synthesize_witness(circuit)?;
        started.prof.push(ProveStep::host("synthesis", "compute the witness (the key holds the matrices)", t.elapsed().as_secs_f64()));
        self.prove_assignment((pk, key), (&z, num_inputs), (r, s), started)
    }

    /// A proof from a full assignment z (1, public inputs, witness) with
    /// `num_inputs` public inputs (the one included), as `prove` makes it
    /// after synthesis: for witnesses computed elsewhere (circom's .wtns).
    pub fn prove_with_assignment(
        &mut self,
        pk: &ProvingKey<Bn254>,
        key: &DeviceProvingKey,
        z: &[Fr],
        num_inputs: usize,
        r: Fr,
        s: Fr,
        witness_step: ProveStep,
    ) -> Result<(Proof<Bn254>, ProveProfile), ProveError> {
        check_key(pk, key)?;
        let mut started = self.start_proof();
        started.prof.push(witness_step);
        self.prove_assignment((pk, key), (z, num_inputs), (r, s), started)
    }

    /// A proof's clocks, started now, and its empty profile.
    fn start_proof(&self) -> Started {
        Started { prof: ProveProfile::default(), t_prove: Instant::now(), sim0: self.sim_clock_s() }
    }
}

/// A proof's host buffers: written once at load, so no proof's time goes
/// to mapping fresh pages.
#[derive(Debug, Default)]
pub(crate) struct ProofStaging {
    /// A, B, C's evaluations for the card (32 bytes per point of the domain).
    pub(crate) abc: [Vec<u8>; 3],
    /// h's coefficients (or values) from the card, MSM H's scalars.
    pub(crate) h: Vec<Fr>,
    /// B's G2 MSM over a split witness: where its ones are, and the sums of
    /// their bases' pairs (`affine_sum::sum_affine_at_with`).
    pub(crate) ones: Vec<usize>,
    pub(crate) g2_pairs: Vec<ark_bn254::G2Affine>,
}

impl ProofStaging {
    fn new(domain_size: usize, variables: usize) -> Self {
        let abc = [(); 3].map(|_| {
            let mut v = Vec::with_capacity(32 * domain_size);
            v.resize(32 * domain_size, 0u8);
            v
        });
        let mut h = Vec::with_capacity(domain_size);
        h.resize(domain_size, Fr::zero());
        let mut ones = vec![0usize; variables];
        ones.clear();
        let mut g2_pairs = Vec::new();
        g2_pairs.resize(crate::prover::affine_sum::scratch_len(variables), ark_bn254::G2Affine::zero());
        ProofStaging { abc, h, ones, g2_pairs }
    }
}

/// `key` must have been loaded from `pk`.
fn check_key(pk: &ProvingKey<Bn254>, key: &DeviceProvingKey) -> Result<(), ProveError> {
    if KeySizes::of(pk) != key.sizes || fingerprint(pk) != key.fingerprint {
        return Err(ProveError::ForeignKey);
    }
    Ok(())
}

/// A proof's profile so far, and when it started (wall and simulation
/// clocks).
pub(crate) struct Started {
    pub(crate) prof: ProveProfile,
    pub(crate) t_prove: Instant,
    pub(crate) sim0: f64,
}

/// The MSM results a proof is assembled from.
pub(crate) struct Sums {
    pub(crate) a: G1Projective,
    /// None when r = 0 (ark-groth16 skips B in G1 then).
    pub(crate) b_g1: Option<G1Projective>,
    pub(crate) b_g2: G2Projective,
    pub(crate) l: G1Projective,
    pub(crate) h: G1Projective,
}

/// A, B and C from the MSM results, as ark-groth16's prover assembles them.
pub(crate) fn assemble(pk: &ProvingKey<Bn254>, r: Fr, s: Fr, sums: Sums) -> Proof<Bn254> {
    let g_a = pk.delta_g1 * r + pk.a_query[0] + sums.a + pk.vk.alpha_g1;
    let g1_b = match sums.b_g1 {
        Some(acc) => pk.delta_g1 * s + pk.b_g1_query[0] + acc + pk.beta_g1,
        None => G1Projective::zero(),
    };
    let g2_b = pk.vk.delta_g2 * s + pk.b_g2_query[0].into_group() + sums.b_g2 + pk.vk.beta_g2;
    let g_c = g_a * s + g1_b * r - pk.delta_g1 * (r * s) + sums.l + sums.h;
    Proof { a: g_a.into_affine(), b: g2_b.into_affine(), c: g_c.into_affine() }
}

/// The assembly's terms that need no device result (the randomness, the
/// key's constants, B in G2 from the host's MSM), computed while the card
/// runs; [`AssemblyPrep::finish`] adds the device's sums. The same proof as
/// [`assemble`]: C's r- and s-multiples are split by linearity. With A' and
/// B' the constant terms of A and of B in G1, a0 = delta r + A' and
/// b0 = delta s + B',
/// s (a0 + a) + r (b0 + b) - delta r s = (s a0 + r B') + s a + r b,
/// so the part before the sums takes three G1 scalar multiplications (on both
/// cores, beside B's G2 terms) and the part after two: five, as ark-groth16's.
pub(crate) struct AssemblyPrep {
    r: Fr,
    s: Fr,
    /// delta r + A's constant terms.
    a0: G1Projective,
    /// s a0 + r B'.
    c0: G1Projective,
    b: ark_bn254::G2Affine,
}

impl AssemblyPrep {
    pub(crate) fn new(pk: &ProvingKey<Bn254>, r: Fr, s: Fr, b_g2: G2Projective) -> Self {
        let a_const = pk.a_query[0] + pk.vk.alpha_g1;
        let b_const = pk.b_g1_query[0] + pk.beta_g1;
        let ((a0, sa0), (rb, b)) = rayon::join(
            || {
                let a0 = pk.delta_g1 * r + a_const;
                (a0, a0 * s)
            },
            || {
                rayon::join(
                    // r = 0: ark-groth16 skips B in G1, and its C term r B vanishes.
                    || if r.is_zero() { G1Projective::zero() } else { b_const * r },
                    || (pk.vk.delta_g2 * s + pk.b_g2_query[0].into_group() + b_g2 + pk.vk.beta_g2).into_affine(),
                )
            },
        );
        AssemblyPrep { r, s, a0, c0: sa0 + rb, b }
    }

    /// The witness MSMs' sums in (A, B in G1 unless r = 0, L): A's point
    /// and all of C but H's term, so the proof after MSM H only adds it.
    pub(crate) fn with_witness_sums(&self, a: G1Projective, b_g1: Option<G1Projective>, l: G1Projective) -> AssemblyRest {
        // On one thread: two multiplications are less than waking a pool
        // thread.
        let rb = b_g1.map_or(G1Projective::zero(), |b| b * self.r);
        AssemblyRest { g_a: self.a0 + a, c_but_h: self.c0 + a * self.s + rb + l, b: self.b }
    }
}

/// A proof waiting for H's sum.
pub(crate) struct AssemblyRest {
    g_a: G1Projective,
    c_but_h: G1Projective,
    b: ark_bn254::G2Affine,
}

impl AssemblyRest {
    /// The proof, with MSM H's sum.
    pub(crate) fn finish(&self, h: G1Projective) -> Proof<Bn254> {
        let [a, c] = G1Projective::normalize_batch(&[self.g_a, self.c_but_h + h])[..] else { unreachable!("two points") };
        Proof { a, b: self.b, c }
    }
}

/// ark-groth16's prover on the same input, part by part (seconds, in
/// [`PROOF_PARTS`] order), with its proof: the same calls its
/// `create_proof_with_reduction` makes, timed one by one.
pub fn arkworks_parts<C: ConstraintSynthesizer<Fr>>(
    pk: &ProvingKey<Bn254>,
    circuit: C,
    r: Fr,
    s: Fr,
) -> Result<([f64; 8], Proof<Bn254>), ProveError> {
    use ark_groth16::r1cs_to_qap::LibsnarkReduction;
    let t0 = Instant::now();
    let syn = synthesize(circuit)?;
    let synthesis_s = t0.elapsed().as_secs_f64();
    let (mut t, proof) = arkworks_parts_from_matrices::<LibsnarkReduction>(
        pk,
        &syn.matrices,
        syn.num_inputs,
        syn.num_constraints,
        &syn.full_assignment,
        r,
        s,
    )?;
    t[0] = synthesis_s;
    Ok((t, proof))
}

/// ark-groth16's prover with reduction `Q` from the constraint matrices
/// and a full assignment (`create_proof_with_reduction_and_matrices`'s
/// calls, timed one by one; synthesis, not part of it, is 0).
pub fn arkworks_parts_from_matrices<Q: ark_groth16::r1cs_to_qap::R1CSToQAP>(
    pk: &ProvingKey<Bn254>,
    matrices: &[Vec<Vec<(Fr, usize)>>],
    num_inputs: usize,
    num_constraints: usize,
    z: &[Fr],
    r: Fr,
    s: Fr,
) -> Result<([f64; 8], Proof<Bn254>), ProveError> {
    use ark_poly::GeneralEvaluationDomain;
    let mut t = [0.0; 8];
    let t0 = Instant::now();
    let h = Q::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(matrices, num_inputs, num_constraints, z)
        .map_err(|e| ProveError::Synthesis(e.to_string()))?;
    t[1] = t0.elapsed().as_secs_f64();
    let big = |v: &[Fr]| v.iter().map(|x| x.into_bigint()).collect::<Vec<_>>();
    let t0 = Instant::now();
    let h_acc = G1Projective::msm_bigint(&pk.h_query, &big(&h));
    t[2] = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let l_acc = G1Projective::msm_bigint(&pk.l_query, &big(&z[num_inputs..]));
    t[3] = t0.elapsed().as_secs_f64();
    let assignment = big(&z[1..]);
    let t0 = Instant::now();
    let a_acc = G1Projective::msm_bigint(&pk.a_query[1..], &assignment);
    t[4] = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let b_g1_acc = (!r.is_zero()).then(|| G1Projective::msm_bigint(&pk.b_g1_query[1..], &assignment));
    t[5] = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let b_g2_acc = G2Projective::msm_bigint(&pk.b_g2_query[1..], &assignment);
    t[6] = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let proof = assemble(pk, r, s, Sums { a: a_acc, b_g1: b_g1_acc, b_g2: b_g2_acc, l: l_acc, h: h_acc });
    t[7] = t0.elapsed().as_secs_f64();
    Ok((t, proof))
}
