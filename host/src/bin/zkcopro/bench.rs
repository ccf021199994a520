//! `zkcopro bench`: the performance targets against arkworks in one run
//! (MSM with uniform and witness-like scalars, forward NTT, across sizes;
//! Verilator up to a size, the functional model beyond) and Groth16 proofs
//! of the squaring-chain circuit, written as `bench.json` and three SVG
//! plots; published GPU, CPU and FPGA results (host/data/published_anchors.toml,
//! not measured here) beside the projected times.

use crate::args::{RunArgs, TraceArgs};
use crate::msm::{self, MsmArgs};
use zkcopro_host::msm_input::ScalarKind;
use crate::ntt::{self, NttArgs};
use crate::plot;
use crate::prove::{self, CircuitKind, ProveArgs};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Instant;
use zkcopro_host::{Backend, CardMemKind};
use zkcopro_host::anchors::{self, Anchor};

#[derive(clap::Args)]
pub struct BenchArgs {
    /// A few minutes: Verilator up to 2^12, the model up to 2^16.
    #[arg(long)]
    quick: bool,
    /// Largest log2 size run on Verilator; larger ones run on the model
    /// [default: 16, --quick 12].
    #[arg(long, value_name = "K")]
    max_verilator_log: Option<u32>,
    /// Largest log2 size run at all [default: 20, --quick 16].
    #[arg(long, value_name = "K")]
    max_log: Option<u32>,
    /// Directory for bench.json, speedup.svg, time_split.svg and absolute.svg.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Seed for every job's inputs (random if omitted; always printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Clock frequency for projected device time, MHz.
    #[arg(long, default_value_t = zkcopro_hdl::params::PROJECTED_CLOCK_MHZ)]
    clock_mhz: f64,
    /// The card's memory for every job: one DDR4-2400 channel (U200/U250),
    /// or HBM2 in 32 pseudo-channels (U55C).
    #[arg(long, value_enum, default_value_t = CardMemKind::Ddr4)]
    card_mem: CardMemKind,
    /// Print bench.json to stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Run nothing: redraw the plots of an earlier run's bench.json into --out.
    #[arg(long, value_name = "BENCH_JSON")]
    replot: Option<PathBuf>,
}

/// Smallest size benched, and the step between sizes (log2).
const MIN_LOG: u32 = 8;
const LOG_STEP: usize = 2;
/// Smallest proof benched (constraints, log2).
const PROVE_MIN_LOG: u32 = 10;

impl BenchArgs {
    fn limits(&self) -> (u32, u32) {
        let (v, m) = if self.quick { (12, 16) } else { (16, 20) };
        (self.max_verilator_log.unwrap_or(v), self.max_log.unwrap_or(m))
    }

    pub fn check(&self) -> Result<(), String> {
        if let Some(p) = &self.replot {
            if !p.is_file() {
                return Err(format!("--replot {}: no such file", p.display()));
            }
        }
        let (v, m) = self.limits();
        let top = msm::MSM_MAX_LOG.min(zkcopro_host::ntt::NTT_LOG_MAX_TOTAL);
        if m < MIN_LOG || m > top {
            return Err(format!("--max-log {m} is outside {MIN_LOG}..={top}"));
        }
        if v > m {
            return Err(format!("--max-verilator-log {v} is above --max-log {m}"));
        }
        if self.out.exists() && !self.out.is_dir() {
            return Err(format!("--out {} is not a directory", self.out.display()));
        }
        // The largest job's own checks (host memory, clock).
        self.msm_args(m, ScalarKind::Uniform).check()?;
        self.ntt_args(m).check()
    }

    fn run_args(&self, log_size: u32) -> RunArgs {
        let (v, _) = self.limits();
        RunArgs {
            seed: self.seed,
            backend: if log_size <= v { Backend::Verilator } else { Backend::Model },
            clock_mhz: self.clock_mhz,
            json: true,
            random_init: None,
            card_mem: self.card_mem,
            mem_latency_ns: None,
            mem_gbps: None,
            trace: TraceArgs::default(),
        }
    }

    fn msm_args(&self, log_size: u32, scalars: ScalarKind) -> MsmArgs {
        MsmArgs { log_size, shard: None, window: None, split: None, scalars, one_off: false, run: self.run_args(log_size) }
    }

    fn prove_args(&self, log_constraints: u32) -> ProveArgs {
        ProveArgs { circuit: CircuitKind::Chain, log_constraints, circom: Default::default(), timeline: None, proofs: 1, host_runs: 2, run: self.run_args(log_constraints) }
    }

    /// Proof sizes: from 2^10, at most 2^14 (--quick) or 2^16.
    fn prove_sizes(&self) -> Vec<u32> {
        let (_, max_log) = self.limits();
        let top = max_log.min(if self.quick { 14 } else { 16 });
        (PROVE_MIN_LOG..=top).step_by(LOG_STEP).collect()
    }

    fn ntt_args(&self, log_size: u32) -> NttArgs {
        NttArgs { log_size, inverse: false, coset: false, run: self.run_args(log_size) }
    }
}

/// One benchmarked job, in the units the plots use.
#[derive(Serialize, Deserialize, Clone)]
pub struct BenchEntry {
    pub job: String,
    pub log_size: u32,
    pub backend: Backend,
    pub cycle_accurate: bool,
    pub verified: bool,
    pub device_cycles: u64,
    pub efficiency: f64,
    pub glue_s: f64,
    pub transfer_s: f64,
    pub bus_s: f64,
    pub device_s: f64,
    pub end_to_end_s: f64,
    pub glue_share: f64,
    /// Outside end_to_end_s: the MSM bases' (or proving key's) one-time load into card memory.
    pub load_bases_s: f64,
    pub arkworks_s: f64,
    pub speedup_vs_arkworks: f64,
    /// Wall time of the simulation itself.
    pub sim_s: f64,
}

/// A published result beside zkcopro's projected time for the same job and
/// size in this run (uniform-scalar MSMs; NTTs), where the run has that size.
#[derive(Serialize, Clone)]
pub struct AnchorComparison {
    #[serde(flatten)]
    pub anchor: Anchor,
    /// zkcopro's projected end-to-end time for that job and size, if this run had it.
    pub zkcopro_end_to_end_s: Option<f64>,
    /// Its device time alone.
    pub zkcopro_device_s: Option<f64>,
    /// Whether zkcopro's cycles there are cycle-accurate (Verilator) or modelled.
    pub zkcopro_cycle_accurate: Option<bool>,
    /// The published time over zkcopro's end-to-end time (above 1: zkcopro's
    /// projection is faster); only where the curve is the same.
    pub zkcopro_speedup: Option<f64>,
}

/// Each published result with the run's entry for the same job and size.
pub fn compare_anchors(entries: &[BenchEntry], anchors: &[Anchor]) -> Vec<AnchorComparison> {
    anchors
        .iter()
        .map(|a| {
            let job = if a.job == "msm" { "msm uniform" } else { "ntt" };
            let ours = entries.iter().find(|e| e.job == job && e.log_size == a.log_size);
            AnchorComparison {
                anchor: a.clone(),
                zkcopro_end_to_end_s: ours.map(|e| e.end_to_end_s),
                zkcopro_device_s: ours.map(|e| e.device_s),
                zkcopro_cycle_accurate: ours.map(|e| e.cycle_accurate),
                zkcopro_speedup: ours.filter(|_| a.same_curve()).map(|e| a.time_s / e.end_to_end_s),
            }
        })
        .collect()
}

fn print_anchors(rows: &[AnchorComparison]) {
    println!("\npublished results (read from their sources, not measured here) beside this run's projected times:");
    println!(
        "{:<32} {:<4} {:<10} {:>5} {:>11} {:>13} {:>9}  hardware",
        "who", "job", "curve", "size", "published", "zkcopro e2e", "zkcopro"
    );
    for r in rows {
        let a = &r.anchor;
        println!(
            "{:<32} {:<4} {:<10} {:>5} {:>11} {:>13} {:>9}  {}",
            a.name,
            a.job,
            a.curve,
            format!("2^{}", a.log_size),
            plot::human_time(a.time_s),
            r.zkcopro_end_to_end_s.map(plot::human_time).unwrap_or_else(|| "-".into()),
            match (r.zkcopro_speedup, a.same_curve()) {
                (Some(s), _) => format!("{s:.2}x"),
                (None, false) => "other curve".into(),
                (None, true) => "-".into(),
            },
            a.hardware
        );
    }
}

#[derive(Serialize)]
struct BenchReport {
    seed: u64,
    clock_mhz: f64,
    /// The card memory every job ran with.
    card_mem: zkcopro_host::CardMemConfig,
    multiplier: &'static str,
    quick: bool,
    max_verilator_log: u32,
    max_log: u32,
    verified: bool,
    run_s: f64,
    entries: Vec<BenchEntry>,
    /// Published results beside this run's projected times (not measured here).
    anchors: Vec<AnchorComparison>,
    files: Vec<PathBuf>,
}

fn from_msm(job: &str, r: &msm::MsmReport) -> BenchEntry {
    BenchEntry {
        job: job.to_string(),
        log_size: r.log_size,
        backend: r.backend,
        cycle_accurate: r.cycle_accurate,
        verified: r.verified,
        device_cycles: r.device_cycles,
        efficiency: r.efficiency,
        glue_s: r.glue_s,
        transfer_s: r.transfer_s,
        bus_s: r.projected_bus_s,
        device_s: r.projected_device_s,
        end_to_end_s: r.end_to_end_s,
        glue_share: r.glue_share,
        load_bases_s: r.load_bases_s,
        arkworks_s: r.arkworks_s,
        speedup_vs_arkworks: r.speedup_vs_arkworks,
        sim_s: r.sim_s,
    }
}

fn from_prove(r: &prove::ProveReport, log_constraints: u32) -> BenchEntry {
    BenchEntry {
        job: "groth16 chain".to_string(),
        log_size: log_constraints,
        backend: r.backend,
        cycle_accurate: r.backend == Backend::Verilator,
        verified: r.verified && r.identical_to_arkworks && r.wrong_input_rejected,
        device_cycles: r.profile.device_cycles,
        efficiency: 0.0,
        // The proof's time split along its critical path (host steps under
        // device jobs take none of it); the bus is inside the device spans.
        glue_s: r.timing.critical_host_s,
        transfer_s: r.timing.critical_transfer_s,
        bus_s: 0.0,
        device_s: r.timing.critical_device_s,
        end_to_end_s: r.timing.end_to_end_s,
        glue_share: r.timing.glue_share,
        load_bases_s: r.load_key_s,
        arkworks_s: r.timing.arkworks_s,
        speedup_vs_arkworks: r.timing.speedup_vs_arkworks,
        sim_s: r.sim_s,
    }
}

fn from_ntt(r: &ntt::NttReport) -> BenchEntry {
    BenchEntry {
        job: "ntt".to_string(),
        log_size: r.log_size,
        backend: r.backend,
        cycle_accurate: r.backend == Backend::Verilator,
        verified: r.verified,
        device_cycles: r.device_cycles,
        efficiency: r.efficiency,
        glue_s: r.glue_s,
        transfer_s: r.transfer_s,
        bus_s: r.projected_bus_s,
        device_s: r.projected_device_s,
        end_to_end_s: r.end_to_end_s,
        glue_share: r.glue_share,
        load_bases_s: 0.0,
        arkworks_s: r.arkworks_s,
        speedup_vs_arkworks: r.speedup_vs_arkworks,
        sim_s: r.sim_s,
    }
}

/// Redraws the plots of a bench.json.
fn replot(json: &std::path::Path, out: &std::path::Path) -> Result<bool, String> {
    #[derive(Deserialize)]
    struct Saved {
        clock_mhz: f64,
        verified: bool,
        entries: Vec<BenchEntry>,
    }
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    let saved: Saved = serde_json::from_str(&text).map_err(|e| format!("{}: not a bench.json: {e}", json.display()))?;
    std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let (speedup, split, absolute) = (out.join("speedup.svg"), out.join("time_split.svg"), out.join("absolute.svg"));
    plot::speedup_svg(&saved.entries, &speedup, saved.clock_mhz).map_err(|e| format!("{}: {e}", speedup.display()))?;
    plot::time_split_svg(&saved.entries, &split).map_err(|e| format!("{}: {e}", split.display()))?;
    let anchors = compare_anchors(&saved.entries, &anchors::published());
    plot::absolute_svg(&saved.entries, &anchors, &absolute, saved.clock_mhz).map_err(|e| format!("{}: {e}", absolute.display()))?;
    println!("wrote {}, {}, {}", speedup.display(), split.display(), absolute.display());
    Ok(saved.verified)
}

pub fn run(a: &BenchArgs) -> Result<bool, String> {
    if let Some(json) = &a.replot {
        return replot(json, &a.out);
    }
    let t0 = Instant::now();
    let seed = a.seed.unwrap_or_else(rand::random);
    let a = BenchArgs { seed: Some(seed), out: a.out.clone(), replot: None, ..*a };
    let (max_v, max_log) = a.limits();
    let sizes: Vec<u32> = (MIN_LOG..=max_log).step_by(LOG_STEP).collect();
    if !a.json {
        println!(
            "zkcopro bench: sizes 2^{MIN_LOG}..2^{max_log} (Verilator up to 2^{max_v}, the functional model beyond), seed {seed}, clock {} MHz, card memory {}",
            a.clock_mhz,
            zkcopro_host::CardMemConfig::of(a.card_mem).describe()
        );
        println!(
            "{:<14} {:>5} {:>9} {:>8} {:>12} {:>12} {:>9} {:>6} {:>8}",
            "job", "size", "backend", "verified", "e2e µs", "arkworks µs", "speed-up", "glue", "sim s"
        );
    }
    let mut entries = Vec::new();
    let show = |e: &BenchEntry| {
        if !a.json {
            println!(
                "{:<14} {:>5} {:>9} {:>8} {:>12.1} {:>12.1} {:>8.2}x {:>5.1}% {:>8.2}",
                e.job,
                format!("2^{}", e.log_size),
                format!("{:?}", e.backend).to_lowercase(),
                if e.verified { "yes" } else { "NO" },
                e.end_to_end_s * 1e6,
                e.arkworks_s * 1e6,
                e.speedup_vs_arkworks,
                100.0 * e.glue_share,
                e.sim_s
            );
        }
    };
    for (job, kind) in [("msm uniform", ScalarKind::Uniform), ("msm witness", ScalarKind::Witness)] {
        for &k in &sizes {
            let e = from_msm(job, &msm::measure(&a.msm_args(k, kind), true).map_err(|e| format!("msm 2^{k}: {e}"))?);
            show(&e);
            entries.push(e);
        }
    }
    for &k in &sizes {
        let e = from_ntt(&ntt::measure(&a.ntt_args(k), true).map_err(|e| format!("ntt 2^{k}: {e}"))?);
        show(&e);
        entries.push(e);
    }
    for k in a.prove_sizes() {
        let e = from_prove(&prove::measure(&a.prove_args(k), true).map_err(|e| format!("prove 2^{k}: {e}"))?, k);
        show(&e);
        entries.push(e);
    }
    let verified = entries.iter().all(|e| e.verified);
    std::fs::create_dir_all(&a.out).map_err(|e| format!("creating {}: {e}", a.out.display()))?;
    let speedup = a.out.join("speedup.svg");
    let split = a.out.join("time_split.svg");
    let absolute = a.out.join("absolute.svg");
    let json_path = a.out.join("bench.json");
    plot::speedup_svg(&entries, &speedup, a.clock_mhz).map_err(|e| format!("{}: {e}", speedup.display()))?;
    plot::time_split_svg(&entries, &split).map_err(|e| format!("{}: {e}", split.display()))?;
    let anchors = compare_anchors(&entries, &anchors::published());
    plot::absolute_svg(&entries, &anchors, &absolute, a.clock_mhz).map_err(|e| format!("{}: {e}", absolute.display()))?;
    let report = BenchReport {
        seed,
        clock_mhz: a.clock_mhz,
        card_mem: zkcopro_host::CardMemConfig::of(a.card_mem),
        multiplier: zkcopro_sim::SIM_MUL,
        quick: a.quick,
        max_verilator_log: max_v,
        max_log,
        verified,
        run_s: t0.elapsed().as_secs_f64(),
        entries,
        anchors,
        files: vec![json_path.clone(), speedup, split, absolute],
    };
    let text = serde_json::to_string_pretty(&report).expect("serialize");
    std::fs::write(&json_path, &text).map_err(|e| format!("{}: {e}", json_path.display()))?;
    if a.json {
        println!("{text}");
    } else {
        print_anchors(&report.anchors);
        println!("\nwrote {}", report.files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", "));
        println!(
            "{} in {:.0} s; {}",
            if a.quick { "quick bench" } else { "bench" },
            report.run_s,
            if verified { "every result matches arkworks" } else { "MISMATCH against arkworks" }
        );
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(job: &str, log_size: u32, end_to_end_s: f64) -> BenchEntry {
        BenchEntry {
            job: job.into(),
            log_size,
            backend: Backend::Model,
            cycle_accurate: false,
            verified: true,
            device_cycles: 1,
            efficiency: 1.0,
            glue_s: 0.0,
            transfer_s: 0.0,
            bus_s: 0.0,
            device_s: end_to_end_s,
            end_to_end_s,
            glue_share: 0.0,
            load_bases_s: 0.0,
            arkworks_s: 1.0,
            speedup_vs_arkworks: 1.0 / end_to_end_s,
            sim_s: 0.0,
        }
    }

    #[test]
    fn anchors_meet_the_same_job_and_size_only() {
        let anchors = anchors::parse(anchors::ANCHORS_TOML).unwrap();
        let entries = [entry("msm uniform", 20, 0.04), entry("msm witness", 20, 0.001), entry("ntt", 20, 0.006)];
        let rows = compare_anchors(&entries, &anchors);
        assert_eq!(rows.len(), anchors.len());
        for r in &rows {
            let a = &r.anchor;
            match (a.job.as_str(), a.log_size) {
                ("msm", 20) => {
                    // The uniform MSM, never the witness one.
                    assert_eq!(r.zkcopro_end_to_end_s, Some(0.04));
                    assert!((r.zkcopro_speedup.unwrap() - a.time_s / 0.04).abs() < 1e-12);
                }
                ("ntt", 20) => assert!((r.zkcopro_speedup.unwrap() - a.time_s / 0.006).abs() < 1e-12),
                _ => assert!(r.zkcopro_end_to_end_s.is_none() && r.zkcopro_speedup.is_none(), "{}", a.name),
            }
        }
        // Another curve at a size the run has: the time is shown, no ratio.
        let other = anchors.iter().find(|a| !a.same_curve()).unwrap();
        let rows = compare_anchors(&[entry("msm uniform", other.log_size, 1.0)], std::slice::from_ref(other));
        assert_eq!(rows[0].zkcopro_end_to_end_s, Some(1.0));
        assert!(rows[0].zkcopro_speedup.is_none());
    }
}
