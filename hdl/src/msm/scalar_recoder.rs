//! Scalar recoder: a scalar (standard form, < 2^254) into signed c-bit
//! digits, two windows per cycle, stopping as soon as the rest is zero (a
//! scalar 1 takes one cycle). Digit i is in [-2^(c-1), 2^(c-1)], the same
//! digits as `reference::signed_digits`; lanes past the last step are zero.

use rust_hdl::prelude::*;

/// Windows recoded per cycle.
pub const RECODER_WINDOWS_PER_CYCLE: usize = 2;
/// Cycles from taking a scalar to offering its digits, for a scalar whose
/// highest nonzero window (after carries) is window k: ceil((k + 1) / 2).
pub fn recoder_cycles(last_nonzero_window: usize) -> usize {
    (last_nonzero_window + 1).div_ceil(RECODER_WINDOWS_PER_CYCLE)
}

#[derive(LogicBlock, Default)]
pub struct ScalarRecoder {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// Window width minus one, c - 1 (held for the job; set at least one
    /// cycle before the job's first scalar is offered).
    pub c_minus_1: Signal<In, Bits<4>>,
    /// Windows W (held for the job); W c must cover the scalar.
    pub windows: Signal<In, Bits<6>>,
    /// A scalar is offered.
    pub in_valid: Signal<In, Bit>,
    /// The scalar is taken this cycle.
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
    busy: DFF<Bit>,
    out_full: DFF<Bit>,
    overflow: DFF<Bit>,
    rem: DFF<Bits<256>>,
    carry: DFF<Bit>,
    w: DFF<Bits<6>>,
    digits: DFF<Bits<512>>,
    load: Signal<Local, Bit>,
    step: Signal<Local, Bit>,
    src_rem: Signal<Local, Bits<256>>,
    src_carry: Signal<Local, Bit>,
    src_w: Signal<Local, Bits<6>>,
    src_digits: Signal<Local, Bits<512>>,
    // The window's constants, registered from `c_minus_1` (held for the job;
    // its first scalar comes through the feed's multiplier many cycles after
    // the job starts), so the recoding path does not start with them.
    c5: DFF<Bits<5>>,
    mask: DFF<Bits<17>>,
    half: DFF<Bits<17>>,
    full: DFF<Bits<17>>,
    // Bits at or above c and 2c: whether anything is left after one or two
    // windows, read off the step's input rather than after its shifts.
    above_c: DFF<Bits<256>>,
    above_2c: DFF<Bits<256>>,
    two_c: DFF<Bits<6>>,
    c5_next: Signal<Local, Bits<5>>,
    two_c_next: Signal<Local, Bits<6>>,
    one: Signal<Local, Bits<17>>,
    t0: Signal<Local, Bits<17>>,
    t1: Signal<Local, Bits<17>>,
    neg0: Signal<Local, Bit>,
    neg1: Signal<Local, Bit>,
    d0: Signal<Local, Bits<17>>,
    d1: Signal<Local, Bits<17>>,
    rem1: Signal<Local, Bits<17>>,
    rem2: Signal<Local, Bits<256>>,
    zero_256: Signal<Local, Bits<256>>,
    left1: Signal<Local, Bit>,
    left2: Signal<Local, Bit>,
    shift0: Signal<Local, Bits<10>>,
    shift1: Signal<Local, Bits<10>>,
    w1: Signal<Local, Bits<6>>,
    w2: Signal<Local, Bits<6>>,
    lane0: Signal<Local, Bits<512>>,
    lane1: Signal<Local, Bits<512>>,
    second_in: Signal<Local, Bit>,
    last_step: Signal<Local, Bit>,
    rest_zero: Signal<Local, Bit>,
    step_overflow: Signal<Local, Bit>,
}

impl Logic for ScalarRecoder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, busy, out_full, overflow, rem, carry, w, digits, c5, mask, half, full, above_c, above_2c, two_c);
        self.in_ready.next =
            self.reset_n.val() & !self.busy.q.val() & (!self.out_full.q.val() | self.out_ready.val());
        self.load.next = self.in_valid.val() & self.in_ready.val();
        self.step.next = self.load.val() | self.busy.q.val();
        // A new scalar is recoded from its first cycle on.
        self.src_rem.next = self.rem.q.val();
        self.src_carry.next = self.carry.q.val();
        self.src_w.next = self.w.q.val();
        self.src_digits.next = self.digits.q.val();
        if self.load.val() {
            self.src_rem.next = self.in_scalar.val();
            self.src_carry.next = false;
            self.src_w.next = 0.into();
            self.src_digits.next = 0.into();
        }
        self.c5_next.next = bit_cast::<5, 4>(self.c_minus_1.val()) + 1;
        self.one.next = 1.into();
        self.c5.d.next = self.c5_next.val();
        self.full.d.next = self.one.val() << self.c5_next.val();
        self.half.d.next = self.one.val() << self.c_minus_1.val();
        self.mask.d.next = (self.one.val() << self.c5_next.val()) - 1;
        self.zero_256.next = 0.into();
        self.above_c.d.next = (!self.zero_256.val()) << self.c5_next.val();
        self.two_c_next.next = bit_cast::<6, 5>(self.c5_next.val()) << 1;
        self.above_2c.d.next = (!self.zero_256.val()) << self.two_c_next.val();
        self.two_c.d.next = self.two_c_next.val();

        // Window w: raw bits plus the carry; at or above half it becomes
        // negative and carries one into window w + 1.
        self.t0.next = self.src_rem.val().get_bits::<17>(0) & self.mask.q.val();
        if self.src_carry.val() {
            self.t0.next = (self.src_rem.val().get_bits::<17>(0) & self.mask.q.val()) + 1;
        }
        self.neg0.next = self.t0.val() >= self.half.q.val();
        self.d0.next = self.t0.val();
        if self.neg0.val() {
            self.d0.next = self.t0.val() - self.full.q.val();
        }
        // Only the next window's bits of the scalar shifted by one window.
        self.rem1.next = bit_cast::<17, 256>(self.src_rem.val() >> self.c5.q.val());
        self.t1.next = self.rem1.val() & self.mask.q.val();
        if self.neg0.val() {
            self.t1.next = (self.rem1.val() & self.mask.q.val()) + 1;
        }
        self.neg1.next = self.t1.val() >= self.half.q.val();
        self.d1.next = self.t1.val();
        if self.neg1.val() {
            self.d1.next = self.t1.val() - self.full.q.val();
        }
        // Both windows' shifts from the step's input, side by side.
        self.rem2.next = self.src_rem.val() >> self.two_c.q.val();
        self.left1.next = (self.src_rem.val() & self.above_c.q.val()).any();
        self.left2.next = (self.src_rem.val() & self.above_2c.q.val()).any();

        self.w1.next = self.src_w.val() + 1;
        self.w2.next = self.src_w.val() + 2;
        self.second_in.next = self.w1.val() < self.windows.val();
        self.shift0.next = bit_cast::<10, 6>(self.src_w.val()) << 4;
        self.shift1.next = bit_cast::<10, 6>(self.w1.val()) << 4;
        self.lane0.next = bit_cast::<512, 16>(self.d0.val().get_bits::<16>(0)) << self.shift0.val();
        self.lane1.next = 0.into();
        if self.second_in.val() {
            self.lane1.next = bit_cast::<512, 16>(self.d1.val().get_bits::<16>(0)) << self.shift1.val();
        }
        // Done when the windows run out or nothing is left to recode.
        self.rest_zero.next = !self.left2.val() & !self.neg1.val();
        self.last_step.next = (self.w2.val() >= self.windows.val()) | self.rest_zero.val();
        self.step_overflow.next = false;
        if !self.second_in.val() {
            self.step_overflow.next = self.left1.val() | self.neg0.val();
        } else if self.w2.val() >= self.windows.val() {
            self.step_overflow.next = !self.rest_zero.val();
        }

        if self.out_full.q.val() & self.out_ready.val() {
            self.out_full.d.next = false;
        }
        if self.step.val() {
            self.rem.d.next = self.rem2.val();
            self.carry.d.next = self.neg1.val();
            self.w.d.next = self.w2.val();
            self.digits.d.next = self.src_digits.val() | self.lane0.val() | self.lane1.val();
            self.busy.d.next = !self.last_step.val();
            if self.last_step.val() {
                self.out_full.d.next = true;
                self.overflow.d.next = self.step_overflow.val();
            }
        }
        self.out_valid.next = self.out_full.q.val() & self.reset_n.val();
        self.out_digits.next = self.digits.q.val();
        self.out_overflow.next = self.overflow.q.val();
        self.idle.next = !self.busy.q.val() & !self.out_full.q.val();
        if !self.reset_n.val() {
            self.busy.d.next = false;
            self.out_full.d.next = false;
        }
    }
}
