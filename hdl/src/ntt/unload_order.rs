//! The order a batch leaves the core in: output `count` of the batch is read
//! at core address bitrev(i) of its transform t (with 2^out_ilv transforms
//! interleaved in the output, count = i 2^out_ilv + t). For a job that is a
//! fixed permutation of the count's bits, worked out once from the job's
//! log_m and out_ilv. The address and its bank for the current count, and for
//! the next, are kept in registers, so the unload's bank reads start at
//! registers: the count may move on every cycle.
//!
//! Contract: the count changes only by `advance` (to count + 1, or to 0 with
//! `restart`), or at least two cycles before the next `advance` (the job
//! start, after which a batch is loaded and computed before any unload), as
//! the registers follow the count one cycle behind when it does not advance.

use super::bit_permute::BitPermute;
use super::order_selects::OrderSelects;
use super::ntt_core::{NTT_LOG_MAX, NTT_UNITS, NTT_UNITS_LOG2};
use rust_hdl::prelude::*;

type Addr = Bits<NTT_LOG_MAX>;
const _: () = assert!(NTT_LOG_MAX == super::bit_permute::PERMUTE_BITS);

#[derive(LogicBlock)]
pub struct UnloadOrder {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// log2 of the transform size (held for the job).
    pub log_m: Signal<In, Bits<4>>,
    /// log2 of the transforms interleaved in the output (held for the job).
    pub out_ilv: Signal<In, Bits<4>>,
    /// The unload count: which output of the batch is read now.
    pub count: Signal<In, Addr>,
    /// The count moves on at this clock edge.
    pub advance: Signal<In, Bit>,
    /// With `advance`: the count restarts at 0 (the batch's last output).
    pub restart: Signal<In, Bit>,
    /// Core address of output `count` (a register).
    pub addr: Signal<Out, Addr>,
    /// Its bank, `bank_of(addr)` (a register).
    pub bank: Signal<Out, Addr>,
    at_count: BitPermute,
    at_next: BitPermute,
    at_after: BitPermute,
    at_one: BitPermute,
    selects: OrderSelects,
    sel: DFF<Bits<60>>,
    cur_addr: DFF<Addr>,
    cur_bank: DFF<Addr>,
    nxt_addr: DFF<Addr>,
    nxt_bank: DFF<Addr>,
    unit_mask: Constant<Addr>,
    parity_bit: Constant<Addr>,
    units_log2: Constant<Bits<4>>,
    bank_count: Signal<Local, Addr>,
    bank_next: Signal<Local, Addr>,
    bank_after: Signal<Local, Addr>,
    bank_one: Signal<Local, Addr>,
}

impl Default for UnloadOrder {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            log_m: Default::default(),
            out_ilv: Default::default(),
            count: Default::default(),
            advance: Default::default(),
            restart: Default::default(),
            addr: Default::default(),
            bank: Default::default(),
            at_count: Default::default(),
            at_next: Default::default(),
            at_after: Default::default(),
            at_one: Default::default(),
            selects: OrderSelects::new(true),
            sel: Default::default(),
            cur_addr: Default::default(),
            cur_bank: Default::default(),
            nxt_addr: Default::default(),
            nxt_bank: Default::default(),
            unit_mask: Constant::new(((NTT_UNITS - 1) as u64).into()),
            parity_bit: Constant::new((NTT_UNITS as u64).into()),
            units_log2: Constant::new((NTT_UNITS_LOG2 as u64).into()),
            bank_count: Default::default(),
            bank_next: Default::default(),
            bank_after: Default::default(),
            bank_one: Default::default(),
        }
    }
}

impl Logic for UnloadOrder {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sel, cur_addr, cur_bank, nxt_addr, nxt_bank);
        // The job's permutation of the count's bits (bit-reversed index).
        self.selects.log_m.next = self.log_m.val();
        self.selects.ilv.next = self.out_ilv.val();
        self.sel.d.next = self.selects.sel.val();

        self.at_count.sel.next = self.sel.q.val();
        self.at_next.sel.next = self.sel.q.val();
        self.at_after.sel.next = self.sel.q.val();
        self.at_one.sel.next = self.sel.q.val();
        self.at_count.x.next = self.count.val();
        self.at_next.x.next = self.count.val() + 1;
        self.at_after.x.next = self.count.val() + 2;
        self.at_one.x.next = 1.into();
        // bank_of(a): the unit bits, and the parity of the bits above them.
        self.bank_count.next = self.at_count.y.val() & self.unit_mask.val();
        if (self.at_count.y.val() >> self.units_log2.val()).xor() {
            self.bank_count.next = (self.at_count.y.val() & self.unit_mask.val()) | self.parity_bit.val();
        }
        self.bank_next.next = self.at_next.y.val() & self.unit_mask.val();
        if (self.at_next.y.val() >> self.units_log2.val()).xor() {
            self.bank_next.next = (self.at_next.y.val() & self.unit_mask.val()) | self.parity_bit.val();
        }
        self.bank_after.next = self.at_after.y.val() & self.unit_mask.val();
        if (self.at_after.y.val() >> self.units_log2.val()).xor() {
            self.bank_after.next = (self.at_after.y.val() & self.unit_mask.val()) | self.parity_bit.val();
        }
        self.bank_one.next = self.at_one.y.val() & self.unit_mask.val();
        if (self.at_one.y.val() >> self.units_log2.val()).xor() {
            self.bank_one.next = (self.at_one.y.val() & self.unit_mask.val()) | self.parity_bit.val();
        }

        // The current count's place and the next one's, one step ahead.
        self.cur_addr.d.next = self.at_count.y.val();
        self.cur_bank.d.next = self.bank_count.val();
        self.nxt_addr.d.next = self.at_next.y.val();
        self.nxt_bank.d.next = self.bank_next.val();
        if self.advance.val() {
            if self.restart.val() {
                self.cur_addr.d.next = 0.into();
                self.cur_bank.d.next = 0.into();
                self.nxt_addr.d.next = self.at_one.y.val();
                self.nxt_bank.d.next = self.bank_one.val();
            } else {
                self.cur_addr.d.next = self.nxt_addr.q.val();
                self.cur_bank.d.next = self.nxt_bank.q.val();
                self.nxt_addr.d.next = self.at_after.y.val();
                self.nxt_bank.d.next = self.bank_after.val();
            }
        }
        self.addr.next = self.cur_addr.q.val();
        self.bank.next = self.cur_bank.q.val();
    }
}
