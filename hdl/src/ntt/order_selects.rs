//! The bit selects of a batch's point order (for `BitPermute`): core address
//! bit j of the batch's count-th point is count bit sel[j]. With 2^ilv
//! transforms of 2^log_m points interleaved (count = i 2^ilv + t, point i of
//! transform t at t m + i), and i bit-reversed for the unload:
//! - j < log_m: the index i, bit j + ilv (reversed: log_m - 1 - j + ilv);
//! - log_m <= j < log_m + ilv: the transform t, bit j - log_m;
//! - above: bit j + ilv (batches of whole transforms, ilv = 0: bit j).
//! Combinational, 5-bit arithmetic; users register the result per job.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct OrderSelects {
    /// log2 of the transform size.
    pub log_m: Signal<In, Bits<4>>,
    /// log2 of the transforms interleaved.
    pub ilv: Signal<In, Bits<4>>,
    /// Source bit of address bit j in bits [5 j, 5 j + 5).
    pub sel: Signal<Out, Bits<60>>,
    index: [Constant<Bits<5>>; 12],
    reversed: Constant<Bit>,
    l5: Signal<Local, Bits<5>>,
    k5: Signal<Local, Bits<5>>,
    lk: Signal<Local, Bits<5>>,
    src: [Signal<Local, Bits<5>>; 12],
}

impl OrderSelects {
    /// `reversed`: the index i is bit-reversed (the unload's order).
    pub fn new(reversed: bool) -> Self {
        Self {
            log_m: Default::default(),
            ilv: Default::default(),
            sel: Default::default(),
            index: std::array::from_fn(|j| Constant::new((j as u64).into())),
            reversed: Constant::new(reversed),
            l5: Default::default(),
            k5: Default::default(),
            lk: Default::default(),
            src: Default::default(),
        }
    }
}

impl Logic for OrderSelects {
    #[hdl_gen]
    fn update(&mut self) {
        self.l5.next = bit_cast::<5, 4>(self.log_m.val());
        self.k5.next = bit_cast::<5, 4>(self.ilv.val());
        self.lk.next = self.l5.val() + self.k5.val();
        for j in 0..12 {
            self.src[j].next = self.index[j].val() + self.k5.val();
            if self.index[j].val() < self.l5.val() {
                if self.reversed.val() {
                    self.src[j].next = self.l5.val() - 1 - self.index[j].val() + self.k5.val();
                }
            } else if self.index[j].val() < self.lk.val() {
                self.src[j].next = self.index[j].val() - self.l5.val();
            }
        }
        // Packed after the 5-bit arithmetic (rust-hdl needs literal indices
        // in a width cast), so none of it is 60 bits wide.
        self.sel.next = bit_cast::<60, 5>(self.src[0].val())
            | (bit_cast::<60, 5>(self.src[1].val()) << 5)
            | (bit_cast::<60, 5>(self.src[2].val()) << 10)
            | (bit_cast::<60, 5>(self.src[3].val()) << 15)
            | (bit_cast::<60, 5>(self.src[4].val()) << 20)
            | (bit_cast::<60, 5>(self.src[5].val()) << 25)
            | (bit_cast::<60, 5>(self.src[6].val()) << 30)
            | (bit_cast::<60, 5>(self.src[7].val()) << 35)
            | (bit_cast::<60, 5>(self.src[8].val()) << 40)
            | (bit_cast::<60, 5>(self.src[9].val()) << 45)
            | (bit_cast::<60, 5>(self.src[10].val()) << 50)
            | (bit_cast::<60, 5>(self.src[11].val()) << 55);
    }
}
