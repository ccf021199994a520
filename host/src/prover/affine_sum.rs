//! The sum of many affine points by batch-affine addition: pairs are added in
//! affine form, all of a round's slopes sharing one field inversion
//! (Montgomery's trick), so an addition costs about 5 multiplications and a
//! squaring in the base field where a mixed addition into a bucket costs 8
//! and 2. A Groth16 witness is mostly 0 and 1, so B's G2 MSM is mostly such a
//! sum (16,730 of the SHA-256 circuit's 39,429 scalars are 1, 2 are other
//! than 0 or 1).

use ark_ec::AffineRepr;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{Field, Zero, serial_batch_inversion_and_mul};
use rayon::prelude::*;

/// Points per parallel task: enough rounds to amortise each inversion.
const CHUNK: usize = 1 << 11;

/// Below this many points a round's shared inversion does not pay: the rest
/// is added into a projective sum.
const BATCH_MIN: usize = 16;

/// Sum of `points` (the point at infinity allowed anywhere), equal to
/// adding them one by one.
pub fn sum_affine<P: SWCurveConfig>(points: &[Affine<P>]) -> Projective<P> {
    points.par_chunks(CHUNK).map(sum_chunk).sum()
}

/// Sum of `points` gathered at `index`.
pub fn sum_affine_at<P: SWCurveConfig>(points: &[Affine<P>], index: &[usize]) -> Projective<P> {
    index.par_chunks(CHUNK).map(|idx| sum_chunk(&idx.iter().map(|&i| points[i]).collect::<Vec<_>>())).sum()
}

fn sum_chunk<P: SWCurveConfig>(points: &[Affine<P>]) -> Projective<P> {
    let mut level: Vec<Affine<P>> = points.iter().filter(|p| !p.is_zero()).copied().collect();
    // Pairs that cannot take the affine formula (equal x: P + P or P + (-P))
    // and a round's odd point, added projectively.
    let mut rest = Projective::<P>::zero();
    let mut slopes: Vec<P::BaseField> = Vec::with_capacity(level.len() / 2);
    while level.len() >= BATCH_MIN {
        if level.len() % 2 == 1 {
            rest += level.pop().expect("odd length");
        }
        // Denominators x2 - x1; a zero one is set aside (its pair added
        // projectively) and stands in as 1 in the shared inversion.
        slopes.clear();
        for pair in level.chunks_exact(2) {
            let d = pair[1].x - pair[0].x;
            slopes.push(if d.is_zero() { P::BaseField::ONE } else { d });
        }
        serial_batch_inversion_and_mul(&mut slopes, &P::BaseField::ONE);
        let mut next = Vec::with_capacity(level.len() / 2);
        for (pair, inv) in level.chunks_exact(2).zip(&slopes) {
            let (a, b) = (pair[0], pair[1]);
            if a.x == b.x {
                rest += a;
                rest += b;
                continue;
            }
            next.push(add_with_inverse(a, b, inv));
        }
        level = next;
    }
    level.iter().fold(rest, |acc, p| acc + p)
}

/// a + b for points with different x, given 1 / (b.x - a.x).
pub(super) fn add_with_inverse<P: SWCurveConfig>(a: Affine<P>, b: Affine<P>, inv: &P::BaseField) -> Affine<P> {
    let lambda = (b.y - a.y) * inv;
    let x = lambda.square() - a.x - b.x;
    let y = lambda * (a.x - x) - a.y;
    Affine::new_unchecked(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use rand::{Rng, SeedableRng};

    fn one_by_one<P: SWCurveConfig>(points: &[Affine<P>]) -> Projective<P> {
        points.iter().fold(Projective::zero(), |acc, p| acc + p)
    }

    /// Random points with the cases the affine formula cannot take mixed
    /// in: the point at infinity, P twice (P + P), P and -P, runs of one
    /// point (its doublings meet again in later rounds).
    fn awkward<G: CurveGroup + PrimeGroup>(rng: &mut impl Rng, n: usize) -> Vec<G::Affine> {
        let g = G::generator();
        let mut out: Vec<G> = Vec::with_capacity(n);
        while out.len() < n {
            let p = g * G::ScalarField::rand(rng);
            match rng.gen_range(0..8) {
                0 => out.push(G::zero()),
                1 => out.extend([p, p]),
                2 => out.extend([p, -p]),
                3 => out.extend([p; 5]),
                _ => out.push(p),
            }
        }
        out.truncate(n);
        G::normalize_batch(&out)
    }

    #[test]
    fn equals_adding_one_by_one_in_g1_and_g2() {
        let seed = std::env::var("ZKCOPRO_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random::<u64>);
        println!("affine_sum: seed {seed} (replay with ZKCOPRO_SEED={seed})");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for n in [0usize, 1, 2, 3, 15, 16, 17, 100, 1000, 5000] {
            let g1 = awkward::<G1Projective>(&mut rng, n);
            assert_eq!(sum_affine(&g1), one_by_one(&g1), "G1, {n} points");
            let g2 = awkward::<G2Projective>(&mut rng, n);
            assert_eq!(sum_affine(&g2), one_by_one(&g2), "G2, {n} points");
            let index: Vec<usize> = (0..n).filter(|_| rng.gen_bool(0.4)).collect();
            let picked: Vec<G2Affine> = index.iter().map(|&i| g2[i]).collect();
            assert_eq!(sum_affine_at(&g2, &index), one_by_one(&picked), "G2, {} of {n} gathered", index.len());
        }
        // All the same point, and a sum that cancels to infinity.
        let p = (G1Projective::generator() * Fr::from(7u64)).into_affine();
        let same = vec![p; 4097];
        assert_eq!(sum_affine(&same), G1Projective::from(p) * Fr::from(4097u64));
        let cancel: Vec<G1Affine> = [vec![p; 3000], vec![-p; 3000]].concat();
        assert!(sum_affine(&cancel).is_zero());
        assert!(sum_affine(&[G1Affine::zero(); 40]).is_zero());
    }
}
