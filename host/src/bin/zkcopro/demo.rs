//! `zkcopro demo`: the main job. Field-ALU batches, an NTT pair and an MSM,
//! each verified against arkworks, with the time split.

use crate::args::{RunArgs, TraceArgs};
use zkcopro_host::msm_input::{ScalarKind, msm_input};
use crate::prove::{self, CircuitKind, ProveArgs};
use ark_ff::UniformRand;
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use zkcopro_host::{Backend, Bus, Coprocessor, DeviceField, Direction, DriverError, FieldOp, JobProfile};

/// Largest `demo --count` (the MSM's and the field jobs' size).
pub const DEMO_MAX_COUNT: usize = 1 << 20;

#[derive(clap::Args)]
pub struct DemoArgs {
    /// Operations per job (one job per operation and field).
    #[arg(long, default_value_t = 4096)]
    count: usize,
    #[command(flatten)]
    run: RunArgs,
}

impl DemoArgs {
    pub fn check(&self) -> Result<(), String> {
        if !(1..=DEMO_MAX_COUNT).contains(&self.count) {
            return Err(format!("--count {} is outside 1..={DEMO_MAX_COUNT}", self.count));
        }
        self.run.check()
    }
}

#[derive(Serialize)]
struct JobReport {
    op: &'static str,
    field: &'static str,
    count: usize,
    verified: bool,
    mismatches: usize,
    profile: JobProfile,
}

#[derive(Serialize)]
struct DemoReport {
    backend: Backend,
    multiplier: &'static str,
    seed: u64,
    clock_hz: f64,
    verified: bool,
    device_cycles: u64,
    bus_cycles: u64,
    sim_cycles_per_s: f64,
    projected_device_s: f64,
    projected_bus_s: f64,
    glue_s: f64,
    /// Host<->card copies inside the jobs (the MSM bases' one-time load is `load_bases_s`).
    transfer_s: f64,
    end_to_end_s: f64,
    glue_share: f64,
    /// One-time load of the MSM bases into card memory, outside end_to_end_s.
    load_bases_s: f64,
    arkworks_s: f64,
    speedup_vs_arkworks: f64,
    jobs: Vec<JobReport>,
    /// The closing Groth16 proof (its own end-to-end time, not in the totals above).
    proof: ProofSummary,
}

fn run_field<F: DeviceField + UniformRand>(
    dev: &mut Coprocessor<Box<dyn Bus + Send>>,
    rng: &mut ChaCha8Rng,
    count: usize,
    bar: &ProgressBar,
    reports: &mut Vec<JobReport>,
    arkworks_s: &mut f64,
) -> Result<(), DriverError> {
    let a: Vec<F> = (0..count).map(|_| F::rand(rng)).collect();
    let b: Vec<F> = (0..count).map(|_| F::rand(rng)).collect();
    for op in FieldOp::ALL {
        bar.set_message(format!("{} {}", F::FIELD.name(), op.name()));
        let (got, profile) = dev.field_op(op, &a, &b)?;
        let t0 = std::time::Instant::now();
        let want: Vec<F> = a
            .iter()
            .zip(&b)
            .map(|(x, y)| match op {
                FieldOp::Add => *x + y,
                FieldOp::Sub => *x - y,
                FieldOp::Mul => *x * y,
            })
            .collect();
        *arkworks_s += t0.elapsed().as_secs_f64();
        let mismatches = got.iter().zip(&want).filter(|(g, w)| g != w).count() + want.len().abs_diff(got.len());
        reports.push(JobReport {
            op: op.name(),
            field: F::FIELD.name(),
            count,
            verified: mismatches == 0,
            mismatches,
            profile,
        });
        bar.inc(1);
    }
    Ok(())
}

/// A forward and an inverse NTT of the largest power of two <= count.
fn run_ntt_pair(
    dev: &mut Coprocessor<Box<dyn Bus + Send>>,
    rng: &mut ChaCha8Rng,
    count: usize,
    bar: &ProgressBar,
    reports: &mut Vec<JobReport>,
    arkworks_s: &mut f64,
) -> Result<(), DriverError> {
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    let n = 1usize << (usize::BITS - 1 - count.leading_zeros()).min(zkcopro_host::ntt::NTT_LOG_MAX_TOTAL);
    let domain = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).expect("power of two");
    let input: Vec<ark_bn254::Fr> = (0..n).map(|_| ark_bn254::Fr::rand(rng)).collect();
    for (name, dir) in [("ntt", Direction::Forward), ("intt", Direction::Inverse)] {
        bar.set_message(format!("fr {name}"));
        let mut data = input.clone();
        let profile = dev.ntt(&mut data, dir)?;
        let t0 = std::time::Instant::now();
        let want = match dir {
            Direction::Forward => domain.fft(&input),
            Direction::Inverse => domain.ifft(&input),
        };
        *arkworks_s += t0.elapsed().as_secs_f64();
        let mismatches = data.iter().zip(&want).filter(|(g, w)| g != w).count();
        reports.push(JobReport { op: name, field: "fr", count: n, verified: mismatches == 0, mismatches, profile });
        bar.inc(1);
    }
    Ok(())
}

/// An MSM of `count` random points with uniform scalars.
fn run_msm_job(
    dev: &mut Coprocessor<Box<dyn Bus + Send>>,
    rng: &mut ChaCha8Rng,
    count: usize,
    bar: &ProgressBar,
    reports: &mut Vec<JobReport>,
    arkworks_s: &mut f64,
    load_bases_s: &mut f64,
) -> Result<(), DriverError> {
    use ark_ec::{CurveGroup, VariableBaseMSM};
    bar.set_message("g1 msm");
    let (points, scalars) = msm_input(rng, count, ScalarKind::Uniform);
    // Bases resident, as a proving key's are: loaded once, reported apart.
    let (bases, load) = dev.load_bases(&points)?;
    let (got, p) = dev.msm_resident_with(&bases, &scalars, &zkcopro_host::MsmConfig::default())?;
    dev.free_bases(bases)?;
    *load_bases_s += load.total_s;
    let t0 = std::time::Instant::now();
    let want = ark_bn254::G1Projective::msm(&points, &scalars).expect("equal lengths");
    *arkworks_s += t0.elapsed().as_secs_f64();
    let verified = got.into_affine() == want.into_affine();
    reports.push(JobReport { op: "msm", field: "g1", count, verified, mismatches: usize::from(!verified), profile: p.job });
    bar.inc(1);
    Ok(())
}

/// The demo's closing proof: a Groth16 proof of a 2^DEMO_PROOF_LOG chain circuit.
const DEMO_PROOF_LOG: u32 = 10;

#[derive(Serialize)]
struct ProofSummary {
    circuit: &'static str,
    log_constraints: u32,
    verified: bool,
    identical_to_arkworks: bool,
    wrong_input_rejected: bool,
    end_to_end_s: f64,
    glue_share: f64,
    arkworks_s: f64,
    speedup_vs_arkworks: f64,
    heavy_speedup_vs_arkworks: f64,
}

pub fn run(a: &DemoArgs) -> Result<bool, String> {
    let count = a.count;
    let (backend, clock_mhz, json) = (a.run.backend, a.run.clock_mhz, a.run.json);
    let seed = a.run.seed();
    let multiplier = a.run.multiplier();
    if !json {
        println!(
            "zkcopro demo: field ALU, NTT and MSM, {count} operations per job, backend {backend:?} (multiplier: {multiplier}), seed {seed}, clock {clock_mhz} MHz"
        );
    }
    let mut dev = a.run.open().map_err(|e| e.to_string())?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bar = if json { ProgressBar::hidden() } else { ProgressBar::new(10) };
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} jobs  {msg}").expect("template"));
    let mut jobs = Vec::new();
    let mut arkworks_s = 0.0;
    run_field::<ark_bn254::Fq>(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s).map_err(|e| e.to_string())?;
    run_field::<ark_bn254::Fr>(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s).map_err(|e| e.to_string())?;
    run_ntt_pair(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s).map_err(|e| e.to_string())?;
    let mut load_bases_s = 0.0;
    run_msm_job(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s, &mut load_bases_s).map_err(|e| e.to_string())?;
    drop(dev);
    // A small whole proof, as the product's idea sees it: glue vs coprocessor.
    bar.set_message(format!("groth16 proof (2^{DEMO_PROOF_LOG} constraints)"));
    let proof_args = ProveArgs {
        circuit: CircuitKind::Chain,
        log_constraints: DEMO_PROOF_LOG,
        circom: Default::default(),
        timeline: None, proofs: 1, host_runs: 2,
        // Its own device, untraced: a second trace would overwrite the demo's.
        run: RunArgs { seed: Some(seed), json: true, trace: TraceArgs::default(), ..a.run.clone() },
    };
    let p = prove::measure(&proof_args, true)?;
    bar.inc(1);
    let proof = ProofSummary {
        circuit: "chain",
        log_constraints: DEMO_PROOF_LOG,
        verified: p.verified,
        identical_to_arkworks: p.identical_to_arkworks,
        wrong_input_rejected: p.wrong_input_rejected,
        end_to_end_s: p.timing.end_to_end_s,
        glue_share: p.timing.glue_share,
        arkworks_s: p.timing.arkworks_s,
        speedup_vs_arkworks: p.timing.speedup_vs_arkworks,
        heavy_speedup_vs_arkworks: p.timing.heavy_speedup_vs_arkworks,
    };
    bar.finish_and_clear();
    let mut total = JobProfile::default();
    for j in &jobs {
        total.add(&j.profile);
    }
    let verified = jobs.iter().all(|j| j.verified) && proof.verified && proof.identical_to_arkworks && proof.wrong_input_rejected;
    let report = DemoReport {
        backend,
        multiplier,
        seed,
        clock_hz: clock_mhz * 1e6,
        verified,
        device_cycles: total.device_cycles,
        bus_cycles: total.bus_cycles,
        sim_cycles_per_s: total.sim_cycles_per_s,
        projected_device_s: total.projected_device_s,
        projected_bus_s: total.projected_bus_s,
        glue_s: total.glue_s,
        transfer_s: total.transfer_s,
        end_to_end_s: total.end_to_end_s,
        glue_share: total.glue_share,
        load_bases_s,
        arkworks_s,
        speedup_vs_arkworks: arkworks_s / total.end_to_end_s.max(f64::MIN_POSITIVE),
        jobs,
        proof,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report).expect("serialize"));
    } else {
        print_demo(&report, &total);
    }
    Ok(verified)
}

fn print_demo(r: &DemoReport, total: &JobProfile) {
    let us = |s: f64| s * 1e6;
    println!(
        "\n{:<8} {:>7} {:>8} {:>10} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10}",
        "job", "ops", "verified", "device cyc", "bus cyc", "glue µs", "xfer µs", "bus µs", "device µs", "e2e µs", "sim cyc/s"
    );
    for j in &r.jobs {
        let p = &j.profile;
        println!(
            "{:<8} {:>7} {:>8} {:>10} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>10.0}",
            format!("{} {}", j.field, j.op),
            j.count,
            if j.verified { "yes" } else { "NO" },
            p.device_cycles,
            p.bus_cycles,
            us(p.glue_s),
            us(p.transfer_s),
            us(p.projected_bus_s),
            us(p.projected_device_s),
            us(p.end_to_end_s),
            p.sim_cycles_per_s
        );
    }
    let e2e = total.end_to_end_s.max(f64::MIN_POSITIVE);
    println!(
        "\nTime split (end to end {:.1} µs at {} MHz): glue {:.1}% | transfer {:.1}% | bus {:.1}% | device {:.1}%",
        us(total.end_to_end_s),
        r.clock_hz / 1e6,
        100.0 * total.glue_s / e2e,
        100.0 * total.transfer_s / e2e,
        100.0 * total.projected_bus_s / e2e,
        100.0 * total.projected_device_s / e2e
    );
    println!(
        "MSM bases loaded into card memory once beforehand: {:.1} µs (validation, packing, PCIe copy), not in the end-to-end time",
        us(r.load_bases_s)
    );
    println!(
        "Streams: {} beats in, {} beats out ({} KiB); device input utilisation {:.1}% of busy cycles",
        total.beats_in,
        total.beats_out,
        (total.bytes_in + total.bytes_out) / 1024,
        100.0 * total.beats_in as f64 / total.device_cycles.max(1) as f64
    );
    println!(
        "Simulation: {} cycles in {:.2} s ({:.0} cycles/s){}; arkworks did the same work in {:.1} µs",
        total.device_cycles + total.bus_cycles,
        total.sim_s,
        total.sim_cycles_per_s,
        if total.cycle_accurate { "" } else { " [modelled cycles]" },
        us(r.arkworks_s)
    );
    let p = &r.proof;
    println!(
        "Groth16 proof of a 2^{} squaring chain (zkcopro prove): {:.2} ms end to end, glue {:.0}% (synthesis and the G2 MSM stay on the host); ark-groth16 {:.2} ms ({:.2}x); h(X) and G1 MSMs {:.1}x; proof {}, {}",
        p.log_constraints,
        p.end_to_end_s * 1e3,
        100.0 * p.glue_share,
        p.arkworks_s * 1e3,
        p.speedup_vs_arkworks,
        p.heavy_speedup_vs_arkworks,
        if p.identical_to_arkworks { "identical to ark-groth16's" } else { "DIFFERENT from ark-groth16's" },
        if p.verified && p.wrong_input_rejected { "verifies (a wrong input does not)" } else { "VERIFICATION FAILED" }
    );
    println!(
        "Result: {}",
        if r.verified { "all results match arkworks bit for bit" } else { "MISMATCH against arkworks" }
    );
}

