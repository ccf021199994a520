//! snarkjs's Groth16 `.zkey`: the proving key, the verifying key and the
//! A and B matrices (C is not stored: snarkjs's prover takes C = A B row by
//! row). Sections: 1 protocol, 2 Groth16 header, 3 IC, 4 coefficients,
//! 5 A, 6 B1, 7 B2, 8 C (the private signals' L query), 9 H, 10
//! contributions (not needed to prove).

use super::container::{Container, FileKind};
use super::encoding::{self, G1_BYTES, G2_BYTES, N8};
use super::CircomError;
use crate::prover::r1cs::R1csMatrices;
use ark_bn254::{Bn254, Fq, Fr};
use ark_ff::One;
use ark_groth16::{ProvingKey, VerifyingKey};
use rayon::prelude::*;
use std::io::{Read, Seek};
use std::path::Path;

/// zkey format version snarkjs writes.
const ZKEY_VERSION: u32 = 1;
const GROTH16: u32 = 1;
/// Section 2's size: n8q, q, n8r, r, nVars, nPublic, domainSize, then
/// alpha1, beta1 (G1), beta2, gamma2 (G2), delta1 (G1), delta2 (G2).
const GROTH16_HEADER_BYTES: u64 = (4 + N8 + 4 + N8 + 12 + 3 * G1_BYTES + 3 * G2_BYTES) as u64;
/// One coefficient: matrix, constraint, signal (u32 each), value.
const COEF_BYTES: usize = 12 + N8;
/// Largest QAP domain: snarkjs evaluates on the 2n-th roots of unity, and
/// BN254 Fr has them up to 2^28.
pub const ZKEY_LOG_DOMAIN_MAX: u32 = 27;

/// One nonzero entry of A (matrix 0) or B (matrix 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coefficient {
    pub matrix: u8,
    pub row: u32,
    pub signal: u32,
    pub value: Fr,
}

/// A Groth16 zkey, read and checked.
#[derive(Clone, Debug)]
pub struct Zkey {
    /// As ark-groth16 holds it: a_query, b_g1_query and b_g2_query over all
    /// nVars signals, l_query over the private ones, h_query over the
    /// domain (n points, snarkjs's QAP), vk.gamma_abc_g1 the IC.
    pub pk: ProvingKey<Bn254>,
    /// Signals, the constant one included.
    pub n_vars: usize,
    /// Public signals (outputs, then public inputs), the one excluded.
    pub n_public: usize,
    /// The circuit's constraints (without the n_public + 1 rows snarkjs
    /// adds for the public signals).
    pub num_constraints: usize,
    /// n, the QAP domain's size (a power of two above num_constraints + n_public).
    pub domain_size: usize,
    /// A and B's entries, rows 0..num_constraints + n_public + 1 in order.
    pub coefficients: Vec<Coefficient>,
}

impl Zkey {
    /// Reads a `.zkey` file.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Self, CircomError> {
        let file = std::fs::File::open(path.as_ref()).map_err(|source| CircomError::Io { file: FileKind::Zkey, source })?;
        Self::read(std::io::BufReader::new(file))
    }

    /// Reads a zkey: every size is checked against the header before its
    /// section is read, every point on its curve (G2's in the subgroup).
    pub fn read<R: Read + Seek>(reader: R) -> Result<Self, CircomError> {
        let mut c = Container::open(FileKind::Zkey, reader, ZKEY_VERSION)?;
        let mut s = c.read(1, "protocol", Some(4))?;
        let protocol = s.u32()?;
        if protocol != GROTH16 {
            return Err(CircomError::NotGroth16(protocol));
        }
        let mut h = c.read(2, "Groth16 header", None)?;
        let n8q = h.u32()?;
        let q = h.take(n8q.min(1 << 10) as usize)?.to_vec();
        encoding::check_prime::<Fq>(FileKind::Zkey, "base field", n8q, &q)?;
        let n8r = h.u32()?;
        let r = h.take(n8r.min(1 << 10) as usize)?.to_vec();
        encoding::check_prime::<Fr>(FileKind::Zkey, "scalar field", n8r, &r)?;
        if c.size(2, "Groth16 header")? != GROTH16_HEADER_BYTES {
            return Err(CircomError::SectionSize {
                file: FileKind::Zkey,
                id: 2,
                name: "Groth16 header",
                size: c.size(2, "Groth16 header")?,
                expected: GROTH16_HEADER_BYTES,
            });
        }
        let n_vars = h.u32()? as usize;
        let n_public = h.u32()? as usize;
        let domain_size = h.u32()? as usize;
        if n_vars < n_public + 1 {
            return Err(CircomError::BadKey(format!("{n_vars} signals, fewer than the {n_public} public ones and the one")));
        }
        if !domain_size.is_power_of_two() || domain_size < 2 || domain_size.trailing_zeros() > ZKEY_LOG_DOMAIN_MAX {
            return Err(CircomError::BadKey(format!(
                "domain size {domain_size} is not a power of two from 2 to 2^{ZKEY_LOG_DOMAIN_MAX}"
            )));
        }
        let mut g1 = |what| -> Result<_, CircomError> { encoding::g1(h.take(G1_BYTES)?, what, 0) };
        let alpha_g1 = g1("alpha1")?;
        let beta_g1 = g1("beta1")?;
        let g2 = |h: &mut super::container::SectionBytes, what| -> Result<_, CircomError> {
            encoding::g2(h.take(G2_BYTES)?, what, 0)
        };
        let beta_g2 = g2(&mut h, "beta2")?;
        let gamma_g2 = g2(&mut h, "gamma2")?;
        let delta_g1 = encoding::g1(h.take(G1_BYTES)?, "delta1", 0)?;
        let delta_g2 = g2(&mut h, "delta2")?;
        h.finish()?;

        let g1_section = |c: &mut Container<R>, id, name, count: usize| -> Result<_, CircomError> {
            let s = c.read(id, name, Some((count * G1_BYTES) as u64))?;
            encoding::g1_points(&s.bytes, name)
        };
        let ic = g1_section(&mut c, 3, "IC", n_public + 1)?;
        let (coefficients, num_constraints) = read_coefficients(&mut c, n_vars, n_public, domain_size)?;
        let a_query = g1_section(&mut c, 5, "A", n_vars)?;
        let b_g1_query = g1_section(&mut c, 6, "B1", n_vars)?;
        let b_g2_query = {
            let s = c.read(7, "B2", Some((n_vars * G2_BYTES) as u64))?;
            encoding::g2_points(&s.bytes, "B2")?
        };
        let l_query = g1_section(&mut c, 8, "C", n_vars - n_public - 1)?;
        let h_query = g1_section(&mut c, 9, "H", domain_size)?;
        let vk = VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1: ic };
        Ok(Zkey {
            pk: ProvingKey { vk, beta_g1, delta_g1, a_query, b_g1_query, b_g2_query, h_query, l_query },
            n_vars,
            n_public,
            num_constraints,
            domain_size,
            coefficients,
        })
    }

    /// Public inputs in arkworks' count: the public signals and the one.
    pub fn num_instance(&self) -> usize {
        self.n_public + 1
    }

    /// A and B as sparse rows for this prover (rows 0..num_constraints +
    /// n_public + 1, C implied as A B row by row, as snarkjs proves).
    pub fn matrices(&self) -> Result<R1csMatrices, crate::R1csError> {
        let rows = self.num_constraints + self.n_public + 1;
        let terms = |m: u8| {
            self.coefficients
                .iter()
                .filter(|c| c.matrix == m)
                .map(|c| (c.row as usize, c.signal as usize, c.value))
                .collect::<Vec<_>>()
        };
        R1csMatrices::from_ab_terms(self.num_instance(), self.n_vars - self.num_instance(), rows, [&terms(0), &terms(1)])
    }

    /// A and B as arkworks' `ConstraintMatrices` rows hold them, over the
    /// circuit's own constraints only (ark-circom's layout, for
    /// `create_proof_with_reduction_and_matrices` with [`super::CircomReduction`],
    /// which adds the public inputs' rows itself); C is empty.
    pub fn ark_matrices(&self) -> Vec<Vec<Vec<(Fr, usize)>>> {
        let mut m = vec![vec![Vec::new(); self.num_constraints]; 2];
        for c in &self.coefficients {
            if (c.row as usize) < self.num_constraints {
                m[c.matrix as usize][c.row as usize].push((c.value, c.signal as usize));
            }
        }
        m.push(Vec::new());
        m
    }
}

/// Section 4: A and B's entries, checked, sorted by row (stable), and the
/// circuit's constraint count. snarkjs appends one row per public signal
/// and the one (row num_constraints + s has A = signal s), so the last row
/// is num_constraints + n_public; those rows are checked to be exactly that.
fn read_coefficients<R: Read + Seek>(
    c: &mut Container<R>,
    n_vars: usize,
    n_public: usize,
    domain_size: usize,
) -> Result<(Vec<Coefficient>, usize), CircomError> {
    let size = c.size(4, "coefficients")?;
    if size < 4 || (size - 4) % COEF_BYTES as u64 != 0 {
        return Err(CircomError::corrupted(FileKind::Zkey, format!("coefficient section of {size} bytes")));
    }
    let mut s = c.read(4, "coefficients", Some(size))?;
    let count = s.u32()? as usize;
    if count as u64 * COEF_BYTES as u64 != size - 4 {
        return Err(CircomError::SectionSize {
            file: FileKind::Zkey,
            id: 4,
            name: "coefficients",
            size,
            expected: 4 + count as u64 * COEF_BYTES as u64,
        });
    }
    let r2_inv = encoding::r2_inverse();
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes(b[4 * i..4 * i + 4].try_into().expect("4 bytes"));
    let mut coefficients: Vec<Coefficient> = s
        .rest()
        .par_chunks_exact(COEF_BYTES)
        .enumerate()
        .map(|(index, b)| {
            let (matrix, row, signal) = (u32_at(b, 0), u32_at(b, 1), u32_at(b, 2));
            if matrix > 1 || row as usize >= domain_size || signal as usize >= n_vars {
                return Err(CircomError::BadKey(format!(
                    "coefficient {index}: matrix {matrix}, constraint {row}, signal {signal} (matrices 0-1, \
                     constraints below the domain's {domain_size}, signals below {n_vars})"
                )));
            }
            let value = encoding::fr_times_r2(&b[12..], r2_inv).ok_or(CircomError::FieldElementOutOfRange {
                file: FileKind::Zkey,
                what: "coefficient",
                index,
            })?;
            Ok(Coefficient { matrix: matrix as u8, row, signal, value })
        })
        .collect::<Result<_, _>>()?;
    coefficients.par_sort_by_key(|c| c.row);
    let last = coefficients.last().map(|c| c.row as usize).unwrap_or(0);
    let Some(num_constraints) = last.checked_sub(n_public) else {
        return Err(CircomError::BadKey(format!(
            "the last coefficient row is {last}, below the {} public-input rows snarkjs adds",
            n_public + 1
        )));
    };
    let public_rows: Vec<_> = coefficients.iter().filter(|c| c.row as usize >= num_constraints).collect();
    let expected = (0..=n_public).map(|s| (0u8, (num_constraints + s) as u32, s as u32));
    if public_rows.len() != n_public + 1
        || !public_rows.iter().zip(expected).all(|(c, e)| (c.matrix, c.row, c.signal) == e && c.value.is_one())
    {
        return Err(CircomError::BadKey(
            "the public-input rows after the constraints are not one A entry of 1 per public signal".into(),
        ));
    }
    Ok((coefficients, num_constraints))
}
