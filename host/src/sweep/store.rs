//! A sweep's output directory, shared by every task (on a cluster, on a
//! shared filesystem):
//!
//! ```text
//! OUT/sweep.json          the merged results
//! OUT/plots/*.svg         the spec's plots
//! OUT/builds/HASH/        one build: zkcopro, build.sh, build.log
//! OUT/results/KEY.json    a run's --json report (written when it succeeds)
//! OUT/results/KEY.failed  a failed run: exit code and log (kept; --resubmit-failed retries it)
//! OUT/logs/KEY.log        a run's stderr
//! OUT/run_task.sh         runs one task; both engines use it
//! OUT/slurm/              batch scripts, task lists, submitted jobs
//! ```

use super::SweepError;
use super::variant::write_file;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why a run has no result.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Failure {
    /// The command's exit status (None: it never finished, e.g. killed).
    pub exit_code: Option<i32>,
    pub reason: String,
    /// Where its output went.
    pub log: String,
}

/// Where a run stands.
#[derive(Clone, Debug)]
pub enum RunState {
    Done(serde_json::Value),
    Failed(Failure),
    Missing,
}

pub struct Store {
    pub root: PathBuf,
}

/// Runs one task: the build's zkcopro with the run's options and --json;
/// the report becomes results/KEY.json (atomically), a nonzero exit
/// results/KEY.failed.
const RUN_TASK: &str = r#"#!/usr/bin/env bash
# zkcopro sweep: one run. Usage: run_task.sh BIN OUT KEY ARGS...
set -u
bin=$1 out=$2 key=$3
shift 3
log="$out/logs/$key.log"
part="$out/results/$key.part.$$"
echo "zkcopro sweep task $key on $(hostname): $bin $* --json" >"$log"
"$bin" "$@" --json >"$part" 2>>"$log"
rc=$?
if [ $rc -eq 0 ]; then
    mv "$part" "$out/results/$key.json"
else
    rm -f "$part"
    # The log's last line, made safe for a JSON string.
    reason=$(tail -n 1 "$log" | tr -d '\000-\037"\\' | cut -c1-300)
    printf '{"exit_code": %d, "reason": "%s", "log": "%s"}\n' "$rc" "$reason" "$log" >"$out/results/$key.failed"
fi
exit $rc
"#;

impl Store {
    /// Makes (or reopens) the directory.
    pub fn open(root: &Path) -> Result<Store, SweepError> {
        for sub in ["builds", "results", "logs", "plots", "slurm"] {
            let d = root.join(sub);
            std::fs::create_dir_all(&d).map_err(|e| SweepError::Io(format!("{}: {e}", d.display())))?;
        }
        let root = root.canonicalize().map_err(|e| SweepError::Io(format!("{}: {e}", root.display())))?;
        let store = Store { root };
        write_file(&store.run_task_script(), RUN_TASK)?;
        Ok(store)
    }

    pub fn builds_dir(&self) -> PathBuf {
        self.root.join("builds")
    }

    pub fn slurm_dir(&self) -> PathBuf {
        self.root.join("slurm")
    }

    pub fn run_task_script(&self) -> PathBuf {
        self.root.join("run_task.sh")
    }

    pub fn result_path(&self, key: &str) -> PathBuf {
        self.root.join("results").join(format!("{key}.json"))
    }

    pub fn failed_path(&self, key: &str) -> PathBuf {
        self.root.join("results").join(format!("{key}.failed"))
    }

    pub fn log_path(&self, key: &str) -> PathBuf {
        self.root.join("logs").join(format!("{key}.log"))
    }

    /// The run's result, failure or nothing yet. A result file that does
    /// not parse counts as a failure (it is never half written: tasks
    /// rename it into place).
    pub fn state(&self, key: &str) -> RunState {
        if let Ok(text) = std::fs::read_to_string(self.result_path(key)) {
            return match serde_json::from_str(&text) {
                Ok(v) => RunState::Done(v),
                Err(e) => RunState::Failed(Failure {
                    exit_code: Some(0),
                    reason: format!("its report is not JSON: {e}"),
                    log: self.log_path(key).display().to_string(),
                }),
            };
        }
        if let Ok(text) = std::fs::read_to_string(self.failed_path(key)) {
            let failure = serde_json::from_str(&text).unwrap_or(Failure {
                exit_code: None,
                reason: "unreadable failure record".into(),
                log: self.log_path(key).display().to_string(),
            });
            return RunState::Failed(failure);
        }
        RunState::Missing
    }

    /// Records a failure found by the engine (a task killed, a build that failed).
    pub fn record_failure(&self, key: &str, failure: &Failure) -> Result<(), SweepError> {
        let text = serde_json::to_string(failure).expect("serialize");
        write_file(&self.failed_path(key), &text)
    }

    /// Forgets a failure, so the run is submitted again.
    pub fn clear_failure(&self, key: &str) {
        let _ = std::fs::remove_file(self.failed_path(key));
    }

    /// The command line of one task: run_task.sh with the build's binary,
    /// this directory, the key and the run's options.
    pub fn task_command(&self, binary: &Path, key: &str, args: &[String]) -> Vec<String> {
        let mut cmd = vec![
            "bash".to_string(),
            self.run_task_script().display().to_string(),
            binary.display().to_string(),
            self.root.display().to_string(),
            key.to_string(),
        ];
        cmd.extend(args.iter().cloned());
        cmd
    }
}
