//! Host-side speed: the glue's own work (per MSM call with resident bases:
//! packing the scalar stream; once per base set: validation and packing)
//! against arkworks doing the whole job on this machine
//! (release, `parallel`, all cores). Device time is exact cycles, reported by
//! `zkcopro msm|ntt --json`; this bench covers the wall-clock half.
//!
//! The `g2_msm` group times B's G2 MSM, the host step of a proof with no
//! device unit: the batch-affine Pippenger and sum of ones against
//! arkworks' calls on the same inputs.
//!
//! cargo bench -p zkcopro-host --bench glue [-- g2_msm]

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{PrimeField, UniformRand};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use zkcopro_host::msm::{check_bases, pack_bases, pack_scalars, random_points};
use zkcopro_host::prover::affine_sum::sum_affine_at;
use zkcopro_host::prover::batch_affine_msm::msm_batch_affine;

fn msm_input(log_n: u32) -> (Vec<G1Affine>, Vec<Fr>) {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let points = random_points(&mut rng, 1 << log_n);
    let scalars = (0..1usize << log_n).map(|_| Fr::rand(&mut rng)).collect();
    (points, scalars)
}

fn msm(c: &mut Criterion) {
    let mut g = c.benchmark_group("msm");
    g.sample_size(10);
    for log_n in [12u32, 16] {
        let (points, scalars) = msm_input(log_n);
        g.bench_with_input(BenchmarkId::new("glue_per_call", log_n), &log_n, |b, _| b.iter(|| pack_scalars(&scalars)));
        g.bench_with_input(BenchmarkId::new("glue_load_bases", log_n), &log_n, |b, _| {
            b.iter(|| {
                check_bases(&points).unwrap();
                pack_bases(&points)
            })
        });
        g.bench_with_input(BenchmarkId::new("arkworks_msm", log_n), &log_n, |b, _| {
            b.iter(|| G1Projective::msm(&points, &scalars).unwrap())
        });
    }
    g.finish();
}

fn ntt(c: &mut Criterion) {
    let mut g = c.benchmark_group("ntt");
    g.sample_size(10);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    for log_n in [12u32, 16] {
        let domain = Radix2EvaluationDomain::<Fr>::new(1 << log_n).unwrap();
        let input: Vec<Fr> = (0..1usize << log_n).map(|_| Fr::rand(&mut rng)).collect();
        g.bench_with_input(BenchmarkId::new("arkworks_fft", log_n), &log_n, |b, _| {
            b.iter(|| {
                let mut v = input.clone();
                domain.fft_in_place(&mut v);
                v
            })
        });
    }
    g.finish();
}

/// The prover's glue for h(X): A, B, C of the SHA-256 circuit evaluated at
/// its witness (with the satisfaction check), packed for the card.
fn r1cs(c: &mut Criterion) {
    use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystem, SynthesisMode};
    use zkcopro_host::circuits::Sha256Preimage;
    use zkcopro_host::r1cs::R1csMatrices;
    let circuit = Sha256Preimage::new(vec![7u8; 32]);
    let matrices = R1csMatrices::extract(circuit.clone()).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_mode(SynthesisMode::Prove { construct_matrices: false, generate_lc_assignments: false });
    circuit.generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let mut z = cs.instance_assignment().unwrap();
    z.extend(cs.witness_assignment().unwrap());
    let n = matrices.num_constraints.next_power_of_two();
    let mut g = c.benchmark_group("r1cs");
    g.sample_size(20);
    g.bench_function("evaluate_packed_sha256", |b| b.iter(|| matrices.evaluate_packed(&z, n).unwrap()));
    g.finish();
}

/// 2^log_n distinct G2 points (multiples of the generator, one addition
/// each) and uniform scalars.
fn g2_input(log_n: u32) -> (Vec<G2Affine>, Vec<<Fr as PrimeField>::BigInt>) {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let g = G2Projective::generator();
    let mut p = g;
    let points: Vec<G2Projective> = (0..1usize << log_n)
        .map(|_| {
            p += g;
            p
        })
        .collect();
    let scalars = (0..1usize << log_n).map(|_| Fr::rand(&mut rng).into_bigint()).collect();
    (G2Projective::normalize_batch(&points), scalars)
}

fn g2_msm(c: &mut Criterion) {
    let mut g = c.benchmark_group("g2_msm");
    g.sample_size(10);
    for log_n in [12u32, 16] {
        let (points, scalars) = g2_input(log_n);
        g.bench_with_input(BenchmarkId::new("batch_affine", log_n), &log_n, |b, _| b.iter(|| msm_batch_affine(&points, &scalars)));
        g.bench_with_input(BenchmarkId::new("arkworks", log_n), &log_n, |b, _| b.iter(|| G2Projective::msm_bigint(&points, &scalars)));
    }
    // A SHA-256-like witness: 42% ones.
    let (points, _) = g2_input(16);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let ones: Vec<bool> = (0..points.len()).map(|_| rand::Rng::gen_bool(&mut rng, 0.42)).collect();
    let index: Vec<usize> = (0..points.len()).filter(|&i| ones[i]).collect();
    g.bench_function("ones_sum_affine/16", |b| b.iter(|| sum_affine_at(&points, &index)));
    g.bench_function("ones_arkworks_msm_u1/16", |b| b.iter(|| G2Projective::msm_u1(&points, &ones)));
    g.finish();
}

criterion_group!(benches, msm, ntt, r1cs, g2_msm);
criterion_main!(benches);
