//! The `.wtns` witness: section 1 (n8, the prime r, the number of values),
//! section 2 (the values, standard form). Value 0 is the constant one, then
//! the public outputs and inputs, then the private signals.

use super::container::{Container, FileKind};
use super::encoding::{self, N8};
use super::CircomError;
use ark_bn254::Fr;
use ark_ff::One;
use std::io::{Read, Seek};
use std::path::Path;

/// Versions of the wtns format this reader knows (snarkjs writes 2).
const WTNS_VERSION: u32 = 2;

/// A circom witness: every wire's value, the constant one first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    pub values: Vec<Fr>,
}

impl Witness {
    /// Reads a `.wtns` file.
    pub fn read_file(path: impl AsRef<Path>) -> Result<Self, CircomError> {
        let file = std::fs::File::open(path.as_ref()).map_err(|source| CircomError::Io { file: FileKind::Wtns, source })?;
        Self::read(std::io::BufReader::new(file))
    }

    /// Reads a `.wtns` container: its prime must be BN254's r, its values
    /// below r, its first value one.
    pub fn read<R: Read + Seek>(reader: R) -> Result<Self, CircomError> {
        let mut c = Container::open(FileKind::Wtns, reader, WTNS_VERSION)?;
        let mut h = c.read(1, "header", None)?;
        let n8 = h.u32()?;
        if n8 as usize != N8 {
            return Err(CircomError::NotBn254 { file: FileKind::Wtns, what: "scalar field" });
        }
        let prime = h.take(N8)?.to_vec();
        encoding::check_prime::<Fr>(FileKind::Wtns, "scalar field", n8, &prime)?;
        let count = h.u32()? as u64;
        h.finish()?;
        let body = c.read(2, "values", Some(count * N8 as u64))?;
        let values = encoding::fr_values(FileKind::Wtns, &body.bytes, "witness value")?;
        match values.first() {
            None => return Err(CircomError::corrupted(FileKind::Wtns, "no values (not even the constant one)")),
            Some(one) if !one.is_one() => return Err(CircomError::WitnessOne(one.to_string())),
            Some(_) => {}
        }
        Ok(Witness { values })
    }

    /// The `.wtns` bytes snarkjs writes for these values (tests make bad
    /// files from them).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + 2 * 12 + 4 + N8 + 4 + N8 * self.values.len());
        out.extend_from_slice(b"wtns");
        out.extend_from_slice(&WTNS_VERSION.to_le_bytes());
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
        out.extend_from_slice(&((4 + N8 + 4) as u64).to_le_bytes());
        out.extend_from_slice(&(N8 as u32).to_le_bytes());
        out.extend_from_slice(&encoding::modulus_bytes::<Fr>());
        out.extend_from_slice(&(self.values.len() as u32).to_le_bytes());
        out.extend_from_slice(&2u32.to_le_bytes());
        out.extend_from_slice(&((N8 * self.values.len()) as u64).to_le_bytes());
        for v in &self.values {
            out.extend_from_slice(&encoding::fr_to_standard_bytes(v));
        }
        out
    }
}
