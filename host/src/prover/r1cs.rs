//! A circuit's R1CS matrices, extracted once per proving key, and their
//! evaluation at a full assignment.
//!
//! ark-groth16's prover rebuilds the constraint matrices on every proof
//! (synthesis with `construct_matrices`, then inlining every linear
//! combination). The matrices depend only on the circuit, which the proving
//! key already fixes, so this prover extracts them once, in setup mode as
//! ark-groth16's key generator does, and each proof only computes the
//! witness, as provers built around a compiled circuit (a zkey, a compiled
//! constraint system) do.

use ark_bn254::Fr;
use ark_ff::{AdditiveGroup, One, Zero};
use std::collections::HashMap;
use ark_relations::gr1cs::{
    ConstraintSynthesizer, ConstraintSystem, ConstraintSystemRef, OptimizationGoal, R1CS_PREDICATE_LABEL, SynthesisError,
    SynthesisMode,
};
use crate::field::{fr_from_le_bytes_unchecked, fr_to_le_bytes};
use rayon::prelude::*;

/// Coefficient ids with no multiplication: most terms of real circuits
/// (of the SHA-256 circuit's 195k terms, 108k are 1, 32k are -1 and 19k are 2).
const COEFF_ONE: u32 = 0;
const COEFF_MINUS_ONE: u32 = 1;
const COEFF_TWO: u32 = 2;

/// A, B and C in compressed rows over one table of distinct coefficients
/// (a few hundred in real circuits, so the table stays in cache).
#[derive(Clone, Default)]
struct SparseMatrices {
    /// coeffs[id]: ids COEFF_ONE, COEFF_MINUS_ONE and COEFF_TWO are 1, -1 and 2.
    coeffs: Vec<Fr>,
    /// Per matrix: row i's terms are `row_starts[i]..row_starts[i + 1]`.
    row_starts: [Vec<u32>; 3],
    /// Per matrix and term: the variable and its coefficient's id.
    columns: [Vec<u32>; 3],
    coeff_ids: [Vec<u32>; 3],
}

impl std::fmt::Debug for SparseMatrices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let terms: Vec<usize> = self.columns.iter().map(Vec::len).collect();
        write!(f, "SparseMatrices {{ terms: {terms:?}, distinct coefficients: {} }}", self.coeffs.len())
    }
}

impl SparseMatrices {
    fn from_rows(abc: [&[Vec<(Fr, usize)>]; 3]) -> Self {
        let mut m = SparseMatrices { coeffs: vec![Fr::one(), -Fr::one(), Fr::from(2u64)], ..Default::default() };
        let mut ids: HashMap<Fr, u32> = m.coeffs.iter().enumerate().map(|(i, c)| (*c, i as u32)).collect();
        for (k, rows) in abc.into_iter().enumerate() {
            let terms: usize = rows.iter().map(Vec::len).sum();
            m.row_starts[k] = Vec::with_capacity(rows.len() + 1);
            m.columns[k] = Vec::with_capacity(terms);
            m.coeff_ids[k] = Vec::with_capacity(terms);
            m.row_starts[k].push(0);
            for row in rows {
                for &(coeff, var) in row {
                    m.push_term(&mut ids, k, coeff, var);
                }
                m.row_starts[k].push(m.columns[k].len() as u32);
            }
        }
        m
    }

    /// Appends a term to matrix k's current row, its coefficient interned.
    fn push_term(&mut self, ids: &mut HashMap<Fr, u32>, k: usize, coeff: Fr, var: usize) {
        let id = *ids.entry(coeff).or_insert_with(|| {
            self.coeffs.push(coeff);
            self.coeffs.len() as u32 - 1
        });
        self.columns[k].push(var as u32);
        self.coeff_ids[k].push(id);
    }

    /// A, B and C from (row, column, coefficient) terms sorted by row, over
    /// `rows` rows.
    fn from_sorted_terms(abc: [&[(usize, usize, Fr)]; 3], rows: usize) -> Self {
        let mut m = SparseMatrices { coeffs: vec![Fr::one(), -Fr::one(), Fr::from(2u64)], ..Default::default() };
        let mut ids: HashMap<Fr, u32> = m.coeffs.iter().enumerate().map(|(i, c)| (*c, i as u32)).collect();
        for (k, terms) in abc.into_iter().enumerate() {
            m.row_starts[k] = Vec::with_capacity(rows + 1);
            m.columns[k] = Vec::with_capacity(terms.len());
            m.coeff_ids[k] = Vec::with_capacity(terms.len());
            m.row_starts[k].push(0);
            let mut next = terms.iter().peekable();
            for row in 0..rows {
                while let Some(&(_, var, coeff)) = next.next_if(|t| t.0 == row) {
                    m.push_term(&mut ids, k, coeff, var);
                }
                m.row_starts[k].push(m.columns[k].len() as u32);
            }
        }
        m
    }

    /// Row i of matrix k times the assignment z.
    #[inline]
    fn row_times(&self, k: usize, i: usize, z: &[Fr]) -> Fr {
        let (lo, hi) = (self.row_starts[k][i] as usize, self.row_starts[k][i + 1] as usize);
        let mut sum = Fr::zero();
        for (&col, &id) in self.columns[k][lo..hi].iter().zip(&self.coeff_ids[k][lo..hi]) {
            let x = z[col as usize];
            match id {
                COEFF_ONE => sum += x,
                COEFF_MINUS_ONE => sum -= x,
                COEFF_TWO => sum += x.double(),
                _ => sum += self.coeffs[id as usize] * x,
            }
        }
        sum
    }
}

/// Why matrices could not be extracted, or an assignment does not satisfy them.
#[derive(Debug, thiserror::Error)]
pub enum R1csError {
    #[error("circuit synthesis failed: {0}")]
    Synthesis(#[from] SynthesisError),
    #[error("the circuit has no R1CS constraints")]
    NoR1cs,
    #[error("the circuit has {0} variables or terms, above the 2^31 this prover indexes")]
    TooLarge(usize),
    #[error("the assignment has {got} entries, the circuit {want}")]
    AssignmentLength { got: usize, want: usize },
    #[error("{0}")]
    BadTerms(String),
    #[error("constraint {row} of {rows}: A z * B z != C z")]
    Unsatisfied { row: usize, rows: usize },
}

/// Rows per parallel work unit when evaluating (each chunk's rows in cache).
const EVAL_ROWS: usize = 1024;

/// A circuit's A, B, C matrices and sizes.
#[derive(Clone, Debug)]
pub struct R1csMatrices {
    /// Public inputs including the constant one.
    pub num_instance: usize,
    pub num_witness: usize,
    pub num_constraints: usize,
    abc: SparseMatrices,
    /// C is not given: C z is A z * B z row by row (snarkjs's zkey stores
    /// only A and B), so evaluation checks nothing.
    c_implied: bool,
}

impl R1csMatrices {
    /// Synthesizes `circuit` without a witness (ark-groth16's setup mode and
    /// optimization goal, so the matrices are the ones its key was made from).
    pub fn extract<C: ConstraintSynthesizer<Fr>>(circuit: C) -> Result<Self, R1csError> {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Setup);
        circuit.generate_constraints(cs.clone())?;
        cs.finalize();
        Self::from_constraint_system(&cs)
    }

    /// The matrices of a finalized constraint system that kept them.
    pub fn from_constraint_system(cs: &ConstraintSystemRef<Fr>) -> Result<Self, R1csError> {
        let mut all = cs.to_matrices()?;
        let rows = all.remove(R1CS_PREDICATE_LABEL).ok_or(R1csError::NoR1cs)?;
        let [a, b, c]: [Vec<Vec<(Fr, usize)>>; 3] = rows.try_into().map_err(|_| R1csError::NoR1cs)?;
        Self::from_rows(cs.num_instance_variables(), cs.num_witness_variables(), [&a, &b, &c])
    }

    /// A, B and C given as rows of (coefficient, variable) terms (arkworks'
    /// `ConstraintMatrices` layout), all with the same number of rows and
    /// every variable below num_instance + num_witness.
    pub fn from_rows(
        num_instance: usize,
        num_witness: usize,
        [a, b, c]: [&[Vec<(Fr, usize)>]; 3],
    ) -> Result<Self, R1csError> {
        let terms = [a, b, c].iter().map(|m| m.iter().map(Vec::len).sum::<usize>()).max().unwrap_or(0);
        let variables = num_instance + num_witness;
        let biggest = terms.max(variables);
        if biggest >= 1 << 31 {
            return Err(R1csError::TooLarge(biggest));
        }
        if b.len() != a.len() || c.len() != a.len() {
            return Err(R1csError::BadTerms(format!("A, B and C have {}, {} and {} rows", a.len(), b.len(), c.len())));
        }
        if [a, b, c].iter().any(|m| m.iter().flatten().any(|t| t.1 >= variables)) {
            return Err(R1csError::BadTerms(format!("a term names a variable beyond the {variables} there are")));
        }
        Ok(R1csMatrices {
            num_instance,
            num_witness,
            num_constraints: a.len(),
            abc: SparseMatrices::from_rows([a, b, c]),
            c_implied: false,
        })
    }

    /// A and B from (row, variable, coefficient) terms sorted by row, over
    /// `rows` rows; C is implied as A z * B z (a circom zkey's matrices).
    /// Rows, variables and sizes are checked.
    pub fn from_ab_terms(
        num_instance: usize,
        num_witness: usize,
        rows: usize,
        [a, b]: [&[(usize, usize, Fr)]; 2],
    ) -> Result<Self, R1csError> {
        let variables = num_instance + num_witness;
        let biggest = a.len().max(b.len()).max(variables).max(rows);
        if biggest >= 1 << 31 {
            return Err(R1csError::TooLarge(biggest));
        }
        for terms in [a, b] {
            if let Some(w) = terms.windows(2).find(|w| w[0].0 > w[1].0) {
                return Err(R1csError::BadTerms(format!("terms not sorted by row ({} after {})", w[1].0, w[0].0)));
            }
            if let Some(t) = terms.iter().find(|t| t.0 >= rows || t.1 >= variables) {
                return Err(R1csError::BadTerms(format!(
                    "term at row {}, variable {} (rows below {rows}, variables below {variables})",
                    t.0, t.1
                )));
            }
        }
        Ok(R1csMatrices {
            num_instance,
            num_witness,
            num_constraints: rows,
            abc: SparseMatrices::from_sorted_terms([a, b, &[]], rows),
            c_implied: true,
        })
    }

    /// A z, B z and C z, each padded with zeros to `len` (raised to the
    /// number of constraints if shorter), as card-memory bytes (32 per
    /// element, `field::fr_to_le_bytes`), after checking A z * B z = C z for
    /// every constraint (the first failing constraint is reported; with C
    /// implied, C z is A z * B z and there is nothing to check). Packing
    /// while evaluating spares the upload a pass over the vectors.
    pub fn evaluate_packed(&self, z: &[Fr], len: usize) -> Result<[Vec<u8>; 3], R1csError> {
        let mut out = Default::default();
        self.evaluate_packed_into(z, len, &mut out)?;
        Ok(out)
    }

    /// `evaluate_packed` into `out`, whose vectors are resized to 32 `len`
    /// bytes (no allocation when they already hold that many: a prover
    /// keeps them from proof to proof, so no proof pays for fresh pages).
    pub fn evaluate_packed_into(&self, z: &[Fr], len: usize, out: &mut [Vec<u8>; 3]) -> Result<(), R1csError> {
        let [a, b, c] = out;
        self.evaluate_one_packed_into(0, z, len, a)?;
        self.evaluate_one_packed_into(1, z, len, b)?;
        self.evaluate_c_packed_into(z, len, a, b, c)
    }

    /// A z (`m` = 0) or B z (`m` = 1) alone into `out`, as
    /// `evaluate_packed_into` leaves it: a prover uploads A while it
    /// evaluates B and C.
    pub fn evaluate_one_packed_into(&self, m: usize, z: &[Fr], len: usize, out: &mut Vec<u8>) -> Result<(), R1csError> {
        assert!(m < 2, "A or B; C comes with the check");
        let k = self.start_packed(z, len, out)?;
        out[..32 * k].par_chunks_mut(32 * EVAL_ROWS).enumerate().for_each(|(chunk, rows)| {
            for (j, row) in rows.chunks_exact_mut(32).enumerate() {
                fr_to_le_bytes(&self.abc.row_times(m, chunk * EVAL_ROWS + j, z), row.try_into().expect("32-byte chunk"));
            }
        });
        Ok(())
    }

    /// C z into `c`, after checking A z * B z = C z for every constraint
    /// (the first failing one is reported), with A z and B z the bytes
    /// `a` and `b` that `evaluate_one_packed_into` left for the same z
    /// (taken as they are: bytes from another z check against the wrong
    /// products; with C implied, C z is their product and there is nothing
    /// to check).
    pub fn evaluate_c_packed_into(&self, z: &[Fr], len: usize, a: &[u8], b: &[u8], c: &mut Vec<u8>) -> Result<(), R1csError> {
        let k = self.start_packed(z, len, c)?;
        if a.len() < 32 * k || b.len() < 32 * k {
            return Err(R1csError::AssignmentLength { got: a.len().min(b.len()) / 32, want: k });
        }
        let first_bad = c[..32 * k]
            .par_chunks_mut(32 * EVAL_ROWS)
            .zip(a[..32 * k].par_chunks(32 * EVAL_ROWS))
            .zip(b[..32 * k].par_chunks(32 * EVAL_ROWS))
            .enumerate()
            .filter_map(|(chunk, ((c, a), b))| {
                let mut bad = None;
                let rows = c.chunks_exact_mut(32).zip(a.chunks_exact(32)).zip(b.chunks_exact(32));
                for (j, ((c, a), b)) in rows.enumerate() {
                    let i = chunk * EVAL_ROWS + j;
                    let xy = fr_from_le_bytes_unchecked(a) * fr_from_le_bytes_unchecked(b);
                    let w = if self.c_implied { xy } else { self.abc.row_times(2, i, z) };
                    if bad.is_none() && xy != w {
                        bad = Some(i);
                    }
                    fr_to_le_bytes(&w, c.try_into().expect("32-byte chunk"));
                }
                bad
            })
            .min();
        match first_bad {
            Some(row) => Err(R1csError::Unsatisfied { row, rows: k }),
            None => Ok(()),
        }
    }

    /// Checks z's length and sizes `out` to 32 max(len, constraints) bytes,
    /// the padding rows zero (Fr's zero; rows below the constraints are all
    /// overwritten); returns the number of constraints.
    fn start_packed(&self, z: &[Fr], len: usize, out: &mut Vec<u8>) -> Result<usize, R1csError> {
        let want = self.num_instance + self.num_witness;
        if z.len() != want {
            return Err(R1csError::AssignmentLength { got: z.len(), want });
        }
        let k = self.num_constraints;
        out.truncate(32 * k);
        out.resize(32 * len.max(k), 0);
        Ok(k)
    }
}
