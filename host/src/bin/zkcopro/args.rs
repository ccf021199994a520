//! Options shared by the commands that run jobs, and the checks every
//! argument passes before any allocation or simulation.

use std::path::PathBuf;
use zkcopro_host::bus::{InitState, RANDOM_INIT_SEED_MAX};
use zkcopro_host::{Backend, Bus, CardMemConfig, CardMemKind, Coprocessor, DriverError, TracePoint, TraceSpec};

/// Accepted `--clock-mhz` range.
pub const CLOCK_MHZ_RANGE: std::ops::RangeInclusive<f64> = 1.0..=2000.0;

/// Accepted `--mem-latency-ns` range: a few cycles to a remote memory.
pub const MEM_LATENCY_NS_RANGE: std::ops::RangeInclusive<f64> = 1.0..=10_000.0;

/// Accepted `--mem-gbps` range: a slow card to several HBM stacks.
pub const MEM_GBPS_RANGE: std::ops::RangeInclusive<f64> = 0.1..=10_000.0;

/// Options shared by the commands that run jobs on the device.
#[derive(clap::Args, Clone, Debug)]
pub struct RunArgs {
    /// Seed for the random operands (random if omitted; always printed).
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long, value_enum, default_value_t = Backend::Verilator)]
    pub backend: Backend,
    /// Clock frequency for projected device time, MHz (default: what the logic-depth report supports).
    #[arg(long, default_value_t = zkcopro_hdl::params::PROJECTED_CLOCK_MHZ)]
    pub clock_mhz: f64,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Start the Verilator model's flops and memories at random values from
    /// SEED (1..=2147483647) instead of zero, as hardware may power up; the
    /// reset must bring it to the same results (verilator backend).
    #[arg(long, value_name = "SEED")]
    pub random_init: Option<u32>,
    /// The card's memory: one DDR4-2400 channel (U200/U250), or HBM2 in 32
    /// pseudo-channels (U55C).
    #[arg(long, value_enum, default_value_t = CardMemKind::Ddr4)]
    pub card_mem: CardMemKind,
    /// Card-memory latency, ns from a read request to its first beat
    /// [default: 100 for ddr4, 110 for hbm].
    #[arg(long, value_name = "NS")]
    pub mem_latency_ns: Option<f64>,
    /// Bandwidth of one card-memory channel, GB/s [default: 19.2 for ddr4;
    /// 14.375 per pseudo-channel for hbm].
    #[arg(long, value_name = "GB_PER_S")]
    pub mem_gbps: Option<f64>,
    #[command(flatten)]
    pub trace: TraceArgs,
}

/// Waveform options (Verilator backend).
#[derive(clap::Args, Clone, Debug, Default)]
pub struct TraceArgs {
    /// Write a waveform: FILE.fst (compressed; opens in GTKWave or Surfer) or FILE.vcd.
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// First traced cycle: a cycle number (counted from model construction,
    /// reset included), or `start+N`, N cycles after the first job start [default: 0].
    #[arg(long, value_name = "CYCLE|start+N")]
    pub trace_from: Option<TracePoint>,
    /// End of the traced window, exclusive, in the same forms [default: the end of the run].
    #[arg(long, value_name = "CYCLE|start+N")]
    pub trace_to: Option<TracePoint>,
    /// Verilog scope traced, e.g. TOP.zkcopro_top.msm [default: TOP.zkcopro_top].
    #[arg(long, value_name = "SCOPE")]
    pub trace_scope: Option<String>,
    /// Hierarchy levels traced, the scope's own signals being level 1 (default 2:
    /// the top's ports and its blocks'; 0: the whole design) [default: 2].
    #[arg(long, value_name = "N")]
    pub trace_depth: Option<u32>,
}

impl TraceArgs {
    /// The waveform to write, if any; every option checked.
    pub fn spec(&self, clock_mhz: f64) -> Result<Option<TraceSpec>, String> {
        let Some(path) = &self.trace else {
            let stray = [
                ("--trace-from", self.trace_from.is_some()),
                ("--trace-to", self.trace_to.is_some()),
                ("--trace-scope", self.trace_scope.is_some()),
                ("--trace-depth", self.trace_depth.is_some()),
            ];
            if let Some((flag, _)) = stray.iter().find(|(_, set)| *set) {
                return Err(format!("{flag} needs --trace FILE"));
            }
            return Ok(None);
        };
        let mut spec = TraceSpec::new(path);
        if let Some(from) = self.trace_from {
            spec.from = from;
        }
        spec.to = self.trace_to;
        if let Some(scope) = &self.trace_scope {
            spec.scope = scope.clone();
        }
        if let Some(depth) = self.trace_depth {
            spec.depth = depth;
        }
        spec.period_ps = (1e6 / clock_mhz).round().max(2.0) as u64;
        spec.validate().map_err(|e| format!("--trace {e}"))?;
        Ok(Some(spec))
    }
}

impl RunArgs {
    pub fn seed(&self) -> u64 {
        self.seed.unwrap_or_else(rand::random)
    }

    pub fn clock_hz(&self) -> f64 {
        self.clock_mhz * 1e6
    }

    /// What executes the device side, for the report headers.
    pub fn multiplier(&self) -> &'static str {
        match self.backend {
            Backend::Verilator => zkcopro_sim::SIM_MUL,
            Backend::Model => "reference model",
        }
    }

    pub fn check(&self) -> Result<(), String> {
        if !(self.clock_mhz.is_finite() && CLOCK_MHZ_RANGE.contains(&self.clock_mhz)) {
            return Err(format!(
                "--clock-mhz {} is outside {}..={} MHz",
                self.clock_mhz,
                CLOCK_MHZ_RANGE.start(),
                CLOCK_MHZ_RANGE.end()
            ));
        }
        let ranges = [
            ("--mem-latency-ns", self.mem_latency_ns, &MEM_LATENCY_NS_RANGE),
            ("--mem-gbps", self.mem_gbps, &MEM_GBPS_RANGE),
        ];
        for (flag, value, range) in ranges {
            if let Some(v) = value {
                if !(v.is_finite() && range.contains(&v)) {
                    return Err(format!("{flag} {v} is outside {}..={}", range.start(), range.end()));
                }
            }
        }
        if self.trace.spec(self.clock_mhz)?.is_some() && self.backend != Backend::Verilator {
            return Err("--trace needs the verilator backend".into());
        }
        if let Some(seed) = self.random_init {
            if self.backend != Backend::Verilator {
                return Err("--random-init needs the verilator backend".into());
            }
            if !(1..=RANDOM_INIT_SEED_MAX).contains(&seed) {
                return Err(format!("--random-init {seed} is outside 1..={RANDOM_INIT_SEED_MAX}"));
            }
        }
        Ok(())
    }

    /// The device, reset, with the clock and trace these options ask for.
    pub fn open(&self) -> Result<Coprocessor<Box<dyn Bus + Send>>, DriverError> {
        let spec = self.trace.spec(self.clock_mhz).expect("trace options checked before the run");
        let init = match self.random_init {
            Some(seed) => {
                eprintln!("random initial state: seed {seed} (replay with --random-init {seed})");
                InitState::Random(seed)
            }
            None => InitState::Zero,
        };
        Ok(Coprocessor::new(self.backend.open_with(spec.as_ref(), init))?
            .with_clock_hz(self.clock_hz())
            .with_mem_config(self.mem_config()))
    }

    /// The card memory these options ask for.
    pub fn mem_config(&self) -> CardMemConfig {
        let mut config = CardMemConfig::of(self.card_mem);
        if let Some(ns) = self.mem_latency_ns {
            config.dram_latency_s = ns * 1e-9;
        }
        if let Some(gbps) = self.mem_gbps {
            config.dram_bytes_per_s = gbps * 1e9;
        }
        config
    }
}

/// A `--log-size` of a transform-sized job: 1..=NTT_LOG_MAX_TOTAL (every
/// size the driver runs), with its host buffers (`bytes_per_point` each)
/// within this machine's memory; `cmd` names the subcommand in the message.
pub fn check_transform_log(cmd: &str, log_size: u32, bytes_per_point: u64) -> Result<(), String> {
    let max = zkcopro_host::ntt::NTT_LOG_MAX_TOTAL;
    if log_size == 0 || log_size > max {
        return Err(format!("--log-size {log_size} is outside 1..={max} (the transform sizes the driver runs)"));
    }
    check_host_memory(&format!("{cmd} --log-size {log_size}"), bytes_per_point << log_size)
}

/// A spinner with `message` on the terminal, or a hidden one when `quiet`
/// (JSON output).
pub fn spinner(quiet: bool, message: &'static str) -> indicatif::ProgressBar {
    let bar = if quiet { indicatif::ProgressBar::hidden() } else { indicatif::ProgressBar::new_spinner() };
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// Readies a device run of `bytes` on the card as a host program that has
/// run before: the driver's staging allocated (a real host sets up its DMA
/// buffers once; arkworks, too, is timed warm) and the glue's worker
/// threads started (the first parallel call starts the pool).
pub fn warm_host<B: Bus>(dev: &mut Coprocessor<B>, bytes: usize) {
    dev.reserve_staging(bytes);
    rayon::broadcast(|_| ());
}

/// Refuses a job whose host-side buffers would not fit in this machine's
/// available memory (with the estimate in the message), before allocating.
pub fn check_host_memory(what: &str, bytes: u64) -> Result<(), String> {
    let Some(avail) = available_memory_bytes() else { return Ok(()) };
    if bytes > avail {
        return Err(format!(
            "{what} needs about {:.1} GiB of host memory; {:.1} GiB is available",
            bytes as f64 / (1u64 << 30) as f64,
            avail as f64 / (1u64 << 30) as f64
        ));
    }
    Ok(())
}

/// `MemAvailable` from /proc/meminfo (None where there is no such file).
fn available_memory_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// This process's peak resident memory so far (Linux's VmHWM), bytes.
pub fn peak_host_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// arkworks at its best: one warm-up run (thread pool, caches), then the
/// fastest of `timed` runs. Returns the last run's output and the best time.
pub fn best_of<T>(timed: usize, mut run: impl FnMut() -> T) -> (T, f64) {
    let mut out = run();
    let mut best = f64::INFINITY;
    for _ in 0..timed {
        let t0 = std::time::Instant::now();
        out = run();
        best = best.min(t0.elapsed().as_secs_f64());
    }
    (out, best)
}

/// Prints a command's report: one JSON object, or its table.
pub fn emit<R: serde::Serialize>(report: &R, json: bool, table: impl FnOnce(&R)) {
    if json {
        println!("{}", serde_json::to_string_pretty(report).expect("serialize"));
    } else {
        table(report);
    }
}
