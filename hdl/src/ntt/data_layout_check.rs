//! The data port's job check: whether the job registers describe layouts
//! and factors the NTT data port, core and twiddle scaler can serve. Its own
//! block, apart from the port: it reads only job registers, so the engines
//! can refuse a job in the cycle it starts without a loop through the port.
//! Each rule's term is registered (the job registers hold two cycles before
//! a start); `layout_error` is an OR of those registers, so the engines read
//! it straight into their refusal code.

use crate::mem::CARD_ADDR_BITS;
use crate::params::FieldId;
use crate::regmap;
use rust_hdl::prelude::*;

type Addr = Bits<CARD_ADDR_BITS>;

/// Cycles from a job-register change to `layout_error` following it.
pub const DATA_LAYOUT_CHECK_LATENCY: usize = 1;

#[derive(LogicBlock)]
pub struct DataLayoutCheck {
    /// Clock; the rules' terms update on its rising edge.
    pub clock: Signal<In, Clock>,
    /// NTT_MODE bit0: points from card memory.
    pub job_src_mem: Signal<In, Bit>,
    /// NTT_MODE bit1: results to card memory.
    pub job_dst_mem: Signal<In, Bit>,
    /// NTT_MODE bit12: twiddles.
    pub job_twiddle: Signal<In, Bit>,
    /// NTT_MODE bit13: powers of g.
    pub job_powers: Signal<In, Bit>,
    /// NTT_MODE bit15: powers of g^-1.
    pub job_powers_inv: Signal<In, Bit>,
    /// NTT_MODE bit17: powers of a root of unity (with bit13, not bit15).
    pub job_powers_root: Signal<In, Bit>,
    /// NTT_MODE bits[24:20]: log2 of that root's order (1..=28).
    pub job_root_log: Signal<In, Bits<5>>,
    /// NTT_MODE bit14: operand b from its own layout.
    pub job_src_b: Signal<In, Bit>,
    /// NTT_MODE bit16: the core multiplies its results by `job_scale`.
    pub job_scale_en: Signal<In, Bit>,
    /// NTT_SCALE: the factor's Montgomery representation (must be below r).
    pub job_scale: Signal<In, Bits<256>>,
    /// The job is a field-ALU job.
    pub job_alu: Signal<In, Bit>,
    /// Points (NTT) or operations (ALU) in the job.
    pub job_count: Signal<In, Bits<32>>,
    /// Source layout: address, points per run, stride.
    pub job_src_addr: Signal<In, Addr>,
    /// Source layout: points per run.
    pub job_src_run_len: Signal<In, Bits<32>>,
    /// Source layout: stride.
    pub job_src_stride: Signal<In, Bits<32>>,
    /// Destination layout: address.
    pub job_dst_addr: Signal<In, Addr>,
    /// Destination layout: points per run.
    pub job_dst_run_len: Signal<In, Bits<32>>,
    /// Destination layout: stride.
    pub job_dst_stride: Signal<In, Bits<32>>,
    /// Operand b's layout: address.
    pub job_srcb_addr: Signal<In, Addr>,
    /// Operand b's layout: points per run.
    pub job_srcb_run_len: Signal<In, Bits<32>>,
    /// Operand b's layout: stride.
    pub job_srcb_stride: Signal<In, Bits<32>>,
    /// NTT_TWIDDLE_LOG.
    pub job_twiddle_log: Signal<In, Bits<32>>,
    /// NTT_BATCH_LOG: log2 points per batch (0: no batches).
    pub job_batch_log: Signal<In, Bits<32>>,
    /// Source layout: points between batch starts.
    pub job_src_batch_stride: Signal<In, Bits<32>>,
    /// Destination layout: points between batch starts.
    pub job_dst_batch_stride: Signal<In, Bits<32>>,
    /// ERR_BAD_LAYOUT when the job registers of the cycle before describe
    /// no valid job, else 0.
    pub layout_error: Signal<Out, Bits<32>>,
    src_ok: Signal<Local, Bit>,
    dst_ok: Signal<Local, Bit>,
    srcb_ok: Signal<Local, Bit>,
    twiddle_ok: Signal<Local, Bit>,
    root_ok: Signal<Local, Bit>,
    batch_ok: Signal<Local, Bit>,
    batch_points: Signal<Local, Bits<32>>,
    /// The registered terms: each set where one rule is broken.
    src_bad: DFF<Bit>,
    dst_bad: DFF<Bit>,
    twiddle_bad: DFF<Bit>,
    root_bad: DFF<Bit>,
    batch_bad: DFF<Bit>,
    srcb_bad: DFF<Bit>,
    odd_bad: DFF<Bit>,
    scale_bad: DFF<Bit>,
    err_bad_layout: Constant<Bits<32>>,
    max_batch_log: Constant<Bits<32>>,
    one32: Constant<Bits<32>>,
    max_root_log: Constant<Bits<5>>,
    fr_modulus: Constant<Bits<256>>,
}

impl DataLayoutCheck {
    pub fn new() -> Self {
        Self {
            clock: Default::default(),
            job_src_mem: Default::default(),
            job_dst_mem: Default::default(),
            job_twiddle: Default::default(),
            job_powers: Default::default(),
            job_powers_inv: Default::default(),
            job_powers_root: Default::default(),
            job_root_log: Default::default(),
            job_src_b: Default::default(),
            job_scale_en: Default::default(),
            job_scale: Default::default(),
            job_alu: Default::default(),
            job_count: Default::default(),
            job_src_addr: Default::default(),
            job_src_run_len: Default::default(),
            job_src_stride: Default::default(),
            job_dst_addr: Default::default(),
            job_dst_run_len: Default::default(),
            job_dst_stride: Default::default(),
            job_srcb_addr: Default::default(),
            job_srcb_run_len: Default::default(),
            job_srcb_stride: Default::default(),
            job_twiddle_log: Default::default(),
            job_batch_log: Default::default(),
            job_src_batch_stride: Default::default(),
            job_dst_batch_stride: Default::default(),
            layout_error: Default::default(),
            src_ok: Default::default(),
            dst_ok: Default::default(),
            srcb_ok: Default::default(),
            twiddle_ok: Default::default(),
            root_ok: Default::default(),
            batch_ok: Default::default(),
            batch_points: Default::default(),
            src_bad: Default::default(),
            dst_bad: Default::default(),
            twiddle_bad: Default::default(),
            root_bad: Default::default(),
            batch_bad: Default::default(),
            srcb_bad: Default::default(),
            odd_bad: Default::default(),
            scale_bad: Default::default(),
            err_bad_layout: Constant::new((regmap::ERR_BAD_LAYOUT as u64).into()),
            max_batch_log: Constant::new((crate::ntt::NTT_LOG_MAX as u64).into()),
            one32: Constant::new(1u64.into()),
            max_root_log: Constant::new(28u64.into()),
            fr_modulus: Constant::new(FieldId::Fr.modulus().into()),
        }
    }
}

impl Default for DataLayoutCheck {
    fn default() -> Self {
        Self::new()
    }
}

impl Logic for DataLayoutCheck {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, src_bad, dst_bad, twiddle_bad, root_bad, batch_bad, srcb_bad, odd_bad, scale_bad);
        // Run lengths powers of two in 2..=count, even strides, 64-byte
        // aligned addresses, twiddle sizes 1..=28, root-of-unity powers only
        // as powers of a root of order 2^1..=2^28, not g^-1's; operand b exactly for ALU
        // jobs from memory, even counts on memory; batches of at most the
        // on-chip size, each holding whole runs, even batch strides; an
        // output factor only for NTT jobs, and reduced.
        self.src_ok.next = (self.job_src_addr.val().get_bits::<6>(0) == 0)
            & (self.job_src_run_len.val() >= 2)
            & (self.job_src_run_len.val() <= self.job_count.val())
            & ((self.job_src_run_len.val() & (self.job_src_run_len.val() - 1)) == 0)
            & !self.job_src_stride.val().get_bit(0);
        self.dst_ok.next = (self.job_dst_addr.val().get_bits::<6>(0) == 0)
            & (self.job_dst_run_len.val() >= 2)
            & (self.job_dst_run_len.val() <= self.job_count.val())
            & ((self.job_dst_run_len.val() & (self.job_dst_run_len.val() - 1)) == 0)
            & !self.job_dst_stride.val().get_bit(0);
        self.srcb_ok.next = (self.job_srcb_addr.val().get_bits::<6>(0) == 0)
            & (self.job_srcb_run_len.val() >= 2)
            & (self.job_srcb_run_len.val() <= self.job_count.val())
            & ((self.job_srcb_run_len.val() & (self.job_srcb_run_len.val() - 1)) == 0)
            & !self.job_srcb_stride.val().get_bit(0);
        self.batch_points.next = self.one32.val() << self.job_batch_log.val().get_bits::<5>(0);
        self.batch_ok.next = (self.job_batch_log.val() == 0)
            | ((self.job_batch_log.val() <= self.max_batch_log.val())
                & (!self.job_src_mem.val()
                    | ((self.job_src_run_len.val() <= self.batch_points.val()) & !self.job_src_batch_stride.val().get_bit(0)))
                & (!self.job_dst_mem.val()
                    | ((self.job_dst_run_len.val() <= self.batch_points.val()) & !self.job_dst_batch_stride.val().get_bit(0))));
        self.twiddle_ok.next = (self.job_twiddle_log.val() >= 1) & (self.job_twiddle_log.val() <= 28);
        self.root_ok.next = self.job_powers.val()
            & !self.job_powers_inv.val()
            & (self.job_root_log.val() != 0)
            & (self.job_root_log.val() <= self.max_root_log.val());
        self.src_bad.d.next = self.job_src_mem.val() & !self.src_ok.val();
        self.dst_bad.d.next = self.job_dst_mem.val() & !self.dst_ok.val();
        self.twiddle_bad.d.next = (self.job_twiddle.val() & !self.twiddle_ok.val())
            | (self.job_twiddle.val() & self.job_powers.val())
            | (self.job_powers.val() & (self.job_twiddle_log.val() > 28));
        self.root_bad.d.next = self.job_powers_root.val() & !self.root_ok.val();
        self.batch_bad.d.next = !self.batch_ok.val();
        self.srcb_bad.d.next = (self.job_src_b.val() & !(self.job_src_mem.val() & self.srcb_ok.val()))
            | (self.job_src_b.val() != (self.job_alu.val() & self.job_src_mem.val()));
        self.odd_bad.d.next = (self.job_src_mem.val() | self.job_dst_mem.val()) & self.job_count.val().get_bit(0);
        self.scale_bad.d.next =
            self.job_scale_en.val() & (self.job_alu.val() | (self.job_scale.val() >= self.fr_modulus.val()));
        self.layout_error.next = 0.into();
        if self.src_bad.q.val()
            | self.dst_bad.q.val()
            | self.twiddle_bad.q.val()
            | self.root_bad.q.val()
            | self.batch_bad.q.val()
            | self.srcb_bad.q.val()
            | self.odd_bad.q.val()
            | self.scale_bad.q.val()
        {
            self.layout_error.next = self.err_bad_layout.val();
        }
    }
}

