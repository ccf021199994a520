//! The host's view of the coprocessor: 32-bit memory-mapped registers, two
//! 256-bit streams and the card's memory, behind one trait with
//! interchangeable backends.

use serde::Serialize;
use thiserror::Error;

pub use zkcopro_sim::{Beat, CardMemTiming, InitState, RANDOM_INIT_SEED_MAX};

/// Bytes in one stream beat.
pub const BEAT_BYTES: u64 = 32;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum BusError {
    /// No register answers at this address (AXI DECERR).
    #[error("no register at address 0x{addr:02X} (decode error)")]
    Unmapped { addr: u32 },
    /// The register refused the access, e.g. a write to a read-only register (AXI SLVERR).
    #[error("register at 0x{addr:02X} refused the access (slave error)")]
    Refused { addr: u32 },
    /// The device did not complete a transfer within the cycle budget.
    #[error("device did not answer: {what} stalled for {cycles} cycles")]
    Timeout { what: &'static str, cycles: u64 },
    /// The device was reset while the transaction ran (or since the last
    /// one): whatever job was running is gone.
    #[error("the device was reset during {what}")]
    Reset { what: &'static str },
    /// A card-memory copy falls outside the card's memory.
    #[error("card-memory range 0x{addr:X}+{len} leaves the card's {capacity} bytes")]
    MemRange { addr: u64, len: u64, capacity: u64 },
    /// The output packet's TLAST was missing or early.
    #[error("output stream framing error: TLAST at beat {at:?} of {expected}")]
    Framing { at: Option<usize>, expected: usize },
}

/// Counters a backend keeps across transactions.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct BusStats {
    /// Register reads and writes.
    pub mmio_reads: u64,
    pub mmio_writes: u64,
    /// Stream beats host to card and card to host.
    pub beats_in: u64,
    pub beats_out: u64,
    /// Wall time spent inside the simulator (or model), seconds.
    pub sim_s: f64,
}

impl BusStats {
    pub fn since(&self, earlier: &BusStats) -> BusStats {
        BusStats {
            mmio_reads: self.mmio_reads - earlier.mmio_reads,
            mmio_writes: self.mmio_writes - earlier.mmio_writes,
            beats_in: self.beats_in - earlier.beats_in,
            beats_out: self.beats_out - earlier.beats_out,
            sim_s: self.sim_s - earlier.sim_s,
        }
    }
}

/// A connection to a coprocessor.
pub trait Bus {
    /// Backend name for reports ("verilator", "model").
    fn name(&self) -> &'static str;
    /// Whether `cycles()` is exact (cycle-accurate RTL) or modelled.
    fn cycle_accurate(&self) -> bool;
    /// Read a 32-bit register.
    fn read32(&mut self, addr: u32) -> Result<u32, BusError>;
    /// Write a 32-bit register.
    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError>;
    /// Send `input` as one packet (TLAST on its last beat) while receiving
    /// one packet of exactly `expect_out` beats.
    fn stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError>;
    /// `stream` for jobs that compute for long between their input and their
    /// output (MSM): waits up to `patience` cycles without a beat moving.
    fn stream_patient(&mut self, input: &[Beat], expect_out: usize, patience: u64) -> Result<Vec<Beat>, BusError> {
        let _ = patience;
        self.stream(input, expect_out)
    }
    /// Let `cycles` clock cycles pass.
    fn idle(&mut self, cycles: u64);
    /// Reset the device (ap_rst_n).
    fn reset(&mut self);
    /// Clock cycles elapsed on the device since it was created.
    fn cycles(&self) -> u64;
    /// Transfer counters.
    fn stats(&self) -> BusStats;
    /// Bytes of card memory the device can address.
    fn mem_capacity(&self) -> u64;
    /// Copy `data` into card memory at `addr` (the host's DMA; no device
    /// cycles pass). Out-of-range copies write nothing.
    fn mem_write(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError>;
    /// Copy card memory at `addr` into `out`.
    fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), BusError>;
    /// Set the card DRAM's latency and bandwidth (backends without memory
    /// timing ignore it).
    fn set_mem_timing(&mut self, timing: &CardMemTiming) {
        let _ = timing;
    }
    /// Seeded random card-memory response delays: each read burst up to
    /// `extra_delay_max` cycles late, each beat withheld with probability
    /// `beat_stall_pct`% (backends without memory timing ignore it).
    fn set_mem_delays(&mut self, seed: u64, extra_delay_max: u32, beat_stall_pct: u32) {
        let _ = (seed, extra_delay_max, beat_stall_pct);
    }
}
