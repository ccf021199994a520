//! Reference model of the NTT engine's data movement, apart from the
//! hardware: where a job's points sit in card memory, how interleaved
//! transforms map to the core's memory, and each result's twiddle exponent.
//! Index arithmetic only; the field arithmetic is `crate::reference`.

use super::roots::FR_TWO_ADICITY;

/// Bytes of one point in card memory.
pub const POINT_BYTES: u64 = 32;

/// A strided card-memory layout (NTT_SRC_* / NTT_DST_*): runs of `run_len`
/// consecutive points, each run `stride` points after the previous one;
/// with batches (NTT_BATCH_LOG), the runs restart every `batch_len` points,
/// `batch_stride` points after the previous batch's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Layout {
    /// Byte address of the first point (64-byte aligned).
    pub addr: u64,
    /// Points per run: a power of two, at least 2.
    pub run_len: u32,
    /// Points from one run's start to the next (even).
    pub stride: u32,
    /// Points per batch (a power of two, at least `run_len`); 0: no batches.
    pub batch_len: u32,
    /// Points from one batch's start to the next (even).
    pub batch_stride: u32,
}

impl Layout {
    /// A contiguous buffer of points from `addr` (runs of one record, one
    /// record apart: valid for any even count).
    pub fn contiguous(addr: u64) -> Self {
        Layout { addr, run_len: 2, stride: 2, batch_len: 0, batch_stride: 0 }
    }

    /// Runs of `run_len` points, `stride` apart, without batches.
    pub fn strided(addr: u64, run_len: u32, stride: u32) -> Self {
        Layout { addr, run_len, stride, batch_len: 0, batch_stride: 0 }
    }

    /// This layout restarted every `batch_len` points, `batch_stride` points on.
    pub fn batched(self, batch_len: u32, batch_stride: u32) -> Self {
        Layout { batch_len, batch_stride, ..self }
    }

    /// Whether the hardware accepts this layout for a job of `count` points.
    pub fn valid_for(&self, count: u32) -> bool {
        self.addr % 64 == 0
            && self.run_len >= 2
            && self.run_len <= count
            && self.run_len.is_power_of_two()
            && self.stride % 2 == 0
            && (self.batch_len == 0 || (self.run_len <= self.batch_len && self.batch_stride % 2 == 0))
    }

    /// Byte address of the job's `i`-th point.
    pub fn point_addr(&self, i: u64) -> u64 {
        let (batch, i) = match self.batch_len {
            0 => (0, i),
            len => (i / len as u64, i % len as u64),
        };
        let run = i / self.run_len as u64;
        let at = i % self.run_len as u64;
        self.addr + (batch * self.batch_stride as u64 + run * self.stride as u64 + at) * POINT_BYTES
    }

    /// One past the highest byte a job of `count` points touches (every
    /// step is forward, so the last point is the highest).
    pub fn end(&self, count: u32) -> u64 {
        self.point_addr(count as u64 - 1) + POINT_BYTES
    }
}

/// Position in the core's memory (transform t, point i at t m + i) of the
/// job's `beat`-th point when 2^ilv transforms of 2^log_m points are
/// interleaved (beat i 2^ilv + t); the identity for ilv = 0.
pub fn core_index(beat: usize, ilv: u32, log_m: u32) -> usize {
    let t = beat & ((1 << ilv) - 1);
    let i = beat >> ilv;
    (t << log_m) | i
}

/// Core address (transform t at t m + i... as the core holds it) that a
/// batch's output `count` is read from: with 2^ilv transforms interleaved in
/// the output, count = i 2^ilv + t, and output i of transform t is at
/// t m + bitrev_m(i). The core's unload order (`UnloadOrder`) matches this.
pub fn unload_address(count: usize, ilv: u32, log_m: u32) -> usize {
    let index = core_index(count, ilv, log_m);
    let m_mask = (1usize << log_m) - 1;
    let rev = if log_m == 0 { 0 } else { (index & m_mask).reverse_bits() >> (usize::BITS - log_m) };
    (index & !m_mask) | rev
}

/// Exponent e of the twiddle w^e of output k of the job's q-th transform,
/// column `col + q` of a four-step transform: k (col + q).
pub fn twiddle_exponent(k: u64, q: u64, col: u64) -> u64 {
    k * (col + q)
}

/// Exponent e of the power g^e of output k of the job's q-th transform in
/// powers mode: col + q + 2^log_step k (one-point transforms: col + j;
/// the four-step's second pass with log_step = log2 n1: result index k1 + n1 k2).
pub fn powers_exponent(k: u64, q: u64, col: u64, log_step: u32) -> u64 {
    col + q + (k << log_step)
}

/// Root mode (powers mode with the base the primitive 2^log_order-th root of
/// unity w28^(2^(28 - log_order))): the exponent, in units of w28, at which
/// the scaler reads its twiddle ROMs for output k of the job's q-th
/// transform: the powers exponent shifted left by 28 - log_order, mod 2^28.
/// `log_order` is 1..=28.
pub fn root_exponent_w28(k: u64, q: u64, col: u64, log_step: u32, log_order: u32) -> u64 {
    assert!((1..=FR_TWO_ADICITY).contains(&log_order), "root order 2^{log_order}");
    let mask = (1u64 << FR_TWO_ADICITY) - 1;
    ((powers_exponent(k, q, col, log_step) & mask) << (FR_TWO_ADICITY - log_order)) & mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_exponents_are_powers_of_the_root() {
        use crate::ntt::roots;
        use num_bigint::BigUint;
        let r = crate::params::FieldId::Fr.modulus();
        let w28 = roots::two_adic_root();
        for log_order in [1u32, 2, 5, 13, 27, 28] {
            let root = roots::root_of_unity(log_order);
            for (k, q, col, log_step) in [(0u64, 0u64, 0u64, 0u32), (3, 1, 0, 2), (5, 2, 7, 4), (1, 0, (1 << 28) - 1, 0), (9, 3, 1 << 20, 6)] {
                let e = powers_exponent(k, q, col, log_step);
                let want = root.modpow(&BigUint::from(e), &r);
                let got = w28.modpow(&BigUint::from(root_exponent_w28(k, q, col, log_step, log_order)), &r);
                assert_eq!(got, want, "2^{log_order}: k {k} q {q} col {col} step 2^{log_step}");
                assert!(root_exponent_w28(k, q, col, log_step, log_order) < 1 << 28);
            }
        }
        // Order 2: the exponent's parity picks 1 or -1.
        assert_eq!(root_exponent_w28(3, 0, 0, 0, 1), 1 << 27);
        assert_eq!(root_exponent_w28(2, 0, 0, 0, 1), 0);
    }

    #[test]
    fn core_index_is_a_transpose() {
        for (ilv, log_m) in [(0, 4), (1, 3), (2, 2), (3, 1)] {
            let n = 1usize << (ilv + log_m);
            let mut seen = vec![false; n];
            for b in 0..n {
                let c = core_index(b, ilv, log_m);
                assert!(!seen[c]);
                seen[c] = true;
                if ilv == 0 {
                    assert_eq!(c, b);
                }
            }
        }
    }

    #[test]
    fn layouts() {
        let l = Layout::strided(128, 4, 16);
        let addrs: Vec<u64> = (0..8).map(|i| l.point_addr(i)).collect();
        assert_eq!(addrs, vec![128, 160, 192, 224, 128 + 512, 160 + 512, 192 + 512, 224 + 512]);
        assert!(l.valid_for(8));
        assert!(!Layout { addr: 32, ..l }.valid_for(8));
        assert!(!Layout { run_len: 3, ..l }.valid_for(8));
        assert!(!Layout { run_len: 16, ..l }.valid_for(8));
        assert!(!Layout { stride: 5, ..l }.valid_for(8));
        assert_eq!(Layout::contiguous(0).end(8), 256);
        assert_eq!(Layout::contiguous(64).point_addr(5), 64 + 5 * 32);
        // Two batches of two runs of two points: columns 0-1, then 2-3, of a 4-wide matrix.
        let b = Layout::strided(0, 2, 4).batched(4, 2);
        let points: Vec<u64> = (0..8).map(|i| b.point_addr(i) / 32).collect();
        assert_eq!(points, vec![0, 1, 4, 5, 2, 3, 6, 7]);
        assert!(b.valid_for(8));
        assert!(!Layout { batch_stride: 3, ..b }.valid_for(8));
        assert!(!Layout { batch_len: 1, ..b }.valid_for(8));
        assert_eq!(b.end(8), 8 * 32);
    }
}
