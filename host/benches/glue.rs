//! Host-side speed: the glue's own work (per MSM call with resident bases:
//! packing the scalar stream; once per base set: validation and packing)
//! against arkworks doing the whole job on this machine
//! (release, `parallel`, all cores). Device time is exact cycles, reported by
//! `zkcopro msm|ntt --json`; this bench covers the wall-clock half.
//!
//! cargo bench -p zkcopro-host --bench glue

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use zkcopro_host::msm::{check_bases, pack_bases, pack_scalars, random_points};

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

criterion_group!(benches, msm, ntt, r1cs);
criterion_main!(benches);
