//! circom's `.r1cs`: section 1 header (n8, prime, wires, public outputs,
//! public inputs, private inputs, labels, constraints), section 2 the
//! constraints (A, B, C linear combinations, each a u32 term count and
//! (u32 wire, standard-form value) terms), section 3 the wire-to-label map
//! (not needed here). With a zkey it checks a witness before proving (the
//! zkey has no C) and that the key was made from this circuit.

use super::container::{Container, FileKind};
use super::encoding::{self, N8};
use super::{CircomError, Witness, Zkey};
use crate::prover::r1cs::R1csMatrices;
use ark_bn254::Fr;
use std::io::{Read, Seek};
use std::path::Path;

const R1CS_VERSION: u32 = 1;
const HEADER_BYTES: u64 = (4 + N8 + 4 * 4 + 8 + 4) as u64;
const TERM_BYTES: usize = 4 + N8;

/// One linear combination's terms: (wire, coefficient).
pub type Terms = Vec<(u32, Fr)>;

/// A circom constraint system.
#[derive(Clone, Debug)]
pub struct R1csFile {
    /// Wires, the constant one included.
    pub n_wires: usize,
    pub n_pub_out: usize,
    pub n_pub_in: usize,
    pub n_prv_in: usize,
    /// Per constraint: A, B and C.
    pub constraints: Vec<[Terms; 3]>,
}

impl R1csFile {
    pub fn read_file(path: impl AsRef<Path>) -> Result<Self, CircomError> {
        let file = std::fs::File::open(path.as_ref()).map_err(|source| CircomError::Io { file: FileKind::R1cs, source })?;
        Self::read(std::io::BufReader::new(file))
    }

    pub fn read<R: Read + Seek>(reader: R) -> Result<Self, CircomError> {
        let mut c = Container::open(FileKind::R1cs, reader, R1CS_VERSION)?;
        let mut h = c.read(1, "header", None)?;
        let n8 = h.u32()?;
        let prime = h.take((n8 as usize).min(1 << 10))?.to_vec();
        encoding::check_prime::<Fr>(FileKind::R1cs, "scalar field", n8, &prime)?;
        if c.size(1, "header")? != HEADER_BYTES {
            return Err(CircomError::SectionSize {
                file: FileKind::R1cs,
                id: 1,
                name: "header",
                size: c.size(1, "header")?,
                expected: HEADER_BYTES,
            });
        }
        let n_wires = h.u32()? as usize;
        let n_pub_out = h.u32()? as usize;
        let n_pub_in = h.u32()? as usize;
        let n_prv_in = h.u32()? as usize;
        let _labels = h.u64()?;
        let n_constraints = h.u32()? as usize;
        h.finish()?;
        if n_wires < 1 + n_pub_out + n_pub_in + n_prv_in {
            return Err(CircomError::BadR1cs(format!(
                "{n_wires} wires, fewer than the one and its {} inputs and outputs",
                n_pub_out + n_pub_in + n_prv_in
            )));
        }
        let mut s = c.read(2, "constraints", None)?;
        // Every constraint is at least three term counts: bounds the
        // allocation by the section's size, whatever the header says.
        if n_constraints as u64 * 12 > s.remaining() as u64 {
            return Err(CircomError::BadR1cs(format!(
                "{n_constraints} constraints cannot fit in a {}-byte constraint section",
                s.remaining()
            )));
        }
        let mut constraints = Vec::with_capacity(n_constraints);
        for row in 0..n_constraints {
            let mut lcs: [Terms; 3] = Default::default();
            for lc in &mut lcs {
                let count = s.u32()? as usize;
                if count as u64 * TERM_BYTES as u64 > s.remaining() as u64 {
                    return Err(CircomError::corrupted(FileKind::R1cs, format!("constraint {row} runs past its section")));
                }
                lc.reserve_exact(count);
                for _ in 0..count {
                    let t = s.take(TERM_BYTES)?;
                    let wire = u32::from_le_bytes(t[..4].try_into().expect("4 bytes"));
                    if wire as usize >= n_wires {
                        return Err(CircomError::BadR1cs(format!("constraint {row} names wire {wire} of {n_wires}")));
                    }
                    let value = encoding::fr_standard(&t[4..]).ok_or(CircomError::FieldElementOutOfRange {
                        file: FileKind::R1cs,
                        what: "coefficient",
                        index: row,
                    })?;
                    lc.push((wire, value));
                }
            }
            constraints.push(lcs);
        }
        s.finish()?;
        Ok(R1csFile { n_wires, n_pub_out, n_pub_in, n_prv_in, constraints })
    }

    /// Public signals (outputs and public inputs), the one excluded.
    pub fn n_public(&self) -> usize {
        self.n_pub_out + self.n_pub_in
    }

    /// A, B and C as this prover's sparse rows.
    pub fn matrices(&self) -> Result<R1csMatrices, crate::R1csError> {
        let rows = |k: usize| {
            self.constraints
                .iter()
                .map(|c| c[k].iter().map(|&(w, v)| (v, w as usize)).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        let num_instance = self.n_public() + 1;
        R1csMatrices::from_rows(num_instance, self.n_wires - num_instance, [&rows(0), &rows(1), &rows(2)])
    }

    /// Whether `witness` satisfies every constraint (the first that fails
    /// is reported).
    pub fn check_witness(&self, witness: &Witness) -> Result<(), CircomError> {
        if witness.values.len() != self.n_wires {
            return Err(CircomError::WitnessLength { got: witness.values.len(), want: self.n_wires });
        }
        let m = self.matrices().map_err(|e| CircomError::BadR1cs(e.to_string()))?;
        match m.evaluate_packed(&witness.values, self.constraints.len()) {
            Ok(_) => Ok(()),
            Err(crate::R1csError::Unsatisfied { row, rows }) => Err(CircomError::Unsatisfied { row, rows }),
            Err(e) => Err(CircomError::BadR1cs(e.to_string())),
        }
    }

    /// Whether `zkey` was made from this circuit: the same sizes, and the
    /// same A and B entries in every constraint.
    pub fn check_zkey(&self, zkey: &Zkey) -> Result<(), CircomError> {
        let mismatch = |what, r1cs: usize, zkey: usize| CircomError::R1csMismatch {
            what,
            r1cs: r1cs.to_string(),
            zkey: zkey.to_string(),
        };
        if self.n_wires != zkey.n_vars {
            return Err(mismatch("signals", self.n_wires, zkey.n_vars));
        }
        if self.n_public() != zkey.n_public {
            return Err(mismatch("public signals", self.n_public(), zkey.n_public));
        }
        if self.constraints.len() != zkey.num_constraints {
            return Err(mismatch("constraints", self.constraints.len(), zkey.num_constraints));
        }
        let mut from_zkey: Vec<[Terms; 2]> = vec![Default::default(); zkey.num_constraints];
        for c in zkey.coefficients.iter().filter(|c| (c.row as usize) < zkey.num_constraints) {
            from_zkey[c.row as usize][c.matrix as usize].push((c.signal, c.value));
        }
        let key = |t: &(u32, Fr)| (t.0, t.1);
        for (row, (ours, theirs)) in self.constraints.iter().zip(&mut from_zkey).enumerate() {
            for k in 0..2 {
                let mut ours = ours[k].clone();
                ours.sort_by_key(key);
                theirs[k].sort_by_key(key);
                if ours != theirs[k] {
                    return Err(CircomError::R1csMismatch {
                        what: if k == 0 { "A entries" } else { "B entries" },
                        r1cs: format!("constraint {row}: {} terms", ours.len()),
                        zkey: format!("{} terms", theirs[k].len()),
                    });
                }
            }
        }
        Ok(())
    }
}
