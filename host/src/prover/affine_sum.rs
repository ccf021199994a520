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
    sum_affine_at_with(points, index, &mut Vec::new())
}

/// Sum of `points` gathered at `index`, the pairs' sums written to `scratch`
/// (grown to `scratch_len(index.len())` if shorter). A caller that keeps
/// `scratch` from one call to the next maps no fresh pages: no copy of the
/// gathered points is made, the first round reads them where they lie.
pub fn sum_affine_at_with<P: SWCurveConfig>(points: &[Affine<P>], index: &[usize], scratch: &mut Vec<Affine<P>>) -> Projective<P> {
    let need = scratch_len(index.len());
    if scratch.len() < need {
        scratch.resize(need, Affine::zero());
    }
    index.par_chunks(CHUNK).zip(scratch.par_chunks_mut(CHUNK / 2)).map(|(idx, buf)| sum_chunk_at(points, idx, buf)).sum()
}

/// The scratch `sum_affine_at_with` needs for `n` indices.
pub fn scratch_len(n: usize) -> usize {
    n.div_ceil(CHUNK) * (CHUNK / 2)
}

fn sum_chunk<P: SWCurveConfig>(points: &[Affine<P>]) -> Projective<P> {
    sum_chunk_by(|k| points[k], points.len(), &mut vec![Affine::zero(); points.len() / 2])
}

fn sum_chunk_at<P: SWCurveConfig>(points: &[Affine<P>], idx: &[usize], buf: &mut [Affine<P>]) -> Projective<P> {
    sum_chunk_by(|k| points[idx[k]], idx.len(), buf)
}

/// Sum of the `len` points read by `at`, with `buf` (at least len / 2
/// long) for the rounds' sums: the first round reads the points where they
/// lie, the later ones add buf's pairs in place (sum k goes to k, read from
/// 2k and 2k + 1).
fn sum_chunk_by<P: SWCurveConfig>(at: impl Fn(usize) -> Affine<P>, len: usize, buf: &mut [Affine<P>]) -> Projective<P> {
    // Pairs that cannot take the affine formula (equal x: P + P or P + (-P))
    // and a round's odd point, added projectively.
    let mut rest = Projective::<P>::zero();
    if len < BATCH_MIN {
        return (0..len).fold(rest, |acc, k| acc + at(k));
    }
    let mut slopes: Vec<P::BaseField> = Vec::with_capacity(len / 2);
    let mut len = round(at, len, buf, &mut slopes, &mut rest);
    while len >= BATCH_MIN {
        len = round_in_place(buf, len, &mut slopes, &mut rest);
    }
    buf[..len].iter().fold(rest, |acc, p| acc + p)
}

/// One round over `len` points read by `at`: the pairs' sums into `out`
/// (returns how many), the odd point and the pairs with equal x into `rest`.
fn round<P: SWCurveConfig>(
    at: impl Fn(usize) -> Affine<P>,
    len: usize,
    out: &mut [Affine<P>],
    slopes: &mut Vec<P::BaseField>,
    rest: &mut Projective<P>,
) -> usize {
    let pairs = len / 2;
    if len % 2 == 1 {
        *rest += at(len - 1);
    }
    slopes.clear();
    slopes.extend((0..pairs).map(|k| denominator(&at(2 * k), &at(2 * k + 1))));
    serial_batch_inversion_and_mul(slopes, &P::BaseField::ONE);
    let mut m = 0;
    for (k, inv) in slopes.iter().enumerate() {
        if let Some(p) = pair_sum(at(2 * k), at(2 * k + 1), inv, rest) {
            out[m] = p;
            m += 1;
        }
    }
    m
}

/// [`round`] over level[..len], its sums into level's front.
fn round_in_place<P: SWCurveConfig>(level: &mut [Affine<P>], len: usize, slopes: &mut Vec<P::BaseField>, rest: &mut Projective<P>) -> usize {
    let pairs = len / 2;
    if len % 2 == 1 {
        *rest += level[len - 1];
    }
    slopes.clear();
    slopes.extend(level[..2 * pairs].chunks_exact(2).map(|p| denominator(&p[0], &p[1])));
    serial_batch_inversion_and_mul(slopes, &P::BaseField::ONE);
    let mut m = 0;
    for (k, inv) in slopes.iter().enumerate() {
        if let Some(p) = pair_sum(level[2 * k], level[2 * k + 1], inv, rest) {
            level[m] = p;
            m += 1;
        }
    }
    m
}

/// b.x - a.x, or 1 where the affine formula is not used (the pair goes to
/// `pair_sum`'s other cases) so the shared inversion never meets a zero.
fn denominator<P: SWCurveConfig>(a: &Affine<P>, b: &Affine<P>) -> P::BaseField {
    if a.is_zero() || b.is_zero() || a.x == b.x { P::BaseField::ONE } else { b.x - a.x }
}

/// a + b: an affine point, or None with the sum added into `rest` (equal x)
/// or nothing to add (both at infinity).
fn pair_sum<P: SWCurveConfig>(a: Affine<P>, b: Affine<P>, inv: &P::BaseField, rest: &mut Projective<P>) -> Option<Affine<P>> {
    match (a.is_zero(), b.is_zero()) {
        (true, true) => None,
        (true, false) => Some(b),
        (false, true) => Some(a),
        (false, false) if a.x == b.x => {
            *rest += a;
            *rest += b;
            None
        }
        (false, false) => Some(add_with_inverse(a, b, inv)),
    }
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
        // One scratch for every size: grown, then reused shorter.
        let mut scratch = Vec::new();
        for n in [0usize, 1, 2, 3, 15, 16, 17, 100, 5000, 1000, 4097] {
            let g1 = awkward::<G1Projective>(&mut rng, n);
            assert_eq!(sum_affine(&g1), one_by_one(&g1), "G1, {n} points");
            let g2 = awkward::<G2Projective>(&mut rng, n);
            assert_eq!(sum_affine(&g2), one_by_one(&g2), "G2, {n} points");
            let index: Vec<usize> = (0..n).filter(|_| rng.gen_bool(0.4)).collect();
            let picked: Vec<G2Affine> = index.iter().map(|&i| g2[i]).collect();
            assert_eq!(sum_affine_at(&g2, &index), one_by_one(&picked), "G2, {} of {n} gathered", index.len());
            assert_eq!(sum_affine_at_with(&g2, &index, &mut scratch), one_by_one(&picked), "G2, scratch reused, {n}");
            assert!(scratch.len() >= scratch_len(index.len()));
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
