//! Element-wise jobs on device buffers: the field ALU reads its operand
//! pairs from card memory (a record of a, a record of b) and writes its
//! results back through the data port, so chains of transforms and products
//! (Groth16's h(X)) never leave the card.

use crate::bus::Bus;
use crate::card_mem::DeviceBuffer;
use crate::driver::{Coprocessor, DeviceJob, DriverError, FieldOp, JobProfile, card_params};
use crate::field::{DeviceField, beat_to_bytes};
use zkcopro_hdl::ntt::reference::{Layout, POINT_BYTES};

/// Operand b of an element-wise job.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a, F> {
    /// b[i] from a device buffer.
    Buffer(&'a DeviceBuffer),
    /// The same b for every i (read from one record on the card).
    Constant(F),
}

impl<B: Bus> Coprocessor<B> {
    /// dst[i] = a[i] op b[i] for i < n, on the card. Points are 32 bytes
    /// (Montgomery form); `dst` may be `a` or b's buffer (in place). n must
    /// be even (two points per record); every buffer is checked before any
    /// work.
    pub fn field_op_buffers<F: DeviceField>(
        &mut self,
        op: FieldOp,
        a: &DeviceBuffer,
        b: Operand<'_, F>,
        dst: &DeviceBuffer,
        n: usize,
    ) -> Result<JobProfile, DriverError> {
        if n == 0 {
            return Err(DriverError::EmptyInput);
        }
        if n % 2 != 0 || n > u32::MAX as usize / 2 {
            return Err(DriverError::OutOfRange {
                what: "element-wise job on card memory: points",
                value: n as u64,
                range: format!("even, 2..={}", u32::MAX / 2),
            });
        }
        let bytes = n as u64 * POINT_BYTES;
        self.check_buffer(a, 0, bytes)?;
        self.check_buffer(dst, 0, bytes)?;
        if let Operand::Buffer(bb) = b {
            self.check_buffer(bb, 0, bytes)?;
        }
        let t0 = std::time::Instant::now();
        let mut profile = JobProfile { clock_hz: self.clock_hz(), elements: n as u64, ..Default::default() };
        // A constant is one record (b, b) that every read of b repeats.
        let constant = match b {
            Operand::Constant(k) => {
                let buf = self.alloc_buffer(2 * POINT_BYTES)?;
                let mut record = [0u8; 64];
                record[..32].copy_from_slice(&beat_to_bytes(&k.to_beat()));
                record[32..].copy_from_slice(&beat_to_bytes(&k.to_beat()));
                match self.write_buffer(&buf, 0, &record) {
                    Ok(t) => profile.transfer_s += t.transfer_s,
                    Err(e) => {
                        self.free_buffer(buf)?;
                        return Err(e);
                    }
                }
                Some(buf)
            }
            Operand::Buffer(_) => None,
        };
        profile.glue_s += t0.elapsed().as_secs_f64();
        let outcome = self.field_op_jobs::<F>(op, a, b, constant.as_ref(), dst, n);
        if let Some(buf) = constant {
            self.free_buffer(buf)?;
        }
        profile.add(&outcome?);
        profile.elements = n as u64;
        profile.finish();
        Ok(profile)
    }

    fn field_op_jobs<F: DeviceField>(
        &mut self,
        op: FieldOp,
        a: &DeviceBuffer,
        b: Operand<'_, F>,
        constant: Option<&DeviceBuffer>,
        dst: &DeviceBuffer,
        n: usize,
    ) -> Result<JobProfile, DriverError> {
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        let per_job = self.max_job() & !1;
        for start in (0..n).step_by(per_job.max(2)) {
            let count = per_job.max(2).min(n - start) as u32;
            let at = |buf: &DeviceBuffer| Layout::contiguous(buf.addr() + start as u64 * POINT_BYTES);
            let src_b = match (b, constant) {
                (_, Some(k)) => Layout::strided(k.addr(), 2, 0),
                (Operand::Buffer(bb), None) => at(bb),
                (Operand::Constant(_), None) => unreachable!("constants have a record"),
            };
            let (src, out) = (at(a), at(dst));
            let params = card_params(0, src, out, Some(src_b), 0, 0);
            let job = DeviceJob {
                op: op.code(),
                field: F::FIELD.code(),
                count,
                log_size: 0,
                msm: None,
                bases: None,
                // Two beats an operation, and card memory's cycles for a and
                // b read, the result written.
                patience: 4 * count as u64 + 10_000 + 2 * self.card_mem_cycles(2 * count as u64 * 32, count as u64 * 32),
                ntt: Some(params),
            };
            let (_, p) = self.device_job(job, &[], 0)?;
            profile.add(&p);
        }
        Ok(profile)
    }
}
