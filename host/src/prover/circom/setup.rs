//! A Groth16 key for a circom circuit made by arkworks instead of a snarkjs
//! ceremony, written as a zkey snarkjs reads: ark-groth16's generator with
//! snarkjs's reduction ([`CircomReduction`]) over the circuit's `.r1cs`
//! (replayed as an arkworks constraint system, as ark-circom does).
//!
//! It is one party's setup, whose toxic waste a single process saw: for
//! tests and benchmarks at sizes where snarkjs's ceremony is out of reach
//! (its `prepare phase2` at 2^16 takes about 45 minutes on 2 cores, and
//! grows with n log n), never for production keys.

use super::encoding::{self, G1_BYTES, G2_BYTES, N8};
use super::{CircomError, CircomReduction, R1csFile, Zkey};
use ark_bn254::{Bn254, Fq, Fr, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use ark_ff::{BigInteger, Field, PrimeField};
use ark_groth16::Groth16;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, LinearCombination, SynthesisError, Variable};
use rand::{CryptoRng, RngCore};
use std::io::Write;
use std::path::Path;

/// A circom circuit's constraints as an arkworks circuit (no witness: for
/// key generation). Wire 0 is the one, wires 1..=n_public the public
/// signals (arkworks' instance variables, in order), the rest witnesses.
struct R1csCircuit<'a> {
    r1cs: &'a R1csFile,
}

impl ConstraintSynthesizer<Fr> for R1csCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let r1cs = self.r1cs;
        let mut wires = Vec::with_capacity(r1cs.n_wires);
        wires.push(Variable::One);
        for _ in 0..r1cs.n_public() {
            wires.push(cs.new_input_variable(|| Err(SynthesisError::AssignmentMissing))?);
        }
        for _ in r1cs.n_public() + 1..r1cs.n_wires {
            wires.push(cs.new_witness_variable(|| Err(SynthesisError::AssignmentMissing))?);
        }
        let lc = |terms: &[(u32, Fr)]| LinearCombination(terms.iter().map(|&(w, v)| (v, wires[w as usize])).collect());
        for [a, b, c] in &r1cs.constraints {
            cs.enforce_r1cs_constraint(|| lc(a), || lc(b), || lc(c))?;
        }
        Ok(())
    }
}

/// A key for `r1cs` from ark-groth16's generator with snarkjs's reduction,
/// as a [`Zkey`] (its coefficient section from the r1cs's A and B, with
/// snarkjs's public-input rows).
pub fn setup_from_r1cs<R: RngCore + CryptoRng>(r1cs: &R1csFile, rng: &mut R) -> Result<Zkey, CircomError> {
    let pk = Groth16::<Bn254, CircomReduction>::generate_random_parameters_with_reduction(R1csCircuit { r1cs }, rng)
        .map_err(|e| CircomError::BadR1cs(format!("arkworks' setup: {e}")))?;
    let n_public = r1cs.n_public();
    let num_constraints = r1cs.constraints.len();
    let domain_size = (num_constraints + n_public + 1).next_power_of_two().max(2);
    if pk.h_query.len() != domain_size {
        return Err(CircomError::BadR1cs(format!(
            "arkworks made an H query of {} points for a domain of {domain_size}",
            pk.h_query.len()
        )));
    }
    let mut coefficients = Vec::new();
    for (row, c) in r1cs.constraints.iter().enumerate() {
        for (matrix, terms) in c[..2].iter().enumerate() {
            for &(signal, value) in terms {
                coefficients.push(super::zkey::Coefficient { matrix: matrix as u8, row: row as u32, signal, value });
            }
        }
    }
    for s in 0..=n_public {
        let row = (num_constraints + s) as u32;
        coefficients.push(super::zkey::Coefficient { matrix: 0, row, signal: s as u32, value: Fr::ONE });
    }
    Ok(Zkey { pk, n_vars: r1cs.n_wires, n_public, num_constraints, domain_size, coefficients })
}

fn g1_bytes(p: &G1Affine, out: &mut Vec<u8>) {
    match p.xy() {
        Some((x, y)) => {
            out.extend_from_slice(&x.0.to_bytes_le());
            out.extend_from_slice(&y.0.to_bytes_le());
        }
        None => out.extend_from_slice(&[0u8; G1_BYTES]),
    }
}

fn g2_bytes(p: &G2Affine, out: &mut Vec<u8>) {
    match p.xy() {
        Some((x, y)) => {
            for c in [x.c0, x.c1, y.c0, y.c1] {
                out.extend_from_slice(&c.0.to_bytes_le());
            }
        }
        None => out.extend_from_slice(&[0u8; G2_BYTES]),
    }
}

impl Zkey {
    /// Writes this key as snarkjs's Groth16 zkey (sections 1-10; the
    /// contributions section holds no contribution and a zero circuit hash,
    /// so `snarkjs zkey verify` will not pass it, but `groth16 prove`,
    /// `zkey export verificationkey` and this reader take it).
    pub fn write_file(&self, path: impl AsRef<Path>) -> Result<(), CircomError> {
        let io = |source| CircomError::Io { file: super::FileKind::Zkey, source };
        let mut f = std::io::BufWriter::new(std::fs::File::create(path.as_ref()).map_err(io)?);
        self.write(&mut f).map_err(io)?;
        f.flush().map_err(io)
    }

    /// The zkey's bytes, section by section.
    pub fn write<W: Write>(&self, w: &mut W) -> std::io::Result<()> {
        let pk = &self.pk;
        w.write_all(b"zkey")?;
        w.write_all(&1u32.to_le_bytes())?;
        w.write_all(&10u32.to_le_bytes())?;
        let section = |w: &mut W, id: u32, body: &[u8]| -> std::io::Result<()> {
            w.write_all(&id.to_le_bytes())?;
            w.write_all(&(body.len() as u64).to_le_bytes())?;
            w.write_all(body)
        };
        section(w, 1, &1u32.to_le_bytes())?;
        let mut h = Vec::new();
        h.extend_from_slice(&(N8 as u32).to_le_bytes());
        h.extend_from_slice(&encoding::modulus_bytes::<Fq>());
        h.extend_from_slice(&(N8 as u32).to_le_bytes());
        h.extend_from_slice(&encoding::modulus_bytes::<Fr>());
        for v in [self.n_vars, self.n_public, self.domain_size] {
            h.extend_from_slice(&(v as u32).to_le_bytes());
        }
        g1_bytes(&pk.vk.alpha_g1, &mut h);
        g1_bytes(&pk.beta_g1, &mut h);
        g2_bytes(&pk.vk.beta_g2, &mut h);
        g2_bytes(&pk.vk.gamma_g2, &mut h);
        g1_bytes(&pk.delta_g1, &mut h);
        g2_bytes(&pk.vk.delta_g2, &mut h);
        section(w, 2, &h)?;
        let g1s = |points: &[G1Affine]| {
            let mut b = Vec::with_capacity(points.len() * G1_BYTES);
            points.iter().for_each(|p| g1_bytes(p, &mut b));
            b
        };
        section(w, 3, &g1s(&pk.vk.gamma_abc_g1))?;
        // Coefficients times R^2, as snarkjs stores them.
        let r2 = Fr::from_bigint(Fr::R2).expect("R^2 mod r is below r");
        let mut c = Vec::with_capacity(4 + self.coefficients.len() * (12 + N8));
        c.extend_from_slice(&(self.coefficients.len() as u32).to_le_bytes());
        for k in &self.coefficients {
            for v in [k.matrix as u32, k.row, k.signal] {
                c.extend_from_slice(&v.to_le_bytes());
            }
            c.extend_from_slice(&(k.value * r2).into_bigint().to_bytes_le());
        }
        section(w, 4, &c)?;
        section(w, 5, &g1s(&pk.a_query))?;
        section(w, 6, &g1s(&pk.b_g1_query))?;
        let mut b2 = Vec::with_capacity(pk.b_g2_query.len() * G2_BYTES);
        pk.b_g2_query.iter().for_each(|p| g2_bytes(p, &mut b2));
        section(w, 7, &b2)?;
        section(w, 8, &g1s(&pk.l_query))?;
        section(w, 9, &g1s(&pk.h_query))?;
        let mut contributions = vec![0u8; 64];
        contributions.extend_from_slice(&0u32.to_le_bytes());
        section(w, 10, &contributions)
    }
}
