//! A pure-Rust functional model of the coprocessor: the same register map,
//! stream protocol and error behaviour as the RTL, computed with the
//! reference models of `zkcopro_hdl::reference`. Fast, for glue development;
//! its cycle counts are estimates, not measurements.

use crate::bus::{Beat, Bus, BusError, BusStats};
use crate::field::{beat_to_biguint, biguint_to_beat};
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MOD_ADD_LATENCY, MOD_SUB_LATENCY, MulImpl};
use zkcopro_hdl::ntt::{NTT_DRAIN_CYCLES, NTT_LOG_MAX, NTT_MAX_POINTS};
use zkcopro_hdl::regmap::{self, Access};
use zkcopro_hdl::top::TopConfig;
use zkcopro_hdl::{FieldId, reference};

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
        self.run_op = self.job_op;
        self.run_field = self.job_field;
        self.run_count = self.job_count;
        self.run_log_size = self.job_log_size;
        let ntt = self.is_ntt();
        let count = self.job_count as u64;
        let err = if self.job_op > regmap::OP_INTT {
            regmap::ERR_BAD_OP
        } else if FieldId::from_code(self.job_field).is_none() || (ntt && self.job_field != FieldId::Fr.code()) {
            regmap::ERR_BAD_FIELD
        } else if self.job_count == 0 {
            regmap::ERR_ZERO_COUNT
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
        let busy = 2 * n as u64 + butterflies + drain + MONT_MUL_LATENCY as u64 + 3;
        self.cycles += busy;
        self.perf = [busy as u32, 0, 0, n as u32, n as u32, butterflies as u32, drain as u32];
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
