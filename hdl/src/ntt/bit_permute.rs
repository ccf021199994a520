//! Combinational bit permutation of a 12-bit value: bit j of the result is
//! bit sel[j] of the input (0 where sel[j] is 12 or more). A 12-to-1 mux per
//! bit, two LUT levels, where shifts and a bit reversal in series take six.

use rust_hdl::prelude::*;

/// Bits of the permuted value.
pub const PERMUTE_BITS: usize = 12;
/// Bits of one select, and of all of them packed.
pub const PERMUTE_SEL_BITS: usize = 5;
pub const PERMUTE_SELS_BITS: usize = PERMUTE_BITS * PERMUTE_SEL_BITS;
// `update` is written with these literal widths (rust-hdl needs them).
const _: () = assert!(PERMUTE_BITS == 12 && PERMUTE_SEL_BITS == 5 && PERMUTE_SELS_BITS == 60);

#[derive(LogicBlock, Default)]
pub struct BitPermute {
    /// Value in.
    pub x: Signal<In, Bits<12>>,
    /// Source bit of result bit j in bits [5 j, 5 j + 5).
    pub sel: Signal<In, Bits<60>>,
    /// The permuted value.
    pub y: Signal<Out, Bits<12>>,
    parts: [Signal<Local, Bits<12>>; 13],
    shifted: [Signal<Local, Bits<12>>; 12],
}

impl Logic for BitPermute {
    #[hdl_gen]
    fn update(&mut self) {
        self.parts[0].next = 0.into();
        for j in 0..12 {
            self.shifted[j].next = self.x.val() >> self.sel.val().get_bits::<5>(5 * j);
            self.parts[j + 1].next = self.parts[j].val().replace_bit(j, self.shifted[j].val().get_bit(0));
        }
        self.y.next = self.parts[12].val();
    }
}
