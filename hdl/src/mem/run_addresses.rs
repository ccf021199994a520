//! Record addresses of a strided card-memory layout: runs of consecutive
//! 64-byte records, each run starting `stride` bytes after the previous one.
//! One layout covers a contiguous buffer (one long run), the columns of a
//! row-major matrix (short runs, a row apart) and a transposed write. An
//! optional batch level restarts the runs every `batch_records` records,
//! `batch_step_bytes` after the previous batch's start: one job then walks
//! a whole pass of a four-step transform, batch by batch.

use super::card_mem_reader::{CARD_ADDR_BITS, CARD_RECORD_BYTES};
use rust_hdl::prelude::*;

type Addr = Bits<CARD_ADDR_BITS>;

#[derive(LogicBlock)]
pub struct RunAddresses {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Pulse: restart at `base` with the layout below.
    pub start: Signal<In, Bit>,
    /// Byte address of the first record (64-byte aligned).
    pub base: Signal<In, Addr>,
    /// Records per run (>= 1).
    pub run_records: Signal<In, Bits<32>>,
    /// Bytes from one run's start to the next.
    pub stride_bytes: Signal<In, Addr>,
    /// Records per batch (a multiple of `run_records`); 0: no batches.
    pub batch_records: Signal<In, Bits<32>>,
    /// Bytes from one batch's start to the next.
    pub batch_step_bytes: Signal<In, Addr>,
    /// Pulse: the current address was used; move to the next record.
    pub advance: Signal<In, Bit>,
    /// Byte address of the current record.
    pub addr: Signal<Out, Addr>,
    run_start: DFF<Addr>,
    current: DFF<Addr>,
    in_run: DFF<Bits<32>>,
    last_in_run: DFF<Bits<32>>,
    stride: DFF<Addr>,
    batched: DFF<Bit>,
    batch_start: DFF<Addr>,
    in_batch: DFF<Bits<32>>,
    last_in_batch: DFF<Bits<32>>,
    batch_step: DFF<Addr>,
    next_run: Signal<Local, Addr>,
    next_batch: Signal<Local, Addr>,
    record_bytes: Constant<Addr>,
}

impl RunAddresses {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            start: Default::default(),
            base: Default::default(),
            run_records: Default::default(),
            stride_bytes: Default::default(),
            batch_records: Default::default(),
            batch_step_bytes: Default::default(),
            advance: Default::default(),
            addr: Default::default(),
            run_start: Default::default(),
            current: Default::default(),
            in_run: Default::default(),
            last_in_run: Default::default(),
            stride: Default::default(),
            batched: Default::default(),
            batch_start: Default::default(),
            in_batch: Default::default(),
            last_in_batch: Default::default(),
            batch_step: Default::default(),
            next_run: Default::default(),
            next_batch: Default::default(),
            record_bytes: Constant::new(CARD_RECORD_BYTES.into()),
        }
    }
}

impl Default for RunAddresses {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for RunAddresses {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, run_start, current, in_run, last_in_run, stride, batched, batch_start, in_batch,
            last_in_batch, batch_step
        );
        self.addr.next = self.current.q.val();
        self.next_run.next = self.run_start.q.val() + self.stride.q.val();
        self.next_batch.next = self.batch_start.q.val() + self.batch_step.q.val();
        if self.advance.val() {
            self.in_batch.d.next = self.in_batch.q.val() + 1;
            if self.batched.q.val() & (self.in_batch.q.val() == self.last_in_batch.q.val()) {
                self.in_batch.d.next = 0.into();
                self.in_run.d.next = 0.into();
                self.batch_start.d.next = self.next_batch.val();
                self.run_start.d.next = self.next_batch.val();
                self.current.d.next = self.next_batch.val();
            } else if self.in_run.q.val() == self.last_in_run.q.val() {
                self.in_run.d.next = 0.into();
                self.run_start.d.next = self.next_run.val();
                self.current.d.next = self.next_run.val();
            } else {
                self.in_run.d.next = self.in_run.q.val() + 1;
                self.current.d.next = self.current.q.val() + self.record_bytes.val();
            }
        }
        if self.start.val() {
            self.run_start.d.next = self.base.val();
            self.current.d.next = self.base.val();
            self.in_run.d.next = 0.into();
            self.last_in_run.d.next = self.run_records.val() - 1;
            self.stride.d.next = self.stride_bytes.val();
            self.batched.d.next = self.batch_records.val() != 0;
            self.batch_start.d.next = self.base.val();
            self.in_batch.d.next = 0.into();
            self.last_in_batch.d.next = self.batch_records.val() - 1;
            self.batch_step.d.next = self.batch_step_bytes.val();
        }
    }
}
