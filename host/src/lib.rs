//! zkcopro-host: the glue. Validates and schedules work, drives the
//! coprocessor over a [`bus::Bus`], checks results and profiles every job.

pub mod anchors;
pub mod backend;
pub mod bus;
pub mod card_mem;
pub mod circuits;
pub mod driver;
pub mod elementwise;
pub mod field;
pub mod job_queue;
pub mod msm;
pub mod msm_plan;
pub mod msm_input;
pub use prover::{circom, groth16, r1cs, timeline};
pub mod ntt;
pub mod prover;
pub mod sweep;

pub use backend::{Backend, ModelBus, TracePoint, TraceSpec, TraceSpecError, VerilatorBus};
pub use bus::{Beat, Bus, BusError, BusStats};
pub use driver::{Coprocessor, DriverError, FieldOp, JobProfile};
pub use field::DeviceField;
pub use card_mem::{CardMemConfig, CardMemKind, DeviceBuffer, TransferProfile};
pub use msm::{BasesProfile, MsmBases, MsmConfig, MsmProfile, PendingMsm};
pub use groth16::{DeviceProvingKey, KeyLoadProfile, ProveError, ProveProfile, ProveStep};
pub use r1cs::{R1csError, R1csMatrices};
pub use ntt::{Direction, OutputPowers};
pub use elementwise::Operand;

impl<T: Bus + ?Sized> Bus for Box<T> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn cycle_accurate(&self) -> bool {
        (**self).cycle_accurate()
    }
    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        (**self).read32(addr)
    }
    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        (**self).write32(addr, value)
    }
    fn stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError> {
        (**self).stream(input, expect_out)
    }
    fn stream_patient(&mut self, input: &[Beat], expect_out: usize, patience: u64) -> Result<Vec<Beat>, BusError> {
        (**self).stream_patient(input, expect_out, patience)
    }
    fn idle(&mut self, cycles: u64) {
        (**self).idle(cycles)
    }
    fn reset(&mut self) {
        (**self).reset()
    }
    fn cycles(&self) -> u64 {
        (**self).cycles()
    }
    fn stats(&self) -> BusStats {
        (**self).stats()
    }
    fn mem_capacity(&self) -> u64 {
        (**self).mem_capacity()
    }
    fn mem_write(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError> {
        (**self).mem_write(addr, data)
    }
    fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), BusError> {
        (**self).mem_read(addr, out)
    }
    fn set_mem_timing(&mut self, timing: &bus::CardMemTiming) {
        (**self).set_mem_timing(timing)
    }
    fn set_mem_delays(&mut self, seed: u64, extra_delay_max: u32, beat_stall_pct: u32) {
        (**self).set_mem_delays(seed, extra_delay_max, beat_stall_pct)
    }
}
