//! Card memory from the host's side: device buffers allocated in the card's
//! DRAM, written and read like XRT buffer objects, with every host<->card
//! copy accounted at a PCIe rate (reported as transfer time, apart from glue
//! and device time).

use crate::bus::CardMemTiming;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

/// Alignment of every device buffer (a DRAM page; records need 64).
pub const BUFFER_ALIGN: u64 = 4096;

/// Card-memory and host-link parameters. Defaults: one DDR4-2400 x64
/// channel (19.2 GB/s peak, about 100 ns from request to first data, as on
/// Alveo U200/U250 cards) behind a PCIe Gen3 x16 link at 12 GB/s effective
/// with 1 µs per DMA transfer.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CardMemConfig {
    /// DRAM latency from a read request to its first beat, seconds.
    pub dram_latency_s: f64,
    /// DRAM peak bandwidth, bytes per second.
    pub dram_bytes_per_s: f64,
    /// Host<->card DMA bandwidth, bytes per second.
    pub pcie_bytes_per_s: f64,
    /// Fixed cost of one DMA transfer, seconds.
    pub pcie_latency_s: f64,
}

impl Default for CardMemConfig {
    fn default() -> Self {
        CardMemConfig { dram_latency_s: 100e-9, dram_bytes_per_s: 19.2e9, pcie_bytes_per_s: 12e9, pcie_latency_s: 1e-6 }
    }
}

impl CardMemConfig {
    /// The DRAM timing in cycles of a `clock_hz` device clock.
    pub fn timing(&self, clock_hz: f64, capacity: u64) -> CardMemTiming {
        CardMemTiming {
            capacity,
            latency_cycles: (self.dram_latency_s * clock_hz).round().max(1.0) as u32,
            bytes_per_cycle: self.dram_bytes_per_s / clock_hz,
        }
    }

    /// Seconds one DMA transfer of `bytes` takes.
    pub fn transfer_s(&self, bytes: u64) -> f64 {
        self.pcie_latency_s + bytes as f64 / self.pcie_bytes_per_s
    }
}

/// Host<->card copies: bytes each way and their accounted time.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct TransferProfile {
    pub bytes_to_card: u64,
    pub bytes_from_card: u64,
    pub transfers: u64,
    /// Accounted at the PCIe rate of [`CardMemConfig`], seconds.
    pub transfer_s: f64,
}

impl TransferProfile {
    pub fn add(&mut self, other: &TransferProfile) {
        self.bytes_to_card += other.bytes_to_card;
        self.bytes_from_card += other.bytes_from_card;
        self.transfers += other.transfers;
        self.transfer_s += other.transfer_s;
    }
}

/// A buffer in card memory. A plain handle: it stays valid until freed, and
/// only on the coprocessor that allocated it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DeviceBuffer {
    pub(crate) device: u64,
    pub(crate) id: u64,
    pub(crate) addr: u64,
    pub(crate) len: u64,
}

impl DeviceBuffer {
    /// Card-memory byte address of the buffer's first byte.
    pub fn addr(&self) -> u64 {
        self.addr
    }
    /// Size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Why a buffer operation was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BufferFault {
    /// No free range of `requested` bytes (`largest_free` is the biggest hole).
    OutOfMemory { requested: u64, largest_free: u64 },
    /// The buffer was freed, or belongs to another coprocessor.
    Invalid,
    /// `offset + len` exceeds the buffer's `size`.
    Range { offset: u64, len: u64, size: u64 },
}

static NEXT_DEVICE: AtomicU64 = AtomicU64::new(1);

/// First-fit allocator over the card's address space.
#[derive(Debug)]
pub(crate) struct Allocator {
    device: u64,
    capacity: u64,
    next_id: u64,
    /// Live buffers by address: (length reserved, id).
    live: BTreeMap<u64, (u64, u64)>,
}

impl Allocator {
    pub fn new(capacity: u64) -> Self {
        Allocator { device: NEXT_DEVICE.fetch_add(1, Ordering::Relaxed), capacity, next_id: 1, live: BTreeMap::new() }
    }

    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Bytes not reserved by any buffer.
    pub fn free_bytes(&self) -> u64 {
        self.capacity - self.live.values().map(|(len, _)| len).sum::<u64>()
    }

    fn holes(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let mut at = 0;
        let mut ends = self.live.iter().map(|(&a, &(l, _))| (a, a + l)).chain(std::iter::once((self.capacity, self.capacity)));
        std::iter::from_fn(move || {
            for (start, end) in ends.by_ref() {
                let hole = (at, start - at);
                at = end;
                if hole.1 > 0 {
                    return Some(hole);
                }
            }
            None
        })
    }

    pub fn alloc(&mut self, bytes: u64) -> Result<DeviceBuffer, BufferFault> {
        let reserve = bytes.max(1).div_ceil(BUFFER_ALIGN).saturating_mul(BUFFER_ALIGN);
        let Some((addr, _)) = self.holes().find(|&(_, len)| len >= reserve) else {
            let largest_free = self.holes().map(|(_, l)| l).max().unwrap_or(0);
            return Err(BufferFault::OutOfMemory { requested: bytes, largest_free });
        };
        let id = self.next_id;
        self.next_id += 1;
        self.live.insert(addr, (reserve, id));
        Ok(DeviceBuffer { device: self.device, id, addr, len: bytes })
    }

    pub fn check(&self, buf: &DeviceBuffer, offset: u64, len: u64) -> Result<(), BufferFault> {
        if buf.device != self.device || self.live.get(&buf.addr).map(|&(_, id)| id) != Some(buf.id) {
            return Err(BufferFault::Invalid);
        }
        match offset.checked_add(len) {
            Some(end) if end <= buf.len => Ok(()),
            _ => Err(BufferFault::Range { offset, len, size: buf.len }),
        }
    }

    pub fn free(&mut self, buf: &DeviceBuffer) -> Result<(), BufferFault> {
        self.check(buf, 0, 0)?;
        self.live.remove(&buf.addr);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_fit_reuses_holes_and_refuses_what_does_not_fit() {
        let mut a = Allocator::new(16 * BUFFER_ALIGN);
        let x = a.alloc(3 * BUFFER_ALIGN).unwrap();
        let y = a.alloc(1).unwrap();
        let z = a.alloc(BUFFER_ALIGN + 1).unwrap();
        assert_eq!((x.addr, y.addr, z.addr), (0, 3 * BUFFER_ALIGN, 4 * BUFFER_ALIGN));
        a.free(&x).unwrap();
        assert_eq!(a.free(&x), Err(BufferFault::Invalid), "double free");
        let w = a.alloc(2 * BUFFER_ALIGN).unwrap();
        assert_eq!(w.addr, 0, "the freed hole is reused");
        assert_eq!(a.check(&x, 0, 1), Err(BufferFault::Invalid), "a freed handle stays invalid");
        assert_eq!(a.check(&y, 0, 2), Err(BufferFault::Range { offset: 0, len: 2, size: 1 }));
        assert_eq!(a.check(&y, u64::MAX, 2), Err(BufferFault::Range { offset: u64::MAX, len: 2, size: 1 }));
        assert!(matches!(a.alloc(11 * BUFFER_ALIGN), Err(BufferFault::OutOfMemory { largest_free, .. }) if largest_free == 10 * BUFFER_ALIGN));
        let other = Allocator::new(16 * BUFFER_ALIGN);
        assert_eq!(other.check(&y, 0, 1), Err(BufferFault::Invalid), "foreign buffer");
        assert_eq!(a.free_bytes(), 16 * BUFFER_ALIGN - 2 * BUFFER_ALIGN - BUFFER_ALIGN - 2 * BUFFER_ALIGN);
    }
}
