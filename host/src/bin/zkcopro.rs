//! `zkcopro`: run jobs on the simulated coprocessor, export its Verilog,
//! show its register map.

use ark_ff::UniformRand;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use zkcopro_hdl::export;
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MulImpl};
use zkcopro_hdl::regmap;
use zkcopro_hdl::top::TopConfig;
use zkcopro_host::{Backend, Bus, Coprocessor, DeviceField, Direction, DriverError, FieldOp, JobProfile};

#[derive(Parser)]
#[command(name = "zkcopro", version, about = "Simulated zero-knowledge coprocessor (BN254): glue on the host, heavy work in cycle-accurate RTL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the commands that run jobs on the device.
#[derive(clap::Args)]
struct RunArgs {
    /// Seed for the random operands (random if omitted; always printed).
    #[arg(long)]
    seed: Option<u64>,
    #[arg(long, value_enum, default_value_t = Backend::Verilator)]
    backend: Backend,
    /// Clock frequency for projected device time, MHz.
    #[arg(long, default_value_t = 250.0)]
    clock_mhz: f64,
    /// Write a VCD waveform of the whole run (Verilator backend).
    #[arg(long)]
    trace: Option<PathBuf>,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Main job: random Fq and Fr add/sub/mul batches, a forward and inverse
    /// Fr NTT and a G1 MSM on the device, verified against arkworks, with the
    /// glue / bus / device time split.
    Demo {
        /// Operations per job (one job per operation and field).
        #[arg(long, default_value_t = 4096)]
        count: usize,
        #[command(flatten)]
        run: RunArgs,
    },
    /// NTT of 2^K random BN254 Fr elements on the device, checked against
    /// ark-poly (Radix2EvaluationDomain) run on the same input.
    Ntt {
        /// log2 of the transform size (1 <= K <= 24; above the on-chip 2^12 by four-step).
        #[arg(long, default_value_t = 12)]
        log_size: u32,
        /// Inverse transform (scaled by 1/n).
        #[arg(long)]
        inverse: bool,
        /// Coset transform over GENERATOR * <w>.
        #[arg(long)]
        coset: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// MSM of 2^K random BN254 G1 points on the device, checked against
    /// arkworks' `G1Projective::msm` run on the same input.
    Msm {
        /// log2 of the number of points (0 <= K <= 20).
        #[arg(long, default_value_t = 12)]
        log_size: u32,
        /// Window width c in bits (default: the fewest estimated cycles).
        #[arg(long)]
        window: Option<usize>,
        /// Scalar distribution: uniform in Fr, all equal, all one, small (< 2^16),
        /// or witness-like (57% zero, 43% one, 32 full-size values).
        #[arg(long, value_enum, default_value_t = ScalarKind::Uniform)]
        scalars: ScalarKind,
        /// One-off call: load the bases as part of the MSM (default: bases
        /// resident, loaded once beforehand and reported apart).
        #[arg(long)]
        one_off: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Write the coprocessor's Verilog, lint waivers and register map to DIR.
    Verilog {
        #[arg(long)]
        out: PathBuf,
        /// Multiplier implementation: tiled (synthesizable) or fast (simulation only).
        #[arg(long, value_parser = ["tiled", "fast"], default_value = "tiled")]
        mul: String,
        /// Name of the top module.
        #[arg(long, default_value = export::DEFAULT_TOP_NAME)]
        top_name: String,
    },
    /// Show the register map and the build configuration.
    Info {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
enum ScalarKind {
    Uniform,
    Equal,
    Ones,
    Small,
    Witness,
}

/// Full-size scalars in a `witness` input (the rest are 0 or 1).
const WITNESS_FULL_SIZE: usize = 32;

fn msm_input(rng: &mut ChaCha8Rng, n: usize, kind: ScalarKind) -> (Vec<ark_bn254::G1Affine>, Vec<ark_bn254::Fr>) {
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
    jobs: Vec<JobReport>,
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

fn demo(count: usize, run: RunArgs) -> Result<bool, DriverError> {
    let RunArgs { seed, backend, clock_mhz, trace, json } = run;
    let seed = seed.unwrap_or_else(rand::random);
    let multiplier = match backend {
        Backend::Verilator => zkcopro_sim::SIM_MUL,
        Backend::Model => "reference model",
    };
    if !json {
        println!(
            "zkcopro demo: field ALU, NTT and MSM, {count} operations per job, backend {backend:?} (multiplier: {multiplier}), seed {seed}, clock {clock_mhz} MHz"
        );
    }
    let mut dev = Coprocessor::new(backend.open(trace.as_deref()))?.with_clock_hz(clock_mhz * 1e6);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bar = if json { ProgressBar::hidden() } else { ProgressBar::new(9) };
    bar.set_style(ProgressStyle::with_template("{bar:30} {pos}/{len} jobs  {msg}").expect("template"));
    let mut jobs = Vec::new();
    let mut arkworks_s = 0.0;
    run_field::<ark_bn254::Fq>(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s)?;
    run_field::<ark_bn254::Fr>(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s)?;
    run_ntt_pair(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s)?;
    let mut load_bases_s = 0.0;
    run_msm_job(&mut dev, &mut rng, count, &bar, &mut jobs, &mut arkworks_s, &mut load_bases_s)?;
    bar.finish_and_clear();
    let mut total = JobProfile::default();
    for j in &jobs {
        total.add(&j.profile);
    }
    let verified = jobs.iter().all(|j| j.verified);
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
        jobs,
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
    println!(
        "Result: {}",
        if r.verified { "all results match arkworks bit for bit" } else { "MISMATCH against arkworks" }
    );
}

#[derive(Serialize)]
struct Info {
    device_id: String,
    regmap_version: String,
    mont_mul_latency: usize,
    sim_multiplier: &'static str,
    stream_width_bits: usize,
    axil_addr_bits: usize,
    registers: Vec<RegInfo>,
}

#[derive(Serialize)]
struct RegInfo {
    name: &'static str,
    offset: u32,
    access: &'static str,
    reset: u32,
    doc: &'static str,
}

fn info(json: bool) {
    let info = Info {
        device_id: format!("0x{:08X}", regmap::DEVICE_ID),
        regmap_version: format!(
            "{}.{}.{}",
            regmap::REGMAP_VERSION >> 16,
            (regmap::REGMAP_VERSION >> 8) & 0xFF,
            regmap::REGMAP_VERSION & 0xFF
        ),
        mont_mul_latency: MONT_MUL_LATENCY,
        sim_multiplier: zkcopro_sim::SIM_MUL,
        stream_width_bits: 256,
        axil_addr_bits: regmap::AXIL_ADDR_BITS,
        registers: regmap::ALL
            .iter()
            .map(|r| RegInfo { name: r.name, offset: r.offset, access: r.access.short(), reset: r.reset, doc: r.doc })
            .collect(),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&info).expect("serialize"));
        return;
    }
    println!(
        "zkcopro coprocessor: ID {}, register map {}, Montgomery multiplier latency {} cycles (II 1), simulator built with the {} multiplier",
        info.device_id, info.regmap_version, info.mont_mul_latency, info.sim_multiplier
    );
    println!("Streams: AXI4-Stream {} bits each way; control: AXI4-Lite, {}-bit addresses\n", info.stream_width_bits, info.axil_addr_bits);
    println!("{:<7} {:<15} {:<7} {:<11} description", "offset", "register", "access", "reset");
    for r in &info.registers {
        println!("0x{:02X}    {:<15} {:<7} 0x{:08X}  {}", r.offset, r.name, r.access, r.reset, r.doc);
    }
}

/// Largest `demo --count` (the MSM's and the field jobs' size).
const DEMO_MAX_COUNT: usize = 1 << 20;
/// Largest `msm --log-size`.
const MSM_MAX_LOG: u32 = 20;
/// Accepted `--clock-mhz` range.
const CLOCK_MHZ_RANGE: std::ops::RangeInclusive<f64> = 1.0..=2000.0;

fn check_run_args(run: &RunArgs) -> Result<(), String> {
    if !(run.clock_mhz.is_finite() && CLOCK_MHZ_RANGE.contains(&run.clock_mhz)) {
        return Err(format!(
            "--clock-mhz {} is outside {}..={} MHz",
            run.clock_mhz,
            CLOCK_MHZ_RANGE.start(),
            CLOCK_MHZ_RANGE.end()
        ));
    }
    if let Some(t) = &run.trace {
        let dir = t.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
        if !dir.is_dir() {
            return Err(format!("--trace {}: directory {} does not exist", t.display(), dir.display()));
        }
        if run.backend != Backend::Verilator {
            return Err("--trace needs the verilator backend".into());
        }
    }
    Ok(())
}

/// Every argument checked before any allocation or simulation: one line on
/// failure.
fn check_args(command: &Command) -> Result<(), String> {
    match command {
        Command::Demo { count, run } => {
            if !(1..=DEMO_MAX_COUNT).contains(count) {
                return Err(format!("--count {count} is outside 1..={DEMO_MAX_COUNT}"));
            }
            check_run_args(run)
        }
        Command::Ntt { log_size, run, .. } => {
            let max = zkcopro_host::ntt::NTT_LOG_MAX_TOTAL;
            if *log_size > max {
                return Err(format!("--log-size {log_size} is above {max} (the largest NTT the driver runs)"));
            }
            check_run_args(run)
        }
        Command::Msm { log_size, window, run, .. } => {
            if *log_size > MSM_MAX_LOG {
                return Err(format!("--log-size {log_size} is above {MSM_MAX_LOG}"));
            }
            if let Some(c) = window {
                zkcopro_host::msm::window_shape(*c).map_err(|e| format!("--window {c}: {e}"))?;
            }
            check_run_args(run)
        }
        Command::Verilog { .. } | Command::Info { .. } => Ok(()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = check_args(&cli.command) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Demo { count, run } => {
            match demo(count, run) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Ntt { log_size, inverse, coset, run } => {
            match ntt_cmd(log_size, inverse, coset, run) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Msm { log_size, window, scalars, one_off, run } => {
            match msm_cmd(log_size, window, scalars, one_off, run) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Verilog { out, mul, top_name } => {
            let mul = if mul == "fast" { MulImpl::Fast } else { MulImpl::Tiled };
            match export::write_bundle(&out, &TopConfig { mul }, &top_name) {
                Ok(files) => {
                    for f in files {
                        println!("wrote {}", f.display());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: writing {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Info { json } => {
            info(json);
            ExitCode::SUCCESS
        }
    }
}


#[derive(Serialize)]
struct NttReport {
    log_size: u32,
    n: usize,
    direction: Direction,
    coset: bool,
    backend: Backend,
    multiplier: &'static str,
    seed: u64,
    verified: bool,
    device_cycles: u64,
    bus_cycles: u64,
    butterflies: u64,
    drain_cycles: u64,
    efficiency: f64,
    butterflies_per_busy_cycle: f64,
    device_jobs: u64,
    projected_device_s: f64,
    projected_bus_s: f64,
    glue_s: f64,
    transfer_s: f64,
    end_to_end_s: f64,
    arkworks_s: f64,
    speedup_vs_arkworks: f64,
    sim_s: f64,
    sim_cycles_per_s: f64,
}

fn ntt_cmd(log_size: u32, inverse: bool, coset: bool, run: RunArgs) -> Result<bool, DriverError> {
    let RunArgs { seed, backend, clock_mhz, trace, json } = run;
    use ark_ff::FftField;
    use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
    let seed = seed.unwrap_or_else(rand::random);
    let n = 1usize.checked_shl(log_size).unwrap_or(0);
    let direction = if inverse { Direction::Inverse } else { Direction::Forward };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let input: Vec<ark_bn254::Fr> = (0..n).map(|_| ark_bn254::Fr::rand(&mut rng)).collect();
    let multiplier = match backend {
        Backend::Verilator => zkcopro_sim::SIM_MUL,
        Backend::Model => "reference model",
    };
    if !json {
        println!("zkcopro ntt: n = 2^{log_size}, {direction:?}{}, backend {backend:?} (multiplier: {multiplier}), seed {seed}", if coset { " coset" } else { "" });
    }
    let mut dev = Coprocessor::new(backend.open(trace.as_deref()))?.with_clock_hz(clock_mhz * 1e6);
    let spinner = if json { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
    spinner.set_message("simulating the coprocessor");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let mut data = input.clone();
    let offset = ark_bn254::Fr::GENERATOR;
    let profile = if coset { dev.coset_ntt(&mut data, offset, direction)? } else { dev.ntt(&mut data, direction)? };
    spinner.finish_and_clear();
    // arkworks at its best: release build, `parallel` feature, all cores.
    let domain = Radix2EvaluationDomain::<ark_bn254::Fr>::new(n).expect("size checked by the driver");
    let domain = if coset { domain.get_coset(offset).expect("nonzero offset") } else { domain };
    // Best of a warm-up and three timed runs (thread pool and caches warm).
    let mut arkworks_s = f64::INFINITY;
    let mut reference = input.clone();
    for run in 0..4 {
        reference = input.clone();
        let t0 = std::time::Instant::now();
        match direction {
            Direction::Forward => domain.fft_in_place(&mut reference),
            Direction::Inverse => domain.ifft_in_place(&mut reference),
        }
        if run > 0 {
            arkworks_s = arkworks_s.min(t0.elapsed().as_secs_f64());
        }
    }
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
        device_jobs: profile.jobs,
        projected_device_s: profile.projected_device_s,
        projected_bus_s: profile.projected_bus_s,
        glue_s: profile.glue_s,
        transfer_s: profile.transfer_s,
        end_to_end_s: profile.end_to_end_s,
        arkworks_s,
        speedup_vs_arkworks: arkworks_s / profile.end_to_end_s.max(f64::MIN_POSITIVE),
        sim_s: profile.sim_s,
        sim_cycles_per_s: profile.sim_cycles_per_s,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&r).expect("serialize"));
    } else {
        let us = |s: f64| s * 1e6;
        println!("device: {} busy cycles in {} job(s), {} butterflies, {} drain cycles", r.device_cycles, r.device_jobs, r.butterflies, r.drain_cycles);
        println!("  efficiency {:.3} butterflies/cycle while transforming, {:.3} per busy cycle (incl. load and unload)", r.efficiency, r.butterflies_per_busy_cycle);
        println!(
            "time at {clock_mhz} MHz: glue {:.1} µs + bus {:.1} µs + device {:.1} µs = {:.1} µs end to end",
            us(r.glue_s), us(r.projected_bus_s), us(r.projected_device_s), us(r.end_to_end_s)
        );
        println!("arkworks (ark-poly, release, parallel): {:.1} µs -> speed-up {:.2}x", us(r.arkworks_s), r.speedup_vs_arkworks);
        println!("simulation: {:.2} s ({:.0} cycles/s)", r.sim_s, r.sim_cycles_per_s);
        println!("Result: {}", if verified { "matches ark-poly bit for bit" } else { "MISMATCH against ark-poly" });
    }
    Ok(verified)
}

#[derive(Serialize)]
struct MsmReport {
    log_size: u32,
    n: usize,
    scalars: ScalarKind,
    backend: Backend,
    multiplier: &'static str,
    seed: u64,
    verified: bool,
    window_bits: u64,
    windows: u64,
    device_cycles: u64,
    bus_cycles: u64,
    accumulate_cycles: u64,
    reduce_cycles: u64,
    combine_cycles: u64,
    unload_cycles: u64,
    additions: u64,
    accumulate_additions: u64,
    reduce_additions: u64,
    points_read: u64,
    bound: u64,
    conflicts: u64,
    idle_cycles: u64,
    efficiency: f64,
    bytes_in: u64,
    bytes_out: u64,
    mem_reads: u64,
    mem_beats: u64,
    mem_bytes: u64,
    mem_stall_cycles: u64,
    mem_bandwidth_use: f64,
    resident_bases: bool,
    load_bases_s: f64,
    load_bases_transfer_s: f64,
    transfer_s: f64,
    projected_device_s: f64,
    projected_bus_s: f64,
    glue_s: f64,
    glue_validate_s: f64,
    glue_pack_s: f64,
    glue_combine_s: f64,
    end_to_end_s: f64,
    glue_share: f64,
    arkworks_s: f64,
    speedup_vs_arkworks: f64,
    sim_s: f64,
    sim_cycles_per_s: f64,
}

fn msm_cmd(log_size: u32, window: Option<usize>, kind: ScalarKind, one_off: bool, run: RunArgs) -> Result<bool, DriverError> {
    use ark_bn254::G1Projective;
    use ark_ec::{CurveGroup, VariableBaseMSM};
    let RunArgs { seed, backend, clock_mhz, trace, json } = run;
    let seed = seed.unwrap_or_else(rand::random);
    let n = 1usize << log_size;
    let multiplier = match backend {
        Backend::Verilator => zkcopro_sim::SIM_MUL,
        Backend::Model => "reference model",
    };
    if !json {
        println!("zkcopro msm: n = 2^{log_size} points, {kind:?} scalars, backend {backend:?} (multiplier: {multiplier}), seed {seed}");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (points, scalars) = msm_input(&mut rng, n, kind);
    let mut dev = Coprocessor::new(backend.open(trace.as_deref()))?.with_clock_hz(clock_mhz * 1e6);
    let spinner = if json { ProgressBar::hidden() } else { ProgressBar::new_spinner() };
    spinner.set_message("simulating the coprocessor (accumulate, reduce, unload)");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
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
    let mut arkworks_s = f64::INFINITY;
    let mut want = G1Projective::default();
    for i in 0..4 {
        let t0 = std::time::Instant::now();
        want = G1Projective::msm(&points, &scalars).expect("equal lengths");
        if i > 0 {
            arkworks_s = arkworks_s.min(t0.elapsed().as_secs_f64());
        }
    }
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
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&r).expect("serialize"));
    } else {
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
            if j.cycle_accurate { "" } else { " [modelled cycles]" }
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
        println!("Result: {}", if verified { "matches arkworks" } else { "MISMATCH against arkworks" });
    }
    Ok(verified)
}
