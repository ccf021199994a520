//! The coprocessor driver: validates work, programs the job registers,
//! streams operands, collects results and profiles every job.

use crate::bus::{BEAT_BYTES, Beat, Bus, BusError};
use crate::card_mem::{Allocator, BufferFault, CardMemConfig, DeviceBuffer, TransferProfile};
use crate::field::DeviceField;
use serde::Serialize;
use std::time::Instant;
use thiserror::Error;
use zkcopro_hdl::ntt::reference::Layout;
use zkcopro_hdl::mem::{CARD_MAX_OUTSTANDING, CARD_RECORD_BYTES};
use zkcopro_hdl::regmap;

/// Default clock for projected device time: the one the logic-depth report supports.
pub const DEFAULT_CLOCK_HZ: f64 = zkcopro_hdl::params::PROJECTED_CLOCK_MHZ * 1e6;
/// Default largest job sent to the device at once; bigger batches are split.
pub const DEFAULT_MAX_JOB: usize = 1 << 16;
/// Default cycles to wait for a job's done bit after its last result.
pub const DEFAULT_DONE_TIMEOUT_CYCLES: u64 = 10_000;
/// Cycles between two polls of CTRL while a job runs (the host notices the
/// end of a job at most this late).
pub const WAIT_POLL_CYCLES: u64 = 32;

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
    #[error("that job is no longer in flight: the device was reset, or it was started on another coprocessor")]
    StaleJob,
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
    #[error("card memory exhausted: {requested} bytes requested, largest free range {largest_free} bytes")]
    OutOfCardMemory { requested: u64, largest_free: u64 },
    #[error("invalid device buffer: freed, or allocated on another coprocessor")]
    InvalidBuffer,
    #[error("device buffer range {offset}+{len} exceeds its {size} bytes")]
    BufferRange { offset: u64, len: u64, size: u64 },
    #[error("{what}: {value} is outside {range}")]
    OutOfRange { what: &'static str, value: u64, range: String },
}

impl From<BufferFault> for DriverError {
    fn from(f: BufferFault) -> Self {
        match f {
            BufferFault::OutOfMemory { requested, largest_free } => DriverError::OutOfCardMemory { requested, largest_free },
            BufferFault::Invalid => DriverError::InvalidBuffer,
            BufferFault::Range { offset, len, size } => DriverError::BufferRange { offset, len, size },
        }
    }
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
    /// NTT: butterflies per busy cycle per unit over the whole job (loads,
    /// unloads, every pass and memory stall counted).
    pub transform_efficiency: f64,
    pub beats_in: u64,
    pub beats_out: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub mmio_reads: u64,
    pub mmio_writes: u64,
    /// Card memory read by the device: bursts, beats, bytes.
    pub mem_reads: u64,
    pub mem_beats: u64,
    pub mem_bytes: u64,
    /// Cycles the device waited on card memory.
    pub mem_stall_cycles: u64,
    /// Card memory written by the device: bursts, beats, bytes.
    pub mem_writes: u64,
    pub mem_write_beats: u64,
    pub mem_write_bytes: u64,
    /// mem_bytes over what the card-memory port could move in device_cycles.
    pub mem_bandwidth_use: f64,
    /// Host wall time in the glue (validation, conversion, driver), seconds.
    pub glue_s: f64,
    /// Host<->card DMA time accounted at the PCIe rate, seconds.
    pub transfer_s: f64,
    /// Host wall time spent simulating, seconds (with the driver's polling
    /// of the simulated device while a job runs).
    pub sim_s: f64,
    /// Simulated clock cycles per wall second.
    pub sim_cycles_per_s: f64,
    pub clock_hz: f64,
    pub projected_device_s: f64,
    pub projected_bus_s: f64,
    /// glue_s + transfer_s + projected_device_s + projected_bus_s.
    pub end_to_end_s: f64,
    /// glue_s / end_to_end_s.
    pub glue_share: f64,
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
        self.mem_reads += other.mem_reads;
        self.mem_beats += other.mem_beats;
        self.mem_bytes += other.mem_bytes;
        self.mem_stall_cycles += other.mem_stall_cycles;
        self.mem_writes += other.mem_writes;
        self.mem_write_beats += other.mem_write_beats;
        self.mem_write_bytes += other.mem_write_bytes;
        self.glue_s += other.glue_s;
        self.transfer_s += other.transfer_s;
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
        let busy = (units * self.device_cycles) as f64;
        self.transform_efficiency = if busy > 0.0 { self.ops as f64 / busy } else { 0.0 };
        let cycles = (self.device_cycles + self.bus_cycles) as f64;
        self.sim_cycles_per_s = if self.sim_s > 0.0 { cycles / self.sim_s } else { 0.0 };
        self.projected_device_s = self.device_cycles as f64 / self.clock_hz;
        self.projected_bus_s = self.bus_cycles as f64 / self.clock_hz;
        self.end_to_end_s = self.glue_s + self.transfer_s + self.projected_device_s + self.projected_bus_s;
        self.glue_share = if self.end_to_end_s > 0.0 { self.glue_s / self.end_to_end_s } else { 0.0 };
        let port = (self.device_cycles * zkcopro_hdl::mem::CARD_DATA_BITS as u64 / 8) as f64;
        self.mem_bandwidth_use = if port > 0.0 { (self.mem_bytes + self.mem_write_bytes) as f64 / port } else { 0.0 };
    }
}

/// Data-port registers (NTT_PARAMS) of a job on the streams both ways.
pub(crate) const STREAM_PARAMS: [u32; regmap::NTT_PARAM_COUNT] = [0; regmap::NTT_PARAM_COUNT];

/// Data-port registers (NTT_PARAMS order) of a job from card memory to card
/// memory: `mode` holds the bits beyond SRC_MEM / DST_MEM (interleave,
/// twiddles or powers); operand b's layout sets SRC_B; `col` and `log_n`
/// are the twiddle (or powers) parameters.
pub(crate) fn card_params(
    mode: u32,
    src: Layout,
    dst: Layout,
    src_b: Option<Layout>,
    col: u32,
    log_n: u32,
) -> [u32; regmap::NTT_PARAM_COUNT] {
    let b = src_b.unwrap_or_default();
    // One batch size for both sides (NTT_BATCH_LOG); operand b has none.
    debug_assert_eq!(src.batch_len, dst.batch_len, "the layouts' batches differ");
    let batch_log = if src.batch_len == 0 { 0 } else { src.batch_len.trailing_zeros() };
    let src_b_bit = if src_b.is_some() { regmap::NTT_MODE_SRC_B } else { 0 };
    [
        mode | regmap::NTT_MODE_SRC_MEM | regmap::NTT_MODE_DST_MEM | src_b_bit,
        src.addr as u32,
        (src.addr >> 32) as u32,
        src.run_len,
        src.stride,
        dst.addr as u32,
        (dst.addr >> 32) as u32,
        dst.run_len,
        dst.stride,
        col,
        log_n,
        b.addr as u32,
        (b.addr >> 32) as u32,
        b.run_len,
        b.stride,
        batch_log,
        src.batch_stride,
        dst.batch_stride,
        // NTT_SCALE: unused without NTT_MODE_SCALE.
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ]
}

/// The job registers of one device job.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DeviceJob {
    pub op: u32,
    pub field: u32,
    pub count: u32,
    pub log_size: u32,
    /// MSM jobs: (window bits c, windows W, engine 1's first window s; 0:
    /// engine 0 alone).
    pub msm: Option<(u32, u32, u32)>,
    /// MSM jobs: the base buffer's card-memory address and base count.
    pub bases: Option<(u64, u32)>,
    /// Cycles the streams may go without a beat, and the job may take after
    /// its last beat (0: the bus and driver defaults).
    pub patience: u64,
    /// NTT and field-ALU jobs: the data-port registers (NTT_PARAMS: layouts,
    /// interleave, twiddles). Written only where they changed.
    pub ntt: Option<[u32; regmap::NTT_PARAM_COUNT]>,
}

/// The driver. Owns a bus to one coprocessor.
pub struct Coprocessor<B: Bus> {
    bus: B,
    clock_hz: f64,
    max_job: usize,
    done_timeout_cycles: u64,
    mem_config: CardMemConfig,
    allocator: Allocator,
    transfers: TransferProfile,
    /// NTT_PARAMS as this driver last wrote them, so a job writes only the
    /// ones that change. None: unknown. Every path that can change the
    /// device without this driver's knowledge clears it: [`Coprocessor::bus`]
    /// (raw register access, a bus reset), [`Coprocessor::reset`] and every
    /// failed job (see [`Coprocessor::forget_device_state`]).
    ntt_regs: Option<[u32; regmap::NTT_PARAM_COUNT]>,
    /// Host wall time of the last wait for ap_done outside the simulator.
    wait_overhead_s: f64,
    /// All of it since construction (see [`Coprocessor::sim_clock_s`]).
    wait_overhead_total_s: f64,
    /// Host staging memory for card copies, kept between calls (as XRT
    /// keeps pinned buffers) so large copies do not fault in fresh pages.
    pub(crate) staging: Vec<u8>,
    /// The started job not yet waited for, by ticket.
    in_flight: Option<u64>,
    /// Host wall time of card-memory copies: the simulated DMA, whose time
    /// is `transfer_s` (at the PCIe rate), so simulation, not glue.
    dma_sim_s: f64,
    /// How many times a proof runs each host step after the witness,
    /// timing the fastest (see [`Coprocessor::set_host_timing_runs`]).
    pub(crate) host_timing_runs: usize,
}

/// Job tickets, unique across coprocessors (a job waited for on another
/// one than it started on is refused).
static NEXT_TICKET: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A device job started with [`Coprocessor::start_job`] and not yet waited
/// for (XRT's run handle). Its input is borrowed until the wait streams it.
#[must_use = "a started job keeps the device busy until it is waited for"]
pub(crate) struct PendingJob<'a> {
    ticket: u64,
    job: DeviceJob,
    input: std::borrow::Cow<'a, [Beat]>,
    n_out: usize,
    stats0: crate::bus::BusStats,
    cycles0: u64,
    /// Host time in `start_job` outside the simulator.
    start_glue_s: f64,
}

impl<B: Bus> Coprocessor<B> {
    /// Reset the device and check it is a zkcopro.
    pub fn new(mut bus: B) -> Result<Self, DriverError> {
        bus.reset();
        let id = bus.read32(regmap::ID.offset)?;
        if id != regmap::DEVICE_ID {
            return Err(DriverError::WrongDevice { found: id, expected: regmap::DEVICE_ID });
        }
        let allocator = Allocator::new(bus.mem_capacity());
        let mut dev = Coprocessor {
            bus,
            clock_hz: DEFAULT_CLOCK_HZ,
            max_job: DEFAULT_MAX_JOB,
            done_timeout_cycles: DEFAULT_DONE_TIMEOUT_CYCLES,
            mem_config: CardMemConfig::default(),
            allocator,
            transfers: TransferProfile::default(),
            ntt_regs: None,
            wait_overhead_s: 0.0,
            wait_overhead_total_s: 0.0,
            staging: Vec::new(),
            in_flight: None,
            dma_sim_s: 0.0,
            host_timing_runs: 1,
        };
        dev.apply_mem_timing();
        Ok(dev)
    }

    fn apply_mem_timing(&mut self) {
        let timing = self.mem_config.timing(self.clock_hz, self.allocator.capacity());
        self.allocator.set_channels(timing.channel_bytes, timing.local_channels as u64);
        self.bus.set_mem_timing(&timing);
    }

    /// Clock frequency used for projected times (and the DRAM's latency in cycles).
    pub fn with_clock_hz(mut self, hz: f64) -> Self {
        self.clock_hz = hz;
        self.apply_mem_timing();
        self
    }

    /// Proofs run each host step after the witness `runs` times (at least
    /// once) and time the fastest, as the comparison times arkworks' steps
    /// (best of two): on a shared machine the first run of a step after
    /// seconds of simulation pays for memory and code paged out meanwhile,
    /// which a host beside a real card, done in milliseconds, does not. The
    /// proof is the first run's (every run computes the same).
    pub fn set_host_timing_runs(&mut self, runs: usize) {
        self.host_timing_runs = runs.max(1);
    }

    /// Card-memory and PCIe parameters.
    pub fn with_mem_config(mut self, config: CardMemConfig) -> Self {
        self.mem_config = config;
        self.apply_mem_timing();
        self
    }

    pub fn mem_config(&self) -> &CardMemConfig {
        &self.mem_config
    }

    /// Cycles card memory alone may need to read and write these bytes at
    /// the configured latency and bandwidth: the reader keeps
    /// `CARD_MAX_OUTSTANDING` records in flight, so a long latency bounds it
    /// as much as the bandwidth does. Part of a card job's patience.
    pub(crate) fn card_mem_cycles(&self, read_bytes: u64, write_bytes: u64) -> u64 {
        let t = self.mem_config.timing(self.clock_hz, self.allocator.capacity());
        let latency = t.latency_cycles as u64;
        let records = read_bytes.div_ceil(CARD_RECORD_BYTES);
        let latency_bound = records * latency / CARD_MAX_OUTSTANDING as u64 + latency;
        // At the slowest channel's rate (a buffer may lie beyond the port's group).
        let rate = t.bytes_per_cycle.min(t.remote_bytes_per_cycle);
        let bandwidth_bound = ((read_bytes + write_bytes) as f64 / rate).ceil() as u64;
        latency_bound + bandwidth_bound
    }

    /// Bytes of card memory, and those not in any buffer.
    pub fn card_mem_capacity(&self) -> u64 {
        self.allocator.capacity()
    }
    pub fn card_mem_free(&self) -> u64 {
        self.allocator.free_bytes()
    }

    /// Set up `bytes` of host staging memory for card copies now (as an XRT
    /// program allocates its pinned buffers at start), so the first large
    /// copy does not pay for fresh pages.
    pub fn reserve_staging(&mut self, bytes: usize) {
        if self.staging.len() < bytes {
            self.staging.resize(bytes, 0);
        }
    }

    /// Every host<->card copy since the coprocessor was opened.
    pub fn transfers(&self) -> TransferProfile {
        self.transfers
    }

    /// A buffer of `bytes` in card memory (contents undefined until written).
    pub fn alloc_buffer(&mut self, bytes: u64) -> Result<DeviceBuffer, DriverError> {
        Ok(self.allocator.alloc(bytes)?)
    }

    /// Release a buffer; its handle (and copies of it) become invalid.
    pub fn free_buffer(&mut self, buf: DeviceBuffer) -> Result<(), DriverError> {
        Ok(self.allocator.free(&buf)?)
    }

    /// Copy `data` into `buf` at `offset` (host to card DMA); returns the
    /// transfer's accounted time.
    pub fn write_buffer(&mut self, buf: &DeviceBuffer, offset: u64, data: &[u8]) -> Result<TransferProfile, DriverError> {
        self.allocator.check(buf, offset, data.len() as u64)?;
        let t0 = Instant::now();
        let copied = self.bus.mem_write(buf.addr + offset, data);
        self.dma_sim_s += t0.elapsed().as_secs_f64();
        copied?;
        let t = TransferProfile {
            bytes_to_card: data.len() as u64,
            transfers: 1,
            transfer_s: self.mem_config.transfer_s(data.len() as u64),
            ..Default::default()
        };
        self.transfers.add(&t);
        Ok(t)
    }

    /// Copy `out.len()` bytes of `buf` from `offset` (card to host DMA).
    pub fn read_buffer(&mut self, buf: &DeviceBuffer, offset: u64, out: &mut [u8]) -> Result<TransferProfile, DriverError> {
        self.allocator.check(buf, offset, out.len() as u64)?;
        let t0 = Instant::now();
        let copied = self.bus.mem_read(buf.addr + offset, out);
        self.dma_sim_s += t0.elapsed().as_secs_f64();
        copied?;
        let t = TransferProfile {
            bytes_from_card: out.len() as u64,
            transfers: 1,
            transfer_s: self.mem_config.transfer_s(out.len() as u64),
            ..Default::default()
        };
        self.transfers.add(&t);
        Ok(t)
    }

    /// Check a buffer handle and range without moving data.
    pub(crate) fn check_buffer(&self, buf: &DeviceBuffer, offset: u64, len: u64) -> Result<(), DriverError> {
        Ok(self.allocator.check(buf, offset, len)?)
    }

    /// Largest number of operations per device job (at least 1).
    pub fn with_max_job(mut self, n: usize) -> Self {
        self.max_job = n.max(1);
        self
    }

    /// Largest number of operations per device job.
    pub fn max_job(&self) -> usize {
        self.max_job
    }

    pub fn clock_hz(&self) -> f64 {
        self.clock_hz
    }

    /// Raw access to the bus: register reads and writes, resets, card
    /// memory. Whatever the caller does through it, the driver no longer
    /// trusts what it remembers of the device's registers: the next job
    /// writes every register it needs.
    pub fn bus(&mut self) -> &mut B {
        self.forget_device_state();
        &mut self.bus
    }

    /// Read-only view of the bus (cycle and transfer counters); no device access.
    pub fn bus_ref(&self) -> &B {
        &self.bus
    }

    /// Reset the device (`ap_rst_n`) and forget every register value the
    /// driver remembers. Card memory keeps its contents, as the card's DRAM
    /// does, so device buffers and resident MSM bases stay valid.
    pub fn reset(&mut self) {
        self.bus.reset();
        self.forget_device_state();
        self.reset_jobs();
    }

    /// Drop every cached belief about the device's registers. Called on each
    /// path that can change them behind the driver's back: raw bus access,
    /// resets, and failed jobs (a job that fails may have stopped between
    /// register writes).
    fn forget_device_state(&mut self) {
        self.ntt_regs = None;
    }

    /// Reset, and a job in flight is lost (waiting for it is
    /// [`DriverError::StaleJob`]).
    fn reset_jobs(&mut self) {
        self.in_flight = None;
    }

    /// Read a register (identification, counters after a job). A read
    /// changes no register the driver remembers, so unlike
    /// [`Coprocessor::bus`] this keeps the driver's register cache, unless
    /// the read fails (the device may have been reset under it).
    pub fn read_reg(&mut self, reg: regmap::Register) -> Result<u32, DriverError> {
        self.bus.read32(reg.offset).map_err(|e| {
            self.forget_device_state();
            e.into()
        })
    }

    /// Write a register the driver does not cache (MSM_SPLIT's counter
    /// view); a failed write forgets the cache, as a read does.
    pub(crate) fn write_reg(&mut self, reg: regmap::Register, value: u32) -> Result<(), DriverError> {
        self.bus.write32(reg.offset, value).map_err(|e| {
            self.forget_device_state();
            e.into()
        })
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
        let job = DeviceJob {
            op: op.code(),
            field: F::FIELD.code(),
            count: a.len() as u32,
            log_size: 0,
            msm: None,
            bases: None,
            patience: 0,
            ntt: Some(STREAM_PARAMS),
        };
        let (out, profile) = self.device_job(job, &beats, a.len())?;
        let base = results.len();
        for (i, beat) in out.iter().enumerate() {
            results.push(F::from_beat(beat).ok_or(DriverError::BadResult { index: base + i })?);
        }
        Ok(profile)
    }

    /// One device job, started and waited for: program the job registers,
    /// stream `input` while receiving `n_out` beats, wait for ap_done, check
    /// ERROR, read counters. A timeout resets the device so the next job can
    /// run.
    pub(crate) fn device_job(&mut self, job: DeviceJob, input: &[Beat], n_out: usize) -> Result<(Vec<Beat>, JobProfile), DriverError> {
        let pending = self.start_job(job, std::borrow::Cow::Borrowed(input), n_out)?;
        self.wait_job(pending)
    }

    /// Start a device job and return without waiting for it, as XRT starts a
    /// kernel run: the job registers are written and `ap_start` set; the
    /// input streams and the result comes back in [`Coprocessor::wait_job`].
    /// One job is in flight at a time: starting another first is
    /// [`DriverError::Busy`].
    ///
    /// The simulated device advances only while the driver talks to it, so
    /// its cycles pass in `wait_job`; the projected timeline places them from
    /// the start (see `prover::timeline`).
    pub(crate) fn start_job<'a>(&mut self, job: DeviceJob, input: std::borrow::Cow<'a, [Beat]>, n_out: usize) -> Result<PendingJob<'a>, DriverError> {
        let t0 = Instant::now();
        if self.in_flight.is_some() {
            return Err(DriverError::Busy);
        }
        let stats0 = self.bus.stats();
        let cycles0 = self.bus.cycles();
        let outcome = self.program_job(&job);
        if outcome.is_err() {
            self.forget_device_state();
        }
        outcome?;
        let ticket = NEXT_TICKET.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.in_flight = Some(ticket);
        let sim_s = self.bus.stats().since(&stats0).sim_s;
        Ok(PendingJob {
            ticket,
            job,
            input,
            n_out,
            stats0,
            cycles0,
            start_glue_s: (t0.elapsed().as_secs_f64() - sim_s).max(0.0),
        })
    }

    /// Wait for a started job: stream its input, collect its results, wait
    /// for ap_done, check ERROR and read the counters. A job started before
    /// a reset, or on another coprocessor, is [`DriverError::StaleJob`].
    pub(crate) fn wait_job(&mut self, pending: PendingJob<'_>) -> Result<(Vec<Beat>, JobProfile), DriverError> {
        let t0 = Instant::now();
        if self.in_flight != Some(pending.ticket) {
            return Err(DriverError::StaleJob);
        }
        let sim0 = self.bus.stats().sim_s;
        self.wait_overhead_s = 0.0;
        let outcome = self.finish_job(&pending);
        self.in_flight = None;
        match &outcome {
            Err(DriverError::Timeout(_)) => self.reset(),
            Err(_) => self.forget_device_state(),
            Ok(_) => {}
        }
        let (out, perf) = outcome?;
        let stats = self.bus.stats().since(&pending.stats0);
        let wait_sim_s = self.bus.stats().sim_s - sim0;
        let total_cycles = self.bus.cycles() - pending.cycles0;
        let wait_glue_s = (t0.elapsed().as_secs_f64() - wait_sim_s - self.wait_overhead_s).max(0.0);
        let mut p = JobProfile {
            jobs: 1,
            elements: pending.n_out as u64,
            device_cycles: perf[0] as u64,
            bus_cycles: total_cycles.saturating_sub(perf[0] as u64),
            in_stall_cycles: perf[1] as u64,
            out_stall_cycles: perf[2] as u64,
            ops: perf[3] as u64,
            drain_cycles: perf[4] as u64,
            mem_reads: perf[5] as u64,
            mem_beats: perf[6] as u64,
            mem_bytes: perf[6] as u64 * (zkcopro_hdl::mem::CARD_DATA_BITS as u64 / 8),
            mem_stall_cycles: perf[7] as u64,
            mem_writes: perf[8] as u64,
            mem_write_beats: perf[9] as u64,
            mem_write_bytes: perf[9] as u64 * (zkcopro_hdl::mem::CARD_DATA_BITS as u64 / 8),
            beats_in: stats.beats_in,
            beats_out: stats.beats_out,
            bytes_in: stats.beats_in * BEAT_BYTES,
            bytes_out: stats.beats_out * BEAT_BYTES,
            mmio_reads: stats.mmio_reads,
            mmio_writes: stats.mmio_writes,
            glue_s: pending.start_glue_s + wait_glue_s,
            sim_s: stats.sim_s + self.wait_overhead_s,
            clock_hz: self.clock_hz,
            cycle_accurate: self.bus.cycle_accurate(),
            ..Default::default()
        };
        p.finish();
        Ok((out, p))
    }

    /// Whether a started job has not been waited for.
    pub fn job_in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Writes a job's registers and sets ap_start.
    fn program_job(&mut self, job: &DeviceJob) -> Result<(), DriverError> {
        let ctrl = self.bus.read32(regmap::CTRL.offset)?;
        if ctrl & regmap::CTRL_AP_IDLE == 0 {
            return Err(DriverError::Busy);
        }
        self.bus.write32(regmap::JOB_OP.offset, job.op)?;
        self.bus.write32(regmap::JOB_FIELD.offset, job.field)?;
        self.bus.write32(regmap::JOB_COUNT.offset, job.count)?;
        self.bus.write32(regmap::JOB_LOG_SIZE.offset, job.log_size)?;
        if let Some((c, w, s)) = job.msm {
            self.bus.write32(regmap::MSM_WINDOW_BITS.offset, c)?;
            self.bus.write32(regmap::MSM_WINDOWS.offset, w)?;
            self.bus.write32(regmap::MSM_SPLIT.offset, s)?;
        }
        if let Some((addr, count)) = job.bases {
            self.bus.write32(regmap::MSM_BASES_ADDR_LO.offset, addr as u32)?;
            self.bus.write32(regmap::MSM_BASES_ADDR_HI.offset, (addr >> 32) as u32)?;
            self.bus.write32(regmap::MSM_BASES_COUNT.offset, count)?;
        }
        if let Some(params) = job.ntt {
            // Only the registers that differ from the last NTT job's.
            for (i, v) in params.iter().enumerate() {
                if self.ntt_regs.is_none_or(|r| r[i] != *v) {
                    self.bus.write32(regmap::NTT_PARAMS[i].offset, *v)?;
                }
            }
            self.ntt_regs = Some(params);
        }
        self.bus.write32(regmap::CTRL.offset, regmap::CTRL_AP_START)?;
        Ok(())
    }

    /// Streams a started job's input and collects its results, waits for
    /// ap_done; returns the results and the counters [busy, in-stall,
    /// out-stall, ops, drain, memory reads, memory beats, memory stall,
    /// memory writes, memory write beats].
    fn finish_job(&mut self, pending: &PendingJob<'_>) -> Result<(Vec<Beat>, [u32; 10]), DriverError> {
        let patience = pending.job.patience;
        let out = self.bus.stream_patient(&pending.input, pending.n_out, patience)?;
        self.wait_done(patience)?;
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
                self.bus.read32(regmap::PERF_MEM_READS.offset)?,
                self.bus.read32(regmap::PERF_MEM_BEATS.offset)?,
                self.bus.read32(regmap::PERF_MEM_STALL.offset)?,
                self.bus.read32(regmap::PERF_MEM_WRITES.offset)?,
                self.bus.read32(regmap::PERF_MEM_WBEATS.offset)?,
            ],
        ))
    }

    /// Poll CTRL until ap_done, within the done timeout (or `patience`
    /// cycles, if longer: jobs on card memory run after their last beat).
    ///
    /// Polls are WAIT_POLL_CYCLES apart. The host's wall time in this loop,
    /// outside the simulator, is simulation overhead (a real host waits for
    /// the device here), so it is kept in `wait_overhead_s`, not in the glue.
    fn wait_done(&mut self, patience: u64) -> Result<(), DriverError> {
        let t0 = Instant::now();
        let sim0 = self.bus.stats().sim_s;
        let outcome = self.poll_done(patience);
        self.wait_overhead_s = (t0.elapsed().as_secs_f64() - (self.bus.stats().sim_s - sim0)).max(0.0);
        self.wait_overhead_total_s += self.wait_overhead_s;
        outcome
    }

    /// Host wall time spent simulating the device since construction: inside
    /// the simulator, waiting for it in the done-polling loop, and copying
    /// into and out of the simulated card memory (the DMA, accounted as
    /// `transfer_s`). The
    /// difference over a span of calls is the simulation to take out of the
    /// span's wall time, including register reads made outside any job.
    pub fn sim_clock_s(&self) -> f64 {
        self.bus.stats().sim_s + self.wait_overhead_total_s + self.dma_sim_s
    }

    fn poll_done(&mut self, patience: u64) -> Result<(), DriverError> {
        let timeout = self.done_timeout_cycles.max(patience);
        let start = self.bus.cycles();
        loop {
            let ctrl = self.bus.read32(regmap::CTRL.offset)?;
            if ctrl & regmap::CTRL_AP_DONE != 0 {
                return Ok(());
            }
            let waited = self.bus.cycles() - start;
            if waited > timeout {
                return Err(DriverError::Timeout(BusError::Timeout { what: "waiting for ap_done", cycles: waited }));
            }
            self.bus.idle(WAIT_POLL_CYCLES);
        }
    }
}
