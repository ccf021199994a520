//! The functional model's data port: NTT and field-ALU jobs on card-memory
//! layouts, the interleaved loads and unloads, the twiddle scaler's factors,
//! with the rules (layout checks) and a cycle estimate of the hardware's.

use super::ModelBus;
use crate::bus::Beat;
use crate::field::{DeviceField, beat_to_bytes, bytes_to_beat, fr_from_beat_unchecked};
use ark_bn254::Fr;
use ark_ff::{One, Zero};
use zkcopro_hdl::ntt::reference::{self as ntt_ref, Layout};
use zkcopro_hdl::ntt::ntt_core::NTT_UNLOAD_LATENCY;
use zkcopro_hdl::ntt::{NTT_DRAIN_CYCLES, NTT_LOG_MAX, NTT_UNITS};

/// Cycles an NTT job spends in the data port's read and write stages and its
/// start and done handshakes, beyond the core's: measured in Verilator (the
/// same at every size, direction and memory latency).
const NTT_PORT_CYCLES: u64 = 7;
use zkcopro_hdl::regmap;

impl ModelBus {
    pub(super) fn mode(&self) -> u32 {
        self.run_ntt_params[0]
    }

    pub(super) fn ilv(&self) -> (u32, u32) {
        let mode = self.mode();
        ((mode >> regmap::NTT_MODE_IN_ILV_SHIFT) & 0xF, (mode >> regmap::NTT_MODE_OUT_ILV_SHIFT) & 0xF)
    }

    /// NTT_BATCH_LOG: log2 of the points per batch (0: the job is one batch).
    pub(super) fn batch_log(&self) -> u32 {
        self.run_ntt_params[15]
    }

    /// Points per batch of the running job (the job registers, latched at start).
    pub(super) fn batch_points(&self) -> u64 {
        match self.batch_log() {
            0 => self.run_count as u64,
            log => 1u64 << log.min(63),
        }
    }

    fn layout_batch(&self) -> u32 {
        match self.batch_log() {
            0 => 0,
            log => 1u32.checked_shl(log).unwrap_or(0),
        }
    }

    pub(super) fn src_layout(&self) -> Layout {
        let p = &self.run_ntt_params;
        Layout::strided(p[1] as u64 | (p[2] as u64) << 32, p[3], p[4]).batched(self.layout_batch(), p[16])
    }

    pub(super) fn dst_layout(&self) -> Layout {
        let p = &self.run_ntt_params;
        Layout::strided(p[5] as u64 | (p[6] as u64) << 32, p[7], p[8]).batched(self.layout_batch(), p[17])
    }

    pub(super) fn srcb_layout(&self) -> Layout {
        let p = &self.run_ntt_params;
        Layout::strided(p[11] as u64 | (p[12] as u64) << 32, p[13], p[14])
    }

    /// NTT_MODE_POWERS_ROOT's L: log2 of the root of unity's order.
    pub(super) fn root_log(&self) -> u32 {
        (self.mode() >> regmap::NTT_MODE_ROOT_LOG_SHIFT) & regmap::NTT_MODE_ROOT_LOG_MASK
    }

    /// The checks of the NTT core (interleave) and of the data port (layouts,
    /// twiddle size, root-of-unity powers, operand b for ALU jobs on card memory).
    pub(super) fn layout_ok(&self, ntt: bool) -> bool {
        let (count, mode) = (self.job_count, self.mode());
        let (in_ilv, out_ilv) = self.ilv();
        let batch = self.batch_points();
        let fill = |ilv: u32| !ntt || ilv == 0 || (batch >> self.job_log_size) == 1 << ilv;
        let src_mem = mode & regmap::NTT_MODE_SRC_MEM != 0;
        let src_b = mode & regmap::NTT_MODE_SRC_B != 0;
        let mem = src_mem || mode & regmap::NTT_MODE_DST_MEM != 0;
        fill(in_ilv)
            && fill(out_ilv)
            && self.batch_log() as usize <= NTT_LOG_MAX
            && (!mem || count % 2 == 0)
            && src_b == (!ntt && src_mem)
            && (!src_b || self.srcb_layout().valid_for(count))
            && (mode & regmap::NTT_MODE_SRC_MEM == 0 || self.src_layout().valid_for(count))
            && (mode & regmap::NTT_MODE_DST_MEM == 0 || self.dst_layout().valid_for(count))
            && (mode & regmap::NTT_MODE_TWIDDLE == 0 || (1..=28).contains(&self.run_ntt_params[10]))
            && (mode & regmap::NTT_MODE_TWIDDLE == 0 || mode & regmap::NTT_MODE_POWERS == 0)
            && (mode & regmap::NTT_MODE_POWERS == 0 || self.run_ntt_params[10] <= 28)
            && (mode & regmap::NTT_MODE_POWERS_ROOT == 0
                || (mode & regmap::NTT_MODE_POWERS != 0
                    && mode & regmap::NTT_MODE_POWERS_INV == 0
                    && (1..=28).contains(&self.root_log())))
            && (mode & regmap::NTT_MODE_SCALE == 0 || (ntt && self.output_scale().is_some()))
    }

    /// NTT_SCALE as a field element, or None if it is not a reduced residue.
    fn output_scale(&self) -> Option<Fr> {
        let words = &self.run_ntt_params[regmap::NTT_SCALE_INDEX..regmap::NTT_SCALE_INDEX + 8];
        Fr::from_beat(&words.try_into().expect("eight words"))
    }

    /// An NTT job whose points are in card memory: read them now; the
    /// results go to card memory (the job ends) or wait for the stream.
    pub(super) fn run_ntt_from_memory(&mut self) {
        let n = self.run_count as usize;
        let src = self.src_layout();
        let mut input = Vec::with_capacity(n);
        let mut ok = src.end(n as u32) <= self.timing.capacity;
        for i in 0..n as u64 {
            let mut b = [0u8; 32];
            if ok {
                self.memory.read(src.point_addr(i), &mut b);
            }
            input.push(bytes_to_beat(&b));
        }
        self.mem_perf = [(n / 2) as u32, n as u32, 0];
        let out = self.ntt_compute(&input);
        if self.mode() & regmap::NTT_MODE_DST_MEM != 0 {
            ok &= self.write_ntt_results(&out);
            self.ntt_finish(ok);
        } else {
            self.note_mem_error(ok);
            self.pending_out = Some(out);
        }
    }

    /// A field-ALU job whose operands are in card memory (a and b layouts):
    /// compute now; results to card memory (the job ends) or the stream.
    pub(super) fn run_alu_from_memory(&mut self) {
        let n = self.run_count as usize;
        let (a, b) = (self.src_layout(), self.srcb_layout());
        let mut ok = a.end(n as u32) <= self.timing.capacity && b.end(n as u32) <= self.timing.capacity;
        let mut out = Vec::with_capacity(n);
        for i in 0..n as u64 {
            let (mut x, mut y) = ([0u8; 32], [0u8; 32]);
            if ok {
                self.memory.read(a.point_addr(i), &mut x);
                self.memory.read(b.point_addr(i), &mut y);
            }
            out.push(self.compute(&bytes_to_beat(&x), &bytes_to_beat(&y)));
        }
        self.mem_perf = [n as u32, 2 * n as u32, 0];
        if self.mode() & regmap::NTT_MODE_DST_MEM != 0 {
            ok &= self.write_ntt_results(&out);
            self.alu_finish(ok);
        } else {
            self.note_mem_error(ok);
            self.pending_out = Some(out);
        }
    }

    /// End a field-ALU job on card memory: counters, a cycle estimate (two
    /// operand beats per operation, the pipeline, first-beat latencies), done.
    pub(super) fn alu_finish(&mut self, mem_ok: bool) {
        self.note_mem_error(mem_ok);
        let n = self.run_count as u64;
        let beats = 2 * n;
        let fixed = self.alu_latency() + 3 + self.mem_latency_cycles();
        let busy = beats.max(self.mem_floor()) + fixed;
        self.cycles += busy;
        self.perf = [busy as u32, 0, 0, 2 * n as u32, n as u32, n as u32, 0];
        self.finish();
    }

    /// A card-memory access of the job left the memory: ERR_MEM_RESP, unless
    /// an earlier error stands.
    fn note_mem_error(&mut self, mem_ok: bool) {
        if !mem_ok && self.error == regmap::ERR_NONE {
            self.error = regmap::ERR_MEM_RESP;
        }
    }

    /// The channels' floor ([ModelBus::channel_floor]) for a field-ALU
    /// job's card-memory streams: both operands read, the results written.
    fn mem_floor(&self) -> u64 {
        let (mode, bytes) = (self.mode(), 32 * self.run_count as u64);
        let mut traffic = Vec::new();
        if mode & regmap::NTT_MODE_SRC_MEM != 0 {
            traffic.push((self.src_layout().point_addr(0), bytes));
            traffic.push((self.srcb_layout().point_addr(0), bytes));
        }
        if mode & regmap::NTT_MODE_DST_MEM != 0 {
            traffic.push((self.dst_layout().point_addr(0), bytes));
        }
        self.channel_floor(&traffic)
    }

    /// First-beat latencies of the job's card-memory sides.
    fn mem_latency_cycles(&self) -> u64 {
        let mode = self.mode();
        let sides = (mode & regmap::NTT_MODE_SRC_MEM != 0) as u64 + (mode & regmap::NTT_MODE_DST_MEM != 0) as u64;
        self.timing.latency_cycles as u64 * sides
    }

    /// Results to the destination layout; false if it leaves card memory.
    pub(super) fn write_ntt_results(&mut self, out: &[Beat]) -> bool {
        let dst = self.dst_layout();
        let n = out.len();
        self.mem_wperf = [(n / 2) as u32, n as u32];
        if dst.end(n as u32) > self.timing.capacity {
            return false;
        }
        for (i, b) in out.iter().enumerate() {
            self.memory.write(dst.point_addr(i as u64), &beat_to_bytes(b));
        }
        true
    }

    /// The NTT core, twiddle scaler and data port on one job's points, in
    /// beat order both ways (arkworks' transforms, which the core matches),
    /// batch by batch.
    pub(super) fn ntt_compute(&self, input: &[Beat]) -> Vec<Beat> {
        let batch = (self.batch_points() as usize).min(input.len()).max(1);
        let per_batch = (batch >> self.run_log_size).max(1) as u64;
        input
            .chunks(batch)
            .enumerate()
            .flat_map(|(j, chunk)| self.ntt_batch(chunk, j as u64 * per_batch))
            .collect()
    }

    /// One batch, whose first transform is the job's `q0`-th.
    fn ntt_batch(&self, input: &[Beat], q0: u64) -> Vec<Beat> {
        use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
        let n = input.len();
        let log_m = self.run_log_size;
        let m = 1usize << log_m;
        let (in_ilv, out_ilv) = self.ilv();
        let inverse = self.run_op == regmap::OP_INTT;
        use ark_ff::{FftField, Field};
        let mut core = vec![Fr::zero(); n];
        for (b, beat) in input.iter().enumerate() {
            core[ntt_ref::core_index(b, in_ilv, log_m)] = fr_from_beat_unchecked(beat);
        }
        let domain = Radix2EvaluationDomain::<Fr>::new(m).expect("size checked at start");
        let core: Vec<Fr> = core
            .chunks(m)
            .flat_map(|chunk| if inverse { domain.ifft(chunk) } else { domain.fft(chunk) })
            .collect();
        let mode = self.mode();
        let twiddle = mode & regmap::NTT_MODE_TWIDDLE != 0;
        let powers = mode & regmap::NTT_MODE_POWERS != 0;
        // Root mode: the powers' base is the primitive 2^L-th root of unity,
        // read (as the scaler does) from powers of w28.
        let root = powers && mode & regmap::NTT_MODE_POWERS_ROOT != 0;
        let w28 = <Fr as FftField>::TWO_ADIC_ROOT_OF_UNITY;
        let root_log = self.root_log();
        let g = if mode & regmap::NTT_MODE_POWERS_INV != 0 { Fr::GENERATOR.inverse().expect("nonzero") } else { Fr::GENERATOR };
        let log_step = self.run_ntt_params[10];
        let w = if twiddle {
            let w = <Fr as ark_ff::FftField>::get_root_of_unity(1u64 << log_step).expect("log checked");
            if inverse { w.inverse().expect("root is nonzero") } else { w }
        } else {
            Fr::one()
        };
        let col = (self.run_ntt_params[9] & ((1 << 28) - 1)) as u64;
        // NTT_SCALE replaces the core's 1 or 1/m (ark-poly's ifft holds the 1/m).
        let scale = if mode & regmap::NTT_MODE_SCALE != 0 {
            let s = self.output_scale().expect("checked at start");
            if inverse { s * Fr::from(m as u64) } else { s }
        } else {
            Fr::one()
        };
        (0..n)
            .map(|b| {
                let x = core[ntt_ref::core_index(b, out_ilv, log_m)] * scale;
                // Output k of the job's q-th transform.
                let (q, k) = if out_ilv > 0 {
                    (q0 + (b & ((1 << out_ilv) - 1)) as u64, (b >> out_ilv) as u64)
                } else {
                    (q0 + (b / m) as u64, (b % m) as u64)
                };
                let x = if root {
                    x * w28.pow([ntt_ref::root_exponent_w28(k, q, col, log_step, root_log)])
                } else if powers {
                    x * g.pow([ntt_ref::powers_exponent(k, q, col, log_step)])
                } else if twiddle {
                    x * w.pow([ntt_ref::twiddle_exponent(k, q, col)])
                } else {
                    x
                };
                x.to_beat()
            })
            .collect()
    }

    /// End an NTT job: counters, cycles (every batch's load, the last
    /// batch's compute and unload, a compute longer than a load in between,
    /// the output multiplier, the port's stages and the first read's
    /// latency; equal to Verilator's on the tests' sizes), done.
    pub(super) fn ntt_finish(&mut self, mem_ok: bool) {
        self.note_mem_error(mem_ok);
        let n = self.run_count as u64;
        let batch = self.batch_points().min(n);
        let batches = n / batch;
        let log_m = self.run_log_size as u64;
        let butterflies = (n / 2) * log_m;
        let drain = batches * log_m * NTT_DRAIN_CYCLES as u64;
        let compute = log_m * ((batch / 2).div_ceil(NTT_UNITS as u64) + NTT_DRAIN_CYCLES as u64) + 1;
        // A batch's load and unload: a beat a cycle, or slower where a card
        // memory channel gives less than a beat a cycle (and than two when
        // the source and destination share one, as they do in steady state).
        let mode = self.mode();
        let (src_layout, dst_layout) = (self.src_layout(), self.dst_layout());
        let (src, dst) = (src_layout.point_addr(0), dst_layout.point_addr(0));
        let span = |start: u64, end: u64| end.saturating_sub(start);
        let (src_len, dst_len) = (span(src, src_layout.end(n as u32)), span(dst, dst_layout.end(n as u32)));
        let per_beat = |on_card: bool, addr: u64, len: u64| {
            if on_card { (32.0 / self.timing.bytes_per_cycle_over(addr, len)).max(1.0) } else { 1.0 }
        };
        let (src_mem, dst_mem) = (mode & regmap::NTT_MODE_SRC_MEM != 0, mode & regmap::NTT_MODE_DST_MEM != 0);
        let load = (batch as f64 * per_beat(src_mem, src, src_len)).ceil() as u64;
        let unload = (batch as f64 * per_beat(dst_mem, dst, dst_len)).ceil() as u64;
        let shared = if src_mem && dst_mem && self.timing.channel_of(src) == self.timing.channel_of(dst) {
            (64.0 * batch as f64 / self.timing.bytes_per_cycle_over(src, src_len)).ceil() as u64
        } else {
            0
        };
        // Load, compute and unload overlap on three bank sets: every batch's
        // load, then the last batch's compute and unload after it; a compute
        // longer than a load holds the next batch's start.
        let steady = compute + (batches - 1) * compute.max(load).max(unload).max(shared);
        // Only the first read's latency is on the path: writes are posted.
        let busy = load + unload + steady + NTT_UNLOAD_LATENCY as u64 + NTT_PORT_CYCLES + self.timing.latency_cycles as u64;
        self.cycles += busy;
        self.perf = [busy as u32, 0, 0, n as u32, n as u32, butterflies as u32, drain as u32];
        self.finish();
    }
}
