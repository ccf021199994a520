//! Safe Rust wrappers over the verilated zkcopro models (built by `build.rs`).
//!
//! [`TopModel`] is the whole coprocessor, driven through its AXI4-Lite and
//! AXI4-Stream ports; [`UnitsModel`] is a harness around the field units for
//! block-level tests. Each bus transaction is one FFI call; the cycle loop runs
//! in C++.

use std::ffi::{CString, c_char, c_int};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

/// One 256-bit stream beat: eight 32-bit words, least significant first.
pub type Beat = [u32; 8];

/// Multiplier implementation the models were built with ("fast" or "tiled").
pub const SIM_MUL: &str = env!("ZKCOPRO_SIM_MUL");

#[repr(C)]
struct RawTop {
    _p: [u8; 0],
}
#[repr(C)]
struct RawUnits {
    _p: [u8; 0],
}

const ZK_OK: c_int = 0;
const ZK_RESET: c_int = 3;

/// Card-memory capacity of the simulated card, bytes (sparse: only written
/// pages take host memory).
pub const DEFAULT_CARD_MEM_BYTES: u64 = 16 << 30;

/// Timing of the simulated card memory, in device clock cycles. The address
/// space is made of equal channels (one DDR4 channel, or HBM
/// pseudo-channels), each with the bandwidth and latency given here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CardMemTiming {
    /// Addressable bytes; reads beyond answer DECERR.
    pub capacity: u64,
    /// Bytes per channel (`capacity` for a single channel); a multiple of
    /// 4 KiB, so that no AXI burst crosses a channel.
    pub channel_bytes: u64,
    /// Cycles from a burst's AR handshake to its first beat.
    pub latency_cycles: u32,
    /// The first channels, in the port's own switch group (all of them for
    /// a single channel).
    pub local_channels: u32,
    /// Peak bandwidth of each channel in the port's group, bytes per cycle
    /// (at most one 32-byte beat per cycle each way reaches the port
    /// whatever this is).
    pub bytes_per_cycle: f64,
    /// Peak bandwidth of each channel beyond the port's group (reached over
    /// an HBM switch's shared lateral links), bytes per cycle.
    pub remote_bytes_per_cycle: f64,
}

impl CardMemTiming {
    /// One channel of `capacity` bytes: the same latency everywhere.
    pub fn single_channel(capacity: u64, latency_cycles: u32, bytes_per_cycle: f64) -> Self {
        CardMemTiming {
            capacity,
            channel_bytes: capacity.max(1),
            latency_cycles,
            local_channels: 1,
            bytes_per_cycle,
            remote_bytes_per_cycle: bytes_per_cycle,
        }
    }

    /// Number of channels.
    pub fn channels(&self) -> u64 {
        self.capacity.div_ceil(self.channel_bytes.max(1)).max(1)
    }

    /// The channel holding byte `addr` (the last for addresses beyond).
    pub fn channel_of(&self, addr: u64) -> u64 {
        (addr / self.channel_bytes.max(1)).min(self.channels() - 1)
    }

    /// Bandwidth of the slowest channel bytes [addr, addr + len) touch,
    /// bytes per cycle (channels beyond the port's group come after it).
    pub fn bytes_per_cycle_over(&self, addr: u64, len: u64) -> f64 {
        let last = addr.saturating_add(len.max(1) - 1);
        self.bytes_per_cycle_at(last).min(self.bytes_per_cycle_at(addr))
    }

    /// Peak bandwidth of the channel holding `addr`, bytes per cycle.
    pub fn bytes_per_cycle_at(&self, addr: u64) -> f64 {
        if self.channel_of(addr) < self.local_channels as u64 { self.bytes_per_cycle } else { self.remote_bytes_per_cycle }
    }
}

/// Waveform format, chosen by the trace file's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    /// GTKWave's compressed format (`.fst`, the default).
    Fst,
    /// Value-change dump (`.vcd`): written as FST, converted at close.
    Vcd,
}

impl TraceFormat {
    /// The format a path's extension names; `None` for any other extension.
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("fst") => Some(TraceFormat::Fst),
            Some("vcd") => Some(TraceFormat::Vcd),
            _ => None,
        }
    }
}

/// What a model's waveform holds.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceConfig {
    pub path: PathBuf,
    pub format: TraceFormat,
    /// Hierarchy levels dumped, `scope`'s own signals being level 1; 0 dumps
    /// the whole design and ignores `scope`.
    pub depth: u32,
    /// Verilog scope, dot-separated, e.g. `TOP.zkcopro_top` or
    /// `TOP.zkcopro_top.msm`.
    pub scope: String,
    /// Cycles `from..to` are dumped (counted from model construction).
    pub from: u64,
    pub to: u64,
    /// Clock period on the waveform's time axis, picoseconds.
    pub period_ps: u64,
}

impl TraceConfig {
    /// The whole design, every cycle, at the projected clock, in the format the path names (FST if none).
    pub fn everything(path: &Path) -> Self {
        TraceConfig {
            path: path.to_path_buf(),
            format: TraceFormat::from_path(path).unwrap_or(TraceFormat::Fst),
            depth: 0,
            scope: String::from("TOP"),
            from: 0,
            to: u64::MAX,
            period_ps: zkcopro_hdl::params::PROJECTED_PERIOD_PS,
        }
    }
}

#[repr(C)]
struct RawTrace {
    path: *const c_char,
    vcd: c_int,
    depth: c_int,
    scope: *const c_char,
    from: u64,
    to: u64,
    period_ps: u64,
}

/// A [`RawTrace`] with the strings it points at.
struct TraceArg {
    _path: CString,
    _scope: CString,
    raw: RawTrace,
}

impl TraceArg {
    fn new(t: &TraceConfig) -> Self {
        let path = CString::new(t.path.to_string_lossy().as_bytes()).expect("trace path has no NUL");
        let scope = CString::new(t.scope.as_bytes()).expect("trace scope has no NUL");
        let raw = RawTrace {
            path: path.as_ptr(),
            vcd: c_int::from(t.format == TraceFormat::Vcd),
            depth: t.depth.min(c_int::MAX as u32) as c_int,
            scope: scope.as_ptr(),
            from: t.from,
            to: t.to,
            period_ps: t.period_ps,
        };
        TraceArg { _path: path, _scope: scope, raw }
    }
}

fn trace_ptr(arg: &Option<TraceArg>) -> *const RawTrace {
    arg.as_ref().map_or(std::ptr::null(), |a| &a.raw as *const RawTrace)
}

unsafe extern "C" {
    fn zk_fst_summary(path: *const c_char, names: *mut c_char, cap: u64, start: *mut u64, end: *mut u64) -> i64;
    fn zk_top_new(trace: *const RawTrace, random_seed: u32) -> *mut RawTop;
    fn zk_top_trace_window(t: *mut RawTop, from: u64, to: u64);
    fn zk_top_free(t: *mut RawTop);
    fn zk_top_cycles(t: *const RawTop) -> u64;
    fn zk_top_interrupt(t: *const RawTop) -> c_int;
    fn zk_top_set_stalls(t: *mut RawTop, seed: u64, in_valid_pct: u32, out_ready_pct: u32);
    fn zk_top_idle(t: *mut RawTop, n: u64);
    fn zk_top_strike_reset(t: *mut RawTop, at: u64, len: u32);
    fn zk_top_strikes(t: *const RawTop) -> u64;
    fn zk_top_mem_config(
        t: *mut RawTop,
        capacity: u64,
        channel_bytes: u64,
        latency: u32,
        local_channels: u64,
        bytes_per_cycle_milli: u64,
        remote_bytes_per_cycle_milli: u64,
    );
    fn zk_top_mem_delays(t: *mut RawTop, seed: u64, extra_delay_max: u32, beat_stall_pct: u32);
    fn zk_top_mem_write(t: *mut RawTop, addr: u64, src: *const u8, len: u64) -> c_int;
    fn zk_top_mem_read(t: *mut RawTop, addr: u64, dst: *mut u8, len: u64) -> c_int;
    fn zk_top_reset(t: *mut RawTop, n: u32);
    fn zk_top_axil_write(
        t: *mut RawTop,
        addr: u32,
        data: u32,
        strb: u32,
        timeout: u64,
        resp: *mut u32,
    ) -> c_int;
    fn zk_top_axil_read(
        t: *mut RawTop,
        addr: u32,
        timeout: u64,
        data: *mut u32,
        resp: *mut u32,
    ) -> c_int;
    fn zk_top_stream(
        t: *mut RawTop,
        in_words: *const u32,
        n_in: u64,
        tlast_on_last: c_int,
        out_words: *mut u32,
        out_last: *mut u8,
        n_expect: u64,
        timeout: u64,
        n_in_done: *mut u64,
        n_out_done: *mut u64,
    ) -> c_int;
    fn zk_units_new(trace: *const RawTrace) -> *mut RawUnits;
    fn zk_units_free(u: *mut RawUnits);
    fn zk_units_cycles(u: *const RawUnits) -> u64;
    fn zk_units_run(
        u: *mut RawUnits,
        n: u64,
        a_fq: *const u32,
        b_fq: *const u32,
        a_fr: *const u32,
        b_fr: *const u32,
        valid: *const u8,
        ys: *const *mut u32,
        valids: *const *mut u8,
    );
}

/// What an FST file holds, read back with GTKWave's reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FstSummary {
    /// Full dotted names without bit ranges, e.g. `TOP.zkcopro_top.s_axil_rdata`.
    pub signals: Vec<String>,
    /// First and last timestamps, in the file's time unit (ps here).
    pub start_time: u64,
    pub end_time: u64,
}

/// Reads an FST's hierarchy and time range; `None` if it is not a readable FST.
pub fn read_fst_summary(path: &Path) -> Option<FstSummary> {
    let c_path = CString::new(path.to_string_lossy().as_bytes()).ok()?;
    let mut cap = 1usize << 20;
    loop {
        let mut buf = vec![0u8; cap];
        let (mut start, mut end) = (0u64, 0u64);
        let n = unsafe { zk_fst_summary(c_path.as_ptr(), buf.as_mut_ptr().cast(), cap as u64, &mut start, &mut end) };
        if n < 0 {
            return None;
        }
        let len = buf.iter().position(|&b| b == 0).unwrap_or(cap);
        let text = String::from_utf8_lossy(&buf[..len]);
        let signals: Vec<String> = text.lines().map(str::to_string).collect();
        if signals.len() as i64 == n || len + 1 < cap {
            return Some(FstSummary { signals, start_time: start, end_time: end });
        }
        cap *= 8;
    }
}

/// Why a bus transaction did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimStop {
    /// Nothing moved for `cycles` cycles (the transaction's budget).
    Timeout { cycles: u64 },
    /// An armed reset ([`TopModel::strike_reset_at`]) struck during it.
    Reset,
}

impl SimStop {
    fn from_status(s: c_int, timeout: u64) -> Self {
        if s == ZK_RESET { SimStop::Reset } else { SimStop::Timeout { cycles: timeout } }
    }
}


/// Outcome of [`TopModel::stream`].
#[derive(Clone, Debug, Default)]
pub struct StreamOutcome {
    /// Input beats the device accepted.
    pub sent: usize,
    /// Output beats received, in order.
    pub out: Vec<Beat>,
    /// TLAST of each output beat.
    pub out_last: Vec<bool>,
    /// The transfer stalled for the whole timeout before finishing.
    pub timed_out: bool,
    /// An armed reset struck during the transfer (which stopped there).
    pub reset: bool,
}

/// Largest seed of [`InitState::Random`] (Verilator's seed is a C `int`;
/// 0 would mean a different seed every run).
pub const RANDOM_INIT_SEED_MAX: u32 = 0x7FFF_FFFF;

/// The state the model's flops and memories start in. The model is built
/// with `--x-initial unique --x-assign unique`: what the RTL leaves
/// undefined comes from Verilator's random reset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InitState {
    /// All zeros (what the simulator did before; fastest to reason about).
    #[default]
    Zero,
    /// Random values from this seed (1..=RANDOM_INIT_SEED_MAX), as an FPGA
    /// or ASIC may power up: a flop the design forgets to reset shows.
    Random(u32),
}

/// The verilated coprocessor top level.
pub struct TopModel {
    raw: NonNull<RawTop>,
}

// The model is owned exclusively; Verilator models may move between threads.
unsafe impl Send for TopModel {}

impl TopModel {
    /// A new model with the clock low and reset released (call [`reset`](Self::reset)
    /// before use). `trace` writes a waveform (written out when the model drops).
    pub fn new(trace: Option<&TraceConfig>) -> Self {
        Self::with_init(trace, InitState::Zero)
    }

    /// [`new`](Self::new), every flop and memory word starting in `init`
    /// (panics on a seed outside 1..=[`RANDOM_INIT_SEED_MAX`]).
    pub fn with_init(trace: Option<&TraceConfig>, init: InitState) -> Self {
        let seed = match init {
            InitState::Zero => 0,
            InitState::Random(seed) => {
                assert!((1..=RANDOM_INIT_SEED_MAX).contains(&seed), "random-init seed {seed} outside 1..={RANDOM_INIT_SEED_MAX}");
                seed
            }
        };
        let arg = trace.map(TraceArg::new);
        let raw = unsafe { zk_top_new(trace_ptr(&arg), seed) };
        Self { raw: NonNull::new(raw).expect("zk_top_new") }
    }

    /// Move the traced cycle window (no effect without a trace).
    pub fn set_trace_window(&mut self, from: u64, to: u64) {
        unsafe { zk_top_trace_window(self.raw.as_ptr(), from, to) }
    }

    /// Clock cycles simulated so far.
    pub fn cycles(&self) -> u64 {
        unsafe { zk_top_cycles(self.raw.as_ptr()) }
    }

    /// The level of the `interrupt` pin now.
    pub fn interrupt(&self) -> bool {
        unsafe { zk_top_interrupt(self.raw.as_ptr()) != 0 }
    }

    /// Hold `ap_rst_n` low for `cycles` cycles, with every master idle.
    pub fn reset(&mut self, cycles: u32) {
        unsafe { zk_top_reset(self.raw.as_ptr(), cycles) }
    }

    /// Run `n` cycles with the buses idle.
    pub fn idle(&mut self, n: u64) {
        unsafe { zk_top_idle(self.raw.as_ptr(), n) }
    }

    /// Arm a reset of `len` cycles (at least regmap::RESET_CYCLES for a
    /// full reset) to strike when the cycle count reaches `at`, in the
    /// middle of whatever runs then: a register access or stream transfer
    /// it interrupts stops with [`SimStop::Reset`]; idle cycles go on after
    /// it. `u64::MAX` disarms.
    pub fn strike_reset_at(&mut self, at: u64, len: u32) {
        unsafe { zk_top_strike_reset(self.raw.as_ptr(), at, len) }
    }

    /// Armed resets that have struck since the model was built.
    pub fn strikes(&self) -> u64 {
        unsafe { zk_top_strikes(self.raw.as_ptr()) }
    }

    /// Random back-pressure on later stream transfers: each cycle the host
    /// offers a new input beat with probability `in_valid_pct`% and accepts
    /// output with probability `out_ready_pct`%. 100/100 turns stalls off.
    pub fn set_stalls(&mut self, seed: u64, in_valid_pct: u32, out_ready_pct: u32) {
        unsafe { zk_top_set_stalls(self.raw.as_ptr(), seed, in_valid_pct, out_ready_pct) }
    }

    /// Set the card memory's capacity, channels, latency and bandwidth.
    pub fn set_mem_timing(&mut self, timing: &CardMemTiming) {
        let milli = |bpc: f64| (bpc * 1000.0).round().max(1.0) as u64;
        let t = timing;
        unsafe {
            zk_top_mem_config(
                self.raw.as_ptr(),
                t.capacity,
                t.channel_bytes.max(1),
                t.latency_cycles,
                t.local_channels as u64,
                milli(t.bytes_per_cycle),
                milli(t.remote_bytes_per_cycle),
            )
        }
    }

    /// Seeded random card-memory response delays: each burst up to
    /// `extra_delay_max` cycles later, each beat withheld with probability
    /// `beat_stall_pct`%. Zeros turn them off.
    pub fn set_mem_delays(&mut self, seed: u64, extra_delay_max: u32, beat_stall_pct: u32) {
        unsafe { zk_top_mem_delays(self.raw.as_ptr(), seed, extra_delay_max, beat_stall_pct) }
    }

    /// Copy `data` into card memory at `addr` (no device cycles pass).
    /// `false` if the range leaves the capacity (nothing is written).
    pub fn mem_write(&mut self, addr: u64, data: &[u8]) -> bool {
        unsafe { zk_top_mem_write(self.raw.as_ptr(), addr, data.as_ptr(), data.len() as u64) == ZK_OK }
    }

    /// Copy card memory at `addr` into `out`; `false` if out of range.
    pub fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> bool {
        unsafe { zk_top_mem_read(self.raw.as_ptr(), addr, out.as_mut_ptr(), out.len() as u64) == ZK_OK }
    }

    /// One AXI4-Lite write; returns the BRESP code.
    pub fn axil_write(&mut self, addr: u32, data: u32, strb: u32, timeout: u64) -> Result<u32, SimStop> {
        let mut resp = 0;
        let s = unsafe { zk_top_axil_write(self.raw.as_ptr(), addr, data, strb, timeout, &mut resp) };
        if s == ZK_OK { Ok(resp) } else { Err(SimStop::from_status(s, timeout)) }
    }

    /// One AXI4-Lite read; returns (RDATA, RRESP).
    pub fn axil_read(&mut self, addr: u32, timeout: u64) -> Result<(u32, u32), SimStop> {
        let (mut data, mut resp) = (0, 0);
        let s = unsafe { zk_top_axil_read(self.raw.as_ptr(), addr, timeout, &mut data, &mut resp) };
        if s == ZK_OK { Ok((data, resp)) } else { Err(SimStop::from_status(s, timeout)) }
    }

    /// Stream `input` into `s_axis` (TLAST on the last beat if `tlast_on_last`)
    /// while draining `m_axis` until `expect_out` beats arrived. Stops early if
    /// `timeout` cycles pass with no beat moving either way.
    pub fn stream(&mut self, input: &[Beat], tlast_on_last: bool, expect_out: usize, timeout: u64) -> StreamOutcome {
        let mut out = vec![[0u32; 8]; expect_out];
        let mut last = vec![0u8; expect_out];
        let (mut sent, mut got) = (0u64, 0u64);
        let s = unsafe {
            zk_top_stream(
                self.raw.as_ptr(),
                input.as_ptr() as *const u32,
                input.len() as u64,
                tlast_on_last as c_int,
                out.as_mut_ptr() as *mut u32,
                last.as_mut_ptr(),
                expect_out as u64,
                timeout,
                &mut sent,
                &mut got,
            )
        };
        out.truncate(got as usize);
        last.truncate(got as usize);
        StreamOutcome {
            sent: sent as usize,
            out,
            out_last: last.into_iter().map(|b| b != 0).collect(),
            timed_out: s != ZK_OK && s != ZK_RESET,
            reset: s == ZK_RESET,
        }
    }
}

impl Drop for TopModel {
    fn drop(&mut self) {
        unsafe { zk_top_free(self.raw.as_ptr()) }
    }
}

/// The units of [`UnitsModel`], in output order.
pub const UNIT_NAMES: [&str; 8] = [
    "add_fq", "sub_fq", "mul_fast_fq", "mul_tiled_fq", "add_fr", "sub_fr", "mul_fast_fr", "mul_tiled_fr",
];

/// Per-cycle outputs of every unit: `y[unit][cycle]`, `valid[unit][cycle]`.
pub struct UnitsTrace {
    pub y: Vec<Vec<Beat>>,
    pub valid: Vec<Vec<bool>>,
}

/// The verilated field-units harness (`zkcopro_hdl::harness::FieldUnitsHarness`).
pub struct UnitsModel {
    raw: NonNull<RawUnits>,
}

unsafe impl Send for UnitsModel {}

impl UnitsModel {
    pub fn new(trace: Option<&TraceConfig>) -> Self {
        let arg = trace.map(TraceArg::new);
        let raw = unsafe { zk_units_new(trace_ptr(&arg)) };
        Self { raw: NonNull::new(raw).expect("zk_units_new") }
    }

    pub fn cycles(&self) -> u64 {
        unsafe { zk_units_cycles(self.raw.as_ptr()) }
    }

    /// Run one cycle per entry of `valid`, with the given operands per field,
    /// and return every unit's outputs, sampled each cycle before the edge.
    pub fn run(&mut self, a_fq: &[Beat], b_fq: &[Beat], a_fr: &[Beat], b_fr: &[Beat], valid: &[bool]) -> UnitsTrace {
        let n = valid.len();
        assert!(a_fq.len() == n && b_fq.len() == n && a_fr.len() == n && b_fr.len() == n);
        let mut y = vec![vec![[0u32; 8]; n]; UNIT_NAMES.len()];
        let mut v = vec![vec![0u8; n]; UNIT_NAMES.len()];
        let valid_bytes: Vec<u8> = valid.iter().map(|&b| b as u8).collect();
        let y_ptrs: Vec<*mut u32> = y.iter_mut().map(|c| c.as_mut_ptr() as *mut u32).collect();
        let v_ptrs: Vec<*mut u8> = v.iter_mut().map(|c| c.as_mut_ptr()).collect();
        unsafe {
            zk_units_run(
                self.raw.as_ptr(),
                n as u64,
                a_fq.as_ptr() as *const u32,
                b_fq.as_ptr() as *const u32,
                a_fr.as_ptr() as *const u32,
                b_fr.as_ptr() as *const u32,
                valid_bytes.as_ptr(),
                y_ptrs.as_ptr(),
                v_ptrs.as_ptr(),
            )
        };
        UnitsTrace { y, valid: v.into_iter().map(|c| c.into_iter().map(|b| b != 0).collect()).collect() }
    }
}

impl Drop for UnitsModel {
    fn drop(&mut self) {
        unsafe { zk_units_free(self.raw.as_ptr()) }
    }
}
