//! The G2 addition program (`zkcopro_hdl::ec::g2_program`) against
//! arkworks' `G2Projective` addition on seeded random points and the edge
//! cases (infinity, P + P, P + (-P), other projective representations), and
//! the design numbers its modulo schedule gives (`g2_schedule`).

use ark_bn254::{Fq, Fq2, G2Affine, G2Projective};
use ark_ec::{AffineRepr, CurveGroup, short_weierstrass::SWCurveConfig};
use ark_ff::{Field, One, UniformRand, Zero};
use num_bigint::BigUint;
use rand_chacha::ChaCha8Rng;
use zkcopro_hdl::ec::g2_program::{G2Program, b3_plain};
use zkcopro_hdl::ec::g2_schedule::{G2Units, modulo_schedule};
use zkcopro_hdl::field::mont_mul_plan::DSP_BUDGET;
use zkcopro_hdl::field::{MOD_ADD_LATENCY, MONT_MUL_LATENCY};
use zkcopro_testbenches::{fq_from_mont as from_mont, fq_mont as mont, seeded_rng};

/// (X : Y : Z) over Fq2 as the program's twelve inputs' half.
fn coords(x: Fq2, y: Fq2, z: Fq2) -> Vec<BigUint> {
    [x.c0, x.c1, y.c0, y.c1, z.c0, z.c1].iter().map(mont).collect()
}

/// A point as homogeneous projective (x k : y k : k), or (0 : k : 0) for infinity.
fn projective(p: &G2Affine, k: Fq2) -> Vec<BigUint> {
    if p.is_zero() { coords(Fq2::zero(), k, Fq2::zero()) } else { coords(p.x * k, p.y * k, k) }
}

/// The program's output as an affine point.
fn to_affine(out: &[BigUint; 6]) -> G2Affine {
    let f = |i: usize| Fq2::new(from_mont(&out[i]), from_mont(&out[i + 1]));
    let (x, y, z) = (f(0), f(2), f(4));
    if z.is_zero() {
        return G2Affine::zero();
    }
    let zi = z.inverse().unwrap();
    let p = G2Affine::new_unchecked(x * zi, y * zi);
    assert!(p.is_on_curve(), "the sum is on the twist");
    p
}

fn random_point(rng: &mut ChaCha8Rng) -> G2Affine {
    G2Projective::rand(rng).into_affine()
}

#[test]
fn b3_is_three_times_the_twist_coefficient() {
    let b3 = ark_bn254::g2::Config::COEFF_B * Fq2::from(3u64);
    let (c0, c1) = b3_plain();
    assert_eq!((Fq::from(c0), Fq::from(c1)), (b3.c0, b3.c1));
}

#[test]
fn g2_program_adds_like_arkworks() {
    let mut rng = seeded_rng("g2_program_adds_like_arkworks");
    let prog = G2Program::point_add();
    let add = |p: &G2Affine, kp: Fq2, q: &G2Affine, kq: Fq2| {
        let mut inputs = projective(p, kp);
        inputs.extend(projective(q, kq));
        to_affine(&prog.run(&inputs))
    };
    let mut cases = 0;
    for round in 0..40 {
        let (p, q) = (random_point(&mut rng), random_point(&mut rng));
        // Every other round in other projective representations (Z != 1).
        let (kp, kq) = if round % 2 == 0 { (Fq2::one(), Fq2::one()) } else { (Fq2::rand(&mut rng), Fq2::rand(&mut rng)) };
        let inf = G2Affine::zero();
        for (a, b, what) in [
            (p, q, "P + Q"),
            (p, p, "P + P"),
            (p, -p, "P + (-P)"),
            (p, inf, "P + O"),
            (inf, q, "O + Q"),
            (inf, inf, "O + O"),
        ] {
            let want = (a.into_group() + b).into_affine();
            assert_eq!(add(&a, kp, &b, kq), want, "{what}");
            cases += 1;
        }
    }
    println!("{cases} additions equal to arkworks'");
}

/// The numbers a G2 unit is chosen by: each option's additions per cycle,
/// latency, registers in flight and multiplier DSPs, and what a 2^16 G2 MSM
/// (about 24 additions per point at c = 11, as the G1 engines run it) would
/// take at 250 MHz.
#[test]
fn g2_unit_options() {
    let prog = G2Program::point_add();
    let adds_2_16 = 24.0 * 65536.0 * 1.02;
    println!("G2 addition: {} Fq products, {} sums and differences", prog.multiplications(), prog.additions());
    println!("multipliers | II | additions/cycle | latency | 256-bit registers | multiplier DSPs | 2^16 MSM at 250 MHz");
    // (pools, multipliers in each, what): each pool adds its own stream of points.
    for (pools, m, what) in [(1, 3, "dedicated"), (1, 6, "dedicated"), (1, 12, "one G1 adder's"), (2, 12, "both G1 adders'"), (1, 42, "fully spatial")] {
        let adders = prog.additions().div_ceil(prog.multiplications().div_ceil(m));
        let u = G2Units { multipliers: m, mul_latency: MONT_MUL_LATENCY, adders, add_latency: MOD_ADD_LATENCY };
        let s = modulo_schedule(&prog, &u);
        let per_cycle = pools as f64 * s.additions_per_cycle();
        println!(
            "{pools} x {m} ({what}), {adders} adders | {} | {:.3} | {} | {} | {} | {:.1} ms",
            s.ii,
            per_cycle,
            s.latency,
            s.live_registers * pools,
            pools * m * DSP_BUDGET,
            adds_2_16 / per_cycle / 250e6 * 1e3
        );
        assert!(s.latency >= 3 * MONT_MUL_LATENCY, "three products deep");
    }
}
