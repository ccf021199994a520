//! circom fixtures for the tests: circuits compiled and keyed by the real
//! tools (`scripts/circom_fixtures.sh`, which reuses what it made before).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("testbenches/ is in the repository").to_path_buf()
}

/// A made circuit's files.
#[derive(Clone, Debug)]
pub struct Fixture {
    pub name: String,
    pub dir: PathBuf,
}

impl Fixture {
    pub fn zkey(&self) -> PathBuf {
        self.dir.join(format!("{}.zkey", self.name))
    }
    pub fn r1cs(&self) -> PathBuf {
        self.dir.join(format!("{}.r1cs", self.name))
    }
    pub fn wtns(&self) -> PathBuf {
        self.dir.join("witness.wtns")
    }
    pub fn vkey(&self) -> PathBuf {
        self.dir.join("verification_key.json")
    }
}

/// Makes (or reuses) circuit `name`'s artifacts. Panics with the script's
/// output if the tools are missing or fail: the circom tests need them
/// (`bash scripts/setup.sh` installs them).
pub fn fixture(name: &str) -> Fixture {
    let root = repo_root();
    let out = Command::new("bash")
        .arg(root.join("scripts/circom_fixtures.sh"))
        .arg(name)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "scripts/circom_fixtures.sh {name} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = std::env::var_os("ZKCOPRO_CIRCOM_DIR").map(PathBuf::from).unwrap_or(root.join("target/circom")).join(name);
    Fixture { name: name.to_string(), dir }
}

/// The snarkjs command installed for the tests.
pub fn snarkjs() -> PathBuf {
    repo_root().join("testbenches/circom/node_modules/.bin/snarkjs")
}

/// `snarkjs groth16 verify VKEY PUBLIC PROOF`: whether snarkjs accepts.
pub fn snarkjs_verifies(vkey: &Path, public: &Path, proof: &Path) -> bool {
    let out = Command::new(snarkjs()).args(["groth16", "verify"]).arg(vkey).arg(public).arg(proof).output().expect("snarkjs runs");
    let text = String::from_utf8_lossy(&out.stdout);
    // snarkjs prints "OK!" and exits 0 on success, "Invalid proof" otherwise.
    out.status.success() && text.contains("OK")
}
