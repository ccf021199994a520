//! snarkjs's R1CS-to-QAP reduction, on the CPU: the reference model of the
//! card's chain (`Coprocessor::qap_h_circom`) and the reduction arkworks
//! proves circom keys with (the computation of ark-circom's
//! `CircomReduction`, as an ark-groth16 [`R1CSToQAP`]).
//!
//! snarkjs does not divide by Z_H. With A, B evaluated at the constraints
//! (and A = the public signals in the n_public + 1 rows after them) and
//! C = A B row by row, it interpolates A, B and C, evaluates them on the
//! odd 2n-th roots of unity (coefficient j times w_2n^j, then an n-point
//! NTT), and returns A B - C there. On those points Z_H = X^n - 1 = -2, and
//! the key's H query holds the matching Lagrange basis (`h_query_scalars`),
//! so no division is needed.

use ark_ff::{FftField, PrimeField};
use ark_groth16::r1cs_to_qap::{LibsnarkReduction, R1CSToQAP, evaluate_constraint};
use ark_poly::EvaluationDomain;
use ark_relations::gr1cs::{ConstraintSystemRef, Matrix, SynthesisError};
use rayon::prelude::*;

/// snarkjs's reduction (`CircomReduction`).
pub struct CircomReduction;

/// w_2n: the primitive 2n-th root of unity of the domain twice H's size
/// (ark-poly's generator of that domain).
pub fn odd_root<F: PrimeField + FftField, D: EvaluationDomain<F>>(n: usize) -> Result<F, SynthesisError> {
    Ok(D::new(2 * n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?.element(1))
}

impl R1CSToQAP for CircomReduction {
    /// The QAP's A, B, C at t, as the libsnark reduction has them (snarkjs's
    /// setup evaluates the same polynomials; only h's basis differs).
    #[allow(clippy::type_complexity)]
    fn instance_map_with_evaluation<F: PrimeField, D: EvaluationDomain<F>>(
        cs: ConstraintSystemRef<F>,
        t: &F,
    ) -> Result<(Vec<F>, Vec<F>, Vec<F>, F, usize, usize), SynthesisError> {
        LibsnarkReduction::instance_map_with_evaluation::<F, D>(cs, t)
    }

    fn witness_map_from_matrices<F: PrimeField, D: EvaluationDomain<F>>(
        matrices: &[Matrix<F>],
        num_inputs: usize,
        num_constraints: usize,
        full_assignment: &[F],
    ) -> Result<Vec<F>, SynthesisError> {
        let domain = D::new(num_constraints + num_inputs).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        let n = domain.size();
        let mut a = vec![F::zero(); n];
        let mut b = vec![F::zero(); n];
        a[..num_constraints]
            .par_iter_mut()
            .zip(&mut b[..num_constraints])
            .zip(&matrices[0])
            .zip(&matrices[1])
            .for_each(|(((a, b), at), bt)| {
                *a = evaluate_constraint(at, full_assignment);
                *b = evaluate_constraint(bt, full_assignment);
            });
        a[num_constraints..num_constraints + num_inputs].copy_from_slice(&full_assignment[..num_inputs]);
        let mut c = vec![F::zero(); n];
        c[..num_constraints].par_iter_mut().zip(&a).zip(&b).for_each(|((c, a), b)| *c = *a * b);

        on_odd_roots(&domain, a, b, c)
    }

    /// snarkjs's H query scalars: the odd-indexed Lagrange coefficients of
    /// the 2n-point domain at t, over delta (see the module's note).
    fn h_query_scalars<F: PrimeField, D: EvaluationDomain<F>>(
        max_power: usize,
        t: F,
        _zt: F,
        delta_inverse: F,
    ) -> Result<Vec<F>, SynthesisError> {
        let count = 2 * max_power + 1;
        let mut scalars: Vec<F> = (0..count).into_par_iter().map(|i| delta_inverse * t.pow([i as u64])).collect();
        let domain = D::new(count).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
        domain.ifft_in_place(&mut scalars);
        Ok(scalars.into_iter().skip(1).step_by(2).collect())
    }
}

/// A B - C on the odd 2n-th roots of unity, from A, B, C's values on H.
fn on_odd_roots<F: PrimeField, D: EvaluationDomain<F>>(
    domain: &D,
    mut a: Vec<F>,
    mut b: Vec<F>,
    mut c: Vec<F>,
) -> Result<Vec<F>, SynthesisError> {
    let w = odd_root::<F, D>(domain.size())?;
    for v in [&mut a, &mut b, &mut c] {
        domain.ifft_in_place(v);
        D::distribute_powers_and_mul_by_const(v, w, F::one());
        domain.fft_in_place(v);
    }
    a.par_iter_mut().zip(&b).zip(&c).for_each(|((a, b), c)| *a = *a * b - c);
    Ok(a)
}

/// The reduction from A z and B z at the rows of a circom zkey's matrices
/// (the public-input rows included; C = A B row by row), zero-padded to
/// the n-point domain: the reference the card's chain is checked against.
pub fn circom_h_reference<F: PrimeField, D: EvaluationDomain<F>>(
    a_rows: &[F],
    b_rows: &[F],
    n: usize,
) -> Result<Vec<F>, SynthesisError> {
    let domain = D::new(n).ok_or(SynthesisError::PolynomialDegreeTooLarge)?;
    if domain.size() != n || a_rows.len() > n || b_rows.len() != a_rows.len() {
        return Err(SynthesisError::PolynomialDegreeTooLarge);
    }
    let mut a = a_rows.to_vec();
    a.resize(n, F::zero());
    let mut b = b_rows.to_vec();
    b.resize(n, F::zero());
    let c = a.iter().zip(&b).map(|(a, b)| *a * b).collect();
    on_odd_roots(&domain, a, b, c)
}
