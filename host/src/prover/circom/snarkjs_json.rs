//! snarkjs's `proof.json` and `public.json`: decimal strings, points in
//! projective form with Z = 1 (the point at infinity as snarkjs writes it,
//! Z = 0), `protocol` and `curve: "bn128"`, so `snarkjs groth16 verify`
//! takes them.

use ark_bn254::{Bn254, Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::PrimeField;
use ark_groth16::Proof;
use num_bigint::BigUint;
use serde::Serialize;

fn dec<F: PrimeField<BigInt = ark_ff::BigInt<4>>>(x: &F) -> String {
    BigUint::from(x.into_bigint()).to_string()
}

/// A G1 point as snarkjs writes it: [x, y, "1"], infinity [0, 1, 0].
pub fn g1_strings(p: &G1Affine) -> [String; 3] {
    match p.xy() {
        Some((x, y)) => [dec(&x), dec(&y), "1".into()],
        None => ["0".into(), "1".into(), "0".into()],
    }
}

fn fq2(x: &Fq2) -> [String; 2] {
    [dec::<Fq>(&x.c0), dec::<Fq>(&x.c1)]
}

/// A G2 point as snarkjs writes it (c0 before c1).
pub fn g2_strings(p: &G2Affine) -> [[String; 2]; 3] {
    let one = ["1".to_string(), "0".to_string()];
    let zero = || ["0".to_string(), "0".to_string()];
    match p.xy() {
        Some((x, y)) => [fq2(&x), fq2(&y), one],
        None => [zero(), one, zero()],
    }
}

/// `proof.json` as snarkjs writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProofJson {
    pub pi_a: [String; 3],
    pub pi_b: [[String; 2]; 3],
    pub pi_c: [String; 3],
    pub protocol: &'static str,
    pub curve: &'static str,
}

impl ProofJson {
    pub fn new(proof: &Proof<Bn254>) -> Self {
        ProofJson { pi_a: g1_strings(&proof.a), pi_b: g2_strings(&proof.b), pi_c: g1_strings(&proof.c), protocol: "groth16", curve: "bn128" }
    }

    pub fn to_string_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("strings serialize")
    }
}

/// `public.json`: the public signals (outputs, then public inputs) in
/// decimal.
pub fn public_json(public: &[Fr]) -> String {
    let v: Vec<String> = public.iter().map(dec).collect();
    serde_json::to_string_pretty(&v).expect("strings serialize")
}
