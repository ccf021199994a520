//! `zkcopro msm`: one MSM on the device (bases resident in card memory by
//! default) against arkworks in the same run.

use crate::args::{RunArgs, best_of, check_host_memory, emit};
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use zkcopro_host::{Backend, DriverError};

/// Largest `msm --log-size`.
pub const MSM_MAX_LOG: u32 = 20;

#[derive(clap::Args, Clone)]
pub struct MsmArgs {
    /// log2 of the number of points (0 <= K <= 20).
    #[arg(long, default_value_t = 12)]
    pub log_size: u32,
    /// Window width c in bits (default: the fewest estimated cycles).
    #[arg(long)]
    pub window: Option<usize>,
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
        if self.log_size > MSM_MAX_LOG {
            return Err(format!("--log-size {} is above {MSM_MAX_LOG}", self.log_size));
        }
        if let Some(c) = self.window {
            zkcopro_host::msm::window_shape(c).map_err(|e| format!("--window {c}: {e}"))?;
        }
        check_host_memory(&format!("msm --log-size {}", self.log_size), HOST_BYTES_PER_POINT << self.log_size)?;
        self.run.check()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScalarKind {
    Uniform,
    Equal,
    Ones,
    Small,
    Witness,
}

/// Full-size scalars in a `witness` input (the rest are 0 or 1).
const WITNESS_FULL_SIZE: usize = 32;

pub fn msm_input(rng: &mut ChaCha8Rng, n: usize, kind: ScalarKind) -> (Vec<ark_bn254::G1Affine>, Vec<ark_bn254::Fr>) {
    use ark_bn254::Fr;
    use rand::Rng;
    let points = zkcopro_host::msm::random_points(rng, n);
    let equal = Fr::rand(rng);
    let mut scalars: Vec<Fr> = (0..n)
        .map(|_| match kind {
            ScalarKind::Uniform => Fr::rand(rng),
            ScalarKind::Equal => equal,
            ScalarKind::Ones => Fr::from(1u64),
            ScalarKind::Small => Fr::from(rng.gen_range(1u64..1 << 16)),
            ScalarKind::Witness => Fr::from(rng.gen_bool(0.43) as u64),
        })
        .collect();
    if kind == ScalarKind::Witness {
        for _ in 0..WITNESS_FULL_SIZE.min(n) {
            let i = rng.gen_range(0..n);
            scalars[i] = Fr::rand(rng);
        }
    }
    (points, scalars)
}


#[derive(Serialize, Clone)]
pub struct MsmReport {
    pub log_size: u32,
    pub n: usize,
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
    let n = 1usize << log_size;
    let multiplier = a.run.multiplier();
    if !json {
        println!("zkcopro msm: n = 2^{log_size} points, {kind:?} scalars, backend {backend:?} (multiplier: {multiplier}), seed {seed}");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (points, scalars) = msm_input(&mut rng, n, kind);
    let mut dev = a.run.open()?;
    let spinner = crate::args::spinner(json, "simulating the coprocessor (accumulate, reduce, unload)");
    let config = zkcopro_host::MsmConfig { window_bits: window };
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
    let verified = got.into_affine() == want.into_affine();
    let j = &p.job;
    let r = MsmReport {
        log_size,
        n,
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
        "card memory: {} bursts, {} bytes read, {:.1}% of the port's bandwidth, {} cycles waiting on memory",
        r.mem_reads,
        r.mem_bytes,
        100.0 * r.mem_bandwidth_use,
        r.mem_stall_cycles
    );
    println!(
        "device: {} busy cycles = accumulate {} + reduce {} + combine {} + unload {}{}",
        r.device_cycles,
        r.accumulate_cycles,
        r.reduce_cycles,
        r.combine_cycles,
        r.unload_cycles,
        if r.cycle_accurate { "" } else { " [modelled cycles]" }
    );
    println!(
        "  additions {} (accumulate {}, reduce {}); efficiency {:.3} additions/cycle while accumulating; {} idle cycles, {} conflict merges",
        r.additions, r.accumulate_additions, r.reduce_additions, r.efficiency, r.idle_cycles, r.conflicts
    );
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
