//! A witness's scalars split by size, as real provers see them: mostly 0
//! and 1, and a few full-size values.
//!
//! The card runs the 0/1 part in one window (`MsmConfig::small_scalars(1)`):
//! a one is one addition, and nothing is left to combine. Full-size scalars
//! need every window, and combining W windows is W x c sequential
//! doublings through the adder's loop (about 256 x 2 (L + 1) cycles however
//! few the scalars), so the few of them go to the host (arkworks' MSM), where
//! the prover runs them while the card computes. Classifying reads the
//! Montgomery limbs as they are: no conversion for the 0s and 1s.

use ark_bn254::Fr;
use ark_ff::{One, PrimeField, Zero};
use rayon::prelude::*;

/// Scalars per parallel work unit.
const CHUNK: usize = 4096;

/// A witness split into its 0/1 part and the rest.
#[derive(Clone, Debug, Default)]
pub struct WitnessSplit {
    /// The scalars with every value other than 0 and 1 replaced by 0.
    pub binary: Vec<Fr>,
    /// Where the other values are (ascending), and their values in the
    /// canonical (non-Montgomery) form arkworks' MSM takes.
    pub other_index: Vec<usize>,
    pub other_value: Vec<<Fr as PrimeField>::BigInt>,
    /// How many are 1.
    pub ones: usize,
}

impl WitnessSplit {
    /// Splits `scalars`.
    pub fn of(scalars: &[Fr]) -> Self {
        let (one, zero) = (Fr::one(), Fr::zero());
        let parts: Vec<(Vec<Fr>, Vec<usize>, usize)> = scalars
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(k, chunk)| {
                let mut binary = chunk.to_vec();
                let mut others = Vec::new();
                let mut ones = 0;
                for (i, s) in binary.iter_mut().enumerate() {
                    if *s == one {
                        ones += 1;
                    } else if *s != zero {
                        others.push(k * CHUNK + i);
                        *s = zero;
                    }
                }
                (binary, others, ones)
            })
            .collect();
        let mut split = WitnessSplit { binary: Vec::with_capacity(scalars.len()), ..Default::default() };
        for (binary, others, ones) in parts {
            split.binary.extend_from_slice(&binary);
            split.other_index.extend(others);
            split.ones += ones;
        }
        split.other_value = split.other_index.iter().map(|&i| scalars[i].into_bigint()).collect();
        split
    }

    /// Whether the split pays: the host's part stays small (at most one
    /// scalar in `HOST_SHARE_MAX` is full-size); else the card runs the
    /// whole MSM windowed.
    pub fn pays(&self) -> bool {
        self.other_index.len() * HOST_SHARE_MAX <= self.binary.len()
    }

    /// The others at index `from` and beyond, with indices relative to it
    /// (a suffix of the same scalars: L's witness part of the assignment).
    pub fn others_from(&self, from: usize) -> (Vec<usize>, Vec<<Fr as PrimeField>::BigInt>) {
        let start = self.other_index.partition_point(|&i| i < from);
        (self.other_index[start..].iter().map(|i| i - from).collect(), self.other_value[start..].to_vec())
    }
}

/// At most one scalar in this many may be full-size for the split: each
/// costs the card about W = 32 accumulation items, so at 1/32 the windowed
/// run's accumulation already doubles; on the host a few dozen take well
/// under a millisecond, hidden under the card's h(X) and MSM H.
pub const HOST_SHARE_MAX: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::UniformRand;
    use rand::SeedableRng;

    #[test]
    fn splits_and_keeps_every_value() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let n = 3 * CHUNK + 17;
        let scalars: Vec<Fr> = (0..n)
            .map(|i| match i % 97 {
                0 => Fr::rand(&mut rng),
                1 => -Fr::one(),
                2 => Fr::from(2u64),
                k if k % 2 == 0 => Fr::one(),
                _ => Fr::zero(),
            })
            .collect();
        let s = WitnessSplit::of(&scalars);
        assert_eq!(s.binary.len(), n);
        let mut back = s.binary.clone();
        for (&i, v) in s.other_index.iter().zip(&s.other_value) {
            assert!(back[i].is_zero());
            back[i] = Fr::from_bigint(*v).unwrap();
        }
        assert_eq!(back, scalars, "binary part plus the others is the witness");
        assert!(s.binary.iter().all(|x| x.is_zero() || x.is_one()));
        assert_eq!(s.ones, scalars.iter().filter(|x| x.is_one()).count());
        assert!(s.other_index.windows(2).all(|w| w[0] < w[1]));
        let from = CHUNK + 5;
        let (idx, val) = s.others_from(from);
        assert!(idx.iter().zip(&val).all(|(&i, v)| scalars[i + from].into_bigint() == *v));
        assert_eq!(idx.len(), s.other_index.iter().filter(|&&i| i >= from).count());
        assert!(s.pays(), "3 in 97 full-size or small values");
        let uniform: Vec<Fr> = (0..1000).map(|_| Fr::rand(&mut rng)).collect();
        assert!(!WitnessSplit::of(&uniform).pays());
        assert!(WitnessSplit::of(&[]).pays());
    }
}
