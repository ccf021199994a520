//! The Slurm engine: each build is a batch job, each build's runs a job
//! array that starts after it (`--dependency=afterok`), every task writing
//! its result into the shared output directory. It uses Slurm's own tools:
//! sbatch to submit, squeue to follow, scancel to clean up after a failed
//! build. The jobs it submitted are kept in slurm/submitted.json, so a
//! sweep run again while they are queued submits nothing twice.

use super::store::{Failure, RunState};
use super::variant::shell_quote;
use super::{EngineReport, Plan, PlannedRun, SweepError};
use std::collections::{BTreeMap, HashSet};
use std::process::Command;
use std::time::{Duration, Instant};

/// Most tasks in one array (Slurm's default MaxArraySize is 1001).
pub const MAX_ARRAY_TASKS: usize = 1000;

/// How often the queue is polled while waiting.
const POLL: Duration = Duration::from_millis(1000);

/// Resources and behaviour of the submitted jobs.
#[derive(Clone, Debug, Default)]
pub struct SlurmOptions {
    pub partition: Option<String>,
    /// Time limit per task, minutes.
    pub time_min: Option<u32>,
    /// Memory per task, MB.
    pub mem_mb: Option<u32>,
    pub cpus_per_task: Option<u32>,
    /// Time limit of a build job, minutes.
    pub build_time_min: Option<u32>,
    /// Wait for the jobs and merge (else submit and return).
    pub wait: bool,
    /// Give up waiting after this long.
    pub wait_timeout: Option<Duration>,
}

/// Jobs submitted by earlier invocations: run key -> task id (`A_i`),
/// build hash -> job id.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Submitted {
    runs: BTreeMap<String, String>,
    builds: BTreeMap<String, String>,
    /// The Slurm output file of each task.
    outputs: BTreeMap<String, String>,
}

fn tool(name: &str, args: &[String]) -> Result<String, SweepError> {
    let out = Command::new(name)
        .args(args)
        .output()
        .map_err(|e| SweepError::Slurm(format!("{name}: {e} (is Slurm installed? scripts/setup.sh installs it)")))?;
    if !out.status.success() {
        return Err(SweepError::Slurm(format!(
            "{name} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// This user's jobs and array tasks in the queue (`squeue -r`: one line per task).
fn queued() -> Result<HashSet<String>, SweepError> {
    let out = tool("squeue", &["--me".into(), "-h".into(), "-r".into(), "-o".into(), "%i".into()])?;
    Ok(out.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
}

impl SlurmOptions {
    fn sbatch_args(&self, build: bool) -> Vec<String> {
        let mut a = vec!["--parsable".to_string()];
        if let Some(p) = &self.partition {
            a.push(format!("--partition={p}"));
        }
        let time = if build { self.build_time_min } else { self.time_min };
        if let Some(t) = time {
            a.push(format!("--time={t}"));
        }
        if let Some(m) = self.mem_mb {
            a.push(format!("--mem={m}"));
        }
        if let Some(c) = self.cpus_per_task {
            a.push(format!("--cpus-per-task={c}"));
        }
        a
    }
}

impl Submitted {
    fn path(plan: &Plan) -> std::path::PathBuf {
        plan.store.slurm_dir().join("submitted.json")
    }

    fn load(plan: &Plan) -> Submitted {
        std::fs::read_to_string(Self::path(plan)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// Saved after every sbatch, so that a sweep stopped half-way never
    /// submits the same run twice.
    fn save(&self, plan: &Plan) -> Result<(), SweepError> {
        let path = Self::path(plan);
        let text = serde_json::to_string_pretty(self).expect("serialize");
        std::fs::write(&path, text).map_err(|e| SweepError::Io(format!("{}: {e}", path.display())))
    }
}

/// sbatch's job id (`--parsable` prints `ID` or `ID;CLUSTER`).
fn sbatch(args: &[String]) -> Result<String, SweepError> {
    let out = tool("sbatch", args)?;
    Ok(out.split(';').next().unwrap_or(&out).to_string())
}

/// Submits one build as a batch job.
fn submit_build(plan: &Plan, opts: &SlurmOptions, b: usize) -> Result<String, SweepError> {
    let build = &plan.builds[b];
    build.write_script(&plan.repo, &plan.target_dir)?;
    let mut args = opts.sbatch_args(true);
    args.push(format!("--job-name=zkcopro-{}-build", plan.name));
    args.push(format!("--output={}", build.log().display()));
    args.push(build.script().display().to_string());
    sbatch(&args)
}

/// Submits `runs` (all on build `b`) as one job array, after `dep` if the
/// build is still to be made; `tag` names its task list and script.
fn submit_array(plan: &Plan, opts: &SlurmOptions, b: usize, runs: &[&PlannedRun], dep: Option<&str>, tag: &str) -> Result<String, SweepError> {
    let base = plan.store.slurm_dir().join(format!("{}-{tag}", plan.name));
    let (tasks_path, script_path) = (base.with_extension("tasks"), base.with_extension("sh"));
    let lines: Vec<String> = runs
        .iter()
        .map(|r| {
            let cmd = plan.store.task_command(&plan.builds[b].binary(), &r.key, &r.run.cli_args());
            cmd.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ")
        })
        .collect();
    std::fs::write(&tasks_path, lines.join("\n") + "\n").map_err(|e| SweepError::Io(format!("{}: {e}", tasks_path.display())))?;
    let script = format!(
        "#!/usr/bin/env bash\n\
         # zkcopro sweep {name}: {count} runs of build {hash}, one per array task.\n\
         set -euo pipefail\n\
         line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {tasks})\n\
         eval \"exec $line\"\n",
        name = plan.name,
        count = runs.len(),
        hash = plan.builds[b].hash,
        tasks = shell_quote(&tasks_path.display().to_string()),
    );
    std::fs::write(&script_path, script).map_err(|e| SweepError::Io(format!("{}: {e}", script_path.display())))?;
    let mut args = opts.sbatch_args(false);
    args.push(format!("--job-name=zkcopro-{}", plan.name));
    args.push(format!("--array=0-{}", runs.len() - 1));
    args.push(format!("--output={}", plan.store.root.join("logs").join("slurm-%A_%a.out").display()));
    if let Some(dep) = dep {
        // A run starts only on a build that succeeded; if the build fails,
        // the wait cancels the array.
        args.push(format!("--dependency=afterok:{dep}"));
    }
    args.push(script_path.display().to_string());
    sbatch(&args)
}

/// Submits what is missing, then (with `wait`) follows the queue until
/// every task has finished and records the tasks that left no result.
pub fn run(plan: &Plan, opts: &SlurmOptions, quiet: bool) -> Result<EngineReport, SweepError> {
    // The cluster must answer before anything is submitted.
    let queue = queued().map_err(|e| SweepError::Slurm(format!("{e}; is the cluster up? (scripts/cluster.sh up)")))?;
    let mut submitted = Submitted::load(plan);
    let (pending, mut report) = plan.pending();
    let in_flight = |id: &String| queue.contains(id);
    let (running, pending): (Vec<&PlannedRun>, Vec<&PlannedRun>) =
        pending.into_iter().partition(|r| submitted.runs.get(&r.key).is_some_and(in_flight));
    report.in_flight = running.len();

    // Builds: none if made, a queued one if there is one, else a new job.
    let mut build_job: BTreeMap<usize, Option<String>> = BTreeMap::new();
    for r in &pending {
        if build_job.contains_key(&r.build) {
            continue;
        }
        let build = &plan.builds[r.build];
        let job = if build.is_built() {
            None
        } else if let Some(id) = submitted.builds.get(&build.hash).filter(|id| in_flight(id)) {
            Some(id.clone())
        } else {
            let id = submit_build(plan, opts, r.build)?;
            if !quiet {
                eprintln!("sweep: build {} ({}) is job {id}; log {}", build.hash, build.params.label(), build.log().display());
            }
            submitted.builds.insert(build.hash.clone(), id.clone());
            submitted.save(plan)?;
            report.builds_started.push(build.hash.clone());
            Some(id)
        };
        build_job.insert(r.build, job);
    }

    // Runs: one array per build (split at MAX_ARRAY_TASKS).
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let mut arrays = 0;
    for (&b, dep) in &build_job {
        let runs: Vec<&PlannedRun> = pending.iter().copied().filter(|r| r.build == b).collect();
        for (n, chunk) in runs.chunks(MAX_ARRAY_TASKS).enumerate() {
            let id = submit_array(plan, opts, b, chunk, dep.as_deref(), &format!("{stamp}-{b}-{n}"))?;
            for (i, r) in chunk.iter().enumerate() {
                let task = format!("{id}_{i}");
                let out = plan.store.root.join("logs").join(format!("slurm-{task}.out"));
                submitted.outputs.insert(r.key.clone(), out.display().to_string());
                submitted.runs.insert(r.key.clone(), task);
            }
            submitted.save(plan)?;
            arrays += 1;
        }
    }
    report.submitted = pending.len();
    if !quiet {
        eprintln!(
            "sweep: submitted {} runs in {arrays} arrays ({} already done, {} failed before, {} still queued)",
            report.submitted, report.skipped_done, report.skipped_failed, report.in_flight
        );
    }
    if !opts.wait {
        return Ok(report);
    }
    report.finished = wait(plan, opts, &submitted, &build_job, quiet)?;
    Ok(report)
}

/// Follows the queue until none of the plan's jobs is left; then records
/// each run that has neither result nor failure as lost.
fn wait(
    plan: &Plan,
    opts: &SlurmOptions,
    submitted: &Submitted,
    build_job: &BTreeMap<usize, Option<String>>,
    quiet: bool,
) -> Result<bool, SweepError> {
    let ours: Vec<(&PlannedRun, &String)> =
        plan.runs.iter().filter_map(|r| submitted.runs.get(&r.key).map(|id| (r, id))).collect();
    let array_of = |task: &String| task.split('_').next().unwrap_or(task).to_string();
    let t0 = Instant::now();
    let mut cancelled: HashSet<usize> = HashSet::new();
    let bar = if quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new_spinner() };
    loop {
        let queue = queued()?;
        // A build that left the queue without its binary failed: cancel
        // its runs (clusters without kill_invalid_depend keep them pending).
        for (&b, dep) in build_job {
            let Some(id) = dep else { continue };
            let build = &plan.builds[b];
            if !queue.contains(id) && !build.is_built() && cancelled.insert(b) {
                let arrays: HashSet<String> = ours.iter().filter(|(r, _)| r.build == b).map(|(_, t)| array_of(t)).collect();
                let mut args: Vec<String> = arrays.into_iter().collect();
                args.sort();
                if !args.is_empty() {
                    let _ = tool("scancel", &args);
                }
                for (r, _) in ours.iter().filter(|(r, _)| r.build == b) {
                    if let RunState::Missing = plan.store.state(&r.key) {
                        plan.store.record_failure(
                            &r.key,
                            &Failure { exit_code: None, reason: format!("build {} failed", build.hash), log: build.log().display().to_string() },
                        )?;
                    }
                }
            }
        }
        // Pending array tasks may show as `A_[0-7]` on some versions: such
        // arrays count as wholly queued. Collected once per poll.
        let ranged: HashSet<String> = queue.iter().filter_map(|q| q.split_once("_[").map(|(a, _)| a.to_string())).collect();
        let queued_task = |id: &String| queue.contains(id) || ranged.contains(&array_of(id));
        let left = ours.iter().filter(|(_, id)| queued_task(id)).count()
            + build_job.values().flatten().filter(|id| queue.contains(*id)).count();
        bar.set_message(format!("{left} jobs and tasks queued or running"));
        if left == 0 {
            break;
        }
        if opts.wait_timeout.is_some_and(|t| t0.elapsed() > t) {
            bar.finish_and_clear();
            return Ok(false);
        }
        std::thread::sleep(POLL);
    }
    bar.finish_and_clear();
    for (r, _) in &ours {
        if let RunState::Missing = plan.store.state(&r.key) {
            let log = submitted.outputs.get(&r.key).cloned().unwrap_or_else(|| plan.store.log_path(&r.key).display().to_string());
            plan.store.record_failure(
                &r.key,
                &Failure { exit_code: None, reason: "the task ended without a result (time limit, memory, node failure?)".into(), log },
            )?;
        }
    }
    Ok(true)
}
