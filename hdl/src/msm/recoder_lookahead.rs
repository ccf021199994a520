//! The recoder's lookahead: from the bits still to recode, the next step's
//! two windows for either carry into it, whether anything is left after one
//! and after two windows, and the bits after the two windows. Worked out a
//! cycle ahead, so the recoder's step only picks by its carry.

use super::signed_window::SignedWindow;
use rust_hdl::prelude::*;

/// Bits of a step's lookahead (see `RecoderLookahead::info`).
pub const LOOKAHEAD_INFO_BITS: usize = 70;

#[derive(LogicBlock, Default)]
pub struct RecoderLookahead {
    /// The bits still to recode, the step's first window at the bottom.
    pub src: Signal<In, Bits<256>>,
    /// The window width c (held for the job).
    pub c: Signal<In, Bits<5>>,
    /// 2c (held for the job).
    pub two_c: Signal<In, Bits<6>>,
    /// 2^c - 1 (held for the job).
    pub mask: Signal<In, Bits<17>>,
    /// 2^(c-1) (held for the job).
    pub half: Signal<In, Bits<17>>,
    /// 2^(c-1) - 1 (held for the job).
    pub low_mask: Signal<In, Bits<17>>,
    /// Bits at or above c set (held for the job).
    pub above_c: Signal<In, Bits<256>>,
    /// Bits at or above 2c set (held for the job).
    pub above_2c: Signal<In, Bits<256>>,
    /// First window: digit without, then with, a carry in (bits 0..16,
    /// 16..32); second window likewise (32..48, 48..64); the first window's
    /// negative flags without and with a carry (64, 65); the second's (66,
    /// 67); anything at or above the second window (68); anything after the
    /// two windows (69).
    pub info: Signal<Out, Bits<70>>,
    /// The bits after the two windows.
    pub rest: Signal<Out, Bits<256>>,
    first: SignedWindow,
    second: SignedWindow,
    left1: Signal<Local, Bit>,
    left2: Signal<Local, Bit>,
}

impl Logic for RecoderLookahead {
    #[hdl_gen]
    fn update(&mut self) {
        self.first.raw.next = self.src.val().get_bits::<17>(0);
        self.second.raw.next = bit_cast::<17, 256>(self.src.val() >> self.c.val());
        self.first.mask.next = self.mask.val();
        self.first.half.next = self.half.val();
        self.first.low_mask.next = self.low_mask.val();
        self.second.mask.next = self.mask.val();
        self.second.half.next = self.half.val();
        self.second.low_mask.next = self.low_mask.val();
        self.left1.next = (self.src.val() & self.above_c.val()).any();
        self.left2.next = (self.src.val() & self.above_2c.val()).any();
        self.info.next = bit_cast::<70, 16>(self.first.digit_k0.val())
            | (bit_cast::<70, 16>(self.first.digit_k1.val()) << 16)
            | (bit_cast::<70, 16>(self.second.digit_k0.val()) << 32)
            | (bit_cast::<70, 16>(self.second.digit_k1.val()) << 48)
            | (bit_cast::<70, 1>(self.first.neg_k0.val().into()) << 64)
            | (bit_cast::<70, 1>(self.first.neg_k1.val().into()) << 65)
            | (bit_cast::<70, 1>(self.second.neg_k0.val().into()) << 66)
            | (bit_cast::<70, 1>(self.second.neg_k1.val().into()) << 67)
            | (bit_cast::<70, 1>(self.left1.val().into()) << 68)
            | (bit_cast::<70, 1>(self.left2.val().into()) << 69);
        self.rest.next = self.src.val() >> self.two_c.val();
    }
}
