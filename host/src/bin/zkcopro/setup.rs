//! `zkcopro setup --r1cs FILE --zkey-out FILE`: a Groth16 key for a circom
//! circuit made by arkworks (ark-groth16's generator with snarkjs's
//! reduction), written as a zkey snarkjs and `zkcopro prove` take. One
//! party's setup (this process saw the toxic waste): for tests and
//! benchmarks at sizes where a snarkjs ceremony takes too long, never for
//! keys that protect anything.

use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::path::PathBuf;
use std::time::Instant;
use zkcopro_host::circom::R1csFile;
use zkcopro_host::circom::setup::setup_from_r1cs;

#[derive(clap::Args, Clone)]
pub struct SetupArgs {
    /// The circom circuit's constraint system (circom --r1cs).
    #[arg(long, value_name = "FILE")]
    pub r1cs: PathBuf,
    /// Where to write the zkey.
    #[arg(long, value_name = "FILE")]
    pub zkey_out: PathBuf,
    /// Seed of the setup's randomness (random if omitted; printed). A key
    /// from a known seed is known to anyone: tests only.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl SetupArgs {
    pub fn check(&self) -> Result<(), String> {
        if !self.r1cs.is_file() {
            return Err(format!("--r1cs {}: no such file", self.r1cs.display()));
        }
        match self.zkey_out.parent() {
            Some(d) if !d.as_os_str().is_empty() && !d.is_dir() => {
                Err(format!("--zkey-out {}: directory {} does not exist", self.zkey_out.display(), d.display()))
            }
            _ => Ok(()),
        }
    }
}

/// Reads the r1cs (exit 2 on a bad file), then makes and writes the key.
pub fn load(a: &SetupArgs) -> Result<R1csFile, String> {
    R1csFile::read_file(&a.r1cs).map_err(|e| format!("{}: {e}", a.r1cs.display()))
}

pub fn run(a: &SetupArgs, r1cs: R1csFile) -> Result<bool, String> {
    let seed = a.seed.unwrap_or_else(rand::random);
    println!(
        "zkcopro setup: {} constraints, {} public signals, {} wires; arkworks' Groth16 setup with snarkjs's reduction, seed {seed} (one party's setup: tests only)",
        r1cs.constraints.len(),
        r1cs.n_public(),
        r1cs.n_wires
    );
    let t = Instant::now();
    let zkey = setup_from_r1cs(&r1cs, &mut ChaCha20Rng::seed_from_u64(seed)).map_err(|e| e.to_string())?;
    let setup_s = t.elapsed().as_secs_f64();
    zkey.write_file(&a.zkey_out).map_err(|e| e.to_string())?;
    println!(
        "Wrote {} (domain {}, setup {:.1} s); `snarkjs zkey export verificationkey` gives its verifying key",
        a.zkey_out.display(),
        zkey.domain_size,
        setup_s
    );
    Ok(true)
}
