//! MSM on the host by Pippenger's buckets with batch-affine accumulation, for
//! B's G2 MSM over a uniform witness (the glue's largest step when the
//! witness values are full-size, as in most circom circuits).
//!
//! Each window's buckets are affine points. Points are added into them a
//! batch at a time: a batch holds at most one addition per bucket, and all
//! of its slopes share one field inversion (Montgomery's trick), so an
//! addition costs about 5 multiplications and a squaring where arkworks'
//! bucket addition costs 8 and 2. A point whose bucket already has an
//! addition in the batch goes into that bucket's projective overflow sum
//! instead, so skewed scalars (many equal digits) cost no more than plain
//! bucket additions. Windows run in parallel; signed digits halve the buckets.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{AdditiveGroup, AffineRepr};
use super::affine_sum::add_with_inverse;
use ark_ff::{BigInteger, Field, PrimeField, Zero, serial_batch_inversion_and_mul};
use rayon::prelude::*;

/// Additions per shared inversion.
const BATCH: usize = 256;

/// Window width for `n` points: ln n + 2, as arkworks' (measured best at
/// 2^16 in G2 too: c = 13 gives 1.37x arkworks, 12 1.33x, 15 1.08x; the
/// buckets' running sums outweigh the cheaper additions beyond).
fn window_bits(n: usize) -> usize {
    if n < 32 { 3 } else { ((n as f64).ln() as usize + 2).min(16) }
}

/// sum scalars[i] * bases[i] over the shorter of the two; the scalars are
/// canonical (below the scalar field's modulus, as `into_bigint` gives).
pub fn msm_batch_affine<P: SWCurveConfig>(
    bases: &[Affine<P>],
    scalars: &[<P::ScalarField as PrimeField>::BigInt],
) -> Projective<P> {
    let n = bases.len().min(scalars.len());
    debug_assert!(scalars.iter().all(|s| s.num_bits() <= P::ScalarField::MODULUS_BIT_SIZE), "canonical scalars");
    if n == 0 {
        return Projective::zero();
    }
    let c = window_bits(n);
    let bits = P::ScalarField::MODULUS_BIT_SIZE as usize;
    let windows = (bits + 1).div_ceil(c);
    let digits = signed_digits(&scalars[..n], c, windows);
    let sums: Vec<Projective<P>> = (0..windows)
        .into_par_iter()
        .map(|w| window_sum(&bases[..n], digits.iter().skip(w).step_by(windows).copied(), c))
        .collect();
    let mut total = Projective::zero();
    for sum in sums.iter().rev() {
        for _ in 0..c {
            total.double_in_place();
        }
        total += sum;
    }
    total
}

/// Signed c-bit digits, scalar-major (window w of scalar i at i windows +
/// w): each in -2^(c-1)..2^(c-1), with a carry into the next window above
/// 2^(c-1) - 1 (the top window takes its carry: it holds at most 2^(c-1) - 1).
fn signed_digits<B: BigInteger>(scalars: &[B], c: usize, windows: usize) -> Vec<i32> {
    let mut digits = vec![0i32; windows * scalars.len()];
    let half = 1i64 << (c - 1);
    digits.par_chunks_mut(windows).zip(scalars.par_iter()).for_each(|(d, s)| {
        let mut carry = 0i64;
        for (w, digit) in d.iter_mut().enumerate() {
            let v = bits_at(s.as_ref(), w * c, c) as i64 + carry;
            (*digit, carry) = if v >= half && w + 1 < windows { ((v - (1 << c)) as i32, 1) } else { (v as i32, 0) };
        }
    });
    digits
}

/// `len` (<= 32) bits of the little-endian limbs from bit `at` (zeros past the end).
fn bits_at(limbs: &[u64], at: usize, len: usize) -> u64 {
    let (i, off) = (at / 64, at % 64);
    let lo = limbs.get(i).copied().unwrap_or(0) >> off;
    let hi = if off > 0 { limbs.get(i + 1).copied().unwrap_or(0) << (64 - off) } else { 0 };
    (lo | hi) & ((1u64 << len) - 1)
}

/// sum_b (b + 1) * bucket_b for one window, the buckets filled from `digits`.
fn window_sum<P: SWCurveConfig>(bases: &[Affine<P>], digits: impl Iterator<Item = i32>, c: usize) -> Projective<P> {
    let half = 1usize << (c - 1);
    let mut buckets = vec![Affine::<P>::identity(); half];
    let mut overflow = vec![Projective::<P>::zero(); half];
    let mut batch = Batch::<P>::new(half);
    for (base, d) in bases.iter().zip(digits) {
        if d == 0 || base.is_zero() {
            continue;
        }
        let (b, p) = if d > 0 { (d as usize - 1, *base) } else { ((-d) as usize - 1, -*base) };
        if batch.busy[b] {
            overflow[b] += p;
        } else if buckets[b].is_zero() {
            buckets[b] = p;
        } else {
            batch.push(b, p);
            if batch.len() == BATCH {
                batch.flush(&mut buckets, &mut overflow);
            }
        }
    }
    batch.flush(&mut buckets, &mut overflow);
    // Running sums from the top bucket: bucket b counted b + 1 times.
    let (mut running, mut total) = (Projective::<P>::zero(), Projective::<P>::zero());
    for (bucket, extra) in buckets.iter().zip(&overflow).rev() {
        running += bucket;
        running += extra;
        total += running;
    }
    total
}

/// The additions of one batch: at most one per bucket.
struct Batch<P: SWCurveConfig> {
    busy: Vec<bool>,
    items: Vec<(usize, Affine<P>)>,
    denominators: Vec<P::BaseField>,
}

impl<P: SWCurveConfig> Batch<P> {
    fn new(buckets: usize) -> Self {
        Batch {
            busy: vec![false; buckets],
            items: Vec::with_capacity(BATCH),
            denominators: Vec::with_capacity(BATCH),
        }
    }

    fn len(&self) -> usize {
        self.items.len()
    }

    fn push(&mut self, bucket: usize, p: Affine<P>) {
        self.busy[bucket] = true;
        self.items.push((bucket, p));
    }

    /// Adds every item into its bucket (affine, one inversion); an item
    /// with its bucket's x (P + P or P + (-P)) goes to the overflow sum.
    fn flush(&mut self, buckets: &mut [Affine<P>], overflow: &mut [Projective<P>]) {
        self.denominators.clear();
        for &(b, p) in &self.items {
            let d = p.x - buckets[b].x;
            self.denominators.push(if d.is_zero() { P::BaseField::ONE } else { d });
        }
        serial_batch_inversion_and_mul(&mut self.denominators, &P::BaseField::ONE);
        for (&(b, p), inv) in self.items.iter().zip(&self.denominators) {
            let a = buckets[b];
            self.busy[b] = false;
            if a.x == p.x {
                overflow[b] += p;
                continue;
            }
            buckets[b] = add_with_inverse(a, p, inv);
        }
        self.items.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{CurveGroup, PrimeGroup, VariableBaseMSM};
    use ark_ff::UniformRand;
    use rand::{Rng, SeedableRng};

    fn bigints(s: &[Fr]) -> Vec<<Fr as PrimeField>::BigInt> {
        s.iter().map(|x| x.into_bigint()).collect()
    }

    fn points<G: CurveGroup + PrimeGroup>(rng: &mut impl Rng, n: usize) -> Vec<G::Affine> {
        let mut v: Vec<G> = (0..n).map(|_| G::generator() * G::ScalarField::rand(rng)).collect();
        if n > 4 {
            // Infinity, a repeated point and a point with its negation.
            v[0] = G::zero();
            v[2] = v[1];
            v[4] = -v[3];
        }
        G::normalize_batch(&v)
    }

    /// Uniform, 0/1, all-equal, edge (0, 1, p - 1, 2^k) and small scalars.
    fn scalar_sets(rng: &mut impl Rng, n: usize) -> Vec<(&'static str, Vec<Fr>)> {
        let one = Fr::from(1u64);
        let edges = [Fr::from(0u64), one, -one, Fr::from(1u64 << 40), -Fr::from(2u64)];
        vec![
            ("uniform", (0..n).map(|_| Fr::rand(rng)).collect()),
            ("0/1", (0..n).map(|_| Fr::from(rng.gen_bool(0.5) as u64)).collect()),
            ("all equal", vec![Fr::rand(rng); n]),
            ("edges", (0..n).map(|i| edges[i % edges.len()]).collect()),
            ("small", (0..n).map(|_| Fr::from(rng.gen_range(0..1000u64))).collect()),
        ]
    }

    #[test]
    fn equals_arkworks_msm_in_g1_and_g2() {
        let seed = std::env::var("ZKCOPRO_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random::<u64>);
        println!("batch_affine_msm: seed {seed} (replay with ZKCOPRO_SEED={seed})");
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        for n in [0usize, 1, 2, 7, 33, 300, 3000] {
            let g1: Vec<G1Affine> = points::<G1Projective>(&mut rng, n);
            let g2: Vec<G2Affine> = points::<G2Projective>(&mut rng, n);
            for (what, s) in scalar_sets(&mut rng, n) {
                let b = bigints(&s);
                assert_eq!(msm_batch_affine(&g1, &b), G1Projective::msm(&g1, &s).unwrap(), "G1, {n} points, {what}");
                assert_eq!(msm_batch_affine(&g2, &b), G2Projective::msm(&g2, &s).unwrap(), "G2, {n} points, {what}");
            }
        }
    }

    #[test]
    fn signed_digits_recompose_the_scalar() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let s: Vec<Fr> = (0..50).map(|_| Fr::rand(&mut rng)).chain([Fr::from(0u64), -Fr::from(1u64)]).collect();
        for c in [3usize, 8, 13, 16] {
            let windows = (Fr::MODULUS_BIT_SIZE as usize + 1).div_ceil(c);
            let d = signed_digits(&bigints(&s), c, windows);
            for (i, x) in s.iter().enumerate() {
                let back = (0..windows).rev().fold(Fr::from(0u64), |acc, w| {
                    let digit = d[i * windows + w];
                    let v = if digit < 0 { -Fr::from((-digit) as u64) } else { Fr::from(digit as u64) };
                    acc * Fr::from(1u64 << c) + v
                });
                assert_eq!(back, *x, "c = {c}, scalar {i}");
                assert!((0..windows).all(|w| d[i * windows + w].unsigned_abs() <= 1 << (c - 1)));
            }
        }
    }
}
