//! circom circuits proved with snarkjs's artifacts: the Groth16 `.zkey`
//! (proving and verifying key, and the A and B matrices), the `.wtns`
//! witness and the `.r1cs` constraint system, read by focused readers
//! of iden3's binary container; snarkjs's QAP (h(X) on the odd 2n-th roots
//! of unity) on the card; and proofs written as snarkjs's `proof.json` and
//! `public.json`.
//!
//! Every size field is checked against the file's length and the others
//! before anything is allocated, every field element against its modulus
//! and every point against the curve (and G2's subgroup): a bad file is a
//! typed [`CircomError`], never a panic or a huge allocation.

mod container;
mod encoding;
pub mod prove;
pub mod qap_card;
pub mod reduction;
pub mod r1cs_file;
pub mod setup;
pub mod snarkjs_json;
pub mod wtns;
pub mod zkey;

pub use container::FileKind;
pub use r1cs_file::R1csFile;
pub use reduction::CircomReduction;
pub use wtns::Witness;
pub use zkey::Zkey;

/// Why a snarkjs artifact was refused.
#[derive(Debug, thiserror::Error)]
pub enum CircomError {
    #[error("{file}: {source}")]
    Io { file: FileKind, source: std::io::Error },
    #[error("{file}: not a {file} file (magic {found:?}, expected {expected:?})")]
    WrongMagic { file: FileKind, found: String, expected: &'static str },
    #[error("{file}: format version {found} is not supported (this reader knows version {supported})")]
    UnsupportedVersion { file: FileKind, found: u32, supported: u32 },
    #[error("{file}: truncated or corrupted: {what}")]
    Corrupted { file: FileKind, what: String },
    #[error("{file}: section {id} ({name}) is missing")]
    MissingSection { file: FileKind, id: u32, name: &'static str },
    #[error("{file}: section {id} appears {count} times, once expected")]
    DuplicateSection { file: FileKind, id: u32, count: usize },
    #[error("{file}: section {id} ({name}) is {size} bytes, its header implies {expected}")]
    SectionSize { file: FileKind, id: u32, name: &'static str, size: u64, expected: u64 },
    #[error("{file}: the {what} is not BN254's (this coprocessor is for BN254 / snarkjs's bn128 only)")]
    NotBn254 { file: FileKind, what: &'static str },
    #[error("zkey: protocol {0} is not Groth16 (1); PLONK and FFLONK keys are not supported")]
    NotGroth16(u32),
    #[error("{file}: {what} {index} is not below the field's modulus")]
    FieldElementOutOfRange { file: FileKind, what: &'static str, index: usize },
    #[error("zkey: {what} point {index} is not on the curve")]
    PointNotOnCurve { what: &'static str, index: usize },
    #[error("zkey: {what} point {index} is not in the prime-order subgroup")]
    PointNotInSubgroup { what: &'static str, index: usize },
    #[error("zkey: {0}")]
    BadKey(String),
    #[error("r1cs: {0}")]
    BadR1cs(String),
    #[error("the witness has {got} values, the key {want} (a witness of another circuit?)")]
    WitnessLength { got: usize, want: usize },
    #[error("the witness's first value is {0}, not 1 (every circom witness starts with the constant one)")]
    WitnessOne(String),
    #[error("the r1cs ({r1cs}) and the zkey ({zkey}) disagree: {what}")]
    R1csMismatch { what: &'static str, r1cs: String, zkey: String },
    #[error("the witness does not satisfy constraint {row} of {rows} (A w * B w != C w)")]
    Unsatisfied { row: usize, rows: usize },
}

impl CircomError {
    pub(crate) fn corrupted(file: FileKind, what: impl Into<String>) -> Self {
        CircomError::Corrupted { file, what: what.into() }
    }
}
