//! The cycle-accurate backend: the verilated RTL of the coprocessor.

use crate::bus::{Beat, Bus, BusError, BusStats};
use super::trace::TraceSpec;
use std::time::Instant;
use zkcopro_hdl::regmap;
use zkcopro_sim::{CardMemTiming, DEFAULT_CARD_MEM_BYTES, InitState, SimStop, TopModel};

/// Timeouts, in clock cycles without progress.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    /// One AXI4-Lite transaction.
    pub mmio: u64,
    /// A stream transfer: cycles with no beat moving either way (an on-chip
    /// NTT computes for up to ~25k cycles between its input and output).
    pub stream: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts { mmio: 1_000, stream: 200_000 }
    }
}

pub struct VerilatorBus {
    model: TopModel,
    timeouts: Timeouts,
    stats: BusStats,
    mem_capacity: u64,
    /// A trace window waiting for the first job start.
    trace_armed: Option<TraceSpec>,
    /// Struck resets already reported to the host.
    strikes_seen: u64,
}

impl VerilatorBus {
    /// A reset coprocessor model; `trace` writes a waveform (check it with
    /// [`TraceSpec::validate`] first: an invalid one panics here).
    pub fn new(trace: Option<&TraceSpec>) -> Self {
        Self::with_init(trace, InitState::Zero)
    }

    /// [`new`](Self::new) with the model's flops and memories starting in
    /// `init` (random from a seed, or zero); the reset that follows must
    /// bring the device to its documented state either way.
    pub fn with_init(trace: Option<&TraceSpec>, init: InitState) -> Self {
        let config = trace.map(|t| t.sim_config().expect("trace spec validated by the caller"));
        let mut bus = VerilatorBus {
            model: TopModel::with_init(config.as_ref(), init),
            timeouts: Timeouts::default(),
            stats: BusStats::default(),
            mem_capacity: DEFAULT_CARD_MEM_BYTES,
            trace_armed: trace.filter(|t| t.waits_for_start()).cloned(),
            strikes_seen: 0,
        };
        bus.reset();
        bus
    }

    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Seeded random back-pressure: the host offers input beats with
    /// probability `in_valid_pct`% per cycle and takes output with `out_ready_pct`%.
    pub fn set_stalls(&mut self, seed: u64, in_valid_pct: u32, out_ready_pct: u32) {
        self.model.set_stalls(seed, in_valid_pct, out_ready_pct);
    }

    /// Multiplier implementation the model was built with.
    pub fn multiplier(&self) -> &'static str {
        zkcopro_sim::SIM_MUL
    }

    /// Arm a full reset (`RESET_CYCLES`) to strike at device cycle `at`,
    /// in the middle of whatever runs then, as a reset from elsewhere in the
    /// system would. The transaction it interrupts, or the next one if it
    /// strikes while the bus idles, fails with [`BusError::Reset`].
    pub fn strike_reset_at(&mut self, at: u64) {
        self.model.strike_reset_at(at, regmap::RESET_CYCLES);
    }

    /// Struck resets so far.
    pub fn strikes(&self) -> u64 {
        self.model.strikes()
    }

    /// A reset struck since the last transaction (while idling): report it once.
    fn check_struck(&mut self, what: &'static str) -> Result<(), BusError> {
        let strikes = self.model.strikes();
        if strikes == self.strikes_seen {
            return Ok(());
        }
        self.strikes_seen = strikes;
        Err(BusError::Reset { what })
    }

    fn stopped(&mut self, stop: SimStop, what: &'static str) -> BusError {
        match stop {
            SimStop::Timeout { cycles } => BusError::Timeout { what, cycles },
            SimStop::Reset => {
                self.strikes_seen = self.model.strikes();
                BusError::Reset { what }
            }
        }
    }

    fn timed<T>(&mut self, f: impl FnOnce(&mut TopModel) -> T) -> T {
        let t0 = Instant::now();
        let r = f(&mut self.model);
        self.stats.sim_s += t0.elapsed().as_secs_f64();
        r
    }
}

fn check_resp(addr: u32, resp: u32) -> Result<(), BusError> {
    match resp {
        regmap::RESP_OKAY => Ok(()),
        regmap::RESP_DECERR => Err(BusError::Unmapped { addr }),
        _ => Err(BusError::Refused { addr }),
    }
}

impl Bus for VerilatorBus {
    fn name(&self) -> &'static str {
        "verilator"
    }

    fn cycle_accurate(&self) -> bool {
        true
    }

    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        self.stats.mmio_reads += 1;
        let timeout = self.timeouts.mmio;
        self.check_struck("the cycles before an AXI4-Lite read")?;
        let (data, resp) = match self.timed(|m| m.axil_read(addr, timeout)) {
            Ok(r) => r,
            Err(stop) => return Err(self.stopped(stop, "AXI4-Lite read")),
        };
        check_resp(addr, resp)?;
        Ok(data)
    }

    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        self.stats.mmio_writes += 1;
        if addr == regmap::CTRL.offset && value & regmap::CTRL_AP_START != 0 {
            if let Some(spec) = self.trace_armed.take() {
                // The start takes effect a few cycles into the write; counting
                // from the write's first cycle keeps the handshake in view.
                let (from, to) = spec.window_at_start(self.model.cycles());
                self.model.set_trace_window(from, to);
            }
        }
        let timeout = self.timeouts.mmio;
        self.check_struck("the cycles before an AXI4-Lite write")?;
        let resp = match self.timed(|m| m.axil_write(addr, value, 0xF, timeout)) {
            Ok(r) => r,
            Err(stop) => return Err(self.stopped(stop, "AXI4-Lite write")),
        };
        check_resp(addr, resp)
    }

    fn stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError> {
        self.stream_patient(input, expect_out, 0)
    }

    fn stream_patient(&mut self, input: &[Beat], expect_out: usize, patience: u64) -> Result<Vec<Beat>, BusError> {
        let timeout = self.timeouts.stream.max(patience);
        self.check_struck("the cycles before an AXI4-Stream transfer")?;
        let outcome = self.timed(|m| m.stream(input, true, expect_out, timeout));
        self.stats.beats_in += outcome.sent as u64;
        self.stats.beats_out += outcome.out.len() as u64;
        if outcome.reset {
            return Err(self.stopped(SimStop::Reset, "AXI4-Stream transfer"));
        }
        if outcome.timed_out {
            return Err(BusError::Timeout { what: "AXI4-Stream transfer", cycles: timeout });
        }
        let last_at = outcome.out_last.iter().position(|&l| l);
        if expect_out > 0 && last_at != Some(expect_out - 1) {
            return Err(BusError::Framing { at: last_at, expected: expect_out });
        }
        Ok(outcome.out)
    }

    fn idle(&mut self, cycles: u64) {
        self.timed(|m| m.idle(cycles));
    }

    fn reset(&mut self) {
        self.timed(|m| m.reset(regmap::RESET_CYCLES));
        // The host's own reset supersedes any struck one it has not seen.
        self.strikes_seen = self.model.strikes();
    }

    fn cycles(&self) -> u64 {
        self.model.cycles()
    }

    fn stats(&self) -> BusStats {
        self.stats
    }

    fn set_mem_timing(&mut self, timing: &CardMemTiming) {
        self.mem_capacity = timing.capacity;
        self.model.set_mem_timing(timing);
    }

    fn set_mem_delays(&mut self, seed: u64, extra_delay_max: u32, beat_stall_pct: u32) {
        self.model.set_mem_delays(seed, extra_delay_max, beat_stall_pct);
    }

    fn mem_capacity(&self) -> u64 {
        self.mem_capacity
    }

    fn mem_write(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError> {
        let capacity = self.mem_capacity;
        if self.timed(|m| m.mem_write(addr, data)) {
            Ok(())
        } else {
            Err(BusError::MemRange { addr, len: data.len() as u64, capacity })
        }
    }

    fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), BusError> {
        let capacity = self.mem_capacity;
        let len = out.len() as u64;
        if self.timed(|m| m.mem_read(addr, out)) { Ok(()) } else { Err(BusError::MemRange { addr, len, capacity }) }
    }
}
