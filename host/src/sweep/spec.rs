//! A sweep's spec (TOML): jobs with grids of run and build parameters,
//! expanded into runs. A parameter given as a list is swept; the runs are
//! the product of every list.
//!
//! ```toml
//! name = "msm-windows"
//! [[job]]
//! kind = "msm"                                  # msm, ntt, prove or qap-h
//! params = { log_size = [8, 10], window = [6, 8], seed = [1, 2] }
//! build = { mul = "fast", sim_opt = ["full", "quick"] }
//! [[plot]]
//! job = "msm"
//! x = "log_size"
//! y = "device_cycles"
//! series = "window"
//! ```
//!
//! Run parameters are the subcommand's own options (`log_size` is
//! `--log-size`; `true` passes a flag, `false` leaves it out), so every
//! option the CLI has can be swept and the CLI's own checks apply.

use super::SweepError;
use super::variant::BuildParams;
use crate::msm_input::Shard;
use serde::Serialize;
use std::collections::BTreeMap;

/// The subcommands a sweep runs.
pub const JOB_KINDS: [&str; 4] = ["msm", "ntt", "prove", "qap-h"];

/// Most runs one sweep expands to (a typo in a grid should not submit a
/// million jobs).
pub const MAX_RUNS: usize = 100_000;

/// Most shards of one sharded run.
pub const MAX_SHARDS: u32 = 1024;

/// Options the sweep sets itself.
const RESERVED: [&str; 3] = ["json", "shard", "trace"];

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// The sweep's name (results and job names).
    pub name: String,
    #[serde(rename = "job", default)]
    pub jobs: Vec<JobSpec>,
    #[serde(rename = "plot", default)]
    pub plots: Vec<PlotSpec>,
}

#[derive(serde::Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct JobSpec {
    /// Label in results and plots [default: the kind].
    pub name: Option<String>,
    /// The zkcopro subcommand: msm, ntt, prove or qap-h.
    pub kind: String,
    /// The subcommand's options: a value, or a list of values to sweep.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// Build parameters (see [BuildParams]): a value or a list.
    #[serde(default)]
    pub build: BTreeMap<String, toml::Value>,
    /// msm only: each run split into this many shards, one task each (like
    /// as many cards each holding a slice of the bases), combined on the host.
    pub shards: Option<u32>,
}

/// One plot of the merged results: a figure against a parameter, one line
/// per value of `series`.
#[derive(serde::Deserialize, Serialize, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct PlotSpec {
    /// The job (its name) whose runs are plotted.
    pub job: String,
    /// A numeric run parameter.
    pub x: String,
    /// A numeric figure of the runs' `--json` reports.
    pub y: String,
    /// A run or build parameter: one line per value.
    pub series: Option<String>,
    /// Log-scale y axis.
    #[serde(default)]
    pub log_y: bool,
    /// File name under the output's plots/ [default: JOB-Y-vs-X.svg].
    pub file: Option<String>,
}

impl PlotSpec {
    pub fn file_name(&self) -> String {
        self.file.clone().unwrap_or_else(|| format!("{}-{}-vs-{}.svg", self.job, self.y, self.x))
    }
}

/// One value of a parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Float(v) => write!(f, "{v}"),
            ParamValue::Bool(v) => write!(f, "{v}"),
            ParamValue::Str(v) => write!(f, "{v}"),
        }
    }
}

impl ParamValue {
    /// The value as a number, for plots.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Int(v) => Some(*v as f64),
            ParamValue::Float(v) => Some(*v),
            _ => None,
        }
    }

    fn from_toml(job: &str, key: &str, v: &toml::Value) -> Result<ParamValue, SweepError> {
        Ok(match v {
            toml::Value::Integer(i) => ParamValue::Int(*i),
            toml::Value::Float(x) => ParamValue::Float(*x),
            toml::Value::Boolean(b) => ParamValue::Bool(*b),
            toml::Value::String(s) => ParamValue::Str(s.clone()),
            other => {
                return Err(SweepError::Spec(format!(
                    "job '{job}': {key} = {other} is not a number, string or boolean (or a list of them)"
                )));
            }
        })
    }
}

/// One run: a subcommand with one value per parameter, on one build.
#[derive(Clone, Debug)]
pub struct Run {
    /// Its job's name.
    pub job: String,
    pub kind: String,
    pub params: BTreeMap<String, ParamValue>,
    pub build: BuildParams,
    /// The shard it computes, for a sharded job.
    pub shard: Option<Shard>,
}

impl Run {
    /// The subcommand and its options, without `--json`.
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec![self.kind.clone()];
        for (key, value) in &self.params {
            let flag = format!("--{}", key.replace('_', "-"));
            match value {
                ParamValue::Bool(true) => args.push(flag),
                ParamValue::Bool(false) => {}
                v => {
                    args.push(flag);
                    args.push(v.to_string());
                }
            }
        }
        if let Some(s) = self.shard {
            args.push("--shard".into());
            args.push(format!("{}/{}", s.index, s.count));
        }
        args
    }

    /// The result's key: its parameters and its build's hash (the job's
    /// name is a label, not part of it).
    pub fn key(&self, build_hash: &str) -> String {
        let mut text = self.group_text(build_hash);
        if let Some(s) = self.shard {
            text.push_str(&format!("shard={}/{}\n", s.index, s.count));
        }
        short_hash(&text)
    }

    /// The key of the whole run a shard belongs to.
    pub fn group_key(&self, build_hash: &str) -> String {
        short_hash(&self.group_text(build_hash))
    }

    fn group_text(&self, build_hash: &str) -> String {
        let mut text = format!("kind={}\nbuild={build_hash}\n", self.kind);
        for (k, v) in &self.params {
            text.push_str(&format!("{k}={v}\n"));
        }
        if let Some(s) = self.shard {
            text.push_str(&format!("shards={}\n", s.count));
        }
        text
    }
}

fn short_hash(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().take(10).map(|b| format!("{b:02x}")).collect()
}

/// Reads a spec file.
pub fn load(path: &std::path::Path) -> Result<SweepSpec, SweepError> {
    let text = std::fs::read_to_string(path).map_err(|e| SweepError::Spec(format!("{}: {e}", path.display())))?;
    parse(&text).map_err(|e| match e {
        SweepError::Spec(m) => SweepError::Spec(format!("{}: {m}", path.display())),
        other => other,
    })
}

/// Parses and checks a spec's text (not the subcommands' options: see
/// [expand] and the CLI's check).
pub fn parse(text: &str) -> Result<SweepSpec, SweepError> {
    let spec: SweepSpec = toml::from_str(text).map_err(|e| SweepError::Spec(e.message().to_string()))?;
    let name_ok = |s: &str| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !name_ok(&spec.name) {
        return Err(SweepError::Spec(format!(
            "name '{}' must be 1-64 letters, digits, '-' or '_' (it names Slurm jobs and files)",
            spec.name
        )));
    }
    if spec.jobs.is_empty() {
        return Err(SweepError::Spec("no [[job]]".into()));
    }
    for job in &spec.jobs {
        if !JOB_KINDS.contains(&job.kind.as_str()) {
            return Err(SweepError::Spec(format!("job kind '{}' is not one of {}", job.kind, JOB_KINDS.join(", "))));
        }
        let label = job.label();
        if !name_ok(label) {
            return Err(SweepError::Spec(format!("job name '{label}' must be 1-64 letters, digits, '-' or '_'")));
        }
        for key in job.params.keys() {
            if RESERVED.contains(&key.as_str()) {
                return Err(SweepError::Spec(format!("job '{label}': '{key}' is set by the sweep itself")));
            }
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                return Err(SweepError::Spec(format!("job '{label}': parameter '{key}' is not an option name (lower case, '_')")));
            }
        }
        if let Some(s) = job.shards {
            if job.kind != "msm" {
                return Err(SweepError::Spec(format!("job '{label}': shards are for msm jobs")));
            }
            if !(1..=MAX_SHARDS).contains(&s) || !s.is_power_of_two() {
                return Err(SweepError::Spec(format!("job '{label}': shards = {s} is not a power of two in 1..={MAX_SHARDS}")));
            }
        }
    }
    for plot in &spec.plots {
        if !spec.jobs.iter().any(|j| j.label() == plot.job) {
            return Err(SweepError::Spec(format!("plot of job '{}': no such job", plot.job)));
        }
    }
    Ok(spec)
}

impl JobSpec {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.kind)
    }
}

/// The values of each key: a list is swept, anything else is one value.
fn axes(job: &str, table: &BTreeMap<String, toml::Value>) -> Result<Vec<(String, Vec<ParamValue>)>, SweepError> {
    table
        .iter()
        .map(|(key, value)| {
            let values = match value {
                toml::Value::Array(list) if list.is_empty() => {
                    return Err(SweepError::Spec(format!("job '{job}': {key} = [] sweeps nothing")));
                }
                toml::Value::Array(list) => list.iter().map(|v| ParamValue::from_toml(job, key, v)).collect::<Result<_, _>>()?,
                single => vec![ParamValue::from_toml(job, key, single)?],
            };
            Ok((key.clone(), values))
        })
        .collect()
}

/// Every combination of the axes' values.
fn product(axes: &[(String, Vec<ParamValue>)]) -> Vec<BTreeMap<String, ParamValue>> {
    let mut out = vec![BTreeMap::new()];
    for (key, values) in axes {
        out = out
            .into_iter()
            .flat_map(|base| {
                values.iter().map(move |v| {
                    let mut m = base.clone();
                    m.insert(key.clone(), v.clone());
                    m
                })
            })
            .collect();
    }
    out
}

/// The seed of a run that names none: every run is seeded, so a result is
/// its parameters' result.
pub const DEFAULT_SEED: i64 = 1;

/// Every run of the spec, in spec order. Counts are checked before any
/// run is built.
pub fn expand(spec: &SweepSpec) -> Result<Vec<Run>, SweepError> {
    let mut runs = Vec::new();
    for job in &spec.jobs {
        let label = job.label().to_string();
        let params = axes(&label, &job.params)?;
        let builds = axes(&label, &job.build)?;
        let shards = job.shards.unwrap_or(1);
        let count = params.iter().chain(&builds).map(|(_, v)| v.len()).product::<usize>().saturating_mul(shards as usize);
        if runs.len().saturating_add(count) > MAX_RUNS {
            return Err(SweepError::Spec(format!("the sweep expands to more than {MAX_RUNS} runs")));
        }
        for build_values in product(&builds) {
            let build = BuildParams::from_values(&build_values).map_err(|e| SweepError::Spec(format!("job '{label}': {e}")))?;
            for mut p in product(&params) {
                p.entry("seed".into()).or_insert(ParamValue::Int(DEFAULT_SEED));
                if job.kind == "msm" && shards > 1 {
                    let log_size = match p.get("log_size") {
                        Some(ParamValue::Int(v)) if (0..=64).contains(v) => *v as u32,
                        _ => return Err(SweepError::Spec(format!("job '{label}': a sharded msm needs an integer log_size"))),
                    };
                    for index in 0..shards {
                        let shard = Shard::parse(&format!("{index}/{shards}"), log_size)
                            .map_err(|e| SweepError::Spec(format!("job '{label}': {e}")))?;
                        runs.push(Run { job: label.clone(), kind: job.kind.clone(), params: p.clone(), build: build.clone(), shard: Some(shard) });
                    }
                } else {
                    runs.push(Run { job: label.clone(), kind: job.kind.clone(), params: p, build: build.clone(), shard: None });
                }
            }
        }
    }
    Ok(runs)
}
