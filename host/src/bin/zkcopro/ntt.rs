//! `zkcopro ntt`: one transform on the device against ark-poly in the same run.

use crate::args::{RunArgs, best_of, check_transform_log, emit, spinner, warm_host};
use ark_ff::UniformRand;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use zkcopro_host::{Backend, CardMemConfig, Direction, DriverError};

#[derive(clap::Args, Clone)]
pub struct NttArgs {
    /// log2 of the transform size (1 <= K <= 28): up to 2^12 one job on chip, to 2^22
    /// four-step on the card, above that three passes on the card.
    #[arg(long, default_value_t = 12)]
    pub log_size: u32,
    /// Inverse transform (scaled by 1/n).
    #[arg(long)]
    pub inverse: bool,
    /// Coset transform over GENERATOR * <w>.
    #[arg(long)]
    pub coset: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Host bytes per element a run holds at once: the input, the device's copy
/// and its scratch buffer, arkworks' copy, the driver's staging and the
/// domain's twiddles (estimate).
const HOST_BYTES_PER_ELEMENT: u64 = 9 * 32;

impl NttArgs {
    pub fn check(&self) -> Result<(), String> {
        check_transform_log("ntt", self.log_size, HOST_BYTES_PER_ELEMENT)?;
        self.run.check()
    }
}

#[derive(Serialize, Clone)]
pub struct NttReport {
    pub log_size: u32,
    pub n: usize,
    pub direction: Direction,
    pub coset: bool,
    pub backend: Backend,
    pub multiplier: &'static str,
    pub seed: u64,
    pub verified: bool,
    pub device_cycles: u64,
    pub bus_cycles: u64,
    pub butterflies: u64,
    pub drain_cycles: u64,
    pub efficiency: f64,
    pub butterflies_per_busy_cycle: f64,
    /// Butterflies per busy cycle per unit over the whole transform (every
    /// pass, load, unload and memory stall).
    pub transform_efficiency: f64,
    /// Whether the whole transform ran on the card (else the host four-step).
    pub on_card: bool,
    /// Card-memory traffic of the device: bytes read and written.
    pub mem_read_bytes: u64,
    pub mem_write_bytes: u64,
    /// Cycles the engine waited for points from card memory.
    pub mem_stall_cycles: u64,
    pub device_jobs: u64,
    pub projected_device_s: f64,
    pub projected_bus_s: f64,
    pub glue_s: f64,
    pub transfer_s: f64,
    pub end_to_end_s: f64,
    pub glue_share: f64,
    pub arkworks_s: f64,
    pub speedup_vs_arkworks: f64,
    pub sim_s: f64,
    pub sim_cycles_per_s: f64,
    /// The card memory simulated (`--card-mem` and the memory flags).
    pub card_mem: CardMemConfig,
}

pub fn run(a: &NttArgs) -> Result<bool, DriverError> {
    let r = measure(a, a.run.json)?;
    emit(&r, a.run.json, |r| print(r, a.run.clock_mhz));
    Ok(r.verified)
}

/// Runs the transform on the device and in ark-poly; `quiet` hides the header and spinner.
pub fn measure(a: &NttArgs, quiet: bool) -> Result<NttReport, DriverError> {
    use ark_ff::FftField;
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    let (log_size, inverse, coset) = (a.log_size, a.inverse, a.coset);
    let (backend, json) = (a.run.backend, quiet);
    let seed = a.run.seed();
    let n = 1usize.checked_shl(log_size).unwrap_or(0);
    let direction = if inverse { Direction::Inverse } else { Direction::Forward };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let input: Vec<ark_bn254::Fr> = (0..n).map(|_| ark_bn254::Fr::rand(&mut rng)).collect();
    let multiplier = a.run.multiplier();
    if !json {
        println!("zkcopro ntt: n = 2^{log_size}, {direction:?}{}, backend {backend:?} (multiplier: {multiplier}), seed {seed}", if coset { " coset" } else { "" });
    }
    let mut dev = a.run.open()?;
    warm_host(&mut dev, n * 32);
    let spinner = spinner(json, "simulating the coprocessor");
    let mut data = input.clone();
    let offset = ark_bn254::Fr::GENERATOR;
    let profile = if coset { dev.coset_ntt(&mut data, offset, direction)? } else { dev.ntt(&mut data, direction)? };
    spinner.finish_and_clear();
    // arkworks at its best: release build, `parallel` feature, all cores.
    let domain = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).expect("size checked by the driver");
    let domain = if coset { domain.get_coset(offset).expect("nonzero offset") } else { domain };
    let (reference, arkworks_s) = best_of(3, || {
        let mut v = input.clone();
        match direction {
            Direction::Forward => domain.fft_in_place(&mut v),
            Direction::Inverse => domain.ifft_in_place(&mut v),
        }
        v
    });
    let verified = reference == data;
    let r = NttReport {
        log_size,
        n,
        direction,
        coset,
        backend,
        multiplier,
        seed,
        verified,
        device_cycles: profile.device_cycles,
        bus_cycles: profile.bus_cycles,
        butterflies: profile.ops,
        drain_cycles: profile.drain_cycles,
        efficiency: profile.efficiency,
        butterflies_per_busy_cycle: profile.ops as f64 / profile.device_cycles.max(1) as f64,
        transform_efficiency: profile.transform_efficiency,
        on_card: log_size <= zkcopro_host::ntt::NTT_LOG_MAX_CARD,
        mem_read_bytes: profile.mem_bytes,
        mem_write_bytes: profile.mem_write_bytes,
        mem_stall_cycles: profile.in_stall_cycles,
        device_jobs: profile.jobs,
        projected_device_s: profile.projected_device_s,
        projected_bus_s: profile.projected_bus_s,
        glue_s: profile.glue_s,
        transfer_s: profile.transfer_s,
        end_to_end_s: profile.end_to_end_s,
        glue_share: profile.glue_share,
        arkworks_s,
        speedup_vs_arkworks: arkworks_s / profile.end_to_end_s.max(f64::MIN_POSITIVE),
        sim_s: profile.sim_s,
        sim_cycles_per_s: profile.sim_cycles_per_s,
        card_mem: a.run.mem_config(),
    };
    Ok(r)
}

fn print(r: &NttReport, clock_mhz: f64) {
    let us = |s: f64| s * 1e6;
    println!("device: {} busy cycles in {} job(s), {} butterflies, {} drain cycles", r.device_cycles, r.device_jobs, r.butterflies, r.drain_cycles);
    println!(
        "  efficiency per unit: {:.3} butterflies/cycle while transforming, {:.3} over the whole transform (loads, unloads, passes)",
        r.efficiency, r.transform_efficiency
    );
    println!(
        "  {}; card memory ({}): {:.1} MB read, {:.1} MB written, {} cycles waiting for points",
        if r.on_card { "whole transform on the card" } else { "not on the card" },
        r.card_mem.describe(),
        r.mem_read_bytes as f64 / 1e6,
        r.mem_write_bytes as f64 / 1e6,
        r.mem_stall_cycles
    );
    println!(
        "time at {clock_mhz} MHz: glue {:.1} µs + transfer {:.1} µs + bus {:.1} µs + device {:.1} µs = {:.1} µs end to end (glue {:.0}%)",
        us(r.glue_s), us(r.transfer_s), us(r.projected_bus_s), us(r.projected_device_s), us(r.end_to_end_s), 100.0 * r.glue_share
    );
    println!("arkworks (ark-poly, release, parallel): {:.1} µs -> speed-up {:.2}x", us(r.arkworks_s), r.speedup_vs_arkworks);
    println!("simulation: {:.2} s ({:.0} cycles/s)", r.sim_s, r.sim_cycles_per_s);
    println!("Result: {}", if r.verified { "matches ark-poly bit for bit" } else { "MISMATCH against ark-poly" });
}
