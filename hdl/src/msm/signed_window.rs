//! One window of the signed-digit recoding, worked out for both carries into
//! it, so the step that knows the carry only picks. A window's raw value r
//! (c bits) plus the carry k becomes t = r + k; at or above 2^(c-1) it turns
//! negative (t - 2^c) and carries one out. No subtraction is needed: t - 2^c
//! for t < 2^c is t with the bits above the window set.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct SignedWindow {
    /// The window's bits, at the bottom (bits at or above c are ignored).
    pub raw: Signal<In, Bits<17>>,
    /// 2^c - 1 (held for the job).
    pub mask: Signal<In, Bits<17>>,
    /// 2^(c-1) (held for the job).
    pub half: Signal<In, Bits<17>>,
    /// 2^(c-1) - 1 (held for the job).
    pub low_mask: Signal<In, Bits<17>>,
    /// With no carry in: the digit is negative (carries one out).
    pub neg_k0: Signal<Out, Bit>,
    /// With a carry in: the digit is negative (carries one out).
    pub neg_k1: Signal<Out, Bit>,
    /// With no carry in: the digit, two's complement.
    pub digit_k0: Signal<Out, Bits<16>>,
    /// With a carry in: the digit, two's complement.
    pub digit_k1: Signal<Out, Bits<16>>,
    r: Signal<Local, Bits<17>>,
    above: Signal<Local, Bits<17>>,
    t: Signal<Local, Bits<17>>,
    all_ones: Signal<Local, Bit>,
    d0: Signal<Local, Bits<17>>,
    d1: Signal<Local, Bits<17>>,
}

impl Logic for SignedWindow {
    #[hdl_gen]
    fn update(&mut self) {
        self.r.next = self.raw.val() & self.mask.val();
        self.above.next = !self.mask.val();
        // r >= 2^(c-1): its top bit; r + 1 >= 2^(c-1): that, or the bits
        // below the top all ones.
        self.neg_k0.next = (self.r.val() & self.half.val()).any();
        self.neg_k1.next = self.neg_k0.val() | (self.r.val() | !self.low_mask.val()).all();
        self.all_ones.next = (self.r.val() | self.above.val()).all();
        self.d0.next = self.r.val();
        if self.neg_k0.val() {
            self.d0.next = self.r.val() | self.above.val();
        }
        self.t.next = self.r.val() + 1;
        self.d1.next = self.t.val();
        if self.neg_k1.val() {
            // r + 1 = 2^c is digit 0 with a carry out.
            self.d1.next = self.t.val() | self.above.val();
            if self.all_ones.val() {
                self.d1.next = 0.into();
            }
        }
        self.digit_k0.next = self.d0.val().get_bits::<16>(0);
        self.digit_k1.next = self.d1.val().get_bits::<16>(0);
    }
}
