//! The coprocessor driver: validates work, programs the job registers,
//! streams operands, collects results and profiles every job.

use crate::bus::{BEAT_BYTES, Beat, Bus, BusError};
use crate::field::DeviceField;
use serde::Serialize;
use std::time::Instant;
use thiserror::Error;
use zkcopro_hdl::regmap;

/// Default clock for projected device time.
pub const DEFAULT_CLOCK_HZ: f64 = 250e6;
/// Default largest job sent to the device at once; bigger batches are split.
pub const DEFAULT_MAX_JOB: usize = 1 << 16;
/// Default cycles to wait for a job's done bit after its last result.
pub const DEFAULT_DONE_TIMEOUT_CYCLES: u64 = 10_000;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum DriverError {
    #[error("operand lengths differ: {left} vs {right}")]
    LengthMismatch { left: usize, right: usize },
    #[error("empty input: nothing to compute")]
    EmptyInput,
    #[error("not a zkcopro device: ID register reads 0x{found:08X}, expected 0x{expected:08X}")]
    WrongDevice { found: u32, expected: u32 },
    #[error("device is busy with another job")]
    Busy,
    #[error("device did not finish: {0}")]
    Timeout(BusError),
    #[error("bus error: {0}")]
    Bus(BusError),
    #[error("device reported error {code}: {}", regmap::error_name(*code))]
    Device { code: u32 },
    #[error("bad NTT size {n}: must be a power of two between 1 and 2^{max_log}")]
    NttSize { n: usize, max_log: u32 },
    #[error("coset offset is zero: a coset needs an invertible offset")]
    ZeroCosetOffset,
    #[error("point {index} is not on the BN254 G1 curve")]
    PointNotOnCurve { index: usize },
    #[error("bad MSM window: {0}")]
    MsmWindow(String),
    #[error("device returned a value that is not a reduced field element at result {index}")]
    BadResult { index: usize },
}

impl From<BusError> for DriverError {
    fn from(e: BusError) -> Self {
        match e {
            BusError::Timeout { .. } => DriverError::Timeout(e),
            other => DriverError::Bus(other),
        }
    }
}

/// A field-ALU operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldOp {
    Add,
    Sub,
    Mul,
}

impl FieldOp {
    pub const ALL: [FieldOp; 3] = [FieldOp::Add, FieldOp::Sub, FieldOp::Mul];

    pub fn code(self) -> u32 {
        match self {
            FieldOp::Add => regmap::OP_ADD,
            FieldOp::Sub => regmap::OP_SUB,
            FieldOp::Mul => regmap::OP_MUL,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FieldOp::Add => "add",
            FieldOp::Sub => "sub",
            FieldOp::Mul => "mul",
        }
    }
}

/// Where a job's time went. Device and bus times are projected from exact
/// cycle counts at `clock_hz`; glue time is measured host wall time outside
/// the simulator.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct JobProfile {
    /// Device jobs the batch was split into.
    pub jobs: u64,
    /// Elements in the batch.
    pub elements: u64,
    /// Cycles the device was busy (PERF_BUSY, summed over jobs).
    pub device_cycles: u64,
    /// Bus cycles outside the busy window: register accesses, polling.
    pub bus_cycles: u64,
    /// Cycles the device waited for input / a result waited for the host.
    pub in_stall_cycles: u64,
    pub out_stall_cycles: u64,
    /// Operations the device issued: field operations or NTT butterflies.
    pub ops: u64,
    /// NTT: cycles spent draining the butterfly pipeline between stages.
    pub drain_cycles: u64,
    /// NTT: butterflies per cycle per butterfly unit while transforming
    /// (ops / (units x (ops / units + drain))); MSM: additions per
    /// accumulation cycle.
    pub efficiency: f64,
    pub beats_in: u64,
    pub beats_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub mmio_reads: u64,
    pub mmio_writes: u64,
    /// Host wall time in the glue (validation, conversion, driver), seconds.
    pub glue_s: f64,
    /// Host wall time spent simulating, seconds.
    pub sim_s: f64,
    /// Simulated clock cycles per wall second.
    pub sim_cycles_per_s: f64,
    pub clock_hz: f64,
    pub projected_device_s: f64,
    pub projected_bus_s: f64,
    /// glue_s + projected_device_s + projected_bus_s.
    pub end_to_end_s: f64,
    /// Whether cycle counts are exact (RTL) or modelled.
    pub cycle_accurate: bool,
}

impl JobProfile {
    pub fn add(&mut self, other: &JobProfile) {
        self.jobs += other.jobs;
        self.elements += other.elements;
        self.device_cycles += other.device_cycles;
        self.bus_cycles += other.bus_cycles;
        self.in_stall_cycles += other.in_stall_cycles;
        self.out_stall_cycles += other.out_stall_cycles;
        self.ops += other.ops;
        self.drain_cycles += other.drain_cycles;
        self.beats_in += other.beats_in;
        self.beats_out += other.beats_out;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        self.mmio_reads += other.mmio_reads;
        self.mmio_writes += other.mmio_writes;
        self.glue_s += other.glue_s;
        self.sim_s += other.sim_s;
        self.clock_hz = other.clock_hz;
        self.cycle_accurate = other.cycle_accurate;
        self.finish();
    }

    pub(crate) fn finish(&mut self) {
        // Transform cycles: the units issue ops / units cycles, plus drains.
        let units = zkcopro_hdl::ntt::NTT_UNITS as u64;
        let transform = (units * (self.ops.div_ceil(units) + self.drain_cycles)) as f64;
        self.efficiency = if transform > 0.0 { self.ops as f64 / transform } else { 0.0 };
        let cycles = (self.device_cycles + self.bus_cycles) as f64;
        self.sim_cycles_per_s = if self.sim_s > 0.0 { cycles / self.sim_s } else { 0.0 };
        self.projected_device_s = self.device_cycles as f64 / self.clock_hz;
        self.projected_bus_s = self.bus_cycles as f64 / self.clock_hz;
        self.end_to_end_s = self.glue_s + self.projected_device_s + self.projected_bus_s;
    }
}

/// The job registers of one device job.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DeviceJob {
    pub op: u32,
    pub field: u32,
    pub count: u32,
    pub log_size: u32,
    /// MSM jobs: (window bits c, windows W).
    pub msm: Option<(u32, u32)>,
    /// Cycles the streams may go without a beat (0: the bus default).
    pub patience: u64,
}

/// The driver. Owns a bus to one coprocessor.
pub struct Coprocessor<B: Bus> {
    bus: B,
    clock_hz: f64,
    max_job: usize,
    done_timeout_cycles: u64,
}

impl<B: Bus> Coprocessor<B> {
    /// Reset the device and check it is a zkcopro.
    pub fn new(mut bus: B) -> Result<Self, DriverError> {
        bus.reset();
        let id = bus.read32(regmap::ID.offset)?;
        if id != regmap::DEVICE_ID {
            return Err(DriverError::WrongDevice { found: id, expected: regmap::DEVICE_ID });
        }
        Ok(Coprocessor {
            bus,
            clock_hz: DEFAULT_CLOCK_HZ,
            max_job: DEFAULT_MAX_JOB,
            done_timeout_cycles: DEFAULT_DONE_TIMEOUT_CYCLES,
        })
    }

    /// Clock frequency used for projected times.
    pub fn with_clock_hz(mut self, hz: f64) -> Self {
        self.clock_hz = hz;
        self
    }

    /// Largest number of operations per device job (at least 1).
    pub fn with_max_job(mut self, n: usize) -> Self {
        self.max_job = n.max(1);
        self
    }

    pub fn clock_hz(&self) -> f64 {
        self.clock_hz
    }

    pub fn bus(&mut self) -> &mut B {
        &mut self.bus
    }

    pub fn into_bus(self) -> B {
        self.bus
    }

    /// Elementwise `op` over `a` and `b` on the device.
    pub fn field_op<F: DeviceField>(&mut self, op: FieldOp, a: &[F], b: &[F]) -> Result<(Vec<F>, JobProfile), DriverError> {
        if a.len() != b.len() {
            return Err(DriverError::LengthMismatch { left: a.len(), right: b.len() });
        }
        if a.is_empty() {
            return Err(DriverError::EmptyInput);
        }
        let mut results = Vec::with_capacity(a.len());
        let mut profile = JobProfile { clock_hz: self.clock_hz, ..Default::default() };
        for (ca, cb) in a.chunks(self.max_job).zip(b.chunks(self.max_job)) {
            let p = self.run_job(op, ca, cb, &mut results)?;
            profile.add(&p);
        }
        Ok((results, profile))
    }

    pub fn add<F: DeviceField>(&mut self, a: &[F], b: &[F]) -> Result<(Vec<F>, JobProfile), DriverError> {
        self.field_op(FieldOp::Add, a, b)
    }

    pub fn sub<F: DeviceField>(&mut self, a: &[F], b: &[F]) -> Result<(Vec<F>, JobProfile), DriverError> {
        self.field_op(FieldOp::Sub, a, b)
    }

    pub fn mul<F: DeviceField>(&mut self, a: &[F], b: &[F]) -> Result<(Vec<F>, JobProfile), DriverError> {
        self.field_op(FieldOp::Mul, a, b)
    }

    fn run_job<F: DeviceField>(&mut self, op: FieldOp, a: &[F], b: &[F], results: &mut Vec<F>) -> Result<JobProfile, DriverError> {
        let beats: Vec<Beat> = a.iter().zip(b).flat_map(|(x, y)| [x.to_beat(), y.to_beat()]).collect();
        let job = DeviceJob { op: op.code(), field: F::FIELD.code(), count: a.len() as u32, log_size: 0, msm: None, patience: 0 };
        let (out, profile) = self.device_job(job, &beats, a.len())?;
        let base = results.len();
        for (i, beat) in out.iter().enumerate() {
            results.push(F::from_beat(beat).ok_or(DriverError::BadResult { index: base + i })?);
        }
        Ok(profile)
    }

    /// One device job: program the job registers, stream `input` while
    /// receiving `n_out` beats, wait for ap_done, check ERROR, read counters.
    /// A timeout resets the device so the next job can run.
    pub(crate) fn device_job(&mut self, job: DeviceJob, input: &[Beat], n_out: usize) -> Result<(Vec<Beat>, JobProfile), DriverError> {
        let t0 = Instant::now();
        let stats0 = self.bus.stats();
        let cycles0 = self.bus.cycles();
        let outcome = self.try_job(job, input, n_out);
        if let Err(DriverError::Timeout(_)) = outcome {
            self.bus.reset();
        }
        let (out, perf) = outcome?;
        let stats = self.bus.stats().since(&stats0);
        let total_cycles = self.bus.cycles() - cycles0;
        let mut p = JobProfile {
            jobs: 1,
            elements: n_out as u64,
            device_cycles: perf[0] as u64,
            bus_cycles: total_cycles.saturating_sub(perf[0] as u64),
            in_stall_cycles: perf[1] as u64,
            out_stall_cycles: perf[2] as u64,
            ops: perf[3] as u64,
            drain_cycles: perf[4] as u64,
            beats_in: stats.beats_in,
            beats_out: stats.beats_out,
            bytes_in: stats.beats_in * BEAT_BYTES,
            bytes_out: stats.beats_out * BEAT_BYTES,
            mmio_reads: stats.mmio_reads,
            mmio_writes: stats.mmio_writes,
            glue_s: (t0.elapsed().as_secs_f64() - stats.sim_s).max(0.0),
            sim_s: stats.sim_s,
            clock_hz: self.clock_hz,
            cycle_accurate: self.bus.cycle_accurate(),
            ..Default::default()
        };
        p.finish();
        Ok((out, p))
    }

    /// Returns the results and the counters [busy, in-stall, out-stall, ops, drain].
    fn try_job(&mut self, job: DeviceJob, input: &[Beat], n_out: usize) -> Result<(Vec<Beat>, [u32; 5]), DriverError> {
        let ctrl = self.bus.read32(regmap::CTRL.offset)?;
        if ctrl & regmap::CTRL_AP_IDLE == 0 {
            return Err(DriverError::Busy);
        }
        self.bus.write32(regmap::JOB_OP.offset, job.op)?;
        self.bus.write32(regmap::JOB_FIELD.offset, job.field)?;
        self.bus.write32(regmap::JOB_COUNT.offset, job.count)?;
        self.bus.write32(regmap::JOB_LOG_SIZE.offset, job.log_size)?;
        if let Some((c, w)) = job.msm {
            self.bus.write32(regmap::MSM_WINDOW_BITS.offset, c)?;
            self.bus.write32(regmap::MSM_WINDOWS.offset, w)?;
        }
        self.bus.write32(regmap::CTRL.offset, regmap::CTRL_AP_START)?;
        let out = self.bus.stream_patient(input, n_out, job.patience)?;
        self.wait_done()?;
        let code = self.bus.read32(regmap::ERROR.offset)?;
        if code != regmap::ERR_NONE {
            return Err(DriverError::Device { code });
        }
        Ok((
            out,
            [
                self.bus.read32(regmap::PERF_BUSY.offset)?,
                self.bus.read32(regmap::PERF_IN_STALL.offset)?,
                self.bus.read32(regmap::PERF_OUT_STALL.offset)?,
                self.bus.read32(regmap::PERF_OPS.offset)?,
                self.bus.read32(regmap::PERF_DRAIN.offset)?,
            ],
        ))
    }

    /// Poll CTRL until ap_done, within the done timeout.
    fn wait_done(&mut self) -> Result<(), DriverError> {
        let start = self.bus.cycles();
        loop {
            let ctrl = self.bus.read32(regmap::CTRL.offset)?;
            if ctrl & regmap::CTRL_AP_DONE != 0 {
                return Ok(());
            }
            let waited = self.bus.cycles() - start;
            if waited > self.done_timeout_cycles {
                return Err(DriverError::Timeout(BusError::Timeout { what: "waiting for ap_done", cycles: waited }));
            }
        }
    }
}
