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

/// The memory a card carries (`--card-mem`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum CardMemKind {
    /// One DDR4-2400 x64 channel, as on Alveo U200/U250 cards.
    Ddr4,
    /// HBM2 in 32 pseudo-channels, as on an Alveo U55C.
    Hbm,
}

/// Card-memory and host-link parameters: the card's memory as equal
/// channels, each with its own latency and bandwidth, and the PCIe link.
/// [`CardMemConfig::ddr4`] is the default; [`CardMemConfig::hbm`] is an
/// Alveo U55C's HBM.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CardMemConfig {
    pub kind: CardMemKind,
    /// Equal channels the card's memory is split into, by address (1 DDR4
    /// channel; 32 HBM pseudo-channels), all reached by the kernel's port.
    pub channels: u32,
    /// The first channels, in the port's own switch group: reached at full
    /// bandwidth; the others over the HBM switch's lateral links.
    pub local_channels: u32,
    /// Latency from a read request to its first beat, seconds.
    pub dram_latency_s: f64,
    /// Peak bandwidth of one channel, bytes per second.
    pub dram_bytes_per_s: f64,
    /// Share of a channel's bandwidth left beyond the port's group.
    pub remote_share: f64,
    /// Host<->card DMA bandwidth, bytes per second.
    pub pcie_bytes_per_s: f64,
    /// Fixed cost of one DMA transfer, seconds.
    pub pcie_latency_s: f64,
}

impl Default for CardMemConfig {
    fn default() -> Self {
        Self::ddr4()
    }
}

impl CardMemConfig {
    /// One DDR4-2400 x64 channel (19.2 GB/s peak, about 100 ns from
    /// request to first data) behind a PCIe Gen3 x16 link at 12 GB/s
    /// effective with 1 µs per DMA transfer.
    pub fn ddr4() -> Self {
        CardMemConfig {
            kind: CardMemKind::Ddr4,
            channels: 1,
            local_channels: 1,
            dram_latency_s: 100e-9,
            dram_bytes_per_s: 19.2e9,
            remote_share: 1.0,
            pcie_bytes_per_s: 12e9,
            pcie_latency_s: 1e-6,
        }
    }

    /// An Alveo U55C's HBM2: 32 pseudo-channels (512 MiB each of the 16 GiB)
    /// at 14.375 GB/s peak each, 460 GB/s in all (AMD UG1393, HBM
    /// configuration); the port's switch group holds 4 of them, and the
    /// others are reached over lateral links that carry at most half a
    /// channel's bandwidth (AMD PG276, lateral AXI switch access). First-beat
    /// latency 110 ns: an assumption, a little above the DDR4 profile's (the
    /// controller's reordering queue and the switch); `--mem-latency-ns` sets
    /// it. Same PCIe link as [`Self::ddr4`].
    pub fn hbm() -> Self {
        CardMemConfig {
            kind: CardMemKind::Hbm,
            channels: 32,
            local_channels: 4,
            dram_latency_s: 110e-9,
            dram_bytes_per_s: 14.375e9,
            remote_share: 0.5,
            ..Self::ddr4()
        }
    }

    /// The profile of `kind`.
    pub fn of(kind: CardMemKind) -> Self {
        match kind {
            CardMemKind::Ddr4 => Self::ddr4(),
            CardMemKind::Hbm => Self::hbm(),
        }
    }

    /// Most channels a card may be split into.
    pub const MAX_CHANNELS: u32 = 1024;

    /// The channel count used: `channels` within 1..=[Self::MAX_CHANNELS].
    fn channel_count(&self) -> u32 {
        self.channels.clamp(1, Self::MAX_CHANNELS)
    }

    /// Bytes per channel of a card with `capacity` bytes: whole buffer
    /// pages (4 KiB), so no burst and no page crosses a channel.
    pub fn channel_bytes(&self, capacity: u64) -> u64 {
        capacity.div_ceil(self.channel_count() as u64).div_ceil(BUFFER_ALIGN).max(1) * BUFFER_ALIGN
    }

    /// The memory's timing in cycles of a `clock_hz` device clock. Values
    /// out of range are clamped (at least 1 channel, one in the port's
    /// group, a thousandth of a byte a cycle), never a division by zero.
    pub fn timing(&self, clock_hz: f64, capacity: u64) -> CardMemTiming {
        let floor = |x: f64| if x.is_finite() { x.max(1e-3) } else { 1e-3 };
        let bytes_per_cycle = floor(self.dram_bytes_per_s / clock_hz);
        CardMemTiming {
            capacity,
            channel_bytes: self.channel_bytes(capacity),
            latency_cycles: (self.dram_latency_s * clock_hz).round().max(1.0) as u32,
            local_channels: self.local_channels.clamp(1, self.channel_count()),
            bytes_per_cycle,
            remote_bytes_per_cycle: floor(bytes_per_cycle * self.remote_share),
        }
    }

    /// One line for reports, e.g. "ddr4: 1 channel at 19.2 GB/s, 100 ns to the first beat".
    pub fn describe(&self) -> String {
        let kind = match self.kind {
            CardMemKind::Ddr4 => "ddr4",
            CardMemKind::Hbm => "hbm",
        };
        let gbps = self.dram_bytes_per_s / 1e9;
        let channels = match (self.channel_count(), self.local_channels.clamp(1, self.channel_count())) {
            (1, _) => format!("1 channel at {gbps} GB/s"),
            (n, l) if l >= n => format!("{n} channels at {gbps} GB/s each"),
            (n, l) => format!("{n} channels at {gbps} GB/s each ({l} in the port's switch group, the rest at {:.0}%)", 100.0 * self.remote_share),
        };
        format!("{kind}: {channels}, {:.0} ns to the first beat", self.dram_latency_s * 1e9)
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

/// Allocator over the card's address space. On a memory of several
/// channels each buffer goes whole into one channel: the least used of the
/// port's own switch group (in turn among equally used ones), as a Vitis
/// design gives each buffer its own HBM bank, so a job's source,
/// destination and scratch stream from different channels while the group
/// has one free for each; then the channels beyond the group; first fit
/// within a channel, and first fit across channels for what no channel
/// holds. One channel: plain first fit.
#[derive(Debug)]
pub(crate) struct Allocator {
    device: u64,
    capacity: u64,
    next_id: u64,
    /// Live buffers by address: (length reserved, id).
    live: BTreeMap<u64, (u64, u64)>,
    channel_bytes: u64,
    /// Channels in the port's switch group.
    local_channels: u64,
    /// The channel of that group the next buffer tries first.
    next_channel: u64,
}

impl Allocator {
    pub fn new(capacity: u64) -> Self {
        Allocator {
            device: NEXT_DEVICE.fetch_add(1, Ordering::Relaxed),
            capacity,
            next_id: 1,
            live: BTreeMap::new(),
            channel_bytes: capacity.max(1),
            local_channels: 1,
            next_channel: 0,
        }
    }

    /// Place later buffers by channels of `channel_bytes`, the first
    /// `local_channels` in the port's group (live buffers stay).
    pub fn set_channels(&mut self, channel_bytes: u64, local_channels: u64) {
        self.channel_bytes = channel_bytes.clamp(1, self.capacity.max(1));
        self.local_channels = local_channels.clamp(1, self.channels());
        self.next_channel = 0;
    }

    fn channels(&self) -> u64 {
        self.capacity.div_ceil(self.channel_bytes).max(1)
    }

    /// The first address in channel `ch` where `reserve` bytes fit.
    fn fit_in_channel(&self, ch: u64, reserve: u64) -> Option<u64> {
        let (lo, hi) = (ch * self.channel_bytes, ((ch + 1) * self.channel_bytes).min(self.capacity));
        self.holes().find_map(|(at, len)| {
            let start = at.max(lo);
            let end = (at + len).min(hi);
            (end > start && end - start >= reserve).then_some(start)
        })
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
        let local = self.local_channels;
        // The group's channels, least used first (in turn among equals), so
        // a scratch buffer goes beside its job's data, not into its channel.
        let mut group: Vec<u64> = (0..local).map(|k| (self.next_channel + k) % local).collect();
        if local > 1 {
            let mut used = vec![0u64; local as usize];
            for (&addr, &(len, _)) in &self.live {
                if let Some(u) = used.get_mut((addr / self.channel_bytes) as usize) {
                    *u += len;
                }
            }
            group.sort_by_key(|&ch| used[ch as usize]);
        }
        let order = group.into_iter().chain(local..self.channels());
        let in_channel = order.into_iter().find_map(|ch| self.fit_in_channel(ch, reserve).map(|addr| (addr, ch)));
        let addr = match in_channel {
            Some((addr, ch)) => {
                if ch < local {
                    self.next_channel = (ch + 1) % local;
                }
                addr
            }
            None => match self.holes().find(|&(_, len)| len >= reserve) {
                Some((addr, _)) => addr,
                None => {
                    let largest_free = self.holes().map(|(_, l)| l).max().unwrap_or(0);
                    return Err(BufferFault::OutOfMemory { requested: bytes, largest_free });
                }
            },
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

    #[test]
    fn channels_take_buffers_in_turn_then_beyond_the_group_then_across() {
        let page = BUFFER_ALIGN;
        // 8 channels of 4 pages; the port's group is the first 2.
        let mut a = Allocator::new(32 * page);
        a.set_channels(4 * page, 2);
        let ch = |b: &DeviceBuffer| b.addr / (4 * page);
        let x = a.alloc(page).unwrap();
        let y = a.alloc(page).unwrap();
        let z = a.alloc(3 * page).unwrap();
        assert_eq!((ch(&x), ch(&y), ch(&z)), (0, 1, 0), "in turn through the group");
        assert_eq!(z.addr, page, "first fit within the channel");
        let w = a.alloc(3 * page).unwrap();
        assert_eq!((w.addr, ch(&w)), (5 * page, 1));
        let v = a.alloc(2 * page).unwrap();
        assert_eq!(ch(&v), 2, "the group is full: the first channel beyond it");
        let big = a.alloc(9 * page).unwrap();
        assert_eq!(big.addr, 10 * page, "no channel holds it: first fit across channels");
        a.free(&x).unwrap();
        let u = a.alloc(page).unwrap();
        assert_eq!(u.addr, 0, "a freed hole in the group is used again");
        // The least used channel of the group, whatever the turn: with one
        // buffer left in channel 0, scratch goes to the empty channel 1.
        let mut b = Allocator::new(32 * page);
        b.set_channels(4 * page, 4);
        let bufs: Vec<DeviceBuffer> = (0..4).map(|_| b.alloc(page).unwrap()).collect();
        for buf in &bufs[1..] {
            b.free(buf).unwrap();
        }
        let scratch = b.alloc(page).unwrap();
        assert_ne!(ch(&scratch), 0, "not beside the one live buffer");
        // One channel: plain first fit, as before.
        let mut one = Allocator::new(8 * page);
        one.set_channels(8 * page, 1);
        let addrs: Vec<u64> = (0..3).map(|_| one.alloc(page).unwrap().addr).collect();
        assert_eq!(addrs, vec![0, page, 2 * page]);
    }

    #[test]
    fn profiles_give_channels_bandwidth_and_latency_in_cycles() {
        let cap = 16u64 << 30;
        let ddr = CardMemConfig::ddr4().timing(250e6, cap);
        assert_eq!((ddr.channels(), ddr.channel_bytes, ddr.latency_cycles), (1, cap, 25));
        assert!((ddr.bytes_per_cycle - 76.8).abs() < 1e-9);
        let hbm = CardMemConfig::hbm().timing(250e6, cap);
        assert_eq!((hbm.channels(), hbm.channel_bytes, hbm.local_channels), (32, 512 << 20, 4));
        assert!((hbm.bytes_per_cycle - 57.5).abs() < 1e-9 && (hbm.remote_bytes_per_cycle - 28.75).abs() < 1e-9);
        assert_eq!(hbm.bytes_per_cycle_at(4 * (512 << 20) - 1), 57.5);
        assert_eq!(hbm.bytes_per_cycle_at(4 * (512 << 20)), 28.75);
        assert_eq!(hbm.channel_of(u64::MAX), 31);
        // Nonsense values are clamped, never a division by zero.
        let odd = CardMemConfig { channels: 0, local_channels: 0, dram_bytes_per_s: 0.0, remote_share: 0.0, ..CardMemConfig::hbm() };
        let t = odd.timing(250e6, cap);
        assert_eq!((t.channels(), t.local_channels), (1, 1));
        assert!(t.bytes_per_cycle > 0.0 && t.remote_bytes_per_cycle > 0.0);
        assert!(odd.describe().starts_with("hbm: 1 channel at 0 GB/s"));
        let many = CardMemConfig { channels: u32::MAX, ..CardMemConfig::hbm() }.timing(250e6, cap);
        assert_eq!(many.channels(), CardMemConfig::MAX_CHANNELS as u64);
    }
}
