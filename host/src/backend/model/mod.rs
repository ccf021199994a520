//! A pure-Rust functional model of the coprocessor: the same register map,
//! stream protocol and error behaviour as the RTL, computed with the
//! reference models of `zkcopro_hdl::reference`. Fast, for glue development;
//! its cycle counts are estimates, not measurements.

mod data_port;
mod msm_timing;

use crate::bus::{Beat, Bus, BusError, BusStats, CardMemTiming};
use std::collections::HashMap;
use crate::field::{beat_to_biguint, biguint_to_beat};
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MOD_ADD_LATENCY, MOD_SUB_LATENCY, MulImpl};
use zkcopro_hdl::ntt::{NTT_LOG_MAX, NTT_MAX_POINTS};
use zkcopro_hdl::regmap::{self, Access};
use zkcopro_hdl::top::TopConfig;
use zkcopro_hdl::mem::{CARD_BEATS_PER_RECORD, CARD_RECORD_BYTES};
use zkcopro_hdl::msm::reference::{bucket_bit_sums, try_signed_digits};
use zkcopro_hdl::msm::{
    MSM_BASE_BYTES, MSM_BEATS_PER_RESULT, MSM_LOOP_LATENCY, FEED_PIPELINE_LATENCY, FEED_QUEUE_DEPTH,
    combiner_cycles_per_step, pair_windows_fit, recoder_cycles,
};
use zkcopro_hdl::{FieldId, reference};
use crate::field::DeviceField;
use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ff::{AdditiveGroup, PrimeField};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInt, One, Zero};

/// MSM feed: cycles from a scalar's beat to its recoding (the conversion out
/// of Montgomery form), calibrated against Verilator.
const MSM_FEED_CONVERT_CYCLES: u64 = MONT_MUL_LATENCY as u64 + 4;
/// MSM feed: recoded points that may wait after the recoder (its two skid
/// buffers of two).
const MSM_FEED_OUT_SLOTS: usize = 4;
/// MSM: cycles from the accumulation's end to the reduction's first fetch
/// decision, calibrated against Verilator.
const MSM_REDUCE_START_CYCLES: u64 = 1;

/// Modelled cycles of one AXI4-Lite transaction (address + response phase).
const MODEL_MMIO_CYCLES: u64 = 2;

/// Sparse card memory: 64 KiB pages, unwritten bytes read as zero.
#[derive(Default)]
pub struct SparseMemory {
    pages: HashMap<u64, Box<[u8]>>,
}

impl SparseMemory {
    const PAGE_BITS: u32 = 16;
    const PAGE: u64 = 1 << Self::PAGE_BITS;

    pub fn write(&mut self, mut addr: u64, mut data: &[u8]) {
        while !data.is_empty() {
            let off = (addr & (Self::PAGE - 1)) as usize;
            let n = data.len().min(Self::PAGE as usize - off);
            let page = self.pages.entry(addr >> Self::PAGE_BITS).or_insert_with(|| vec![0u8; Self::PAGE as usize].into());
            page[off..off + n].copy_from_slice(&data[..n]);
            addr += n as u64;
            data = &data[n..];
        }
    }

    pub fn read(&self, mut addr: u64, mut out: &mut [u8]) {
        while !out.is_empty() {
            let off = (addr & (Self::PAGE - 1)) as usize;
            let n = out.len().min(Self::PAGE as usize - off);
            match self.pages.get(&(addr >> Self::PAGE_BITS)) {
                Some(page) => out[..n].copy_from_slice(&page[off..off + n]),
                None => out[..n].fill(0),
            }
            addr += n as u64;
            out = &mut out[n..];
        }
    }
}

pub struct ModelBus {
    cycles: u64,
    stats: BusStats,
    busy: bool,
    done: bool,
    gie: u32,
    ier: u32,
    isr: u32,
    job_op: u32,
    job_field: u32,
    job_count: u32,
    run_op: u32,
    run_field: u32,
    run_count: u32,
    error: u32,
    job_log_size: u32,
    run_log_size: u32,
    perf: [u32; 7],
    msm_window_bits: u32,
    msm_windows: u32,
    /// MSM_SPLIT as written (bits[5:0] engine 1's first window, bit 8 the counter view).
    msm_split: u32,
    run_msm: (u32, u32, u32),
    /// Each MSM engine's counters: accumulate, reduce, conflicts, idle,
    /// reduce additions.
    msm_perf: [[u32; 5]; 2],
    /// MSM_BASES_ADDR (lo, hi) and MSM_BASES_COUNT, as written and as latched at start.
    bases_regs: [u32; 3],
    run_bases: [u32; 3],
    /// Card memory: reads, beats, stall cycles of the last job.
    mem_perf: [u32; 3],
    /// Each MSM engine's combination cycles in the last job.
    msm_combine: [u32; 2],
    /// NTT_PARAMS registers as written, and as latched at start.
    ntt_params: [u32; regmap::NTT_PARAM_COUNT],
    run_ntt_params: [u32; regmap::NTT_PARAM_COUNT],
    /// Card memory: write bursts and beats of the last job.
    mem_wperf: [u32; 2],
    /// Results of a job from card memory to the stream, until read.
    pending_out: Option<Vec<Beat>>,
    memory: SparseMemory,
    timing: CardMemTiming,
}

impl Default for ModelBus {
    fn default() -> Self {
        ModelBus {
            cycles: 0,
            stats: BusStats::default(),
            busy: false,
            done: false,
            gie: 0,
            ier: 0,
            isr: 0,
            job_op: 0,
            job_field: 0,
            job_count: 0,
            run_op: 0,
            run_field: 0,
            run_count: 0,
            error: 0,
            job_log_size: 0,
            run_log_size: 0,
            perf: [0; 7],
            msm_window_bits: 0,
            msm_windows: 0,
            msm_split: 0,
            run_msm: (0, 0, 0),
            msm_perf: [[0; 5]; 2],
            bases_regs: [0; 3],
            run_bases: [0; 3],
            mem_perf: [0; 3],
            msm_combine: [0; 2],
            ntt_params: [0; regmap::NTT_PARAM_COUNT],
            run_ntt_params: [0; regmap::NTT_PARAM_COUNT],
            mem_wperf: [0; 2],
            pending_out: None,
            memory: SparseMemory::default(),
            timing: CardMemTiming::single_channel(zkcopro_sim::DEFAULT_CARD_MEM_BYTES, 25, 76.8),
        }
    }
}

impl ModelBus {
    pub fn new() -> Self {
        Self::default()
    }

    fn finish(&mut self) {
        self.busy = false;
        self.done = true;
        self.isr |= self.ier & 0b11;
    }

    fn start(&mut self) {
        self.error = regmap::ERR_NONE;
        self.perf = [0; 7];
        self.msm_perf = [[0; 5]; 2];
        self.mem_perf = [0; 3];
        self.mem_wperf = [0; 2];
        self.msm_combine = [0; 2];
        self.pending_out = None;
        self.run_ntt_params = self.ntt_params;
        self.run_bases = self.bases_regs;
        self.run_msm = (self.msm_window_bits, self.msm_windows, self.msm_split & 0x3F);
        self.run_op = self.job_op;
        self.run_field = self.job_field;
        self.run_count = self.job_count;
        self.run_log_size = self.job_log_size;
        let ntt = self.is_ntt();
        let count = self.job_count as u64;
        let msm = self.job_op == regmap::OP_MSM;
        let (c, w) = (self.msm_window_bits as u64, self.msm_windows as u64);
        let err = if self.job_op > regmap::OP_MSM {
            regmap::ERR_BAD_OP
        } else if FieldId::from_code(self.job_field).is_none()
            || (ntt && self.job_field != FieldId::Fr.code())
            || (msm && self.job_field != FieldId::Fq.code())
        {
            regmap::ERR_BAD_FIELD
        } else if self.job_count == 0 {
            regmap::ERR_ZERO_COUNT
        } else if msm && !pair_windows_fit(c as usize, w as usize, (self.msm_split & 0x3F) as usize) {
            regmap::ERR_BAD_SIZE
        } else if msm
            && (self.job_count > self.bases_regs[2] || self.bases_regs[0] % CARD_RECORD_BYTES as u32 != 0)
        {
            regmap::ERR_MEM_RANGE
        } else if ntt
            && !(count.is_power_of_two()
                && self.batch_log() as usize <= NTT_LOG_MAX
                && self.batch_points() <= NTT_MAX_POINTS as u64
                && count >= self.batch_points()
                && self.job_log_size as usize <= NTT_LOG_MAX
                && self.batch_points() >> self.job_log_size != 0)
        {
            regmap::ERR_BAD_SIZE
        } else if !msm && !self.layout_ok(ntt) {
            regmap::ERR_BAD_LAYOUT
        } else {
            regmap::ERR_NONE
        };
        if err != regmap::ERR_NONE {
            self.error = err;
            self.finish();
            return;
        }
        self.busy = true;
        if ntt && self.run_ntt_params[0] & regmap::NTT_MODE_SRC_MEM != 0 {
            self.run_ntt_from_memory();
        } else if !msm && self.run_ntt_params[0] & regmap::NTT_MODE_SRC_MEM != 0 {
            self.run_alu_from_memory();
        }
    }

    fn is_ntt(&self) -> bool {
        matches!(self.run_op, regmap::OP_NTT | regmap::OP_INTT)
    }

    fn run_stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError> {
        let timeout = BusError::Timeout { what: "AXI4-Stream transfer", cycles: 10_000 };
        if !self.busy {
            // An idle device never raises TREADY.
            return if input.is_empty() && expect_out == 0 { Ok(vec![]) } else { Err(timeout) };
        }
        if self.run_op != regmap::OP_MSM && self.mode() & regmap::NTT_MODE_SRC_MEM != 0 {
            // A job from card memory, computed at start; its results wait on m_axis.
            if !input.is_empty() || expect_out != self.run_count as usize {
                return Err(timeout);
            }
            let out = self.pending_out.take().ok_or(timeout)?;
            self.stats.beats_out += out.len() as u64;
            if self.is_ntt() { self.ntt_finish(true) } else { self.alu_finish(true) }
            return Ok(out);
        }
        if self.is_ntt() {
            return self.run_ntt(input, expect_out, timeout);
        }
        if self.run_op == regmap::OP_MSM {
            return self.run_msm_job(input, expect_out, timeout);
        }
        let to_mem = self.mode() & regmap::NTT_MODE_DST_MEM != 0;
        let want = 2 * self.run_count as usize;
        let taken = input.len().min(want);
        self.stats.beats_in += taken as u64;
        if input.len() != want {
            self.error = regmap::ERR_TLAST;
        }
        let out: Vec<Beat> = input[..taken]
            .chunks_exact(2)
            .take(expect_out)
            .map(|pair| self.compute(&pair[0], &pair[1]))
            .collect();
        if to_mem {
            if input.len() != want || out.len() != self.run_count as usize || expect_out != 0 {
                return Err(timeout);
            }
            let ok = self.write_ntt_results(&out);
            self.alu_finish(ok);
            return Ok(vec![]);
        }
        self.stats.beats_out += out.len() as u64;
        let busy = taken as u64 + self.alu_latency() + 3;
        self.cycles += busy;
        if input.len() > want || out.len() < expect_out || out.len() < self.run_count as usize {
            return Err(timeout);
        }
        if expect_out < self.run_count as usize {
            return Err(timeout);
        }
        self.perf = [busy as u32, 0, 0, taken as u32, out.len() as u32, out.len() as u32, 0];
        self.finish();
        Ok(out)
    }

    fn run_ntt(&mut self, input: &[Beat], expect_out: usize, timeout: BusError) -> Result<Vec<Beat>, BusError> {
        let n = self.run_count as usize;
        let to_mem = self.mode() & regmap::NTT_MODE_DST_MEM != 0;
        let taken = input.len().min(n);
        self.stats.beats_in += taken as u64;
        if input.len() != n {
            self.error = regmap::ERR_TLAST;
        }
        if taken < n || input.len() > n || expect_out != if to_mem { 0 } else { n } {
            // The device waits for the rest of its input (or for a reader).
            return Err(timeout);
        }
        let out = self.ntt_compute(input);
        if to_mem {
            let ok = self.write_ntt_results(&out);
            self.ntt_finish(ok);
            return Ok(vec![]);
        }
        self.stats.beats_out += out.len() as u64;
        self.ntt_finish(true);
        Ok(out)
    }

    /// The MSM engine's function on arkworks points: scalars from the
    /// stream, bases from card memory. Cycles: the feed and the engine's
    /// decision stepped cycle by cycle over the items' keys
    /// ([msm_timing]), the combiner's steps, the unload; equal to Verilator's
    /// for uniform and all-equal scalars, within 0.3% for 0/1-heavy ones
    /// (testbenches/tests/model_cycles.rs).
    fn run_msm_job(&mut self, input: &[Beat], expect_out: usize, timeout: BusError) -> Result<Vec<Beat>, BusError> {
        let n = self.run_count as usize;
        let (c, windows, split) = (self.run_msm.0 as usize, self.run_msm.1 as usize, self.run_msm.2 as usize);
        // Engine e owns windows ranges[e]; engine 1 runs only if the split leaves it some.
        let ranges: Vec<(usize, usize)> =
            if split != 0 && split < windows { vec![(0, split), (split, windows)] } else { vec![(0, windows)] };
        let taken = input.len().min(n);
        self.stats.beats_in += taken as u64;
        if input.len() != n {
            self.error = regmap::ERR_TLAST;
        }
        if taken < n || input.len() > n || expect_out != ranges.len() * MSM_BEATS_PER_RESULT {
            return Err(timeout);
        }
        let base_addr = self.run_bases[0] as u64 | (self.run_bases[1] as u64) << 32;
        let coord = |b: &[u8]| Fq::new_unchecked(BigInt::new(std::array::from_fn(|i| u64::from_le_bytes(b[8 * i..8 * i + 8].try_into().unwrap()))));
        let mut points = Vec::new();
        let mut digits = Vec::new();
        // The stream as each engine's feed sees it, for the timing: every
        // engine recodes all windows and keeps the items of its own.
        let half = 1u32 << (c - 1);
        let mut fed: Vec<Vec<msm_timing::FedScalar>> = ranges.iter().map(|_| Vec::with_capacity(input.len())).collect();
        let mut push = |make: &dyn Fn(usize, usize) -> msm_timing::FedScalar| {
            for (e, &(a, b)) in ranges.iter().enumerate() {
                fed[e].push(make(a, b));
            }
        };
        let mut record = [0u8; MSM_BASE_BYTES as usize];
        for (i, beat) in input.iter().enumerate() {
            if beat.iter().all(|w| *w == 0) {
                push(&|_, _| msm_timing::FedScalar { zero: true, recode: 0, keys: None });
                continue;
            }
            let limbs: [u64; 4] = std::array::from_fn(|k| beat[2 * k] as u64 | (beat[2 * k + 1] as u64) << 32);
            let scalar = Fr::new_unchecked(BigInt::new(limbs)).into_bigint();
            self.mem_perf[0] += 1;
            self.mem_perf[1] += CARD_BEATS_PER_RECORD as u32;
            let at = base_addr + MSM_BASE_BYTES * i as u64;
            if at + MSM_BASE_BYTES > self.timing.capacity {
                self.error = regmap::ERR_MEM_RESP;
                push(&|_, _| msm_timing::FedScalar { zero: false, recode: 1, keys: None });
                continue;
            }
            let Some(d) = try_signed_digits(&scalar.0, c, windows) else {
                push(&|_, _| msm_timing::FedScalar { zero: false, recode: windows.div_ceil(2) as u64, keys: None });
                if self.error == regmap::ERR_NONE {
                    self.error = regmap::ERR_BAD_DIGIT;
                }
                continue;
            };
            let recode = recoder_cycles(d.iter().rposition(|x| *x != 0).unwrap_or(0)) as u64;
            push(&|a, b| msm_timing::FedScalar {
                zero: false,
                recode,
                keys: Some(
                    d.iter()
                        .enumerate()
                        .filter(|(w, x)| **x != 0 && (a..b).contains(w))
                        // Each engine keys its buckets from its first window.
                        .map(|(w, x)| (w - a) as u32 * half + x.unsigned_abs() as u32 - 1)
                        .collect(),
                ),
            });
            self.memory.read(at, &mut record);
            let p = if record.iter().all(|b| *b == 0) {
                G1Projective::zero()
            } else {
                G1Affine::new_unchecked(coord(&record[..32]), coord(&record[32..])).into_group()
            };
            points.push(p);
            digits.push(d);
        }
        let zero = G1Projective::zero();
        let sums = bucket_bit_sums(&points, &digits, c, windows, &zero, |a, b| *a + b, |a| -*a);
        let feed = msm_timing::FeedTiming {
            queue_depth: FEED_QUEUE_DEPTH,
            convert: MSM_FEED_CONVERT_CYCLES,
            record_beats: CARD_BEATS_PER_RECORD as u64,
            mem_latency: self.timing.latency_cycles as u64,
            out_slots: MSM_FEED_OUT_SLOTS,
            out_latency: FEED_PIPELINE_LATENCY as u64,
        };
        let base_bytes = self.mem_perf[0] as u64 * MSM_BASE_BYTES;
        let floor = self.channel_floor(&[(base_addr, base_bytes)]);
        // The feeds and engines stepped over the items' keys.
        let phases = msm_timing::simulate(fed, &ranges, feed, c, MSM_LOOP_LATENCY, MSM_REDUCE_START_CYCLES);
        let mut out = Vec::with_capacity(expect_out);
        let (mut adds, mut busy, mut unloaded) = (0u64, 0u64, 0u64);
        for (e, (&(first, end), phases)) in ranges.iter().zip(phases).enumerate() {
            // The combiner: Horner's rule over k = c w + b from the top of
            // the engine's windows down to 0 (below `first` nothing to add).
            // Per k: a doubling unless the accumulator is still the point at
            // infinity (one cycle to skip it), an addition if R_k is there
            // (one cycle to skip it); each issue waits for the adder.
            let mut total = G1Projective::zero();
            let mut combine = 0u64;
            let step = combiner_cycles_per_step(MSM_LOOP_LATENCY) as u64 / 2;
            let mut acc_inf = true;
            for (k, r) in sums[..c * end].iter().enumerate().rev() {
                if acc_inf {
                    combine += 1;
                } else {
                    total.double_in_place();
                    combine += step;
                }
                if r.is_zero() || k < c * first {
                    combine += 1;
                } else {
                    total += r;
                    acc_inf = false;
                    combine += step;
                }
            }
            match total.into_affine().xy() {
                Some((x, y)) => out.extend([x.to_beat(), y.to_beat(), Fq::one().to_beat()]),
                None => out.extend([Fq::zero().to_beat(), Fq::one().to_beat(), Fq::zero().to_beat()]),
            }
            let accumulate = phases.accumulate.max(floor);
            let reduce = phases.reduce;
            adds += phases.accumulate_adds + phases.reduce_adds;
            // Engine 1's point leaves after engine 0's.
            let computed = accumulate + reduce + combine;
            unloaded = computed.max(unloaded) + MSM_BEATS_PER_RESULT as u64;
            busy = busy.max(unloaded);
            self.msm_combine[e] = combine as u32;
            self.msm_perf[e] = [
                accumulate as u32,
                reduce as u32,
                phases.conflicts as u32,
                (accumulate - phases.accumulate_adds) as u32,
                phases.reduce_adds as u32,
            ];
        }
        self.stats.beats_out += out.len() as u64;
        self.cycles += busy;
        self.perf = [busy as u32, 0, 0, taken as u32, out.len() as u32, adds as u32, 0];
        self.finish();
        Ok(out)
    }

    /// The engine MSM_SPLIT's bit 8 shows in the PERF_MSM_* registers.
    fn msm_view(&self) -> usize {
        usize::from(self.msm_split & regmap::MSM_SPLIT_VIEW_ENGINE1 != 0)
    }

    /// Fewest cycles card memory can carry `traffic` ((first address,
    /// bytes) of each stream) in at each channel's bandwidth: the busiest
    /// channel's bytes over its bytes per cycle. At the default clock no
    /// channel of either profile binds the 256-bit port but an HBM channel
    /// beyond the port's switch group (28.75 of 32 bytes a cycle); the floor
    /// keeps the model from running faster than such a memory.
    pub(super) fn channel_floor(&self, traffic: &[(u64, u64)]) -> u64 {
        let t = &self.timing;
        let mut per_channel = std::collections::BTreeMap::<u64, u64>::new();
        for &(addr, bytes) in traffic {
            // A stream may run through several channels.
            let end = addr.saturating_add(bytes);
            let mut at = addr;
            while at < end {
                let ch = t.channel_of(at);
                let ch_end = if ch + 1 == t.channels() { end } else { ((ch + 1) * t.channel_bytes).min(end) };
                *per_channel.entry(ch).or_default() += ch_end - at;
                at = ch_end;
            }
        }
        per_channel
            .iter()
            .map(|(&ch, &bytes)| {
                let rate = self.timing.bytes_per_cycle_at(ch * self.timing.channel_bytes);
                (bytes as f64 / rate).ceil() as u64
            })
            .max()
            .unwrap_or(0)
    }

    /// Pipeline latency of the running field-ALU operation.
    fn alu_latency(&self) -> u64 {
        (match self.run_op {
            regmap::OP_ADD => MOD_ADD_LATENCY,
            regmap::OP_SUB => MOD_SUB_LATENCY,
            _ => MONT_MUL_LATENCY,
        }) as u64
    }

    fn compute(&self, a: &Beat, b: &Beat) -> Beat {
        let field = FieldId::from_code(self.run_field).expect("validated at start");
        let (a, b) = (beat_to_biguint(a), beat_to_biguint(b));
        let y = match self.run_op {
            regmap::OP_ADD => reference::mod_add(field, &a, &b),
            regmap::OP_SUB => reference::mod_sub(field, &a, &b),
            _ => reference::mont_mul(field, &a, &b),
        };
        biguint_to_beat(&y)
    }
}

impl Bus for ModelBus {
    fn name(&self) -> &'static str {
        "model"
    }

    fn cycle_accurate(&self) -> bool {
        false
    }

    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        self.stats.mmio_reads += 1;
        self.cycles += MODEL_MMIO_CYCLES;
        let reg = regmap::lookup(addr).ok_or(BusError::Unmapped { addr })?;
        let value = match reg.name {
            "CTRL" => {
                let v = (self.busy as u32) * regmap::CTRL_AP_START
                    | (self.done as u32) * (regmap::CTRL_AP_DONE | regmap::CTRL_AP_READY)
                    | (!self.busy as u32) * regmap::CTRL_AP_IDLE;
                self.done = false;
                v
            }
            "GIE" => self.gie,
            "IER" => self.ier,
            "ISR" => self.isr,
            "ID" => regmap::DEVICE_ID,
            "VERSION" => regmap::REGMAP_VERSION,
            "CAPS" => TopConfig { mul: MulImpl::Fast }.caps(),
            "JOB_OP" => self.job_op,
            "JOB_FIELD" => self.job_field,
            "JOB_COUNT" => self.job_count,
            "ERROR" => self.error,
            "PERF_BUSY" => self.perf[0],
            "PERF_IN_STALL" => self.perf[1],
            "PERF_OUT_STALL" => self.perf[2],
            "PERF_BEATS_IN" => self.perf[3],
            "PERF_BEATS_OUT" => self.perf[4],
            "PERF_OPS" => self.perf[5],
            "PERF_DRAIN" => self.perf[6],
            "JOB_LOG_SIZE" => self.job_log_size,
            "MSM_WINDOW_BITS" => self.msm_window_bits,
            "MSM_WINDOWS" => self.msm_windows,
            "MSM_SPLIT" => self.msm_split,
            "PERF_MSM_ACCUM" => self.msm_perf[self.msm_view()][0],
            "PERF_MSM_REDUCE" => self.msm_perf[self.msm_view()][1],
            "PERF_MSM_CONFLICTS" => self.msm_perf[self.msm_view()][2],
            "PERF_MSM_IDLE" => self.msm_perf[self.msm_view()][3],
            "PERF_MSM_REDUCE_ADDS" => self.msm_perf[self.msm_view()][4],
            "MSM_BASES_ADDR_LO" => self.bases_regs[0],
            "MSM_BASES_ADDR_HI" => self.bases_regs[1],
            "MSM_BASES_COUNT" => self.bases_regs[2],
            "PERF_MEM_READS" => self.mem_perf[0],
            "PERF_MEM_BEATS" => self.mem_perf[1],
            "PERF_MEM_STALL" => self.mem_perf[2],
            "PERF_MSM_COMBINE" => self.msm_combine[self.msm_view()],
            "PERF_MEM_WRITES" => self.mem_wperf[0],
            "PERF_MEM_WBEATS" => self.mem_wperf[1],
            name => match regmap::NTT_PARAMS.iter().position(|r| r.name == name) {
                Some(i) => self.ntt_params[i],
                None => unreachable!("register {name} missing from the model"),
            },
        };
        Ok(value)
    }

    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        self.stats.mmio_writes += 1;
        self.cycles += MODEL_MMIO_CYCLES;
        let reg = regmap::lookup(addr).ok_or(BusError::Unmapped { addr })?;
        if reg.access == Access::ReadOnly {
            return Err(BusError::Refused { addr });
        }
        match reg.name {
            "CTRL" => {
                if value & regmap::CTRL_AP_START != 0 && !self.busy {
                    // Jobs on card memory compute here: that is model time, not glue.
                    let t0 = std::time::Instant::now();
                    self.start();
                    self.stats.sim_s += t0.elapsed().as_secs_f64();
                }
            }
            "GIE" => self.gie = value & 1,
            "IER" => self.ier = value & 0b11,
            "ISR" => self.isr ^= value & 0b11,
            "JOB_OP" => self.job_op = value,
            "JOB_FIELD" => self.job_field = value,
            "JOB_COUNT" => self.job_count = value,
            "JOB_LOG_SIZE" => self.job_log_size = value,
            "MSM_WINDOW_BITS" => self.msm_window_bits = value,
            "MSM_WINDOWS" => self.msm_windows = value,
            "MSM_SPLIT" => self.msm_split = value,
            "MSM_BASES_ADDR_LO" => self.bases_regs[0] = value,
            "MSM_BASES_ADDR_HI" => self.bases_regs[1] = value,
            "MSM_BASES_COUNT" => self.bases_regs[2] = value,
            name => match regmap::NTT_PARAMS.iter().position(|r| r.name == name) {
                Some(i) => self.ntt_params[i] = value,
                None => unreachable!("writable register {name} missing from the model"),
            },
        }
        Ok(())
    }

    fn stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError> {
        let t0 = std::time::Instant::now();
        let r = self.run_stream(input, expect_out);
        self.stats.sim_s += t0.elapsed().as_secs_f64();
        r
    }

    fn idle(&mut self, cycles: u64) {
        self.cycles += cycles;
    }

    fn reset(&mut self) {
        // Card memory keeps its contents across a reset, as the card's DRAM does.
        let (cycles, stats, timing) = (self.cycles, self.stats, self.timing);
        let memory = std::mem::take(&mut self.memory);
        *self = ModelBus::default();
        self.cycles = cycles + regmap::RESET_CYCLES as u64 + 1;
        self.stats = stats;
        self.memory = memory;
        self.timing = timing;
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn stats(&self) -> BusStats {
        self.stats
    }

    fn mem_capacity(&self) -> u64 {
        self.timing.capacity
    }

    fn mem_write(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError> {
        let capacity = self.timing.capacity;
        if addr > capacity || data.len() as u64 > capacity - addr {
            return Err(BusError::MemRange { addr, len: data.len() as u64, capacity });
        }
        self.memory.write(addr, data);
        Ok(())
    }

    fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), BusError> {
        let capacity = self.timing.capacity;
        if addr > capacity || out.len() as u64 > capacity - addr {
            return Err(BusError::MemRange { addr, len: out.len() as u64, capacity });
        }
        self.memory.read(addr, out);
        Ok(())
    }

    fn set_mem_timing(&mut self, timing: &CardMemTiming) {
        self.timing = *timing;
    }
}
