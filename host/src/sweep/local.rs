//! The local engine: the plan's builds one after another, then its runs in a
//! pool of at most `jobs` processes on this machine.

use super::store::{Failure, RunState};
use super::{EngineReport, Plan, PlannedRun, SweepError};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Makes the builds `pending` runs need; runs whose build fails are
/// recorded as failed with the build's log. Returns the runs left to do.
fn make_builds<'a>(plan: &Plan, pending: Vec<&'a PlannedRun>, report: &mut EngineReport, quiet: bool) -> Result<Vec<&'a PlannedRun>, SweepError> {
    let mut failed_builds = Vec::new();
    for (i, build) in plan.builds.iter().enumerate() {
        if build.is_built() || !pending.iter().any(|r| r.build == i) {
            continue;
        }
        build.write_script(&plan.repo, &plan.target_dir)?;
        if !quiet {
            eprintln!("sweep: building {} ({}); log {}", build.hash, build.params.label(), build.log().display());
        }
        report.builds_started.push(build.hash.clone());
        let log = std::fs::File::create(build.log()).map_err(|e| SweepError::Io(format!("{}: {e}", build.log().display())))?;
        let log_err = log.try_clone().map_err(|e| SweepError::Io(e.to_string()))?;
        let status = Command::new("bash")
            .arg(build.script())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .status()
            .map_err(|e| SweepError::Io(format!("bash {}: {e}", build.script().display())))?;
        if !status.success() || !build.is_built() {
            failed_builds.push(i);
        }
    }
    let mut left = Vec::new();
    for r in pending {
        if failed_builds.contains(&r.build) {
            let build = &plan.builds[r.build];
            plan.store.record_failure(
                &r.key,
                &Failure { exit_code: None, reason: format!("build {} failed", build.hash), log: build.log().display().to_string() },
            )?;
        } else {
            left.push(r);
        }
    }
    Ok(left)
}

/// Runs every pending run of the plan, `jobs` at a time.
pub fn run(plan: &Plan, jobs: usize, quiet: bool) -> Result<EngineReport, SweepError> {
    let (pending, mut report) = plan.pending();
    let pending = make_builds(plan, pending, &mut report, quiet)?;
    report.submitted = pending.len();
    let bar = if quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new(pending.len() as u64) };
    bar.set_style(
        indicatif::ProgressStyle::with_template("sweep: {pos}/{len} runs [{elapsed_precise}] {msg}").expect("template"),
    );
    let next = AtomicUsize::new(0);
    let first_error: Mutex<Option<SweepError>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1).min(pending.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(r) = pending.get(i) else { break };
                    if let Err(e) = run_one(plan, r) {
                        first_error.lock().expect("lock").get_or_insert(e);
                    }
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    if let Some(e) = first_error.into_inner().expect("lock") {
        return Err(e);
    }
    report.finished = true;
    Ok(report)
}

fn run_one(plan: &Plan, r: &PlannedRun) -> Result<(), SweepError> {
    let build = &plan.builds[r.build];
    let cmd = plan.store.task_command(&build.binary(), &r.key, &r.run.cli_args());
    let status = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| SweepError::Io(format!("{}: {e}", cmd[0])))?;
    // run_task.sh records the outcome; if it could not, say so here.
    if let RunState::Missing = plan.store.state(&r.key) {
        plan.store.record_failure(
            &r.key,
            &Failure {
                exit_code: status.code(),
                reason: "the task left no result (killed?)".into(),
                log: plan.store.log_path(&r.key).display().to_string(),
            },
        )?;
    }
    Ok(())
}
