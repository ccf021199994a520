//! Scalar recoder: a scalar (standard form, < 2^254) into signed c-bit
//! digits, two windows per cycle, stopping as soon as the rest is zero (a
//! scalar 1 takes one cycle). Digit i is in [-2^(c-1), 2^(c-1)], the same
//! digits as `reference::signed_digits`; lanes past the last step are zero.
//!
//! The arithmetic runs a cycle ahead of the step: a lookahead works out the
//! next two windows for either carry into them (for a new scalar as it enters
//! the input skid buffer, for the scalar in hand as it steps), so the step
//! itself only picks by its carry. Its loop (carry, busy, the last-step test)
//! starts and ends at registers with a few LUT levels and no carry chain.

use super::recoder_lookahead::{LOOKAHEAD_INFO_BITS, RecoderLookahead};
use crate::engine::{SKID_BUFFER_LATENCY, SkidBuffer};
use rust_hdl::prelude::*;

/// Windows recoded per cycle.
pub const RECODER_WINDOWS_PER_CYCLE: usize = 2;
/// Cycles from taking a scalar to offering its digits, for a scalar whose
/// highest nonzero window (after carries) is window k: ceil((k + 1) / 2).
/// This is the recoder's throughput; `RECODER_INPUT_LATENCY` comes on top once.
pub fn recoder_cycles(last_nonzero_window: usize) -> usize {
    (last_nonzero_window + 1).div_ceil(RECODER_WINDOWS_PER_CYCLE)
}
/// Cycles a scalar spends in the input skid buffer (its first lookahead).
pub const RECODER_INPUT_LATENCY: usize = SKID_BUFFER_LATENCY;
/// A scalar as the input skid buffer holds it: the bits after its first two
/// windows (0..256), then their lookahead.
const STAGE_BITS: usize = 256 + LOOKAHEAD_INFO_BITS;
// `update` packs and unpacks with literal widths (rust-hdl needs them).
const _: () = assert!(LOOKAHEAD_INFO_BITS == 70 && STAGE_BITS == 326);

#[derive(LogicBlock, Default)]
pub struct ScalarRecoder {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// Window width minus one, c - 1 (held for the job; set at least one
    /// cycle before the job's first scalar is offered).
    pub c_minus_1: Signal<In, Bits<4>>,
    /// Windows W (held for the job, set as `c_minus_1` is); W c must cover
    /// the scalar.
    pub windows: Signal<In, Bits<6>>,
    /// A scalar is offered.
    pub in_valid: Signal<In, Bit>,
    /// The scalar is taken this cycle (a register).
    pub in_ready: Signal<Out, Bit>,
    /// The scalar, standard (not Montgomery) form.
    pub in_scalar: Signal<In, Bits<256>>,
    /// The digits of the last scalar are offered.
    pub out_valid: Signal<Out, Bit>,
    /// The digits are taken this cycle.
    pub out_ready: Signal<In, Bit>,
    /// Digit of window i in bits [16 i, 16 i + 16), two's complement.
    pub out_digits: Signal<Out, Bits<512>>,
    /// The scalar did not fit W windows (its digits are incomplete).
    pub out_overflow: Signal<Out, Bit>,
    /// No scalar is being recoded or waiting to leave.
    pub idle: Signal<Out, Bit>,
    stage: SkidBuffer<Bits<326>>,
    look_in: RecoderLookahead,
    look_next: RecoderLookahead,
    busy: DFF<Bit>,
    out_full: DFF<Bit>,
    overflow: DFF<Bit>,
    rem: DFF<Bits<256>>,
    info: DFF<Bits<70>>,
    carry: DFF<Bit>,
    w: DFF<Bits<6>>,
    second_in: DFF<Bit>,
    last_w: DFF<Bit>,
    digits: DFF<Bits<512>>,
    // The window's constants, registered from `c_minus_1` and `windows`
    // (held for the job; its first scalar comes through the feed's multiplier
    // many cycles after the job starts), so no path starts at them.
    c5: DFF<Bits<5>>,
    two_c: DFF<Bits<6>>,
    mask: DFF<Bits<17>>,
    half: DFF<Bits<17>>,
    low_mask: DFF<Bits<17>>,
    above_c: DFF<Bits<256>>,
    above_2c: DFF<Bits<256>>,
    first_second_in: DFF<Bit>,
    first_last_w: DFF<Bit>,
    c5_next: Signal<Local, Bits<5>>,
    two_c_next: Signal<Local, Bits<6>>,
    one: Signal<Local, Bits<17>>,
    zero_256: Signal<Local, Bits<256>>,
    core_ready: Signal<Local, Bit>,
    load: Signal<Local, Bit>,
    step: Signal<Local, Bit>,
    src_info: Signal<Local, Bits<70>>,
    src_rem: Signal<Local, Bits<256>>,
    src_carry: Signal<Local, Bit>,
    src_w: Signal<Local, Bits<6>>,
    src_second_in: Signal<Local, Bit>,
    src_last_w: Signal<Local, Bit>,
    src_digits: Signal<Local, Bits<512>>,
    w7: Signal<Local, Bits<7>>,
    neg0: Signal<Local, Bit>,
    neg1: Signal<Local, Bit>,
    d0: Signal<Local, Bits<16>>,
    d1: Signal<Local, Bits<16>>,
    pair: Signal<Local, Bits<32>>,
    lanes: Signal<Local, Bits<512>>,
    rest_zero: Signal<Local, Bit>,
    last_step: Signal<Local, Bit>,
    step_overflow: Signal<Local, Bit>,
}

impl Logic for ScalarRecoder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            busy,
            out_full,
            overflow,
            rem,
            info,
            carry,
            w,
            second_in,
            last_w,
            digits,
            c5,
            two_c,
            mask,
            half,
            low_mask,
            above_c,
            above_2c,
            first_second_in,
            first_last_w
        );
        clock!(self, clock, stage);
        self.c5_next.next = bit_cast::<5, 4>(self.c_minus_1.val()) + 1;
        self.two_c_next.next = bit_cast::<6, 5>(self.c5_next.val()) << 1;
        self.one.next = 1.into();
        self.zero_256.next = 0.into();
        self.c5.d.next = self.c5_next.val();
        self.two_c.d.next = self.two_c_next.val();
        self.mask.d.next = (self.one.val() << self.c5_next.val()) - 1;
        self.half.d.next = self.one.val() << self.c_minus_1.val();
        self.low_mask.d.next = (self.one.val() << self.c_minus_1.val()) - 1;
        self.above_c.d.next = (!self.zero_256.val()) << self.c5_next.val();
        self.above_2c.d.next = (!self.zero_256.val()) << self.two_c_next.val();
        self.first_second_in.d.next = self.windows.val() > 1;
        self.first_last_w.d.next = self.windows.val() <= 2;

        // Both lookaheads see the same constants.
        self.look_in.c.next = self.c5.q.val();
        self.look_in.two_c.next = self.two_c.q.val();
        self.look_in.mask.next = self.mask.q.val();
        self.look_in.half.next = self.half.q.val();
        self.look_in.low_mask.next = self.low_mask.q.val();
        self.look_in.above_c.next = self.above_c.q.val();
        self.look_in.above_2c.next = self.above_2c.q.val();
        self.look_next.c.next = self.c5.q.val();
        self.look_next.two_c.next = self.two_c.q.val();
        self.look_next.mask.next = self.mask.q.val();
        self.look_next.half.next = self.half.q.val();
        self.look_next.low_mask.next = self.low_mask.q.val();
        self.look_next.above_c.next = self.above_c.q.val();
        self.look_next.above_2c.next = self.above_2c.q.val();

        // A new scalar's first lookahead on its way into the skid buffer.
        self.look_in.src.next = self.in_scalar.val();
        self.stage.reset_n.next = self.reset_n.val();
        self.stage.in_valid.next = self.in_valid.val();
        self.in_ready.next = self.stage.in_ready.val();
        self.stage.in_data.next = bit_cast::<326, 256>(self.look_in.rest.val())
            | (bit_cast::<326, 70>(self.look_in.info.val()) << 256);

        // The step: the scalar in hand while busy, else the buffered one
        // (selected by `busy`, a register, so the handshake only gates it).
        self.core_ready.next = self.reset_n.val()
            & !self.busy.q.val()
            & (!self.out_full.q.val() | self.out_ready.val());
        self.stage.out_ready.next = self.core_ready.val();
        self.load.next = self.stage.out_valid.val() & self.core_ready.val();
        self.step.next = self.load.val() | self.busy.q.val();
        self.src_info.next = self.stage.out_data.val().get_bits::<70>(256);
        self.src_rem.next = self.stage.out_data.val().get_bits::<256>(0);
        self.src_carry.next = false;
        self.src_w.next = 0.into();
        self.src_second_in.next = self.first_second_in.q.val();
        self.src_last_w.next = self.first_last_w.q.val();
        self.src_digits.next = 0.into();
        if self.busy.q.val() {
            self.src_info.next = self.info.q.val();
            self.src_rem.next = self.rem.q.val();
            self.src_carry.next = self.carry.q.val();
            self.src_w.next = self.w.q.val();
            self.src_second_in.next = self.second_in.q.val();
            self.src_last_w.next = self.last_w.q.val();
            self.src_digits.next = self.digits.q.val();
        }
        self.neg0.next = self.src_info.val().get_bit(64);
        self.d0.next = self.src_info.val().get_bits::<16>(0);
        if self.src_carry.val() {
            self.neg0.next = self.src_info.val().get_bit(65);
            self.d0.next = self.src_info.val().get_bits::<16>(16);
        }
        self.neg1.next = self.src_info.val().get_bit(66);
        self.d1.next = self.src_info.val().get_bits::<16>(32);
        if self.neg0.val() {
            self.neg1.next = self.src_info.val().get_bit(67);
            self.d1.next = self.src_info.val().get_bits::<16>(48);
        }
        // Windows w and w + 1 (w is even) land in lanes w and w + 1.
        self.pair.next = bit_cast::<32, 16>(self.d0.val());
        if self.src_second_in.val() {
            self.pair.next =
                bit_cast::<32, 16>(self.d0.val()) | (bit_cast::<32, 16>(self.d1.val()) << 16);
        }
        self.lanes.next =
            bit_cast::<512, 32>(self.pair.val()) << (bit_cast::<10, 6>(self.src_w.val()) << 4);
        // Done when the windows run out or nothing is left to recode.
        self.rest_zero.next = !self.src_info.val().get_bit(69) & !self.neg1.val();
        self.last_step.next = self.src_last_w.val() | self.rest_zero.val();
        self.step_overflow.next = self.src_last_w.val() & !self.rest_zero.val();
        if !self.src_second_in.val() {
            self.step_overflow.next = self.src_info.val().get_bit(68) | self.neg0.val();
        }

        // The next step's lookahead.
        self.look_next.src.next = self.src_rem.val();
        self.w7.next = bit_cast::<7, 6>(self.src_w.val());
        if self.out_full.q.val() & self.out_ready.val() {
            self.out_full.d.next = false;
        }
        if self.step.val() {
            self.info.d.next = self.look_next.info.val();
            self.rem.d.next = self.look_next.rest.val();
            self.carry.d.next = self.neg1.val();
            self.w.d.next = self.src_w.val() + 2;
            self.second_in.d.next = (self.w7.val() + 3) < bit_cast::<7, 6>(self.windows.val());
            self.last_w.d.next = (self.w7.val() + 4) >= bit_cast::<7, 6>(self.windows.val());
            self.digits.d.next = self.src_digits.val() | self.lanes.val();
            self.busy.d.next = !self.last_step.val();
            if self.last_step.val() {
                self.out_full.d.next = true;
                self.overflow.d.next = self.step_overflow.val();
            }
        }
        self.out_valid.next = self.out_full.q.val() & self.reset_n.val();
        self.out_digits.next = self.digits.q.val();
        self.out_overflow.next = self.overflow.q.val();
        self.idle.next = !self.busy.q.val() & !self.out_full.q.val() & self.stage.empty.val();
        if !self.reset_n.val() {
            self.busy.d.next = false;
            self.out_full.d.next = false;
        }
    }
}
