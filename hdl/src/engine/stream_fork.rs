//! Stream fork: one valid/ready stream to two consumers, each beat to both
//! exactly once. A consumer that takes the beat before the other is marked
//! done (a register) and is not offered it again; the producer's beat moves
//! on when both have it. Neither branch's valid depends on any ready, so
//! consumers whose ready follows their valid make no combinational loop.
//! With `use_b` low, branch B is out of the stream (never offered a beat,
//! never waited for).

use rust_hdl::prelude::*;

/// Cycles a beat spends in the fork: none (it is a handshake, not a stage).
pub const STREAM_FORK_LATENCY: usize = 0;

#[derive(LogicBlock, Default)]
pub struct StreamFork {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: no branch holds a taken beat.
    pub reset_n: Signal<In, Bit>,
    /// Branch B takes part (hold it steady while a beat is half taken).
    pub use_b: Signal<In, Bit>,
    /// The producer offers a beat.
    pub in_valid: Signal<In, Bit>,
    /// Every branch in use has taken the beat (or takes it this cycle).
    pub in_ready: Signal<Out, Bit>,
    /// Branch A is offered the beat.
    pub a_valid: Signal<Out, Bit>,
    /// Branch A takes it.
    pub a_ready: Signal<In, Bit>,
    /// Branch B is offered the beat.
    pub b_valid: Signal<Out, Bit>,
    /// Branch B takes it.
    pub b_ready: Signal<In, Bit>,
    a_done: DFF<Bit>,
    b_done: DFF<Bit>,
    fire: Signal<Local, Bit>,
}

impl Logic for StreamFork {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, a_done, b_done);
        self.a_valid.next = self.in_valid.val() & !self.a_done.q.val();
        self.b_valid.next = self.in_valid.val() & !self.b_done.q.val() & self.use_b.val();
        self.in_ready.next = (self.a_done.q.val() | self.a_ready.val())
            & (self.b_done.q.val() | self.b_ready.val() | !self.use_b.val());
        self.fire.next = self.in_valid.val() & self.in_ready.val();
        if self.a_valid.val() & self.a_ready.val() {
            self.a_done.d.next = true;
        }
        if self.b_valid.val() & self.b_ready.val() {
            self.b_done.d.next = true;
        }
        if self.fire.val() | !self.reset_n.val() {
            self.a_done.d.next = false;
            self.b_done.d.next = false;
        }
    }
}
