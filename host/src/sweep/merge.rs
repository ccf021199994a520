//! Merging a sweep: every run's report with its parameters into one
//! sweep.json, sharded runs combined and checked against arkworks over the
//! whole input, and the series each plot draws.
//!
//! A sharded MSM is counted as a run on as many cards, each holding its
//! slice of the bases: its projected time is the slowest shard's
//! end-to-end time plus the host's combine (adding the shards' points).

use super::spec::{ParamValue, PlotSpec};
use super::store::{Failure, RunState};
use super::variant::BuildParams;
use super::{EngineReport, Plan, PlannedRun, SweepError};
use crate::msm_input::{PointHex, ScalarKind, Shard, shard_input};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize, Clone, Debug)]
pub struct RunRecord {
    pub key: String,
    pub job: String,
    pub kind: String,
    pub build_hash: String,
    pub build: BuildParams,
    pub params: BTreeMap<String, ParamValue>,
    pub shard: Option<Shard>,
    /// done, failed or missing (still queued, or never submitted).
    pub status: &'static str,
    /// The report's own check against arkworks.
    pub verified: Option<bool>,
    /// The run's --json report.
    pub result: Option<serde_json::Value>,
    pub failure: Option<Failure>,
}

/// A sharded MSM put back together.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ShardedRecord {
    pub key: String,
    pub job: String,
    pub build_hash: String,
    pub params: BTreeMap<String, serde_json::Value>,
    pub shards: u32,
    pub log_size: u32,
    /// The sum of the shards' points equals arkworks' MSM of the whole input.
    pub verified: bool,
    pub result: Option<PointHex>,
    /// Host time to add the shards' points, seconds.
    pub combine_s: f64,
    /// arkworks' `G1Projective::msm` over the whole input, here, seconds.
    pub arkworks_s: f64,
    /// The slowest shard's end-to-end time plus the combine: the run on
    /// `shards` cards.
    pub projected_multi_card_s: f64,
    pub slowest_shard: u32,
    pub slowest_shard_s: f64,
    /// Device cycles of the slowest shard's MSM.
    pub max_shard_device_cycles: u64,
    /// Every shard's end-to-end time added up: the same work on one card,
    /// one slice after another.
    pub serial_shards_s: f64,
    /// Simulation wall time of all shards together, and of the longest.
    pub sim_s_total: f64,
    pub sim_s_max: f64,
}

#[derive(Serialize, Clone, Debug)]
pub struct BuildRecord {
    pub hash: String,
    pub params: BuildParams,
    pub features: Vec<&'static str>,
    pub binary: String,
    pub built: bool,
    pub log: String,
}

/// sweep.json.
#[derive(Serialize, Clone, Debug)]
pub struct SweepReport {
    pub sweep: String,
    pub engine: String,
    pub out: String,
    pub runs_total: usize,
    pub done: usize,
    pub failed: usize,
    pub missing: usize,
    /// Done runs whose report says verified.
    pub verified: usize,
    pub unverified: Vec<String>,
    pub this_invocation: EngineReport,
    pub builds: Vec<BuildRecord>,
    pub runs: Vec<RunRecord>,
    pub sharded: Vec<ShardedRecord>,
    pub plots: Vec<String>,
    pub wall_s: f64,
}

impl SweepReport {
    /// Every run done and verified, and every sharded run combined and verified.
    pub fn all_verified(&self) -> bool {
        self.done == self.runs_total && self.unverified.is_empty() && self.sharded.iter().all(|s| s.verified)
    }
}

fn record(plan: &Plan, r: &PlannedRun) -> RunRecord {
    let build = &plan.builds[r.build];
    let (status, result, failure) = match plan.store.state(&r.key) {
        RunState::Done(v) => ("done", Some(v), None),
        RunState::Failed(f) => ("failed", None, Some(f)),
        RunState::Missing => ("missing", None, None),
    };
    RunRecord {
        key: r.key.clone(),
        job: r.run.job.clone(),
        kind: r.run.kind.clone(),
        build_hash: build.hash.clone(),
        build: build.params.clone(),
        params: r.run.params.clone(),
        shard: r.run.shard,
        status,
        verified: result.as_ref().map(|v| v.get("verified").and_then(|b| b.as_bool()) == Some(true)),
        result,
        failure,
    }
}

/// Merges everything the plan's runs have left in the store.
pub fn merge(plan: &Plan, engine: &str, this_invocation: EngineReport, wall_s: f64) -> Result<SweepReport, SweepError> {
    let runs: Vec<RunRecord> = plan.runs.iter().map(|r| record(plan, r)).collect();
    let count = |s: &str| runs.iter().filter(|r| r.status == s).count();
    let unverified = runs.iter().filter(|r| r.verified == Some(false)).map(|r| r.key.clone()).collect();
    let mut sharded = Vec::new();
    let mut groups: BTreeMap<&str, Vec<(&PlannedRun, &RunRecord)>> = BTreeMap::new();
    for (p, r) in plan.runs.iter().zip(&runs) {
        if r.shard.is_some() {
            groups.entry(p.group.as_str()).or_default().push((p, r));
        }
    }
    for (group, shards) in groups {
        if shards.iter().all(|(_, r)| r.status == "done") {
            sharded.push(combine(plan, group, &shards)?);
        }
    }
    let builds = plan
        .builds
        .iter()
        .map(|b| BuildRecord {
            hash: b.hash.clone(),
            params: b.params.clone(),
            features: b.features.clone(),
            binary: b.binary().display().to_string(),
            built: b.is_built(),
            log: b.log().display().to_string(),
        })
        .collect();
    Ok(SweepReport {
        sweep: plan.name.clone(),
        engine: engine.to_string(),
        out: plan.store.root.display().to_string(),
        runs_total: runs.len(),
        done: count("done"),
        failed: count("failed"),
        missing: count("missing"),
        verified: runs.iter().filter(|r| r.verified == Some(true)).count(),
        unverified,
        this_invocation,
        builds,
        runs,
        sharded,
        plots: Vec::new(),
        wall_s,
    })
}

/// Timings of the shards' combine; the fastest is reported.
const COMBINE_TIMINGS: usize = 5;

fn field<'a>(v: &'a serde_json::Value, name: &str, key: &str) -> Result<&'a serde_json::Value, SweepError> {
    v.get(name).ok_or_else(|| SweepError::Merge(format!("shard {key}: its report has no '{name}'")))
}

/// Adds the shards' points and checks the sum against arkworks over the
/// whole regenerated input (kept in results/GROUP.combined.json, so a
/// merge again does not redo arkworks' MSM).
fn combine(plan: &Plan, group: &str, shards: &[(&PlannedRun, &RunRecord)]) -> Result<ShardedRecord, SweepError> {
    use ark_bn254::G1Projective;
    use ark_ec::{CurveGroup, VariableBaseMSM};
    let cache = plan.store.root.join("results").join(format!("{group}.combined.json"));
    if let Some(rec) = std::fs::read_to_string(&cache).ok().and_then(|t| serde_json::from_str::<ShardedRecord>(&t).ok()) {
        return Ok(rec);
    }
    let (first, _) = shards[0];
    let count = first.run.shard.map_or(1, |s| s.count);
    let mut reports = Vec::with_capacity(shards.len());
    for (p, r) in shards {
        let v = r.result.as_ref().expect("done runs have a result");
        let point = match field(v, "result", &p.key)? {
            serde_json::Value::Null => None,
            other => Some(
                serde_json::from_value::<PointHex>(other.clone())
                    .map_err(|e| SweepError::Merge(format!("shard {}: result: {e}", p.key)))?
                    .to_point()
                    .map_err(|e| SweepError::Merge(format!("shard {}: {e}", p.key)))?,
            ),
        };
        let num = |name: &str| field(v, name, &p.key).map(|x| x.as_f64().unwrap_or(0.0));
        let index = p.run.shard.map_or(0, |s| s.index);
        reports.push((index, point, num("end_to_end_s")?, num("device_cycles")? as u64, num("sim_s")?));
    }
    reports.sort_by_key(|r| r.0);
    // The combine is a few additions: timed best of COMBINE_TIMINGS, as a
    // preempted single run on a busy machine would be all noise.
    let mut combine_s = f64::INFINITY;
    let mut sum = G1Projective::default();
    for _ in 0..COMBINE_TIMINGS {
        let t0 = std::time::Instant::now();
        sum = reports.iter().filter_map(|r| r.1).fold(G1Projective::default(), |acc, p| acc + p);
        combine_s = combine_s.min(t0.elapsed().as_secs_f64());
    }
    // The whole input, as the shards drew it.
    let log_size = first.run.params.get("log_size").and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
    let seed = match first.run.params.get("seed") {
        Some(ParamValue::Int(s)) => *s as u64,
        other => return Err(SweepError::Merge(format!("sharded run {group}: seed {other:?} is not an integer"))),
    };
    let kind = match first.run.params.get("scalars") {
        None => ScalarKind::Uniform,
        Some(v) => <ScalarKind as clap::ValueEnum>::from_str(&v.to_string(), true)
            .map_err(|e| SweepError::Merge(format!("sharded run {group}: scalars: {e}")))?,
    };
    let (mut points, mut scalars) = (Vec::new(), Vec::new());
    for index in 0..count {
        let (p, s) = shard_input(seed, log_size, kind, Shard { index, count });
        points.extend(p);
        scalars.extend(s);
    }
    let t1 = std::time::Instant::now();
    let want = G1Projective::msm(&points, &scalars).map_err(|_| SweepError::Merge("input lengths differ".into()))?;
    let arkworks_s = t1.elapsed().as_secs_f64();
    let sum = sum.into_affine();
    let slowest = reports.iter().max_by(|a, b| a.2.total_cmp(&b.2)).expect("shards");
    let rec = ShardedRecord {
        key: group.to_string(),
        job: first.run.job.clone(),
        build_hash: plan.builds[first.build].hash.clone(),
        params: first.run.params.iter().map(|(k, v)| (k.clone(), serde_json::to_value(v).expect("value"))).collect(),
        shards: count,
        log_size,
        verified: sum == want.into_affine(),
        result: PointHex::from_point(&sum),
        combine_s,
        arkworks_s,
        projected_multi_card_s: slowest.2 + combine_s,
        slowest_shard: slowest.0,
        slowest_shard_s: slowest.2,
        max_shard_device_cycles: reports.iter().map(|r| r.3).max().unwrap_or(0),
        serial_shards_s: reports.iter().map(|r| r.2).sum(),
        sim_s_total: reports.iter().map(|r| r.4).sum(),
        sim_s_max: reports.iter().map(|r| r.4).fold(0.0, f64::max),
    };
    let text = serde_json::to_string_pretty(&rec).expect("serialize");
    std::fs::write(&cache, text).map_err(|e| SweepError::Io(format!("{}: {e}", cache.display())))?;
    Ok(rec)
}

/// One line of a plot: its label and its (x, y) points, sorted by x.
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
}

/// The series a plot draws from the merged runs: done runs of its job,
/// x a numeric run parameter, y a numeric report figure, one series per
/// value of `series` (a run or build parameter); runs at the same x in a
/// series (other seeds or parameters) are averaged. Sharded runs are left out.
pub fn plot_series(report: &SweepReport, plot: &PlotSpec) -> Result<Vec<Series>, SweepError> {
    let mut by_label: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    for r in report.runs.iter().filter(|r| r.job == plot.job && r.status == "done" && r.shard.is_none()) {
        let Some(x) = r.params.get(&plot.x).and_then(|v| v.as_f64()) else {
            return Err(SweepError::Merge(format!("plot {}: x '{}' is not a numeric parameter of job '{}'", plot.file_name(), plot.x, plot.job)));
        };
        let y = r.result.as_ref().and_then(|v| v.get(&plot.y)).and_then(|v| v.as_f64());
        let Some(y) = y else {
            return Err(SweepError::Merge(format!("plot {}: y '{}' is not a numeric figure of job '{}'", plot.file_name(), plot.y, plot.job)));
        };
        let label = match &plot.series {
            None => plot.job.clone(),
            Some(s) => match (r.params.get(s), r.build.get(s)) {
                (Some(v), _) => format!("{s}={v}"),
                (None, Some(v)) => format!("{s}={v}"),
                (None, None) => format!("{s}=default"),
            },
        };
        by_label.entry(label).or_default().push((x, y));
    }
    // Several runs at one x (seeds, other parameters): their mean.
    Ok(by_label
        .into_iter()
        .map(|(label, mut points)| {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut mean: Vec<(f64, f64, usize)> = Vec::new();
            for (x, y) in points {
                match mean.last_mut() {
                    Some(m) if m.0 == x => {
                        m.1 += y;
                        m.2 += 1;
                    }
                    _ => mean.push((x, y, 1)),
                }
            }
            Series { label, points: mean.into_iter().map(|(x, y, n)| (x, y / n as f64)).collect() }
        })
        .collect())
}
