//! Circuits for proofs and benchmarks: a SHA-256 preimage (the realistic
//! default: mostly boolean witnesses) and a multiplication chain whose size
//! is a parameter (for scaling runs).

use ark_bn254::Fr;
use ark_crypto_primitives::crh::sha256::constraints::Sha256Gadget;
use ark_ff::Field;
use ark_r1cs_std::convert::ToConstraintFieldGadget;
use ark_r1cs_std::fields::fp::FpVar;
use ark_r1cs_std::prelude::*;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use sha2::{Digest, Sha256};

/// Knowledge of a message whose SHA-256 digest is public. The digest is
/// packed into field elements as public inputs (two per 32-byte digest).
#[derive(Clone, Debug)]
pub struct Sha256Preimage {
    pub message: Vec<u8>,
    pub digest: [u8; 32],
}

impl Sha256Preimage {
    /// The honest statement for `message`.
    pub fn new(message: Vec<u8>) -> Self {
        let digest = Sha256::digest(&message).into();
        Sha256Preimage { message, digest }
    }

    /// The public inputs a verifier passes (the packed digest).
    pub fn public_inputs(&self) -> Vec<Fr> {
        use ark_ff::PrimeField;
        // 31 bytes per element, little-endian, as ToConstraintField packs bytes.
        self.digest.chunks(31).map(Fr::from_le_bytes_mod_order).collect()
    }
}

impl ConstraintSynthesizer<Fr> for Sha256Preimage {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let message = UInt8::new_witness_vec(cs.clone(), &self.message)?;
        let digest = Sha256Gadget::digest(&message)?;
        let packed = digest.0.to_constraint_field()?;
        let expected: Vec<Fr> = self.public_inputs();
        for (got, want) in packed.iter().zip(&expected) {
            let input = FpVar::new_input(cs.clone(), || Ok(*want))?;
            got.enforce_equal(&input)?;
        }
        Ok(())
    }
}

/// x_{i+1} = x_i^2 + i + 1 for `steps` steps from a secret x_0; the last
/// value is public. `steps` + 1 constraints, witnesses uniform in Fr.
#[derive(Clone, Debug)]
pub struct SquaringChain {
    pub x0: Fr,
    pub steps: usize,
}

impl SquaringChain {
    /// A chain whose QAP domain is exactly 2^log_constraints: steps + 1
    /// constraints plus the two instance variables (1 and the output).
    pub fn with_log_constraints(x0: Fr, log_constraints: u32) -> Self {
        SquaringChain { x0, steps: (1usize << log_constraints).saturating_sub(3).max(1) }
    }

    pub fn output(&self) -> Fr {
        (0..self.steps).fold(self.x0, |x, i| x.square() + Fr::from(i as u64 + 1))
    }

    pub fn public_inputs(&self) -> Vec<Fr> {
        vec![self.output()]
    }
}

impl ConstraintSynthesizer<Fr> for SquaringChain {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let out = FpVar::new_input(cs.clone(), || Ok(self.output()))?;
        let mut x = FpVar::new_witness(cs, || Ok(self.x0))?;
        for i in 0..self.steps {
            x = x.square()? + Fr::from(i as u64 + 1);
        }
        x.enforce_equal(&out)
    }
}

/// Either circuit, for code that picks one at run time.
#[derive(Clone, Debug)]
pub enum AnyCircuit {
    Sha256(Sha256Preimage),
    Chain(SquaringChain),
}

impl AnyCircuit {
    pub fn public_inputs(&self) -> Vec<Fr> {
        match self {
            AnyCircuit::Sha256(c) => c.public_inputs(),
            AnyCircuit::Chain(c) => c.public_inputs(),
        }
    }
}

impl ConstraintSynthesizer<Fr> for AnyCircuit {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        match self {
            AnyCircuit::Sha256(c) => c.generate_constraints(cs),
            AnyCircuit::Chain(c) => c.generate_constraints(cs),
        }
    }
}
