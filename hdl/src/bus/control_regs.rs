//! The control and status registers behind the AXI4-Lite slave: the Vitis
//! `ap_ctrl_hs` block (CTRL, GIE, IER, ISR), identification, job registers,
//! the error code and the performance counters. Offsets come from `regmap`.

use crate::regmap::{self, AXIL_ADDR_BITS, RESP_DECERR, RESP_OKAY, RESP_SLVERR};
use rust_hdl::prelude::*;

type Addr = Bits<AXIL_ADDR_BITS>;

#[derive(LogicBlock)]
pub struct ControlRegs {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low.
    pub reset_n: Signal<In, Bit>,
    /// A register write happens this cycle.
    pub reg_write: Signal<In, Bit>,
    /// Address of the write.
    pub reg_waddr: Signal<In, Addr>,
    /// Data of the write.
    pub reg_wdata: Signal<In, Bits<32>>,
    /// Byte strobes of the write.
    pub reg_wstrb: Signal<In, Bits<4>>,
    /// Response for `reg_waddr`.
    pub reg_wresp: Signal<Out, Bits<2>>,
    /// A register read happens this cycle.
    pub reg_read: Signal<In, Bit>,
    /// Address of the read.
    pub reg_raddr: Signal<In, Addr>,
    /// Data at `reg_raddr`.
    pub reg_rdata: Signal<Out, Bits<32>>,
    /// Response for `reg_raddr`.
    pub reg_rresp: Signal<Out, Bits<2>>,
    /// Pulse: start a job with the current job registers.
    pub start: Signal<Out, Bit>,
    /// JOB_OP register.
    pub job_op: Signal<Out, Bits<32>>,
    /// JOB_FIELD register.
    pub job_field: Signal<Out, Bits<32>>,
    /// JOB_COUNT register.
    pub job_count: Signal<Out, Bits<32>>,
    /// JOB_LOG_SIZE register.
    pub job_log_size: Signal<Out, Bits<32>>,
    /// MSM_WINDOW_BITS register.
    pub msm_window_bits: Signal<Out, Bits<32>>,
    /// MSM_WINDOWS register.
    pub msm_windows: Signal<Out, Bits<32>>,
    /// MSM_BASES_ADDR_LO register.
    pub msm_bases_addr_lo: Signal<Out, Bits<32>>,
    /// MSM_BASES_ADDR_HI register.
    pub msm_bases_addr_hi: Signal<Out, Bits<32>>,
    /// MSM_BASES_COUNT register.
    pub msm_bases_count: Signal<Out, Bits<32>>,
    /// MSM_SPLIT.
    pub msm_split: Signal<Out, Bits<32>>,
    /// The NTT parameter registers, in `regmap::NTT_PARAMS` order.
    pub ntt_params: [Signal<Out, Bits<32>>; regmap::NTT_PARAM_COUNT],
    /// The engine is idle and can start a job.
    pub engine_idle: Signal<In, Bit>,
    /// Pulse: the engine finished a job.
    pub engine_done: Signal<In, Bit>,
    /// Error code of the last job.
    pub engine_error: Signal<In, Bits<32>>,
    /// Busy cycles of the last job.
    pub perf_busy: Signal<In, Bits<32>>,
    /// Input-stall cycles of the last job.
    pub perf_in_stall: Signal<In, Bits<32>>,
    /// Output-stall cycles of the last job.
    pub perf_out_stall: Signal<In, Bits<32>>,
    /// Input beats of the last job.
    pub perf_beats_in: Signal<In, Bits<32>>,
    /// Output beats of the last job.
    pub perf_beats_out: Signal<In, Bits<32>>,
    /// Operations issued by the last job.
    pub perf_ops: Signal<In, Bits<32>>,
    /// Pipeline-drain cycles of the last job.
    pub perf_drain: Signal<In, Bits<32>>,
    /// MSM accumulation cycles of the last job.
    pub perf_msm_accum: Signal<In, Bits<32>>,
    /// MSM reduction cycles of the last job.
    pub perf_msm_reduce: Signal<In, Bits<32>>,
    /// MSM conflict merges of the last job.
    pub perf_msm_conflicts: Signal<In, Bits<32>>,
    /// MSM accumulation cycles without an addition.
    pub perf_msm_idle: Signal<In, Bits<32>>,
    /// MSM reduction additions of the last job.
    pub perf_msm_reduce_adds: Signal<In, Bits<32>>,
    /// Card-memory read bursts of the last job.
    pub perf_mem_reads: Signal<In, Bits<32>>,
    /// Card-memory read beats of the last job.
    pub perf_mem_beats: Signal<In, Bits<32>>,
    /// MSM cycles waiting on card memory in the last job.
    pub perf_mem_stall: Signal<In, Bits<32>>,
    /// MSM combination cycles of the last job.
    pub perf_msm_combine: Signal<In, Bits<32>>,
    /// Card-memory write bursts of the last job.
    pub perf_mem_writes: Signal<In, Bits<32>>,
    /// Card-memory write beats of the last job.
    pub perf_mem_wbeats: Signal<In, Bits<32>>,
    /// Interrupt request (level): GIE and any enabled ISR bit.
    pub interrupt: Signal<Out, Bit>,
    off_ctrl: Constant<Addr>,
    off_gie: Constant<Addr>,
    off_ier: Constant<Addr>,
    off_isr: Constant<Addr>,
    off_id: Constant<Addr>,
    off_version: Constant<Addr>,
    off_caps: Constant<Addr>,
    off_job_op: Constant<Addr>,
    off_job_field: Constant<Addr>,
    off_job_count: Constant<Addr>,
    off_error: Constant<Addr>,
    off_perf_busy: Constant<Addr>,
    off_perf_in_stall: Constant<Addr>,
    off_perf_out_stall: Constant<Addr>,
    off_perf_beats_in: Constant<Addr>,
    off_perf_beats_out: Constant<Addr>,
    off_job_log_size: Constant<Addr>,
    off_perf_ops: Constant<Addr>,
    off_perf_drain: Constant<Addr>,
    off_msm_window_bits: Constant<Addr>,
    off_msm_windows: Constant<Addr>,
    off_perf_msm_accum: Constant<Addr>,
    off_perf_msm_reduce: Constant<Addr>,
    off_perf_msm_conflicts: Constant<Addr>,
    off_perf_msm_idle: Constant<Addr>,
    off_perf_msm_reduce_adds: Constant<Addr>,
    off_msm_bases_addr_lo: Constant<Addr>,
    off_msm_bases_addr_hi: Constant<Addr>,
    off_msm_bases_count: Constant<Addr>,
    off_msm_split: Constant<Addr>,
    off_perf_mem_reads: Constant<Addr>,
    off_perf_mem_beats: Constant<Addr>,
    off_perf_mem_stall: Constant<Addr>,
    off_perf_msm_combine: Constant<Addr>,
    off_perf_mem_writes: Constant<Addr>,
    off_perf_mem_wbeats: Constant<Addr>,
    off_ntt_params: [Constant<Addr>; regmap::NTT_PARAM_COUNT],

    id_value: Constant<Bits<32>>,
    version_value: Constant<Bits<32>>,
    caps_value: Constant<Bits<32>>,
    resp_okay: Constant<Bits<2>>,
    resp_slverr: Constant<Bits<2>>,
    resp_decerr: Constant<Bits<2>>,
    ap_done: DFF<Bit>,
    ap_ready: DFF<Bit>,
    gie: DFF<Bit>,
    ier: DFF<Bits<2>>,
    isr: DFF<Bits<2>>,
    job_op_r: DFF<Bits<32>>,
    job_field_r: DFF<Bits<32>>,
    job_count_r: DFF<Bits<32>>,
    job_log_size_r: DFF<Bits<32>>,
    msm_window_bits_r: DFF<Bits<32>>,
    msm_windows_r: DFF<Bits<32>>,
    msm_bases_addr_lo_r: DFF<Bits<32>>,
    msm_bases_addr_hi_r: DFF<Bits<32>>,
    msm_bases_count_r: DFF<Bits<32>>,
    msm_split_r: DFF<Bits<32>>,
    ntt_params_r: [DFF<Bits<32>>; regmap::NTT_PARAM_COUNT],

    write_mask: Signal<Local, Bits<32>>,
    mask_b0: Signal<Local, Bits<32>>,
    mask_b1: Signal<Local, Bits<32>>,
    mask_b2: Signal<Local, Bits<32>>,
    mask_b3: Signal<Local, Bits<32>>,
    ctrl_start_w: Signal<Local, Bits<32>>,
    ctrl_done_w: Signal<Local, Bits<32>>,
    ctrl_idle_w: Signal<Local, Bits<32>>,
    ctrl_ready_w: Signal<Local, Bits<32>>,
    isr_set: Signal<Local, Bits<2>>,
    isr_toggle: Signal<Local, Bits<2>>,
}

fn addr(reg: regmap::Register) -> Constant<Addr> {
    Constant::new((reg.offset as u64).into())
}

impl ControlRegs {
    /// `caps` is the CAPS register's value (multiplier latency and kind).
    pub fn new(caps: u32) -> Self {
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            reg_write: Default::default(),
            reg_waddr: Default::default(),
            reg_wdata: Default::default(),
            reg_wstrb: Default::default(),
            reg_wresp: Default::default(),
            reg_read: Default::default(),
            reg_raddr: Default::default(),
            reg_rdata: Default::default(),
            reg_rresp: Default::default(),
            start: Default::default(),
            job_op: Default::default(),
            job_field: Default::default(),
            job_count: Default::default(),
            job_log_size: Default::default(),
            engine_idle: Default::default(),
            engine_done: Default::default(),
            engine_error: Default::default(),
            perf_busy: Default::default(),
            perf_in_stall: Default::default(),
            perf_out_stall: Default::default(),
            perf_beats_in: Default::default(),
            perf_beats_out: Default::default(),
            perf_ops: Default::default(),
            perf_drain: Default::default(),
            msm_window_bits: Default::default(),
            msm_windows: Default::default(),
            perf_msm_accum: Default::default(),
            perf_msm_reduce: Default::default(),
            perf_msm_conflicts: Default::default(),
            perf_msm_idle: Default::default(),
            perf_msm_reduce_adds: Default::default(),
            msm_bases_addr_lo: Default::default(),
            msm_bases_addr_hi: Default::default(),
            msm_bases_count: Default::default(),
            msm_split: Default::default(),
            ntt_params: Default::default(),
            perf_mem_reads: Default::default(),
            perf_mem_beats: Default::default(),
            perf_mem_stall: Default::default(),
            perf_msm_combine: Default::default(),
            perf_mem_writes: Default::default(),
            perf_mem_wbeats: Default::default(),

            interrupt: Default::default(),
            off_ctrl: addr(regmap::CTRL),
            off_gie: addr(regmap::GIE),
            off_ier: addr(regmap::IER),
            off_isr: addr(regmap::ISR),
            off_id: addr(regmap::ID),
            off_version: addr(regmap::VERSION),
            off_caps: addr(regmap::CAPS),
            off_job_op: addr(regmap::JOB_OP),
            off_job_field: addr(regmap::JOB_FIELD),
            off_job_count: addr(regmap::JOB_COUNT),
            off_error: addr(regmap::ERROR),
            off_perf_busy: addr(regmap::PERF_BUSY),
            off_perf_in_stall: addr(regmap::PERF_IN_STALL),
            off_perf_out_stall: addr(regmap::PERF_OUT_STALL),
            off_perf_beats_in: addr(regmap::PERF_BEATS_IN),
            off_perf_beats_out: addr(regmap::PERF_BEATS_OUT),
            off_job_log_size: addr(regmap::JOB_LOG_SIZE),
            off_perf_ops: addr(regmap::PERF_OPS),
            off_perf_drain: addr(regmap::PERF_DRAIN),
            off_msm_window_bits: addr(regmap::MSM_WINDOW_BITS),
            off_msm_windows: addr(regmap::MSM_WINDOWS),
            off_perf_msm_accum: addr(regmap::PERF_MSM_ACCUM),
            off_perf_msm_reduce: addr(regmap::PERF_MSM_REDUCE),
            off_perf_msm_conflicts: addr(regmap::PERF_MSM_CONFLICTS),
            off_perf_msm_idle: addr(regmap::PERF_MSM_IDLE),
            off_perf_msm_reduce_adds: addr(regmap::PERF_MSM_REDUCE_ADDS),
            off_msm_bases_addr_lo: addr(regmap::MSM_BASES_ADDR_LO),
            off_msm_bases_addr_hi: addr(regmap::MSM_BASES_ADDR_HI),
            off_msm_bases_count: addr(regmap::MSM_BASES_COUNT),
            off_msm_split: addr(regmap::MSM_SPLIT),
            off_perf_mem_reads: addr(regmap::PERF_MEM_READS),
            off_perf_mem_beats: addr(regmap::PERF_MEM_BEATS),
            off_perf_mem_stall: addr(regmap::PERF_MEM_STALL),
            off_perf_msm_combine: addr(regmap::PERF_MSM_COMBINE),
            off_perf_mem_writes: addr(regmap::PERF_MEM_WRITES),
            off_perf_mem_wbeats: addr(regmap::PERF_MEM_WBEATS),
            off_ntt_params: std::array::from_fn(|i| addr(regmap::NTT_PARAMS[i])),

            id_value: Constant::new((regmap::DEVICE_ID as u64).into()),
            version_value: Constant::new((regmap::REGMAP_VERSION as u64).into()),
            caps_value: Constant::new((caps as u64).into()),
            resp_okay: Constant::new((RESP_OKAY as u64).into()),
            resp_slverr: Constant::new((RESP_SLVERR as u64).into()),
            resp_decerr: Constant::new((RESP_DECERR as u64).into()),
            ap_done: Default::default(),
            ap_ready: Default::default(),
            gie: Default::default(),
            ier: Default::default(),
            isr: Default::default(),
            job_op_r: Default::default(),
            job_field_r: Default::default(),
            job_count_r: Default::default(),
            job_log_size_r: Default::default(),
            msm_window_bits_r: Default::default(),
            msm_windows_r: Default::default(),
            msm_bases_addr_lo_r: Default::default(),
            msm_bases_addr_hi_r: Default::default(),
            msm_bases_count_r: Default::default(),
            msm_split_r: Default::default(),
            ntt_params_r: Default::default(),

            write_mask: Default::default(),
            mask_b0: Default::default(),
            mask_b1: Default::default(),
            mask_b2: Default::default(),
            mask_b3: Default::default(),
            ctrl_start_w: Default::default(),
            ctrl_done_w: Default::default(),
            ctrl_idle_w: Default::default(),
            ctrl_ready_w: Default::default(),
            isr_set: Default::default(),
            isr_toggle: Default::default(),
        }
    }
}

const _: () = assert!(regmap::NTT_PARAM_COUNT == 26, "the loops below are written for 26");

impl Logic for ControlRegs {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, ap_done, ap_ready, gie, ier, isr, job_op_r, job_field_r, job_count_r,
            job_log_size_r, msm_window_bits_r, msm_windows_r, msm_bases_addr_lo_r, msm_bases_addr_hi_r,
            msm_bases_count_r,
            msm_split_r
        );
        // Byte-lane mask from the write strobes.
        self.mask_b0.next = 0.into();
        if self.reg_wstrb.val().get_bit(0) {
            self.mask_b0.next = 0x0000_00FF.into();
        }
        self.mask_b1.next = 0.into();
        if self.reg_wstrb.val().get_bit(1) {
            self.mask_b1.next = 0x0000_FF00.into();
        }
        self.mask_b2.next = 0.into();
        if self.reg_wstrb.val().get_bit(2) {
            self.mask_b2.next = 0x00FF_0000.into();
        }
        self.mask_b3.next = 0.into();
        if self.reg_wstrb.val().get_bit(3) {
            self.mask_b3.next = 0xFF00_0000_u64.into();
        }
        self.write_mask.next =
            self.mask_b0.val() | self.mask_b1.val() | self.mask_b2.val() | self.mask_b3.val();

        // Writes. Read-only and unmapped addresses have no effect.
        self.start.next = false;
        self.isr_toggle.next = 0.into();
        self.reg_wresp.next = self.resp_decerr.val();
        if self.reg_waddr.val() == self.off_ctrl.val() {
            self.reg_wresp.next = self.resp_okay.val();
            self.start.next = self.reg_write.val()
                & self.reg_wstrb.val().get_bit(0)
                & self.reg_wdata.val().get_bit(0)
                & self.engine_idle.val();
        } else if self.reg_waddr.val() == self.off_gie.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() & self.reg_wstrb.val().get_bit(0) {
                self.gie.d.next = self.reg_wdata.val().get_bit(0);
            }
        } else if self.reg_waddr.val() == self.off_ier.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() & self.reg_wstrb.val().get_bit(0) {
                self.ier.d.next = self.reg_wdata.val().get_bits::<2>(0);
            }
        } else if self.reg_waddr.val() == self.off_isr.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() & self.reg_wstrb.val().get_bit(0) {
                self.isr_toggle.next = self.reg_wdata.val().get_bits::<2>(0);
            }
        } else if self.reg_waddr.val() == self.off_job_op.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.job_op_r.d.next = (self.job_op_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_job_field.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.job_field_r.d.next = (self.job_field_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_job_count.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.job_count_r.d.next = (self.job_count_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_job_log_size.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.job_log_size_r.d.next = (self.job_log_size_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_msm_window_bits.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.msm_window_bits_r.d.next = (self.msm_window_bits_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_msm_windows.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.msm_windows_r.d.next = (self.msm_windows_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_msm_bases_addr_lo.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.msm_bases_addr_lo_r.d.next = (self.msm_bases_addr_lo_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_msm_bases_addr_hi.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.msm_bases_addr_hi_r.d.next = (self.msm_bases_addr_hi_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_msm_bases_count.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.msm_bases_count_r.d.next = (self.msm_bases_count_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if self.reg_waddr.val() == self.off_msm_split.val() {
            self.reg_wresp.next = self.resp_okay.val();
            if self.reg_write.val() {
                self.msm_split_r.d.next = (self.msm_split_r.q.val() & !self.write_mask.val())
                    | (self.reg_wdata.val() & self.write_mask.val());
            }
        } else if (self.reg_waddr.val() == self.off_id.val())
            | (self.reg_waddr.val() == self.off_version.val())
            | (self.reg_waddr.val() == self.off_caps.val())
            | (self.reg_waddr.val() == self.off_error.val())
            | (self.reg_waddr.val() == self.off_perf_busy.val())
            | (self.reg_waddr.val() == self.off_perf_in_stall.val())
            | (self.reg_waddr.val() == self.off_perf_out_stall.val())
            | (self.reg_waddr.val() == self.off_perf_beats_in.val())
            | (self.reg_waddr.val() == self.off_perf_beats_out.val())
            | (self.reg_waddr.val() == self.off_perf_ops.val())
            | (self.reg_waddr.val() == self.off_perf_drain.val())
            | (self.reg_waddr.val() == self.off_perf_msm_accum.val())
            | (self.reg_waddr.val() == self.off_perf_msm_reduce.val())
            | (self.reg_waddr.val() == self.off_perf_msm_conflicts.val())
            | (self.reg_waddr.val() == self.off_perf_msm_idle.val())
            | (self.reg_waddr.val() == self.off_perf_msm_reduce_adds.val())
            | (self.reg_waddr.val() == self.off_perf_mem_reads.val())
            | (self.reg_waddr.val() == self.off_perf_mem_beats.val())
            | (self.reg_waddr.val() == self.off_perf_mem_stall.val())
            | (self.reg_waddr.val() == self.off_perf_msm_combine.val())
            | (self.reg_waddr.val() == self.off_perf_mem_writes.val())
            | (self.reg_waddr.val() == self.off_perf_mem_wbeats.val())
        {
            self.reg_wresp.next = self.resp_slverr.val();
        }
        for i in 0..26 {
            self.ntt_params_r[i].clock.next = self.clock.val();
            self.ntt_params_r[i].d.next = self.ntt_params_r[i].q.val();
            if self.reg_waddr.val() == self.off_ntt_params[i].val() {
                self.reg_wresp.next = self.resp_okay.val();
                if self.reg_write.val() {
                    self.ntt_params_r[i].d.next = (self.ntt_params_r[i].q.val() & !self.write_mask.val())
                        | (self.reg_wdata.val() & self.write_mask.val());
                }
            }
        }

        // ap_done / ap_ready: set when a job ends, cleared by reading CTRL.
        if self.engine_done.val() {
            self.ap_done.d.next = true;
            self.ap_ready.d.next = true;
        } else if self.reg_read.val() & (self.reg_raddr.val() == self.off_ctrl.val()) {
            self.ap_done.d.next = false;
            self.ap_ready.d.next = false;
        }
        self.isr_set.next = 0.into();
        if self.engine_done.val() {
            self.isr_set.next = self.ier.q.val();
        }
        self.isr.d.next = (self.isr.q.val() ^ self.isr_toggle.val()) | self.isr_set.val();
        self.interrupt.next = self.gie.q.val() & self.isr.q.val().any();

        // CTRL word: bit0 start (busy), bit1 done, bit2 idle, bit3 ready.
        self.ctrl_start_w.next = 0.into();
        self.ctrl_idle_w.next = 0.into();
        if self.engine_idle.val() {
            self.ctrl_idle_w.next = 4.into();
        } else {
            self.ctrl_start_w.next = 1.into();
        }
        self.ctrl_done_w.next = 0.into();
        if self.ap_done.q.val() {
            self.ctrl_done_w.next = 2.into();
        }
        self.ctrl_ready_w.next = 0.into();
        if self.ap_ready.q.val() {
            self.ctrl_ready_w.next = 8.into();
        }

        // Read multiplexer.
        self.reg_rresp.next = self.resp_okay.val();
        self.reg_rdata.next = 0.into();
        if self.reg_raddr.val() == self.off_ctrl.val() {
            self.reg_rdata.next = self.ctrl_start_w.val()
                | self.ctrl_done_w.val()
                | self.ctrl_idle_w.val()
                | self.ctrl_ready_w.val();
        } else if self.reg_raddr.val() == self.off_gie.val() {
            self.reg_rdata.next = bit_cast::<32, 1>(self.gie.q.val().into());
        } else if self.reg_raddr.val() == self.off_ier.val() {
            self.reg_rdata.next = bit_cast::<32, 2>(self.ier.q.val());
        } else if self.reg_raddr.val() == self.off_isr.val() {
            self.reg_rdata.next = bit_cast::<32, 2>(self.isr.q.val());
        } else if self.reg_raddr.val() == self.off_id.val() {
            self.reg_rdata.next = self.id_value.val();
        } else if self.reg_raddr.val() == self.off_version.val() {
            self.reg_rdata.next = self.version_value.val();
        } else if self.reg_raddr.val() == self.off_caps.val() {
            self.reg_rdata.next = self.caps_value.val();
        } else if self.reg_raddr.val() == self.off_job_op.val() {
            self.reg_rdata.next = self.job_op_r.q.val();
        } else if self.reg_raddr.val() == self.off_job_field.val() {
            self.reg_rdata.next = self.job_field_r.q.val();
        } else if self.reg_raddr.val() == self.off_job_count.val() {
            self.reg_rdata.next = self.job_count_r.q.val();
        } else if self.reg_raddr.val() == self.off_error.val() {
            self.reg_rdata.next = self.engine_error.val();
        } else if self.reg_raddr.val() == self.off_perf_busy.val() {
            self.reg_rdata.next = self.perf_busy.val();
        } else if self.reg_raddr.val() == self.off_perf_in_stall.val() {
            self.reg_rdata.next = self.perf_in_stall.val();
        } else if self.reg_raddr.val() == self.off_perf_out_stall.val() {
            self.reg_rdata.next = self.perf_out_stall.val();
        } else if self.reg_raddr.val() == self.off_perf_beats_in.val() {
            self.reg_rdata.next = self.perf_beats_in.val();
        } else if self.reg_raddr.val() == self.off_perf_beats_out.val() {
            self.reg_rdata.next = self.perf_beats_out.val();
        } else if self.reg_raddr.val() == self.off_job_log_size.val() {
            self.reg_rdata.next = self.job_log_size_r.q.val();
        } else if self.reg_raddr.val() == self.off_perf_ops.val() {
            self.reg_rdata.next = self.perf_ops.val();
        } else if self.reg_raddr.val() == self.off_perf_drain.val() {
            self.reg_rdata.next = self.perf_drain.val();
        } else if self.reg_raddr.val() == self.off_msm_window_bits.val() {
            self.reg_rdata.next = self.msm_window_bits_r.q.val();
        } else if self.reg_raddr.val() == self.off_msm_windows.val() {
            self.reg_rdata.next = self.msm_windows_r.q.val();
        } else if self.reg_raddr.val() == self.off_perf_msm_accum.val() {
            self.reg_rdata.next = self.perf_msm_accum.val();
        } else if self.reg_raddr.val() == self.off_perf_msm_reduce.val() {
            self.reg_rdata.next = self.perf_msm_reduce.val();
        } else if self.reg_raddr.val() == self.off_perf_msm_conflicts.val() {
            self.reg_rdata.next = self.perf_msm_conflicts.val();
        } else if self.reg_raddr.val() == self.off_perf_msm_idle.val() {
            self.reg_rdata.next = self.perf_msm_idle.val();
        } else if self.reg_raddr.val() == self.off_perf_msm_reduce_adds.val() {
            self.reg_rdata.next = self.perf_msm_reduce_adds.val();
        } else if self.reg_raddr.val() == self.off_msm_bases_addr_lo.val() {
            self.reg_rdata.next = self.msm_bases_addr_lo_r.q.val();
        } else if self.reg_raddr.val() == self.off_msm_bases_addr_hi.val() {
            self.reg_rdata.next = self.msm_bases_addr_hi_r.q.val();
        } else if self.reg_raddr.val() == self.off_msm_bases_count.val() {
            self.reg_rdata.next = self.msm_bases_count_r.q.val();
        } else if self.reg_raddr.val() == self.off_msm_split.val() {
            self.reg_rdata.next = self.msm_split_r.q.val();
        } else if self.reg_raddr.val() == self.off_perf_mem_reads.val() {
            self.reg_rdata.next = self.perf_mem_reads.val();
        } else if self.reg_raddr.val() == self.off_perf_mem_beats.val() {
            self.reg_rdata.next = self.perf_mem_beats.val();
        } else if self.reg_raddr.val() == self.off_perf_mem_stall.val() {
            self.reg_rdata.next = self.perf_mem_stall.val();
        } else if self.reg_raddr.val() == self.off_perf_msm_combine.val() {
            self.reg_rdata.next = self.perf_msm_combine.val();
        } else if self.reg_raddr.val() == self.off_perf_mem_writes.val() {
            self.reg_rdata.next = self.perf_mem_writes.val();
        } else if self.reg_raddr.val() == self.off_perf_mem_wbeats.val() {
            self.reg_rdata.next = self.perf_mem_wbeats.val();
        } else {
            self.reg_rresp.next = self.resp_decerr.val();
        }
        for i in 0..26 {
            if self.reg_raddr.val() == self.off_ntt_params[i].val() {
                self.reg_rdata.next = self.ntt_params_r[i].q.val();
                self.reg_rresp.next = self.resp_okay.val();
            }
            self.ntt_params[i].next = self.ntt_params_r[i].q.val();
        }

        self.job_op.next = self.job_op_r.q.val();
        self.job_field.next = self.job_field_r.q.val();
        self.job_count.next = self.job_count_r.q.val();
        self.job_log_size.next = self.job_log_size_r.q.val();
        self.msm_window_bits.next = self.msm_window_bits_r.q.val();
        self.msm_windows.next = self.msm_windows_r.q.val();
        self.msm_bases_addr_lo.next = self.msm_bases_addr_lo_r.q.val();
        self.msm_bases_addr_hi.next = self.msm_bases_addr_hi_r.q.val();
        self.msm_bases_count.next = self.msm_bases_count_r.q.val();
        self.msm_split.next = self.msm_split_r.q.val();

        if !self.reset_n.val() {
            self.start.next = false;
            self.ap_done.d.next = false;
            self.ap_ready.d.next = false;
            self.gie.d.next = false;
            self.ier.d.next = 0.into();
            self.isr.d.next = 0.into();
            self.job_op_r.d.next = 0.into();
            self.job_field_r.d.next = 0.into();
            self.job_count_r.d.next = 0.into();
            self.job_log_size_r.d.next = 0.into();
            self.msm_window_bits_r.d.next = 0.into();
            self.msm_windows_r.d.next = 0.into();
            self.msm_bases_addr_lo_r.d.next = 0.into();
            self.msm_bases_addr_hi_r.d.next = 0.into();
            self.msm_bases_count_r.d.next = 0.into();
            self.msm_split_r.d.next = 0.into();
            for i in 0..26 {
                self.ntt_params_r[i].d.next = 0.into();
            }
        }
    }
}
