//! A pure-Rust functional model of the coprocessor: the same register map,
//! stream protocol and error behaviour as the RTL, computed with the
//! reference models of `zkcopro_hdl::reference`. Fast, for glue development;
//! its cycle counts are estimates, not measurements.

use crate::bus::{Beat, Bus, BusError, BusStats};
use crate::field::{beat_to_biguint, biguint_to_beat};
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MOD_ADD_LATENCY, MOD_SUB_LATENCY, MulImpl};
use zkcopro_hdl::ntt::{NTT_DRAIN_CYCLES, NTT_LOG_MAX, NTT_MAX_POINTS, NTT_UNITS};
use zkcopro_hdl::regmap::{self, Access};
use zkcopro_hdl::top::TopConfig;
use zkcopro_hdl::msm::reference::bucket_bit_sums;
use zkcopro_hdl::msm::{
    MSM_BEATS_PER_POINT, MSM_BEATS_PER_RESULT, MSM_BUCKET_CAPACITY, MSM_LOOP_LATENCY, MSM_MAX_WINDOW_BITS,
    MSM_MAX_WINDOWS, MSM_MIN_WINDOW_BITS,
};
use zkcopro_hdl::{FieldId, reference};
use crate::field::DeviceField;
use ark_bn254::{Fq, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInt, One, Zero};

/// Modelled cycles of one AXI4-Lite transaction (address + response phase).
const MODEL_MMIO_CYCLES: u64 = 2;

#[derive(Default)]
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
    run_msm: (u32, u32),
    /// MSM counters: accumulate, reduce, conflicts, idle, reduce additions.
    msm_perf: [u32; 5],
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
        self.msm_perf = [0; 5];
        self.run_msm = (self.msm_window_bits, self.msm_windows);
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
        } else if msm
            && !((MSM_MIN_WINDOW_BITS as u64..=MSM_MAX_WINDOW_BITS as u64).contains(&c)
                && (1..=MSM_MAX_WINDOWS as u64).contains(&w)
                && w << (c - 1) <= MSM_BUCKET_CAPACITY as u64)
        {
            regmap::ERR_BAD_SIZE
        } else if ntt
            && !(count.is_power_of_two()
                && count <= NTT_MAX_POINTS as u64
                && self.job_log_size as usize <= NTT_LOG_MAX
                && count >> self.job_log_size != 0)
        {
            regmap::ERR_BAD_SIZE
        } else {
            regmap::ERR_NONE
        };
        if err != regmap::ERR_NONE {
            self.error = err;
            self.finish();
        } else {
            self.busy = true;
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
        if self.is_ntt() {
            return self.run_ntt(input, expect_out, timeout);
        }
        if self.run_op == regmap::OP_MSM {
            return self.run_msm_job(input, expect_out, timeout);
        }
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
        self.stats.beats_out += out.len() as u64;
        let latency = match self.run_op {
            regmap::OP_ADD => MOD_ADD_LATENCY,
            regmap::OP_SUB => MOD_SUB_LATENCY,
            _ => MONT_MUL_LATENCY,
        } as u64;
        let busy = taken as u64 + latency + 3;
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
        let taken = input.len().min(n);
        self.stats.beats_in += taken as u64;
        if input.len() != n {
            self.error = regmap::ERR_TLAST;
        }
        if taken < n || input.len() > n || expect_out != n {
            // The device waits for the rest of its input (or for a reader).
            return Err(timeout);
        }
        let log_m = self.run_log_size;
        let values: Vec<_> = input.iter().map(beat_to_biguint).collect();
        let out: Vec<Beat> = reference::ntt_batch(&values, log_m, self.run_op == regmap::OP_INTT)
            .iter()
            .map(biguint_to_beat)
            .collect();
        self.stats.beats_out += out.len() as u64;
        let butterflies = (n as u64 / 2) * log_m as u64;
        let drain = log_m as u64 * NTT_DRAIN_CYCLES as u64;
        let compute = log_m as u64 * (n as u64 / 2).div_ceil(NTT_UNITS as u64);
        let busy = 2 * n as u64 + compute + drain + MONT_MUL_LATENCY as u64 + 3;
        self.cycles += busy;
        self.perf = [busy as u32, 0, 0, n as u32, n as u32, butterflies as u32, drain as u32];
        self.finish();
        Ok(out)
    }

    /// The MSM engine's function on arkworks points; cycles are estimates
    /// (one item per cycle, the engine's reduction walk, the unload).
    fn run_msm_job(&mut self, input: &[Beat], expect_out: usize, timeout: BusError) -> Result<Vec<Beat>, BusError> {
        let n = self.run_count as usize;
        let (c, windows) = (self.run_msm.0 as usize, self.run_msm.1 as usize);
        let want_in = MSM_BEATS_PER_POINT * n;
        let taken = input.len().min(want_in);
        self.stats.beats_in += taken as u64;
        if input.len() != want_in {
            self.error = regmap::ERR_TLAST;
        }
        let results = windows * c;
        if taken < want_in || input.len() > want_in || expect_out != results * MSM_BEATS_PER_RESULT {
            return Err(timeout);
        }
        let coord = |b: &Beat| Fq::new_unchecked(BigInt::new(std::array::from_fn(|i| b[2 * i] as u64 | (b[2 * i + 1] as u64) << 32)));
        let mut points = Vec::with_capacity(n);
        let mut digits = Vec::with_capacity(n);
        for beats in input.chunks_exact(MSM_BEATS_PER_POINT) {
            points.push(G1Affine::new_unchecked(coord(&beats[0]), coord(&beats[1])).into_group());
            let lane = |w: usize| {
                let word = beats[2 + w / 16][(w % 16) / 2];
                (word >> (16 * (w % 2))) as u16 as i16 as i32
            };
            digits.push((0..windows).map(lane).collect::<Vec<i32>>());
        }
        // As the device: a digit beyond the window's buckets is refused and skipped.
        let half = 1i32 << (c - 1);
        for d in digits.iter_mut().flatten() {
            if d.abs() > half {
                *d = 0;
                self.error = regmap::ERR_BAD_DIGIT;
            }
        }
        let zero = G1Projective::zero();
        let sums = bucket_bit_sums(&points, &digits, c, windows, &zero, |a, b| *a + b, |a| -*a);
        let affine = G1Projective::normalize_batch(&sums);
        let mut out = Vec::with_capacity(expect_out);
        for p in &affine {
            match p.xy() {
                Some((x, y)) => out.extend([x.to_beat(), y.to_beat(), Fq::one().to_beat()]),
                None => out.extend([Fq::zero().to_beat(), Fq::one().to_beat(), Fq::zero().to_beat()]),
            }
        }
        self.stats.beats_out += out.len() as u64;
        let items: u64 = digits.iter().map(|d| d.iter().filter(|x| **x != 0).count() as u64).sum();
        let buckets = (windows as u64) << (c - 1);
        let accumulate = items.max(want_in as u64) + MSM_LOOP_LATENCY as u64;
        let reduce = 2 * buckets + buckets.min(items) * (3 + c as u64 / 2);
        let unload = results as u64 * (MSM_BEATS_PER_RESULT as u64 + 1);
        let reduce_adds = buckets.min(items) * c as u64 / 2;
        let adds = items.saturating_sub(buckets.min(items)) + reduce_adds;
        let busy = accumulate + reduce + unload;
        self.cycles += busy;
        self.perf = [busy as u32, 0, 0, taken as u32, out.len() as u32, adds as u32, 0];
        self.msm_perf = [accumulate as u32, reduce as u32, 0, (accumulate - (adds - reduce_adds)) as u32, reduce_adds as u32];
        self.finish();
        Ok(out)
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
            "PERF_MSM_ACCUM" => self.msm_perf[0],
            "PERF_MSM_REDUCE" => self.msm_perf[1],
            "PERF_MSM_CONFLICTS" => self.msm_perf[2],
            "PERF_MSM_IDLE" => self.msm_perf[3],
            "PERF_MSM_REDUCE_ADDS" => self.msm_perf[4],
            other => unreachable!("register {other} missing from the model"),
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
                    self.start();
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
            other => unreachable!("writable register {other} missing from the model"),
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
        let (cycles, stats) = (self.cycles, self.stats);
        *self = ModelBus::default();
        self.cycles = cycles + regmap::RESET_CYCLES as u64 + 1;
        self.stats = stats;
    }

    fn cycles(&self) -> u64 {
        self.cycles
    }

    fn stats(&self) -> BusStats {
        self.stats
    }
}
