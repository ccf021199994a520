//! MSM feed: turns the scalar stream into the engine's points. Per scalar
//! (one 256-bit beat, arkworks' Montgomery form): a zero is dropped at once
//! (no multiply, no memory read); any other starts the read of its base from
//! card memory and is converted to standard form by a Montgomery multiply by
//! 1; the recoder makes its signed digits; base and digits leave together.
//!
//! Everything is in order (one memory ID, FIFOs), so the i-th digits meet the
//! i-th base. The digits wait for their base in a skid buffer, and the pair
//! leaves through another, so the recoder's step, the meeting with the base
//! and the engine's load path each start at registers: neither the memory
//! port's response nor the engine's readiness reaches into the recoder. Scalars enter only with a slot reserved for them after the
//! multiplier (which cannot stall), and reads only with a response slot
//! reserved in the memory port, so nothing waits on anything but the engine.

use super::scalar_recoder::ScalarRecoder;
use crate::engine::SkidBuffer;
use crate::field::{MontMul, MulImpl};
use crate::mem::{CARD_ADDR_BITS, CARD_RECORD_BITS, CARD_RECORD_BYTES};
use crate::params::FieldId;
use crate::regmap;
use rust_hdl::prelude::*;

/// log2 of the scalars that may be between the input and the recoder.
pub const FEED_QUEUE_LOG2: usize = 5;
/// Scalars in the multiplier or waiting for the recoder, at most.
pub const FEED_QUEUE_DEPTH: usize = 1 << FEED_QUEUE_LOG2;

const _: () = assert!(FEED_QUEUE_DEPTH > crate::field::MONT_MUL_LATENCY);

type ScalarFifo = SynchronousFIFO<Bits<256>, FEED_QUEUE_LOG2, { FEED_QUEUE_LOG2 + 1 }, 1>;

/// A point for the engine as the skid buffer holds it: x in bits 0..256, y in
/// 256..512, "at infinity" at bit 512, the digits from bit 513.
pub const FEED_POINT_BITS: usize = 513 + 512;
/// Digits as they wait for their base: the 32 lanes, then the overflow flag
/// at bit 512.
pub const FEED_DIGITS_BITS: usize = 513;
/// Cycles the feed's register stages add to a job, once: the recoder's
/// input skid buffer, then the two between the recoding and the engine.
pub const FEED_PIPELINE_LATENCY: usize =
    super::scalar_recoder::RECODER_INPUT_LATENCY + 2 * crate::engine::SKID_BUFFER_LATENCY;
// The packing in `update` is written with literal widths (rust-hdl needs them).
const _: () = assert!(FEED_POINT_BITS == 1025 && FEED_DIGITS_BITS == 513);

#[derive(LogicBlock)]
pub struct MsmFeed {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: a job begins (latches `total` and `bases_addr`, clears errors and counters).
    pub job_begin: Signal<In, Bit>,
    /// The job takes scalars (accumulation phase).
    pub run: Signal<In, Bit>,
    /// Scalars in the job.
    pub total: Signal<In, Bits<32>>,
    /// Card-memory byte address of base 0 (bases are consecutive records).
    pub bases_addr: Signal<In, Bits<CARD_ADDR_BITS>>,
    /// Window width minus one (held for the job).
    pub c_minus_1: Signal<In, Bits<4>>,
    /// Windows W (held for the job).
    pub windows: Signal<In, Bits<6>>,
    /// Scalar stream data: one scalar per beat, Montgomery form.
    pub s_tdata: Signal<In, Bits<256>>,
    /// Scalar stream valid.
    pub s_tvalid: Signal<In, Bit>,
    /// Scalar stream ready.
    pub s_tready: Signal<Out, Bit>,
    /// Scalar stream end of packet (expected on the last scalar).
    pub s_tlast: Signal<In, Bit>,
    /// Base read request to the card-memory port.
    pub mem_req_valid: Signal<Out, Bit>,
    /// The port takes the request.
    pub mem_req_ready: Signal<In, Bit>,
    /// Byte address of the base.
    pub mem_req_addr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// The oldest base is here.
    pub mem_rsp_valid: Signal<In, Bit>,
    /// Take the oldest base.
    pub mem_rsp_ready: Signal<Out, Bit>,
    /// The oldest base: x in the low 256 bits, y above.
    pub mem_rsp_data: Signal<In, Bits<CARD_RECORD_BITS>>,
    /// Its read failed.
    pub mem_rsp_error: Signal<In, Bit>,
    /// A point for the engine.
    pub p_valid: Signal<Out, Bit>,
    /// The engine takes the point.
    pub p_ready: Signal<In, Bit>,
    /// Affine x (Montgomery form).
    pub p_x: Signal<Out, Bits<256>>,
    /// Affine y (Montgomery form).
    pub p_y: Signal<Out, Bits<256>>,
    /// The base is the point at infinity (stored as x = y = 0).
    pub p_inf: Signal<Out, Bit>,
    /// Signed digits, 16-bit lanes, window i in lane i.
    pub p_digits: Signal<Out, Bits<512>>,
    /// Every scalar of the job was taken and every point handed on.
    pub drained: Signal<Out, Bit>,
    /// First error of the job (regmap::ERR_*), 0 if none.
    pub error: Signal<Out, Bits<32>>,
    /// The feed wants a scalar this cycle (the job shell counts a stall if
    /// none is offered).
    pub wants_input: Signal<Out, Bit>,
    /// Cycles recoded digits waited for their base from card memory.
    pub perf_mem_stall: Signal<Out, Bits<32>>,
    mul: MontMul,
    queue: ScalarFifo,
    recoder: ScalarRecoder,
    digits_buf: SkidBuffer<Bits<FEED_DIGITS_BITS>>,
    out_buf: SkidBuffer<Bits<FEED_POINT_BITS>>,
    inf_flag: Constant<Bits<FEED_POINT_BITS>>,
    overflow_flag: Constant<Bits<FEED_DIGITS_BITS>>,
    inf_bits: Signal<Local, Bits<FEED_POINT_BITS>>,
    overflow_bits: Signal<Local, Bits<FEED_DIGITS_BITS>>,
    one: Constant<Bits<256>>,
    record_bytes: Constant<Bits<CARD_ADDR_BITS>>,
    queue_depth: Constant<Bits<{ FEED_QUEUE_LOG2 + 1 }>>,
    err_tlast: Constant<Bits<32>>,
    err_mem: Constant<Bits<32>>,
    err_digit: Constant<Bits<32>>,
    accepted: DFF<Bits<32>>,
    addr: DFF<Bits<CARD_ADDR_BITS>>,
    queued: DFF<Bits<{ FEED_QUEUE_LOG2 + 1 }>>,
    error_r: DFF<Bits<32>>,
    mem_stall: DFF<Bits<32>>,
    want: Signal<Local, Bit>,
    nonzero: Signal<Local, Bit>,
    can_take: Signal<Local, Bit>,
    in_fire: Signal<Local, Bit>,
    enter: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    both: Signal<Local, Bit>,
    bad: Signal<Local, Bit>,
    consume: Signal<Local, Bit>,
}

impl MsmFeed {
    pub fn new(mul: MulImpl) -> Self {
        let c32 = |v: u32| Constant::new((v as u64).into());
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            job_begin: Default::default(),
            run: Default::default(),
            total: Default::default(),
            bases_addr: Default::default(),
            c_minus_1: Default::default(),
            windows: Default::default(),
            s_tdata: Default::default(),
            s_tvalid: Default::default(),
            s_tready: Default::default(),
            s_tlast: Default::default(),
            mem_req_valid: Default::default(),
            mem_req_ready: Default::default(),
            mem_req_addr: Default::default(),
            mem_rsp_valid: Default::default(),
            mem_rsp_ready: Default::default(),
            mem_rsp_data: Default::default(),
            mem_rsp_error: Default::default(),
            p_valid: Default::default(),
            p_ready: Default::default(),
            p_x: Default::default(),
            p_y: Default::default(),
            p_inf: Default::default(),
            p_digits: Default::default(),
            drained: Default::default(),
            error: Default::default(),
            wants_input: Default::default(),
            perf_mem_stall: Default::default(),
            mul: MontMul::new(FieldId::Fr, mul),
            queue: Default::default(),
            recoder: Default::default(),
            digits_buf: Default::default(),
            out_buf: Default::default(),
            inf_flag: Constant::new(Bits::<FEED_POINT_BITS>::from(1u64) << 512),
            overflow_flag: Constant::new(Bits::<FEED_DIGITS_BITS>::from(1u64) << 512),
            inf_bits: Default::default(),
            overflow_bits: Default::default(),
            one: Constant::new(1u64.into()),
            record_bytes: Constant::new(CARD_RECORD_BYTES.into()),
            queue_depth: Constant::new((FEED_QUEUE_DEPTH as u64).into()),
            err_tlast: c32(regmap::ERR_TLAST),
            err_mem: c32(regmap::ERR_MEM_RESP),
            err_digit: c32(regmap::ERR_BAD_DIGIT),
            accepted: Default::default(),
            addr: Default::default(),
            queued: Default::default(),
            error_r: Default::default(),
            mem_stall: Default::default(),
            want: Default::default(),
            nonzero: Default::default(),
            can_take: Default::default(),
            in_fire: Default::default(),
            enter: Default::default(),
            pop: Default::default(),
            both: Default::default(),
            bad: Default::default(),
            consume: Default::default(),
        }
    }
}

impl Logic for MsmFeed {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, accepted, addr, queued, error_r, mem_stall);
        clock!(self, clock, mul, queue, recoder, digits_buf, out_buf);

        // Input: a zero scalar is taken at once; any other needs a queue slot
        // and the memory port's acceptance of its base read.
        self.want.next = self.run.val() & self.reset_n.val() & (self.accepted.q.val() < self.total.val());
        self.nonzero.next = self.s_tdata.val().any();
        self.can_take.next =
            !self.nonzero.val() | (self.mem_req_ready.val() & (self.queued.q.val() < self.queue_depth.val()));
        self.s_tready.next = self.want.val() & self.can_take.val();
        self.in_fire.next = self.want.val() & self.s_tvalid.val() & self.can_take.val();
        self.enter.next = self.in_fire.val() & self.nonzero.val();
        self.mem_req_valid.next = self.want.val()
            & self.s_tvalid.val()
            & self.nonzero.val()
            & (self.queued.q.val() < self.queue_depth.val());
        self.mem_req_addr.next = self.addr.q.val();
        if self.in_fire.val() {
            self.accepted.d.next = self.accepted.q.val() + 1;
            self.addr.d.next = self.addr.q.val() + self.record_bytes.val();
            if self.s_tlast.val() != (self.accepted.q.val() == self.total.val() - 1) {
                self.error_r.d.next = self.err_tlast.val();
            }
        }
        self.wants_input.next = self.want.val();

        // Montgomery form to standard form: a R * 1 / R.
        self.mul.a.next = self.s_tdata.val();
        self.mul.b.next = self.one.val();
        self.mul.valid_in.next = self.enter.val();
        self.queue.write.next = self.mul.valid_out.val() & self.reset_n.val();
        self.queue.data_in.next = self.mul.y.val();

        // Recoder, fed from the queue.
        self.recoder.reset_n.next = self.reset_n.val();
        self.recoder.c_minus_1.next = self.c_minus_1.val();
        self.recoder.windows.next = self.windows.val();
        self.recoder.in_valid.next = !self.queue.empty.val();
        self.recoder.in_scalar.next = self.queue.data_out.val();
        self.pop.next = !self.queue.empty.val() & self.recoder.in_ready.val();
        self.queue.read.next = self.pop.val() | (!self.reset_n.val() & !self.queue.empty.val());
        if self.enter.val() & !self.pop.val() {
            self.queued.d.next = self.queued.q.val() + 1;
        } else if !self.enter.val() & self.pop.val() {
            self.queued.d.next = self.queued.q.val() - 1;
        }

        // Digits meet their base; a failed read or digits that did not fit
        // drop the point and flag the job.
        self.digits_buf.reset_n.next = self.reset_n.val();
        self.digits_buf.in_valid.next = self.recoder.out_valid.val();
        self.recoder.out_ready.next = self.digits_buf.in_ready.val();
        self.overflow_bits.next = 0.into();
        if self.recoder.out_overflow.val() {
            self.overflow_bits.next = self.overflow_flag.val();
        }
        self.digits_buf.in_data.next = bit_cast::<513, 512>(self.recoder.out_digits.val()) | self.overflow_bits.val();
        self.both.next = self.digits_buf.out_valid.val() & self.mem_rsp_valid.val();
        self.bad.next = self.mem_rsp_error.val() | self.digits_buf.out_data.val().get_bit(512);
        self.out_buf.reset_n.next = self.reset_n.val();
        self.out_buf.in_valid.next = self.both.val() & !self.bad.val();
        self.consume.next = self.both.val() & (self.out_buf.in_ready.val() | self.bad.val());
        self.digits_buf.out_ready.next = self.consume.val();
        self.mem_rsp_ready.next = self.consume.val() | !self.reset_n.val();
        // A base stored as (0, 0) is the point at infinity.
        self.inf_bits.next = 0.into();
        if !self.mem_rsp_data.val().any() {
            self.inf_bits.next = self.inf_flag.val();
        }
        self.out_buf.in_data.next = bit_cast::<1025, 512>(self.mem_rsp_data.val())
            | (bit_cast::<1025, 512>(self.digits_buf.out_data.val().get_bits::<512>(0)) << 513)
            | self.inf_bits.val();
        self.p_valid.next = self.out_buf.out_valid.val();
        self.out_buf.out_ready.next = self.p_ready.val();
        self.p_x.next = self.out_buf.out_data.val().get_bits::<256>(0);
        self.p_y.next = self.out_buf.out_data.val().get_bits::<256>(256);
        self.p_inf.next = self.out_buf.out_data.val().get_bit(512);
        self.p_digits.next = self.out_buf.out_data.val().get_bits::<512>(513);
        if self.both.val() & self.bad.val() & (self.error_r.q.val() == 0) {
            self.error_r.d.next = self.err_digit.val();
            if self.mem_rsp_error.val() {
                self.error_r.d.next = self.err_mem.val();
            }
        }
        if self.run.val() & self.digits_buf.out_valid.val() & !self.mem_rsp_valid.val() {
            self.mem_stall.d.next = self.mem_stall.q.val() + 1;
        }

        self.drained.next = (self.accepted.q.val() == self.total.val())
            & (self.queued.q.val() == 0)
            & self.recoder.idle.val()
            & self.digits_buf.empty.val()
            & self.out_buf.empty.val();
        self.error.next = self.error_r.q.val();
        self.perf_mem_stall.next = self.mem_stall.q.val();

        if self.job_begin.val() {
            self.accepted.d.next = 0.into();
            self.addr.d.next = self.bases_addr.val();
            self.error_r.d.next = 0.into();
            self.mem_stall.d.next = 0.into();
        }
        if !self.reset_n.val() {
            self.queued.d.next = 0.into();
            self.error_r.d.next = 0.into();
            self.accepted.d.next = 0.into();
            self.mem_stall.d.next = 0.into();
        }
    }
}
