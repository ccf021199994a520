//! `zkcopro sweep SPEC.toml`: a design sweep on this machine or a Slurm
//! cluster, merged into OUT/sweep.json with the spec's plots.

use crate::args::emit;
use crate::plot;
use std::path::PathBuf;
use std::time::Duration;
use zkcopro_host::sweep::merge::{self, SweepReport};
use zkcopro_host::sweep::slurm::SlurmOptions;
use zkcopro_host::sweep::{Plan, SweepError, local, slurm, spec};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// A bounded pool of processes on this machine.
    Local,
    /// Slurm: builds as batch jobs, runs as job arrays after them.
    Slurm,
}

#[derive(clap::Args, Clone)]
pub struct SweepArgs {
    /// The sweep spec (TOML): jobs with grids of run and build parameters, and plots.
    pub spec: PathBuf,
    /// Where builds, results, logs, sweep.json and plots go (on a cluster: a
    /// shared filesystem) [default: target/sweep/NAME in the repository].
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Engine::Local)]
    pub engine: Engine,
    /// Local engine: runs at once [default: the CPUs].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Slurm partition [default: the cluster's default].
    #[arg(long)]
    pub partition: Option<String>,
    /// Slurm time limit per run, minutes.
    #[arg(long, value_name = "MIN")]
    pub time: Option<u32>,
    /// Slurm time limit per build, minutes.
    #[arg(long, value_name = "MIN")]
    pub build_time: Option<u32>,
    /// Slurm memory per task, MB.
    #[arg(long, value_name = "MB")]
    pub mem: Option<u32>,
    /// Slurm CPUs per task.
    #[arg(long)]
    pub cpus_per_task: Option<u32>,
    /// Slurm: submit and return; run the sweep again later to merge.
    #[arg(long)]
    pub no_wait: bool,
    /// Slurm: stop waiting after this many seconds (the jobs go on).
    #[arg(long, value_name = "S")]
    pub wait_timeout: Option<u64>,
    /// Run again the runs that failed before (otherwise they are reported and left).
    #[arg(long)]
    pub resubmit_failed: bool,
    /// Merge what is there without running or submitting anything.
    #[arg(long)]
    pub merge_only: bool,
    /// The zkcopro checkout builds are made from [default: the one this binary was built from].
    #[arg(long)]
    pub repo: Option<PathBuf>,
    /// Print sweep.json instead of the summary.
    #[arg(long)]
    pub json: bool,
}

impl SweepArgs {
    pub fn check(&self) -> Result<(), String> {
        if self.jobs == Some(0) {
            return Err("--jobs 0 runs nothing".into());
        }
        if self.cpus_per_task == Some(0) || self.mem == Some(0) || self.time == Some(0) || self.build_time == Some(0) {
            return Err("--time, --build-time, --mem and --cpus-per-task must be positive".into());
        }
        let slurm_only = self.partition.is_some()
            || self.time.is_some()
            || self.build_time.is_some()
            || self.mem.is_some()
            || self.cpus_per_task.is_some()
            || self.no_wait
            || self.wait_timeout.is_some();
        if self.engine == Engine::Local && slurm_only {
            return Err("--partition, --time, --build-time, --mem, --cpus-per-task, --no-wait and --wait-timeout are for --engine slurm".into());
        }
        if self.engine == Engine::Slurm && self.jobs.is_some() {
            return Err("--jobs is for --engine local (Slurm schedules the tasks)".into());
        }
        Ok(())
    }
}

/// Runs the sweep; Ok(true) when every run is done and verified.
pub fn run(a: &SweepArgs, validate: &dyn Fn(&[String]) -> Result<(), String>) -> Result<bool, SweepError> {
    let t0 = std::time::Instant::now();
    let spec = spec::load(&a.spec)?;
    let repo = match &a.repo {
        Some(r) => r.clone(),
        None => zkcopro_host::sweep::default_repo()
            .ok_or_else(|| SweepError::Repo("this binary's checkout is gone; give --repo".into()))?,
    };
    let out = a.out.clone().unwrap_or_else(|| repo.join("target").join("sweep").join(&spec.name));
    let plan = Plan::new(&spec, &out, &repo, validate)?;
    if a.resubmit_failed {
        let n = plan.resubmit_failed();
        if !a.json {
            eprintln!("sweep: {n} failed runs cleared for resubmission");
        }
    }
    if !a.json {
        eprintln!(
            "sweep {}: {} runs on {} builds; output {}",
            plan.name,
            plan.runs.len(),
            plan.builds.len(),
            plan.store.root.display()
        );
    }
    let (engine, this_invocation) = match (a.merge_only, a.engine) {
        (true, _) => ("none (merge only)", plan.pending().1),
        (false, Engine::Local) => {
            let jobs = a.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            ("local", local::run(&plan, jobs, a.json)?)
        }
        (false, Engine::Slurm) => {
            let opts = SlurmOptions {
                partition: a.partition.clone(),
                time_min: a.time,
                mem_mb: a.mem,
                cpus_per_task: a.cpus_per_task,
                build_time_min: a.build_time,
                wait: !a.no_wait,
                wait_timeout: a.wait_timeout.map(Duration::from_secs),
            };
            ("slurm", slurm::run(&plan, &opts, a.json)?)
        }
    };
    let mut report = merge::merge(&plan, engine, this_invocation, t0.elapsed().as_secs_f64())?;
    for p in &plan.plots {
        let series = merge::plot_series(&report, p)?;
        let path = plan.store.root.join("plots").join(p.file_name());
        plot::sweep_svg(&series, p, &path).map_err(|e| SweepError::Io(format!("{}: {e}", path.display())))?;
        report.plots.push(path.display().to_string());
    }
    report.wall_s = t0.elapsed().as_secs_f64();
    let path = plan.store.root.join("sweep.json");
    let text = serde_json::to_string_pretty(&report).expect("serialize");
    std::fs::write(&path, text).map_err(|e| SweepError::Io(format!("{}: {e}", path.display())))?;
    emit(&report, a.json, |r| print(r, &path));
    Ok(report.all_verified())
}

fn print(r: &SweepReport, path: &std::path::Path) {
    let i = &r.this_invocation;
    println!(
        "sweep {} ({} engine): {} runs: {} done ({} verified against arkworks), {} failed, {} missing",
        r.sweep, r.engine, r.runs_total, r.done, r.verified, r.failed, r.missing
    );
    println!(
        "this time: {} runs started, {} builds started, {} already done, {} failed before (--resubmit-failed retries them), {} still queued",
        i.submitted,
        i.builds_started.len(),
        i.skipped_done,
        i.skipped_failed,
        i.in_flight
    );
    for b in &r.builds {
        println!("build {} ({}): {}", b.hash, b.params.label(), if b.built { "built" } else { "not built" });
    }
    for run in r.runs.iter().filter(|x| x.status == "failed") {
        let f = run.failure.as_ref().expect("failed runs have a failure");
        println!("FAILED {} [{} {}]: {} (log {})", run.key, run.job, run.build.label(), f.reason, f.log);
    }
    for key in &r.unverified {
        println!("MISMATCH against arkworks: run {key}");
    }
    for s in &r.sharded {
        println!(
            "sharded msm 2^{} in {} shards: sum {} arkworks; projected on {} cards {:.3} ms (slowest shard {} {:.3} ms + combine {:.1} µs); one card, shard after shard {:.3} ms",
            s.log_size,
            s.shards,
            if s.verified { "matches" } else { "DOES NOT match" },
            s.shards,
            s.projected_multi_card_s * 1e3,
            s.slowest_shard,
            s.slowest_shard_s * 1e3,
            s.combine_s * 1e6,
            s.serial_shards_s * 1e3
        );
    }
    for p in &r.plots {
        println!("plot: {p}");
    }
    println!("merged: {} ({:.1} s)", path.display(), r.wall_s);
}
