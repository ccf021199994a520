//! Design sweeps: many runs of the CLI's jobs over grids of run and build
//! parameters, on this machine (a bounded pool) or on a Slurm cluster (builds
//! as jobs, runs as job arrays that depend on them), merged into one
//! sweep.json with plots. Results are kept by key (parameters and build
//! hash), so a sweep run again does only what is missing.

pub mod local;
pub mod merge;
pub mod slurm;
pub mod spec;
pub mod store;
pub mod variant;

use spec::{PlotSpec, Run, SweepSpec};
use std::path::{Path, PathBuf};
use store::{RunState, Store};
use variant::Build;

#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    #[error("sweep spec: {0}")]
    Spec(String),
    #[error("run {index} ({args}): {message}")]
    BadRun { index: usize, args: String, message: String },
    #[error("repository: {0}")]
    Repo(String),
    #[error("{0}")]
    Io(String),
    #[error("slurm: {0}")]
    Slurm(String),
    #[error("merge: {0}")]
    Merge(String),
}

/// One run of the plan with its key.
#[derive(Clone, Debug)]
pub struct PlannedRun {
    pub run: Run,
    /// Its result's key: parameters and build hash.
    pub key: String,
    /// The key of the whole run, for a shard.
    pub group: String,
    /// Index into [Plan::builds].
    pub build: usize,
}

/// A spec made concrete: every run keyed, every build hashed, every run's
/// options checked by the CLI before anything is built or submitted.
pub struct Plan {
    pub name: String,
    pub runs: Vec<PlannedRun>,
    pub builds: Vec<Build>,
    pub plots: Vec<PlotSpec>,
    pub store: Store,
    pub repo: PathBuf,
    pub target_dir: PathBuf,
}

/// What an engine did.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct EngineReport {
    /// Runs started (local) or submitted (slurm) by this invocation.
    pub submitted: usize,
    /// Runs with a result already.
    pub skipped_done: usize,
    /// Runs that failed before and were left alone (see --resubmit-failed).
    pub skipped_failed: usize,
    /// Runs still queued or running from an earlier invocation (slurm).
    pub in_flight: usize,
    /// Builds made (local) or submitted (slurm) by this invocation.
    pub builds_started: Vec<String>,
    /// Whether every task this invocation knows of has finished.
    pub finished: bool,
}

impl Plan {
    /// `validate` is the CLI's own check of one run's arguments (parsing
    /// and range checks), run on every run first.
    pub fn new(
        spec: &SweepSpec,
        out: &Path,
        repo: &Path,
        validate: &dyn Fn(&[String]) -> Result<(), String>,
    ) -> Result<Plan, SweepError> {
        let runs = spec::expand(spec)?;
        for (index, run) in runs.iter().enumerate() {
            let args = run.cli_args();
            validate(&args).map_err(|message| SweepError::BadRun { index, args: args.join(" "), message })?;
        }
        let repo = repo.canonicalize().map_err(|e| SweepError::Repo(format!("{}: {e}", repo.display())))?;
        let source = variant::source_hash(&repo)?;
        let store = Store::open(out)?;
        let mut builds: Vec<Build> = Vec::new();
        let mut planned = Vec::with_capacity(runs.len());
        for run in runs {
            let build = match builds.iter().position(|b| b.params == run.build) {
                Some(i) => i,
                None => {
                    builds.push(Build::new(&run.build, &source, &store.builds_dir()));
                    builds.len() - 1
                }
            };
            let hash = &builds[build].hash;
            planned.push(PlannedRun { key: run.key(hash), group: run.group_key(hash), run, build });
        }
        let mut seen = std::collections::HashSet::new();
        planned.retain(|r| seen.insert(r.key.clone()));
        let target_dir = variant::target_dir(&repo);
        Ok(Plan { name: spec.name.clone(), runs: planned, builds, plots: spec.plots.clone(), store, repo, target_dir })
    }

    /// Clears the failures of this plan's runs so they run again.
    pub fn resubmit_failed(&self) -> usize {
        let mut n = 0;
        for r in &self.runs {
            if let RunState::Failed(_) = self.store.state(&r.key) {
                self.store.clear_failure(&r.key);
                n += 1;
            }
        }
        n
    }

    /// Runs with neither a result nor a failure, and the counts of the others.
    pub fn pending(&self) -> (Vec<&PlannedRun>, EngineReport) {
        let mut report = EngineReport::default();
        let mut pending = Vec::new();
        for r in &self.runs {
            match self.store.state(&r.key) {
                RunState::Done(_) => report.skipped_done += 1,
                RunState::Failed(_) => report.skipped_failed += 1,
                RunState::Missing => pending.push(r),
            }
        }
        (pending, report)
    }
}

/// The repository this binary was built from, if it is still there.
pub fn default_repo() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?.to_path_buf();
    repo.join("hdl").is_dir().then_some(repo)
}
