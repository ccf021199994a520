//! Build variants: the parameters that need another Verilog export and
//! Verilator build, and how one is made. A build is keyed by its parameters
//! and the hash of the sources that go into it, made once and shared by
//! every run on it (under OUT/builds/HASH/).

use super::SweepError;
use super::spec::ParamValue;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The build parameters a sweep can vary, with their values.
pub const BUILD_PARAMS: [(&str, &[&str]); 2] = [("mul", &["fast", "tiled"]), ("sim_opt", &["full", "quick"])];

/// One build variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct BuildParams {
    /// Montgomery multiplier in the Verilog: `fast` (the simulation one)
    /// or `tiled` (the 198-DSP48E2 synthesizable one; same cycles, much
    /// slower to build and simulate).
    pub mul: String,
    /// The verilated model's C++ optimisation: `full` (-O2, the default
    /// build) or `quick` (-O0: builds in a fraction of the time, simulates
    /// several times slower; for sweeps of many short runs).
    pub sim_opt: String,
}

impl Default for BuildParams {
    fn default() -> Self {
        BuildParams { mul: "fast".into(), sim_opt: "full".into() }
    }
}

impl BuildParams {
    /// From a job's build values; unnamed parameters keep their defaults.
    pub fn from_values(values: &BTreeMap<String, ParamValue>) -> Result<BuildParams, String> {
        let mut b = BuildParams::default();
        for (key, value) in values {
            let Some((_, allowed)) = BUILD_PARAMS.iter().find(|(k, _)| k == key) else {
                let names: Vec<&str> = BUILD_PARAMS.iter().map(|(k, _)| *k).collect();
                return Err(format!("'{key}' is not a build parameter ({})", names.join(", ")));
            };
            let text = value.to_string();
            if !allowed.contains(&text.as_str()) {
                return Err(format!("build {key} = {text} is not one of {}", allowed.join(", ")));
            }
            match key.as_str() {
                "mul" => b.mul = text,
                _ => b.sim_opt = text,
            }
        }
        Ok(b)
    }

    /// The cargo features that make this variant.
    pub fn features(&self) -> Vec<&'static str> {
        let mut f = Vec::new();
        if self.mul == "tiled" {
            f.push("zkcopro-sim/tiled-mul");
        }
        if self.sim_opt == "quick" {
            f.push("zkcopro-sim/quick-build");
        }
        f
    }

    /// `mul=fast sim_opt=full`, for tables and plots.
    pub fn label(&self) -> String {
        format!("mul={} sim_opt={}", self.mul, self.sim_opt)
    }

    /// A parameter's value by name.
    pub fn get(&self, key: &str) -> Option<&str> {
        match key {
            "mul" => Some(&self.mul),
            "sim_opt" => Some(&self.sim_opt),
            _ => None,
        }
    }
}

/// What goes into the zkcopro binary, relative to the repository.
const SOURCES: [&str; 9] =
    ["Cargo.toml", "Cargo.lock", "hdl/Cargo.toml", "hdl/src", "hdl/lint", "sim/Cargo.toml", "sim/build.rs", "sim/csrc", "sim/src"];
const HOST_SOURCES: [&str; 2] = ["host/Cargo.toml", "host/src"];

/// Hash of the sources a build is made from (every file's path and bytes).
pub fn source_hash(repo: &Path) -> Result<String, SweepError> {
    use sha2::Digest;
    let mut files = Vec::new();
    for rel in SOURCES.iter().chain(&HOST_SOURCES) {
        collect(&repo.join(rel), &mut files)?;
    }
    files.sort();
    let mut h = sha2::Sha256::new();
    for f in &files {
        let bytes = std::fs::read(f).map_err(|e| SweepError::Io(format!("{}: {e}", f.display())))?;
        h.update(f.strip_prefix(repo).unwrap_or(f).to_string_lossy().as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect())
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), SweepError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| SweepError::Repo(format!("{}: {e} (is --repo a zkcopro checkout?)", path.display())))?;
    if meta.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| SweepError::Io(format!("{}: {e}", path.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| SweepError::Io(e.to_string()))?;
            collect(&entry.path(), out)?;
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// A build to make or reuse.
#[derive(Clone, Debug, Serialize)]
pub struct Build {
    pub params: BuildParams,
    /// Sources and features, hashed.
    pub hash: String,
    pub features: Vec<&'static str>,
    /// Its directory: the binary, build.sh and build.log.
    pub dir: PathBuf,
}

impl Build {
    pub fn new(params: &BuildParams, source_hash: &str, builds_dir: &Path) -> Build {
        use sha2::Digest;
        let features = params.features();
        let text = format!("sources={source_hash}\nfeatures={}\n", features.join(","));
        let digest = sha2::Sha256::digest(text.as_bytes());
        let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Build { params: params.clone(), dir: builds_dir.join(&hash), hash, features }
    }

    /// The build's zkcopro binary (present once it is built).
    pub fn binary(&self) -> PathBuf {
        self.dir.join("zkcopro")
    }

    pub fn log(&self) -> PathBuf {
        self.dir.join("build.log")
    }

    pub fn script(&self) -> PathBuf {
        self.dir.join("build.sh")
    }

    pub fn is_built(&self) -> bool {
        self.binary().is_file()
    }

    /// Writes build.sh: cargo builds the variant in the repository's target
    /// directory (features keep each variant's artifacts apart, so the
    /// dependencies are built once), under a lock, because the binary's
    /// path there is shared; the binary is copied out atomically.
    pub fn write_script(&self, repo: &Path, target_dir: &Path) -> Result<(), SweepError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| SweepError::Io(format!("{}: {e}", self.dir.display())))?;
        let features = if self.features.is_empty() { String::new() } else { format!(" --features {}", self.features.join(",")) };
        let script = format!(
            "#!/usr/bin/env bash\n\
             # zkcopro sweep: build {label} (hash {hash}).\n\
             set -euo pipefail\n\
             cd {repo}\n\
             exec 9>>{lock}\n\
             flock 9\n\
             cargo build --release -p zkcopro-host --bin zkcopro{features}\n\
             cp {built} {part}\n\
             mv {part} {binary}\n\
             echo \"build {hash}: done\"\n",
            label = self.params.label(),
            hash = self.hash,
            repo = shell_quote(&repo.to_string_lossy()),
            lock = shell_quote(&target_dir.join(".zkcopro-sweep-build.lock").to_string_lossy()),
            built = shell_quote(&target_dir.join("release").join("zkcopro").to_string_lossy()),
            part = shell_quote(&self.dir.join("zkcopro.part").to_string_lossy()),
            binary = shell_quote(&self.binary().to_string_lossy()),
        );
        std::fs::create_dir_all(target_dir).map_err(|e| SweepError::Io(format!("{}: {e}", target_dir.display())))?;
        write_file(&self.script(), &script)
    }
}

/// The workspace's target directory: CARGO_TARGET_DIR, else REPO/target.
pub fn target_dir(repo: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_absolute() { d } else { repo.join(d) }
        }
        _ => repo.join("target"),
    }
}

/// `s` in single quotes for bash.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), SweepError> {
    std::fs::write(path, text).map_err(|e| SweepError::Io(format!("{}: {e}", path.display())))
}
