//! Seeded MSM inputs, shared by `zkcopro msm` and the sweep's shard
//! combine: the same seed gives the same points and scalars everywhere.
//!
//! A sharded input of 2^K points in S shards is S chunks of 2^K / S points,
//! chunk i drawn from ChaCha8 stream i of the seed; one shard is exactly the
//! unsharded input (stream 0), so `--shard 0/1` changes nothing.

use ark_bn254::{Fr, G1Affine};
use ark_ff::UniformRand;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// How an MSM's scalars are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScalarKind {
    /// Uniform in Fr.
    Uniform,
    /// One random value, repeated.
    Equal,
    /// All one.
    Ones,
    /// Below 2^16.
    Small,
    /// Witness-like: 57% zero, 43% one, [WITNESS_FULL_SIZE] full-size values.
    Witness,
}

/// Full-size scalars in a `witness` input (the rest are 0 or 1).
pub const WITNESS_FULL_SIZE: usize = 32;

/// `n` random points and scalars of `kind`, drawn from `rng`.
pub fn msm_input(rng: &mut ChaCha8Rng, n: usize, kind: ScalarKind) -> (Vec<G1Affine>, Vec<Fr>) {
    let points = crate::msm::random_points(rng, n);
    let equal = Fr::rand(rng);
    let mut scalars: Vec<Fr> = (0..n)
        .map(|_| match kind {
            ScalarKind::Uniform => Fr::rand(rng),
            ScalarKind::Equal => equal,
            ScalarKind::Ones => Fr::from(1u64),
            ScalarKind::Small => Fr::from(rng.gen_range(1u64..1 << 16)),
            ScalarKind::Witness => Fr::from(rng.gen_bool(0.43) as u64),
        })
        .collect();
    if kind == ScalarKind::Witness {
        for _ in 0..WITNESS_FULL_SIZE.min(n) {
            let i = rng.gen_range(0..n);
            scalars[i] = Fr::rand(rng);
        }
    }
    (points, scalars)
}

/// A shard of a seeded input: which chunk, of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole input.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/S` (0 <= I < S, S a power of two of at most 2^`log_size`).
    pub fn parse(text: &str, log_size: u32) -> Result<Shard, String> {
        let (i, s) = text.split_once('/').ok_or_else(|| format!("'{text}' is not INDEX/COUNT"))?;
        let index: u32 = i.trim().parse().map_err(|_| format!("'{i}' is not a shard index"))?;
        let count: u32 = s.trim().parse().map_err(|_| format!("'{s}' is not a shard count"))?;
        if !count.is_power_of_two() || count.trailing_zeros() > log_size {
            return Err(format!("shard count {count} must be a power of two dividing 2^{log_size} points"));
        }
        if index >= count {
            return Err(format!("shard index {index} is outside 0..{count}"));
        }
        Ok(Shard { index, count })
    }

    /// Points in this shard of a 2^`log_size` input.
    pub fn len(&self, log_size: u32) -> usize {
        (1usize << log_size) / self.count as usize
    }
}

/// The chunk of a 2^`log_size`-point seeded input that `shard` holds.
pub fn shard_input(seed: u64, log_size: u32, kind: ScalarKind, shard: Shard) -> (Vec<G1Affine>, Vec<Fr>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(shard.index as u64);
    msm_input(&mut rng, shard.len(log_size), kind)
}

/// A G1 point as text in a JSON report: affine x and y, big-endian hex.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointHex {
    pub x: String,
    pub y: String,
}

impl PointHex {
    /// None for the point at infinity.
    pub fn from_point(p: &G1Affine) -> Option<PointHex> {
        use ark_ff::{BigInteger, PrimeField};
        let hex = |f: ark_bn254::Fq| {
            f.into_bigint().to_bytes_be().iter().map(|b| format!("{b:02x}")).collect::<String>()
        };
        use ark_ec::AffineRepr;
        if p.is_zero() { None } else { Some(PointHex { x: hex(p.x), y: hex(p.y) }) }
    }

    /// The point, checked on the curve and in the subgroup.
    pub fn to_point(&self) -> Result<G1Affine, String> {
        use ark_ff::PrimeField;
        let field = |s: &str| -> Result<ark_bn254::Fq, String> {
            if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!("'{s}' is not 64 hex digits"));
            }
            let bytes: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex")).collect();
            let value = num_bigint::BigUint::from_bytes_be(&bytes);
            let f = ark_bn254::Fq::from_be_bytes_mod_order(&bytes);
            if num_bigint::BigUint::from(f.into_bigint()) != value {
                return Err(format!("'{s}' is not below the base field's modulus"));
            }
            Ok(f)
        };
        let p = G1Affine::new_unchecked(field(&self.x)?, field(&self.y)?);
        if !p.is_on_curve() || !p.is_in_correct_subgroup_assuming_on_curve() {
            return Err(format!("({}, {}) is not a G1 point", self.x, self.y));
        }
        Ok(p)
    }
}
