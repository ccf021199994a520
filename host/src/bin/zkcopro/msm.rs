//! `zkcopro msm`: one MSM on the device (bases resident in card memory by
//! default) against arkworks in the same run.

use crate::args::{RunArgs, best_of, check_host_memory, emit};
use serde::Serialize;
use zkcopro_host::msm_input::{PointHex, ScalarKind, Shard, shard_input};
use zkcopro_host::{Backend, CardMemConfig, DriverError};

/// Largest MSM one run holds: `--log-size`, or the shard's size with `--shard`.
pub const MSM_MAX_LOG: u32 = 20;

/// Largest `--log-size` of a sharded input (2^30 points in 2^10 or more shards).
pub const MSM_MAX_SHARDED_LOG: u32 = 30;

#[derive(clap::Args, Clone)]
pub struct MsmArgs {
    /// log2 of the number of points (0 <= K <= 20; with --shard, of the whole input).
    #[arg(long, default_value_t = 12)]
    pub log_size: u32,
    /// Run shard I of S of the input (like one of S cards each holding a
    /// slice of the bases): 2^K / S points, chunk I of the seeded input;
    /// the report carries the shard's result point for the combine.
    #[arg(long, value_name = "I/S")]
    pub shard: Option<String>,
    /// Window width c in bits (default: the fewest estimated cycles).
    #[arg(long)]
    pub window: Option<usize>,
    /// Engine 1's first window: the device's two MSM engines split the
    /// windows, engine 0 taking 0..S and engine 1 S..W; 0 runs engine 0
    /// alone (default: the fewest estimated cycles).
    #[arg(long, value_name = "S")]
    pub split: Option<usize>,
    /// Scalar distribution: uniform in Fr, all equal, all one, small (< 2^16),
    /// or witness-like (57% zero, 43% one, 32 full-size values).
    #[arg(long, value_enum, default_value_t = ScalarKind::Uniform)]
    pub scalars: ScalarKind,
    /// One-off call: load the bases as part of the MSM (default: bases
    /// resident, loaded once beforehand and reported apart).
    #[arg(long)]
    pub one_off: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Host bytes per point a run holds at once: affine points, scalars, the
/// packed bases, arkworks' buckets and the model's copy (estimate).
const HOST_BYTES_PER_POINT: u64 = 512;

impl MsmArgs {
    pub fn check(&self) -> Result<(), String> {
        let shard = self.shard()?;
        let run_log = self.log_size - shard.count.trailing_zeros();
        if run_log > MSM_MAX_LOG {
            return Err(match self.shard {
                Some(_) => format!("a shard of 2^{run_log} points is above 2^{MSM_MAX_LOG}; use more shards"),
                None => format!("--log-size {} is above {MSM_MAX_LOG}", self.log_size),
            });
        }
        if let Some(c) = self.window {
            let windows = zkcopro_host::msm::window_shape(c).map_err(|e| format!("--window {c}: {e}"))?;
            if let Some(split) = self.split {
                zkcopro_host::msm::check_split(c, windows, split).map_err(|e| format!("--split {split}: {e}"))?;
            }
        }
        check_host_memory(&format!("msm of 2^{run_log} points"), HOST_BYTES_PER_POINT << run_log)?;
        self.run.check()
    }

    /// The shard this run computes (the whole input without --shard).
    pub fn shard(&self) -> Result<Shard, String> {
        if self.log_size > MSM_MAX_SHARDED_LOG {
            return Err(format!("--log-size {} is above {MSM_MAX_SHARDED_LOG}", self.log_size));
        }
        match &self.shard {
            None => Ok(Shard::WHOLE),
            Some(text) => Shard::parse(text, self.log_size).map_err(|e| format!("--shard {e}")),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct MsmReport {
    /// log2 of the whole input's size (of all shards together).
    pub log_size: u32,
    /// Points this run computed (the shard's with --shard).
    pub n: usize,
    pub shard_index: u32,
    pub shard_count: u32,
    /// The MSM's value as the device computed it (affine, hex; null for
    /// infinity): what the shards' combine adds up.
    pub result: Option<PointHex>,
    pub scalars: ScalarKind,
    pub backend: Backend,
    pub multiplier: &'static str,
    pub seed: u64,
    pub verified: bool,
    pub window_bits: u64,
    pub windows: u64,
    pub device_cycles: u64,
    pub bus_cycles: u64,
    pub accumulate_cycles: u64,
    pub reduce_cycles: u64,
    pub combine_cycles: u64,
    pub unload_cycles: u64,
    pub additions: u64,
    pub accumulate_additions: u64,
    pub reduce_additions: u64,
    pub points_read: u64,
    pub bound: u64,
    pub conflicts: u64,
    pub idle_cycles: u64,
    pub efficiency: f64,
    /// Engine 1's first window (0: one engine ran the job).
    pub split: u64,
    /// Each MSM engine's windows and counters.
    pub engines: Vec<zkcopro_host::msm::MsmEngineProfile>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub mem_reads: u64,
    pub mem_beats: u64,
    pub mem_bytes: u64,
    pub mem_stall_cycles: u64,
    pub mem_bandwidth_use: f64,
    pub resident_bases: bool,
    pub load_bases_s: f64,
    pub load_bases_transfer_s: f64,
    pub transfer_s: f64,
    pub projected_device_s: f64,
    pub projected_bus_s: f64,
    pub glue_s: f64,
    pub glue_validate_s: f64,
    pub glue_pack_s: f64,
    pub glue_combine_s: f64,
    pub end_to_end_s: f64,
    pub glue_share: f64,
    pub arkworks_s: f64,
    pub speedup_vs_arkworks: f64,
    pub sim_s: f64,
    pub sim_cycles_per_s: f64,
    pub cycle_accurate: bool,
    /// The card memory simulated (`--card-mem` and the memory flags).
    pub card_mem: CardMemConfig,
}

pub fn run(a: &MsmArgs) -> Result<bool, DriverError> {
    let r = measure(a, a.run.json)?;
    emit(&r, a.run.json, |r| print(r, a.run.clock_mhz));
    Ok(r.verified)
}

/// Runs the MSM on the device and in arkworks; `quiet` hides the header and spinner.
pub fn measure(a: &MsmArgs, quiet: bool) -> Result<MsmReport, DriverError> {
    use ark_bn254::G1Projective;
    use ark_ec::{CurveGroup, VariableBaseMSM};
    let (log_size, window, kind, one_off) = (a.log_size, a.window, a.scalars, a.one_off);
    let (backend, json) = (a.run.backend, quiet);
    let seed = a.run.seed();
    let shard = a.shard().expect("arguments checked before the run");
    let n = shard.len(log_size);
    let multiplier = a.run.multiplier();
    if !json {
        let part = if shard.count > 1 { format!(" (shard {} of {} of 2^{log_size})", shard.index, shard.count) } else { String::new() };
        println!("zkcopro msm: n = {n} points{part}, {kind:?} scalars, backend {backend:?} (multiplier: {multiplier}), seed {seed}");
    }
    let (points, scalars) = shard_input(seed, log_size, kind, shard);
    let mut dev = a.run.open()?;
    let spinner = crate::args::spinner(json, "simulating the coprocessor (accumulate, reduce, unload)");
    let config = zkcopro_host::MsmConfig { window_bits: window, split: a.split, ..Default::default() };
    // Resident bases: loaded once (reported apart), then only scalars move.
    let (got, p, load) = if one_off {
        let (got, p) = dev.msm_with(&points, &scalars, &config)?;
        (got, p, None)
    } else {
        let (bases, load) = dev.load_bases(&points)?;
        let (got, p) = dev.msm_resident_with(&bases, &scalars, &config)?;
        dev.free_bases(bases)?;
        (got, p, Some(load))
    };
    spinner.finish_and_clear();
    // arkworks at its best: release build, `parallel` feature, all cores;
    // best of three timed runs after a warm-up.
    let (want, arkworks_s) = best_of(3, || G1Projective::msm(&points, &scalars).expect("equal lengths"));
    let got = got.into_affine();
    let verified = got == want.into_affine();
    let j = &p.job;
    let r = MsmReport {
        log_size,
        n,
        shard_index: shard.index,
        shard_count: shard.count,
        result: PointHex::from_point(&got),
        scalars: kind,
        backend,
        multiplier,
        seed,
        verified,
        window_bits: p.window_bits,
        windows: p.windows,
        device_cycles: j.device_cycles,
        bus_cycles: j.bus_cycles,
        accumulate_cycles: p.accumulate_cycles,
        reduce_cycles: p.reduce_cycles,
        combine_cycles: p.combine_cycles,
        unload_cycles: p.unload_cycles,
        additions: p.additions,
        accumulate_additions: p.accumulate_additions,
        reduce_additions: p.reduce_additions,
        points_read: p.points_sent,
        bound: p.bound,
        conflicts: p.conflicts,
        idle_cycles: p.idle_cycles,
        efficiency: p.efficiency,
        split: p.split,
        engines: p.engines.clone(),
        bytes_in: j.bytes_in,
        bytes_out: j.bytes_out,
        mem_reads: j.mem_reads,
        mem_beats: j.mem_beats,
        mem_bytes: j.mem_bytes,
        mem_stall_cycles: j.mem_stall_cycles,
        mem_bandwidth_use: j.mem_bandwidth_use,
        resident_bases: !one_off,
        load_bases_s: load.as_ref().map_or(p.load_bases_s, |l| l.total_s),
        load_bases_transfer_s: load.as_ref().map_or(0.0, |l| l.transfer.transfer_s),
        transfer_s: j.transfer_s,
        projected_device_s: j.projected_device_s,
        projected_bus_s: j.projected_bus_s,
        glue_s: j.glue_s,
        glue_validate_s: p.validate_s,
        glue_pack_s: p.pack_s,
        glue_combine_s: p.combine_s,
        end_to_end_s: j.end_to_end_s,
        glue_share: j.glue_share,
        arkworks_s,
        speedup_vs_arkworks: arkworks_s / j.end_to_end_s.max(f64::MIN_POSITIVE),
        sim_s: j.sim_s,
        sim_cycles_per_s: j.sim_cycles_per_s,
        cycle_accurate: j.cycle_accurate,
        card_mem: a.run.mem_config(),
    };
    Ok(r)
}


fn print(r: &MsmReport, clock_mhz: f64) {
    let us = |s: f64| s * 1e6;
    println!(
        "bases: {} ({:.1} µs once: validate, pack, copy to card{}); window c = {} bits, {} windows; {} bases read (nonzero scalars), bound N x W = {}",
        if r.resident_bases { "resident in card memory" } else { "loaded by this call (--one-off)" },
        us(r.load_bases_s),
        if r.resident_bases { ", not in the time below" } else { ", not in the time below either" },
        r.window_bits,
        r.windows,
        r.points_read,
        r.bound
    );
    println!(
        "card memory ({}): {} bursts, {} bytes read, {:.1}% of the port's bandwidth, {} cycles waiting on memory",
        r.card_mem.describe(),
        r.mem_reads,
        r.mem_bytes,
        100.0 * r.mem_bandwidth_use,
        r.mem_stall_cycles
    );
    println!(
        "device: {} busy cycles = accumulate {} + reduce {} + combine {} + unload {}{}{}",
        r.device_cycles,
        r.accumulate_cycles,
        r.reduce_cycles,
        r.combine_cycles,
        r.unload_cycles,
        if r.engines.len() > 1 { " (phases of the engine that finished last)" } else { "" },
        if r.cycle_accurate { "" } else { " [modelled cycles]" }
    );
    println!(
        "  additions {} (accumulate {}, reduce {}); efficiency {:.3} additions/cycle while accumulating; {} idle cycles, {} conflict merges",
        r.additions, r.accumulate_additions, r.reduce_additions, r.efficiency, r.idle_cycles, r.conflicts
    );
    if r.engines.len() > 1 {
        for (i, e) in r.engines.iter().enumerate() {
            println!(
                "  engine {i} (windows {}..{}): accumulate {} + reduce {} + combine {} cycles; additions {} + {}; efficiency {:.3}; {} conflict merges",
                e.first_window,
                e.end_window,
                e.accumulate_cycles,
                e.reduce_cycles,
                e.combine_cycles,
                e.accumulate_additions,
                e.reduce_additions,
                e.efficiency,
                e.conflicts
            );
        }
    }
    println!(
        "time at {clock_mhz} MHz: glue {:.1} µs (checks {:.1}, scalar stream {:.1}, result {:.1}) + transfer {:.1} µs + bus {:.1} µs + device {:.1} µs = {:.1} µs end to end (glue {:.1}%)",
        us(r.glue_s),
        us(r.glue_validate_s),
        us(r.glue_pack_s),
        us(r.glue_combine_s),
        us(r.transfer_s),
        us(r.projected_bus_s),
        us(r.projected_device_s),
        us(r.end_to_end_s),
        100.0 * r.glue_share
    );
    println!("arkworks (G1Projective::msm, release, parallel): {:.1} µs -> speed-up {:.2}x", us(r.arkworks_s), r.speedup_vs_arkworks);
    println!("simulation: {:.2} s ({:.0} cycles/s)", r.sim_s, r.sim_cycles_per_s);
    println!("Result: {}", if r.verified { "matches arkworks" } else { "MISMATCH against arkworks" });
}
