//! Skid buffer: a valid/ready register stage at full throughput. Its
//! `in_ready` and its outputs come straight from registers, so the logic on
//! either side of it is timed apart: the producer's path ends at the buffer,
//! the consumer's path starts there. Two entries (main and skid) let it take
//! a beat in the cycle the consumer stalls, so it passes one beat per cycle.

use rust_hdl::prelude::*;

/// Cycles from a beat entering to it being offered.
pub const SKID_BUFFER_LATENCY: usize = 1;

#[derive(LogicBlock, Default)]
pub struct SkidBuffer<D: Synth> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: both entries empty.
    pub reset_n: Signal<In, Bit>,
    /// A beat is offered.
    pub in_valid: Signal<In, Bit>,
    /// The buffer takes the offered beat (a register: the skid entry is free).
    pub in_ready: Signal<Out, Bit>,
    /// The offered beat.
    pub in_data: Signal<In, D>,
    /// The oldest beat is offered (a register).
    pub out_valid: Signal<Out, Bit>,
    /// The consumer takes it.
    pub out_ready: Signal<In, Bit>,
    /// The oldest beat (a register).
    pub out_data: Signal<Out, D>,
    /// Both entries are empty.
    pub empty: Signal<Out, Bit>,
    main: DFF<D>,
    main_valid: DFF<Bit>,
    skid: DFF<D>,
    skid_valid: DFF<Bit>,
    take: Signal<Local, Bit>,
    advance: Signal<Local, Bit>,
}

impl<D: Synth> Logic for SkidBuffer<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, main, main_valid, skid, skid_valid);
        self.in_ready.next = !self.skid_valid.q.val() & self.reset_n.val();
        self.take.next = self.in_valid.val() & self.in_ready.val();
        // The main entry moves on when it is empty or taken.
        self.advance.next = !self.main_valid.q.val() | self.out_ready.val();
        if self.advance.val() {
            if self.skid_valid.q.val() {
                self.main.d.next = self.skid.q.val();
                self.main_valid.d.next = true;
                self.skid_valid.d.next = false;
            } else {
                self.main.d.next = self.in_data.val();
                self.main_valid.d.next = self.take.val();
            }
        } else if self.take.val() {
            self.skid.d.next = self.in_data.val();
            self.skid_valid.d.next = true;
        }
        self.out_valid.next = self.main_valid.q.val();
        self.out_data.next = self.main.q.val();
        self.empty.next = !self.main_valid.q.val() & !self.skid_valid.q.val();
        if !self.reset_n.val() {
            self.main_valid.d.next = false;
            self.skid_valid.d.next = false;
        }
    }
}
