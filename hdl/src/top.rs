//! The coprocessor top level: AXI4-Lite control slave, register block and
//! engines, with flat ports named for Vivado/Vitis (`ap_clk`, `ap_rst_n`,
//! `s_axil_*`, `s_axis_*`, `m_axis_*`, `m_axi_*` for card memory).

use crate::alu::FieldAlu;
use crate::bus::{AxiLiteSlave, ControlRegs};
use crate::field::{MONT_MUL_LATENCY, MulImpl};
use crate::mem::{CARD_ADDR_BITS, CARD_DATA_BITS, CardMemReader, CardMemWriter};
use crate::msm::{MSM_KEY_BITS, MsmPair};
use crate::ntt::{DataLayoutCheck, NTT_LOG_MAX, NTT_UNITS_LOG2, NttCardPort, NttCore, TwiddleScaler};
use crate::regmap;
use crate::regmap::AXIL_ADDR_BITS;
use rust_hdl::prelude::*;

/// Build-time configuration of the coprocessor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TopConfig {
    /// Montgomery multiplier implementation.
    pub mul: MulImpl,
}

impl TopConfig {
    /// The CAPS register value of this configuration.
    pub fn caps(&self) -> u32 {
        regmap::Caps {
            mul_latency: MONT_MUL_LATENCY as u32,
            mul_code: self.mul.code(),
            ntt_log_max: NTT_LOG_MAX as u32,
            ntt_units_log2: NTT_UNITS_LOG2 as u32,
            msm_key_bits: MSM_KEY_BITS as u32,
        }
        .encode()
    }
}

#[derive(LogicBlock)]
pub struct Top {
    /// Clock for everything.
    pub ap_clk: Signal<In, Clock>,
    /// Synchronous reset, active low; hold for `regmap::RESET_CYCLES` cycles.
    pub ap_rst_n: Signal<In, Bit>,
    /// AXI4-Lite write address.
    pub s_axil_awaddr: Signal<In, Bits<AXIL_ADDR_BITS>>,
    /// AXI4-Lite write address valid.
    pub s_axil_awvalid: Signal<In, Bit>,
    /// AXI4-Lite write address ready.
    pub s_axil_awready: Signal<Out, Bit>,
    /// AXI4-Lite write data.
    pub s_axil_wdata: Signal<In, Bits<32>>,
    /// AXI4-Lite write strobes.
    pub s_axil_wstrb: Signal<In, Bits<4>>,
    /// AXI4-Lite write data valid.
    pub s_axil_wvalid: Signal<In, Bit>,
    /// AXI4-Lite write data ready.
    pub s_axil_wready: Signal<Out, Bit>,
    /// AXI4-Lite write response.
    pub s_axil_bresp: Signal<Out, Bits<2>>,
    /// AXI4-Lite write response valid.
    pub s_axil_bvalid: Signal<Out, Bit>,
    /// AXI4-Lite write response ready.
    pub s_axil_bready: Signal<In, Bit>,
    /// AXI4-Lite read address.
    pub s_axil_araddr: Signal<In, Bits<AXIL_ADDR_BITS>>,
    /// AXI4-Lite read address valid.
    pub s_axil_arvalid: Signal<In, Bit>,
    /// AXI4-Lite read address ready.
    pub s_axil_arready: Signal<Out, Bit>,
    /// AXI4-Lite read data.
    pub s_axil_rdata: Signal<Out, Bits<32>>,
    /// AXI4-Lite read response.
    pub s_axil_rresp: Signal<Out, Bits<2>>,
    /// AXI4-Lite read data valid.
    pub s_axil_rvalid: Signal<Out, Bit>,
    /// AXI4-Lite read data ready.
    pub s_axil_rready: Signal<In, Bit>,
    /// AXI4-Stream in (host to card) data.
    pub s_axis_tdata: Signal<In, Bits<256>>,
    /// AXI4-Stream in valid.
    pub s_axis_tvalid: Signal<In, Bit>,
    /// AXI4-Stream in ready.
    pub s_axis_tready: Signal<Out, Bit>,
    /// AXI4-Stream in end of packet.
    pub s_axis_tlast: Signal<In, Bit>,
    /// AXI4-Stream out (card to host) data.
    pub m_axis_tdata: Signal<Out, Bits<256>>,
    /// AXI4-Stream out valid.
    pub m_axis_tvalid: Signal<Out, Bit>,
    /// AXI4-Stream out ready.
    pub m_axis_tready: Signal<In, Bit>,
    /// AXI4-Stream out end of packet.
    pub m_axis_tlast: Signal<Out, Bit>,
    /// AXI4 card-memory read address.
    pub m_axi_araddr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// AXI4 read burst length minus one.
    pub m_axi_arlen: Signal<Out, Bits<8>>,
    /// AXI4 read beat size, log2 bytes.
    pub m_axi_arsize: Signal<Out, Bits<3>>,
    /// AXI4 read burst type (INCR).
    pub m_axi_arburst: Signal<Out, Bits<2>>,
    /// AXI4 read address valid.
    pub m_axi_arvalid: Signal<Out, Bit>,
    /// AXI4 read address ready.
    pub m_axi_arready: Signal<In, Bit>,
    /// AXI4 read data.
    pub m_axi_rdata: Signal<In, Bits<CARD_DATA_BITS>>,
    /// AXI4 read response.
    pub m_axi_rresp: Signal<In, Bits<2>>,
    /// AXI4 read last beat of a burst.
    pub m_axi_rlast: Signal<In, Bit>,
    /// AXI4 read data valid.
    pub m_axi_rvalid: Signal<In, Bit>,
    /// AXI4 read data ready.
    pub m_axi_rready: Signal<Out, Bit>,
    /// AXI4 read ID: always 0 (one ID, so responses return in order).
    pub m_axi_arid: Signal<Out, Bit>,
    /// AXI4 read response ID: ignored (every read is issued with ID 0).
    pub m_axi_rid: Signal<In, Bit>,
    /// AXI4 card-memory write address.
    pub m_axi_awaddr: Signal<Out, Bits<CARD_ADDR_BITS>>,
    /// AXI4 write burst length minus one.
    pub m_axi_awlen: Signal<Out, Bits<8>>,
    /// AXI4 write beat size, log2 bytes.
    pub m_axi_awsize: Signal<Out, Bits<3>>,
    /// AXI4 write burst type (INCR).
    pub m_axi_awburst: Signal<Out, Bits<2>>,
    /// AXI4 write address valid.
    pub m_axi_awvalid: Signal<Out, Bit>,
    /// AXI4 write address ready.
    pub m_axi_awready: Signal<In, Bit>,
    /// AXI4 write data.
    pub m_axi_wdata: Signal<Out, Bits<CARD_DATA_BITS>>,
    /// AXI4 write strobes.
    pub m_axi_wstrb: Signal<Out, Bits<32>>,
    /// AXI4 write last beat of a burst.
    pub m_axi_wlast: Signal<Out, Bit>,
    /// AXI4 write data valid.
    pub m_axi_wvalid: Signal<Out, Bit>,
    /// AXI4 write data ready.
    pub m_axi_wready: Signal<In, Bit>,
    /// AXI4 write response.
    pub m_axi_bresp: Signal<In, Bits<2>>,
    /// AXI4 write response valid.
    pub m_axi_bvalid: Signal<In, Bit>,
    /// AXI4 write response ready.
    pub m_axi_bready: Signal<Out, Bit>,
    /// AXI4 write ID: always 0 (one ID, so responses return in order).
    pub m_axi_awid: Signal<Out, Bit>,
    /// AXI4 write response ID: ignored (every write is issued with ID 0).
    pub m_axi_bid: Signal<In, Bit>,
    /// Interrupt request, level, active high.
    pub interrupt: Signal<Out, Bit>,
    axil: AxiLiteSlave,
    card_mem: CardMemReader,
    card_wr: CardMemWriter,
    ntt_port: NttCardPort,
    layout_check: DataLayoutCheck,
    ntt_scaler: TwiddleScaler,
    regs: ControlRegs,
    alu: FieldAlu,
    ntt: NttCore,
    msm: MsmPair,
    op_ntt: Constant<Bits<32>>,
    op_intt: Constant<Bits<32>>,
    op_msm: Constant<Bits<32>>,
    is_ntt_op: Signal<Local, Bit>,
    is_msm_op: Signal<Local, Bit>,
    /// NTT_SCALE_0..7 as one field element.
    ntt_scale: Signal<Local, Bits<256>>,
    err_mem_resp: Constant<Bits<32>>,
    // The engine that ran the last job owns the output stream and counters.
    ntt_active: DFF<Bit>,
    msm_active: DFF<Bit>,
}

impl Top {
    pub fn new(config: TopConfig) -> Self {
        Self {
            ap_clk: Default::default(),
            ap_rst_n: Default::default(),
            s_axil_awaddr: Default::default(),
            s_axil_awvalid: Default::default(),
            s_axil_awready: Default::default(),
            s_axil_wdata: Default::default(),
            s_axil_wstrb: Default::default(),
            s_axil_wvalid: Default::default(),
            s_axil_wready: Default::default(),
            s_axil_bresp: Default::default(),
            s_axil_bvalid: Default::default(),
            s_axil_bready: Default::default(),
            s_axil_araddr: Default::default(),
            s_axil_arvalid: Default::default(),
            s_axil_arready: Default::default(),
            s_axil_rdata: Default::default(),
            s_axil_rresp: Default::default(),
            s_axil_rvalid: Default::default(),
            s_axil_rready: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            s_axis_tlast: Default::default(),
            m_axis_tdata: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tready: Default::default(),
            m_axis_tlast: Default::default(),
            m_axi_araddr: Default::default(),
            m_axi_arlen: Default::default(),
            m_axi_arsize: Default::default(),
            m_axi_arburst: Default::default(),
            m_axi_arvalid: Default::default(),
            m_axi_arready: Default::default(),
            m_axi_rdata: Default::default(),
            m_axi_rresp: Default::default(),
            m_axi_rlast: Default::default(),
            m_axi_rvalid: Default::default(),
            m_axi_rready: Default::default(),
            m_axi_arid: Default::default(),
            m_axi_rid: Default::default(),
            m_axi_awaddr: Default::default(),
            m_axi_awlen: Default::default(),
            m_axi_awsize: Default::default(),
            m_axi_awburst: Default::default(),
            m_axi_awvalid: Default::default(),
            m_axi_awready: Default::default(),
            m_axi_wdata: Default::default(),
            m_axi_wstrb: Default::default(),
            m_axi_wlast: Default::default(),
            m_axi_wvalid: Default::default(),
            m_axi_wready: Default::default(),
            m_axi_bresp: Default::default(),
            m_axi_bvalid: Default::default(),
            m_axi_bready: Default::default(),
            m_axi_awid: Default::default(),
            m_axi_bid: Default::default(),
            interrupt: Default::default(),
            axil: Default::default(),
            card_mem: Default::default(),
            card_wr: Default::default(),
            ntt_port: NttCardPort::new(),
            layout_check: DataLayoutCheck::new(),
            ntt_scaler: TwiddleScaler::new(config.mul),
            regs: ControlRegs::new(config.caps()),
            alu: FieldAlu::new(config.mul),
            ntt: NttCore::new(config.mul),
            msm: MsmPair::new(config.mul),
            op_ntt: Constant::new((regmap::OP_NTT as u64).into()),
            op_intt: Constant::new((regmap::OP_INTT as u64).into()),
            op_msm: Constant::new((regmap::OP_MSM as u64).into()),
            is_ntt_op: Default::default(),
            is_msm_op: Default::default(),
            ntt_scale: Default::default(),
            err_mem_resp: Constant::new((regmap::ERR_MEM_RESP as u64).into()),
            ntt_active: Default::default(),
            msm_active: Default::default(),
        }
    }

    /// A top with every input marked as driven from outside, ready for
    /// simulation or Verilog generation.
    pub fn connected(config: TopConfig) -> Self {
        let mut top = Self::new(config);
        top.ap_clk.connect();
        top.ap_rst_n.connect();
        top.s_axil_awaddr.connect();
        top.s_axil_awvalid.connect();
        top.s_axil_wdata.connect();
        top.s_axil_wstrb.connect();
        top.s_axil_wvalid.connect();
        top.s_axil_bready.connect();
        top.s_axil_araddr.connect();
        top.s_axil_arvalid.connect();
        top.s_axil_rready.connect();
        top.s_axis_tdata.connect();
        top.s_axis_tvalid.connect();
        top.s_axis_tlast.connect();
        top.m_axis_tready.connect();
        top.m_axi_arready.connect();
        top.m_axi_rdata.connect();
        top.m_axi_rresp.connect();
        top.m_axi_rlast.connect();
        top.m_axi_rvalid.connect();
        top.m_axi_awready.connect();
        top.m_axi_wready.connect();
        top.m_axi_bresp.connect();
        top.m_axi_bvalid.connect();
        top.m_axi_rid.connect();
        top.m_axi_bid.connect();

        top.connect_all();
        top
    }
}

impl Logic for Top {
    #[hdl_gen]
    fn update(&mut self) {
        clock!(self, ap_clk, axil, regs, alu, ntt, msm, card_mem, card_wr, ntt_port, ntt_scaler, layout_check);
        self.ntt_active.clock.next = self.ap_clk.val();
        self.ntt_active.d.next = self.ntt_active.q.val();
        self.msm_active.clock.next = self.ap_clk.val();
        self.msm_active.d.next = self.msm_active.q.val();
        self.axil.reset_n.next = self.ap_rst_n.val();
        self.regs.reset_n.next = self.ap_rst_n.val();
        self.alu.reset_n.next = self.ap_rst_n.val();
        self.ntt.reset_n.next = self.ap_rst_n.val();
        self.msm.reset_n.next = self.ap_rst_n.val();
        self.card_mem.reset_n.next = self.ap_rst_n.val();
        self.card_wr.reset_n.next = self.ap_rst_n.val();
        self.ntt_port.reset_n.next = self.ap_rst_n.val();
        self.ntt_scaler.reset_n.next = self.ap_rst_n.val();

        // Card memory: the shared read port, its AXI4 pins, and its users:
        // the NTT's data port while its job reads memory, else the MSM engine.
        self.card_mem.clear_counters.next = self.regs.start.val();
        self.m_axi_araddr.next = self.card_mem.araddr.val();
        self.m_axi_arlen.next = self.card_mem.arlen.val();
        self.m_axi_arsize.next = self.card_mem.arsize.val();
        self.m_axi_arburst.next = self.card_mem.arburst.val();
        self.m_axi_arvalid.next = self.card_mem.arvalid.val();
        self.card_mem.arready.next = self.m_axi_arready.val();
        self.card_mem.rdata.next = self.m_axi_rdata.val();
        self.card_mem.rresp.next = self.m_axi_rresp.val();
        self.card_mem.rlast.next = self.m_axi_rlast.val();
        self.card_mem.rvalid.next = self.m_axi_rvalid.val();
        self.m_axi_rready.next = self.card_mem.rready.val();
        self.m_axi_arid.next = false;
        self.m_axi_awid.next = false;
        self.card_mem.req_valid.next = self.msm.mem_req_valid.val() | self.ntt_port.mem_req_valid.val();
        // (One variable per `if`, so Verilator can order the signals apart.)
        self.card_mem.req_addr.next = self.msm.mem_req_addr.val();
        if self.ntt_port.src_active.val() {
            self.card_mem.req_addr.next = self.ntt_port.mem_req_addr.val();
        }
        self.card_mem.rsp_ready.next = self.msm.mem_rsp_ready.val();
        if self.ntt_port.src_active.val() {
            self.card_mem.rsp_ready.next = self.ntt_port.mem_rsp_ready.val();
        }
        self.msm.mem_req_ready.next = self.card_mem.req_ready.val() & !self.ntt_port.src_active.val();
        self.msm.mem_rsp_valid.next = self.card_mem.rsp_valid.val() & !self.ntt_port.src_active.val();
        self.msm.mem_rsp_data.next = self.card_mem.rsp_data.val();
        self.msm.mem_rsp_error.next = self.card_mem.rsp_error.val();
        self.ntt_port.mem_req_ready.next = self.card_mem.req_ready.val() & self.ntt_port.src_active.val();
        self.ntt_port.mem_rsp_valid.next = self.card_mem.rsp_valid.val();
        self.ntt_port.mem_rsp_data.next = self.card_mem.rsp_data.val();
        self.ntt_port.mem_rsp_error.next = self.card_mem.rsp_error.val();

        // The write port, its AXI4 pins, and its one user: the NTT's data port.
        self.card_wr.clear_counters.next = self.regs.start.val();
        self.m_axi_awaddr.next = self.card_wr.awaddr.val();
        self.m_axi_awlen.next = self.card_wr.awlen.val();
        self.m_axi_awsize.next = self.card_wr.awsize.val();
        self.m_axi_awburst.next = self.card_wr.awburst.val();
        self.m_axi_awvalid.next = self.card_wr.awvalid.val();
        self.card_wr.awready.next = self.m_axi_awready.val();
        self.m_axi_wdata.next = self.card_wr.wdata.val();
        self.m_axi_wstrb.next = self.card_wr.wstrb.val();
        self.m_axi_wlast.next = self.card_wr.wlast.val();
        self.m_axi_wvalid.next = self.card_wr.wvalid.val();
        self.card_wr.wready.next = self.m_axi_wready.val();
        self.card_wr.bresp.next = self.m_axi_bresp.val();
        self.card_wr.bvalid.next = self.m_axi_bvalid.val();
        self.m_axi_bready.next = self.card_wr.bready.val();
        self.card_wr.req_valid.next = self.ntt_port.wr_valid.val();
        self.card_wr.req_addr.next = self.ntt_port.wr_addr.val();
        self.card_wr.req_data.next = self.ntt_port.wr_data.val();
        self.ntt_port.wr_ready.next = self.card_wr.req_ready.val();
        self.ntt_port.wr_idle.next = self.card_wr.idle.val();
        self.ntt_port.wr_error.next = self.card_wr.error.val();
        self.regs.perf_mem_writes.next = self.card_wr.perf_writes.val();
        self.regs.perf_mem_wbeats.next = self.card_wr.perf_beats.val();
        self.regs.perf_mem_reads.next = self.card_mem.perf_reads.val();
        self.regs.perf_mem_beats.next = self.card_mem.perf_beats.val();
        self.regs.perf_mem_stall.next = self.msm.perf_mem_stall.val();
        self.regs.perf_msm_combine.next = self.msm.perf_combine.val();

        // AXI4-Lite pins to the slave.
        self.axil.awaddr.next = self.s_axil_awaddr.val();
        self.axil.awvalid.next = self.s_axil_awvalid.val();
        self.s_axil_awready.next = self.axil.awready.val();
        self.axil.wdata.next = self.s_axil_wdata.val();
        self.axil.wstrb.next = self.s_axil_wstrb.val();
        self.axil.wvalid.next = self.s_axil_wvalid.val();
        self.s_axil_wready.next = self.axil.wready.val();
        self.s_axil_bresp.next = self.axil.bresp.val();
        self.s_axil_bvalid.next = self.axil.bvalid.val();
        self.axil.bready.next = self.s_axil_bready.val();
        self.axil.araddr.next = self.s_axil_araddr.val();
        self.axil.arvalid.next = self.s_axil_arvalid.val();
        self.s_axil_arready.next = self.axil.arready.val();
        self.s_axil_rdata.next = self.axil.rdata.val();
        self.s_axil_rresp.next = self.axil.rresp.val();
        self.s_axil_rvalid.next = self.axil.rvalid.val();
        self.axil.rready.next = self.s_axil_rready.val();

        // Slave to register block.
        self.regs.reg_write.next = self.axil.reg_write.val();
        self.regs.reg_waddr.next = self.axil.reg_waddr.val();
        self.regs.reg_wdata.next = self.axil.reg_wdata.val();
        self.regs.reg_wstrb.next = self.axil.reg_wstrb.val();
        self.axil.reg_wresp.next = self.regs.reg_wresp.val();
        self.regs.reg_read.next = self.axil.reg_read.val();
        self.regs.reg_raddr.next = self.axil.reg_raddr.val();
        self.axil.reg_rdata.next = self.regs.reg_rdata.val();
        self.axil.reg_rresp.next = self.regs.reg_rresp.val();

        // Register block to engines: NTT operations go to the NTT core,
        // everything else to the field ALU (which refuses unknown codes).
        self.is_ntt_op.next = (self.regs.job_op.val() == self.op_ntt.val())
            | (self.regs.job_op.val() == self.op_intt.val());
        self.is_msm_op.next = self.regs.job_op.val() == self.op_msm.val();
        self.alu.start.next = self.regs.start.val() & !self.is_ntt_op.val() & !self.is_msm_op.val();
        self.ntt.start.next = self.regs.start.val() & self.is_ntt_op.val();
        self.msm.start.next = self.regs.start.val() & self.is_msm_op.val();
        if self.regs.start.val() {
            self.ntt_active.d.next = self.is_ntt_op.val();
            self.msm_active.d.next = self.is_msm_op.val();
        }
        if !self.ap_rst_n.val() {
            self.ntt_active.d.next = false;
            self.msm_active.d.next = false;
        }
        self.msm.job_field.next = self.regs.job_field.val();
        self.msm.job_count.next = self.regs.job_count.val();
        self.msm.job_window_bits.next = self.regs.msm_window_bits.val();
        self.msm.job_windows.next = self.regs.msm_windows.val();
        self.msm.job_bases_addr.next = bit_cast::<64, 32>(self.regs.msm_bases_addr_lo.val())
            | (bit_cast::<64, 32>(self.regs.msm_bases_addr_hi.val()) << 32);
        self.msm.job_bases_count.next = self.regs.msm_bases_count.val();
        self.msm.job_split.next = self.regs.msm_split.val().get_bits::<6>(0);
        self.msm.perf_view.next = self.regs.msm_split.val().get_bit(8);
        self.regs.perf_msm_accum.next = self.msm.perf_accum.val();
        self.regs.perf_msm_reduce.next = self.msm.perf_reduce.val();
        self.regs.perf_msm_conflicts.next = self.msm.perf_conflicts.val();
        self.regs.perf_msm_idle.next = self.msm.perf_idle.val();
        self.regs.perf_msm_reduce_adds.next = self.msm.perf_reduce_adds.val();
        self.alu.job_op.next = self.regs.job_op.val();
        self.alu.job_field.next = self.regs.job_field.val();
        self.alu.job_count.next = self.regs.job_count.val();
        self.ntt.job_op.next = self.regs.job_op.val();
        self.ntt.job_field.next = self.regs.job_field.val();
        self.ntt.job_count.next = self.regs.job_count.val();
        self.ntt.job_log_size.next = self.regs.job_log_size.val();
        // NTT data path: core, twiddle scaler, data port (NTT_PARAMS order).
        self.ntt.job_in_ilv.next = self.regs.ntt_params[0].val().get_bits::<4>(4);
        self.ntt.job_out_ilv.next = self.regs.ntt_params[0].val().get_bits::<4>(8);
        self.ntt.job_ext_refuse.next = self.layout_check.layout_error.val();
        self.ntt.job_batch_log.next = self.regs.ntt_params[15].val();
        self.ntt_port.job_batch_log.next = self.regs.ntt_params[15].val();
        self.ntt_port.job_src_batch_stride.next = self.regs.ntt_params[16].val();
        self.ntt_port.job_dst_batch_stride.next = self.regs.ntt_params[17].val();
        self.layout_check.job_batch_log.next = self.regs.ntt_params[15].val();
        self.layout_check.job_src_batch_stride.next = self.regs.ntt_params[16].val();
        self.layout_check.job_dst_batch_stride.next = self.regs.ntt_params[17].val();
        self.ntt_scaler.job_log_m.next = self.regs.job_log_size.val().get_bits::<4>(0);
        // NTT_SCALE_0..7 (NTT_PARAMS from regmap::NTT_SCALE_INDEX), low word first.
        self.ntt_scale.next = bit_cast::<256, 32>(self.regs.ntt_params[18].val())
            | (bit_cast::<256, 32>(self.regs.ntt_params[19].val()) << 32)
            | (bit_cast::<256, 32>(self.regs.ntt_params[20].val()) << 64)
            | (bit_cast::<256, 32>(self.regs.ntt_params[21].val()) << 96)
            | (bit_cast::<256, 32>(self.regs.ntt_params[22].val()) << 128)
            | (bit_cast::<256, 32>(self.regs.ntt_params[23].val()) << 160)
            | (bit_cast::<256, 32>(self.regs.ntt_params[24].val()) << 192)
            | (bit_cast::<256, 32>(self.regs.ntt_params[25].val()) << 224);
        self.ntt.job_scale_en.next = self.regs.ntt_params[0].val().get_bit(16);
        self.ntt.job_scale.next = self.ntt_scale.val();
        self.layout_check.job_scale_en.next = self.regs.ntt_params[0].val().get_bit(16);
        self.layout_check.job_scale.next = self.ntt_scale.val();
        self.alu.job_ext_refuse.next = self.layout_check.layout_error.val();
        // The port and the scaler take their job with the start pulse (only
        // registers are in that path); a job the engine refuses ends the
        // port's job through its error-done.
        self.ntt_port.start.next = self.regs.start.val() & !self.is_msm_op.val();
        self.ntt_port.job_src_mem.next = self.regs.ntt_params[0].val().get_bit(0);
        self.ntt_port.job_dst_mem.next = self.regs.ntt_params[0].val().get_bit(1);
        self.layout_check.job_twiddle.next = self.regs.ntt_params[0].val().get_bit(12);
        self.layout_check.job_powers.next = self.regs.ntt_params[0].val().get_bit(13);
        self.layout_check.job_powers_inv.next = self.regs.ntt_params[0].val().get_bit(15);
        self.layout_check.job_powers_root.next = self.regs.ntt_params[0].val().get_bit(17);
        self.layout_check.job_root_log.next = self.regs.ntt_params[0].val().get_bits::<5>(20);
        self.ntt_port.job_src_b.next = self.regs.ntt_params[0].val().get_bit(14);
        self.layout_check.job_alu.next = !self.is_ntt_op.val() & !self.is_msm_op.val();
        self.ntt_port.job_srcb_addr.next = bit_cast::<64, 32>(self.regs.ntt_params[11].val())
            | (bit_cast::<64, 32>(self.regs.ntt_params[12].val()) << 32);
        self.ntt_port.job_srcb_run_len.next = self.regs.ntt_params[13].val();
        self.ntt_port.job_srcb_stride.next = self.regs.ntt_params[14].val();
        self.ntt_port.job_count.next = self.regs.job_count.val();
        self.layout_check.job_src_mem.next = self.regs.ntt_params[0].val().get_bit(0);
        self.layout_check.job_dst_mem.next = self.regs.ntt_params[0].val().get_bit(1);
        self.layout_check.job_src_b.next = self.regs.ntt_params[0].val().get_bit(14);
        self.layout_check.job_count.next = self.regs.job_count.val();
        self.layout_check.job_src_addr.next = bit_cast::<64, 32>(self.regs.ntt_params[1].val())
            | (bit_cast::<64, 32>(self.regs.ntt_params[2].val()) << 32);
        self.layout_check.job_src_run_len.next = self.regs.ntt_params[3].val();
        self.layout_check.job_src_stride.next = self.regs.ntt_params[4].val();
        self.layout_check.job_dst_addr.next = bit_cast::<64, 32>(self.regs.ntt_params[5].val())
            | (bit_cast::<64, 32>(self.regs.ntt_params[6].val()) << 32);
        self.layout_check.job_dst_run_len.next = self.regs.ntt_params[7].val();
        self.layout_check.job_dst_stride.next = self.regs.ntt_params[8].val();
        self.layout_check.job_srcb_addr.next = bit_cast::<64, 32>(self.regs.ntt_params[11].val())
            | (bit_cast::<64, 32>(self.regs.ntt_params[12].val()) << 32);
        self.layout_check.job_srcb_run_len.next = self.regs.ntt_params[13].val();
        self.layout_check.job_srcb_stride.next = self.regs.ntt_params[14].val();
        self.ntt_port.job_src_addr.next = bit_cast::<64, 32>(self.regs.ntt_params[1].val())
            | (bit_cast::<64, 32>(self.regs.ntt_params[2].val()) << 32);
        self.ntt_port.job_src_run_len.next = self.regs.ntt_params[3].val();
        self.ntt_port.job_src_stride.next = self.regs.ntt_params[4].val();
        self.ntt_port.job_dst_addr.next = bit_cast::<64, 32>(self.regs.ntt_params[5].val())
            | (bit_cast::<64, 32>(self.regs.ntt_params[6].val()) << 32);
        self.ntt_port.job_dst_run_len.next = self.regs.ntt_params[7].val();
        self.ntt_port.job_dst_stride.next = self.regs.ntt_params[8].val();
        self.layout_check.job_twiddle_log.next = self.regs.ntt_params[10].val();
        // The port serves the one engine that runs: the NTT or the field ALU.
        self.ntt_port.core_idle.next = self.ntt.idle.val() & self.alu.idle.val();
        self.ntt_port.core_done.next = self.ntt.done.val() | self.alu.done.val();
        // The running engine's error only: the other keeps its last job's
        // refusal code, which would end this job's port early.
        self.ntt_port.core_error.next = self.alu.error.val();
        if self.ntt_active.q.val() {
            self.ntt_port.core_error.next = self.ntt.error.val();
        }
        self.ntt_scaler.start.next = self.regs.start.val() & self.is_ntt_op.val();
        self.ntt_scaler.job_twiddle.next = self.regs.ntt_params[0].val().get_bit(12);
        self.ntt_scaler.job_powers.next = self.regs.ntt_params[0].val().get_bit(13);
        self.ntt_scaler.job_powers_inv.next = self.regs.ntt_params[0].val().get_bit(15);
        self.ntt_scaler.job_powers_root.next = self.regs.ntt_params[0].val().get_bit(17);
        self.ntt_scaler.job_root_log.next = self.regs.ntt_params[0].val().get_bits::<5>(20);
        self.ntt_scaler.job_inverse.next = self.regs.job_op.val() == self.op_intt.val();
        self.ntt_scaler.job_col.next = self.regs.ntt_params[9].val().get_bits::<28>(0);
        self.ntt_scaler.job_log_n.next = self.regs.ntt_params[10].val().get_bits::<5>(0);
        self.ntt_scaler.job_ilv.next = self.regs.ntt_params[0].val().get_bits::<4>(8);
        self.ntt_scaler.s_tdata.next = self.ntt.m_tdata.val();
        self.ntt_scaler.s_tvalid.next = self.ntt.m_tvalid.val();
        self.ntt.m_tready.next = self.ntt_scaler.s_tready.val();
        self.ntt_port.o_tdata.next = self.alu.m_tdata.val();
        if self.ntt_active.q.val() {
            self.ntt_port.o_tdata.next = self.ntt_scaler.m_tdata.val();
        }
        self.ntt_port.o_tvalid.next = self.alu.m_tvalid.val();
        if self.ntt_active.q.val() {
            self.ntt_port.o_tvalid.next = self.ntt_scaler.m_tvalid.val();
        }
        self.ntt_scaler.m_tready.next = self.ntt_port.o_tready.val() & self.ntt_active.q.val();
        self.alu.m_tready.next = self.ntt_port.o_tready.val() & !self.ntt_active.q.val() & !self.msm_active.q.val();
        self.regs.engine_idle.next = self.alu.idle.val() & self.ntt_port.idle.val() & self.msm.idle.val();
        // ALU and NTT jobs end through their data port (results written).
        self.regs.engine_done.next = self.ntt_port.done.val() | self.msm.done.val();
        if self.msm_active.q.val() {
            self.regs.engine_error.next = self.msm.error.val();
            self.regs.perf_busy.next = self.msm.perf_busy.val();
            self.regs.perf_in_stall.next = self.msm.perf_in_stall.val();
            self.regs.perf_out_stall.next = self.msm.perf_out_stall.val();
            self.regs.perf_beats_in.next = self.msm.perf_beats_in.val();
            self.regs.perf_beats_out.next = self.msm.perf_beats_out.val();
            self.regs.perf_ops.next = self.msm.perf_ops.val();
            self.regs.perf_drain.next = 0.into();
            self.m_axis_tdata.next = self.msm.m_tdata.val();
            self.m_axis_tvalid.next = self.msm.m_tvalid.val();
            self.m_axis_tlast.next = self.msm.m_tlast.val();
        } else if self.ntt_active.q.val() {
            self.regs.engine_error.next = self.ntt.error.val();
            if (self.ntt.error.val() == 0) & self.ntt_port.mem_error.val() {
                self.regs.engine_error.next = self.err_mem_resp.val();
            }
            self.regs.perf_busy.next = self.ntt.perf_busy.val();
            self.regs.perf_in_stall.next = self.ntt.perf_in_stall.val();
            self.regs.perf_out_stall.next = self.ntt.perf_out_stall.val();
            self.regs.perf_beats_in.next = self.ntt.perf_beats_in.val();
            self.regs.perf_beats_out.next = self.ntt.perf_beats_out.val();
            self.regs.perf_ops.next = self.ntt.perf_ops.val();
            self.regs.perf_drain.next = self.ntt.perf_drain.val();
            self.m_axis_tdata.next = self.ntt_port.m_tdata.val();
            self.m_axis_tvalid.next = self.ntt_port.m_tvalid.val();
            self.m_axis_tlast.next = self.ntt_port.m_tlast.val();
        } else {
            self.regs.engine_error.next = self.alu.error.val();
            self.regs.perf_busy.next = self.alu.perf_busy.val();
            self.regs.perf_in_stall.next = self.alu.perf_in_stall.val();
            self.regs.perf_out_stall.next = self.alu.perf_out_stall.val();
            self.regs.perf_beats_in.next = self.alu.perf_beats_in.val();
            self.regs.perf_beats_out.next = self.alu.perf_beats_out.val();
            self.regs.perf_ops.next = self.alu.perf_ops.val();
            self.regs.perf_drain.next = 0.into();
            self.m_axis_tdata.next = self.ntt_port.m_tdata.val();
            self.m_axis_tvalid.next = self.ntt_port.m_tvalid.val();
            self.m_axis_tlast.next = self.ntt_port.m_tlast.val();
        }
        self.interrupt.next = self.regs.interrupt.val();

        // Streams: only the busy engine raises TREADY.
        self.alu.s_tdata.next = self.s_axis_tdata.val();
        if self.ntt_port.src_active.val() {
            self.alu.s_tdata.next = self.ntt_port.c_tdata.val();
        }
        self.alu.s_tvalid.next = self.s_axis_tvalid.val();
        if self.ntt_port.src_active.val() {
            self.alu.s_tvalid.next = self.ntt_port.c_tvalid.val();
        }
        self.alu.s_tlast.next = self.s_axis_tlast.val();
        if self.ntt_port.src_active.val() {
            self.alu.s_tlast.next = self.ntt_port.c_tlast.val();
        }
        self.ntt.s_tdata.next = self.s_axis_tdata.val();
        if self.ntt_port.src_active.val() {
            self.ntt.s_tdata.next = self.ntt_port.c_tdata.val();
        }
        self.ntt.s_tvalid.next = self.s_axis_tvalid.val();
        if self.ntt_port.src_active.val() {
            self.ntt.s_tvalid.next = self.ntt_port.c_tvalid.val();
        }
        self.ntt.s_tlast.next = self.s_axis_tlast.val();
        if self.ntt_port.src_active.val() {
            self.ntt.s_tlast.next = self.ntt_port.c_tlast.val();
        }
        self.ntt_port.c_tready.next = (self.ntt.s_tready.val() | self.alu.s_tready.val()) & self.ntt_port.src_active.val();
        self.msm.s_tdata.next = self.s_axis_tdata.val();
        self.msm.s_tvalid.next = self.s_axis_tvalid.val();
        self.msm.s_tlast.next = self.s_axis_tlast.val();
        self.s_axis_tready.next = (self.alu.s_tready.val() & !self.ntt_port.src_active.val())
            | (self.ntt.s_tready.val() & !self.ntt_port.src_active.val())
            | self.msm.s_tready.val();
        self.ntt_port.m_tready.next = self.m_axis_tready.val() & !self.msm_active.q.val();
        self.msm.m_tready.next = self.m_axis_tready.val() & self.msm_active.q.val();
    }
}
