// Formal properties of the AXI4-Lite control slave: AxiLiteSlave together with
// the ControlRegs block behind it, wired as in hdl/src/top.rs. Both modules
// are exported from the Rust-HDL source by `export_formal`; zkf_regmap.vh is
// generated from hdl/src/regmap.rs (response codes, reset values, offsets).
//
// Environment (assumed): an AXI4-Lite master that holds each VALID with a
// stable payload until READY, drives no VALID during reset, and engines that
// drive the perf counters (free values, tagged with their register offset so
// the read multiplexer is checked).
//
// Checked (asserted):
//   exactly one response per request, none without one (handshake counters);
//   BRESP/RRESP are what the register map says (OKAY, SLVERR, DECERR);
//   responses stay valid and stable until taken; AW and W taken together;
//   after reset no response is valid and nothing is accepted during reset;
//   writes at least three cycles apart (the engines decide a start on
//   their job registers as they stood two cycles before);
//   every plain read/write register holds what the bus wrote into it with its
//   byte strobes (its reset value until then), seen on its output port and
//   in read data (ZKF_FULL only: read data of every register after reset and
//   of the control block GIE/IER/ISR/CTRL, which is not k-inductive).
`default_nettype none
module axil_props (
    input wire        clk,
    input wire        rst_n,
    input wire [7:0]  awaddr,
    input wire        awvalid,
    input wire [31:0] wdata,
    input wire [3:0]  wstrb,
    input wire        wvalid,
    input wire        bready,
    input wire [7:0]  araddr,
    input wire        arvalid,
    input wire        rready,
    input wire        engine_idle,
    input wire        engine_done,
    input wire [23:0] pass_val
);
`include "zkf_regmap.vh"

    wire        awready, wready, bvalid, arready, rvalid;
    wire [1:0]  bresp, rresp;
    wire [31:0] rdata;
    wire        reg_write, reg_read;
    wire [7:0]  reg_waddr, reg_raddr;
    wire [31:0] reg_wdata, reg_rdata;
    wire [3:0]  reg_wstrb;
    wire [1:0]  reg_wresp, reg_rresp;
    wire        start, interrupt;
    wire [31:0] job_op, job_field, job_count, job_log_size, msm_window_bits, msm_windows;
    wire [31:0] msm_bases_addr_lo, msm_bases_addr_hi, msm_bases_count, msm_split;
    wire [26*32-1:0] npv;

    // A passthrough register reads {offset, pass_val}: the mux is checked.
    function [31:0] tag(input [7:0] off);
        tag = {off, pass_val};
    endfunction

    zkf_axil_slave axil (
        .clock(clk), .reset_n(rst_n),
        .awaddr(awaddr), .awvalid(awvalid), .awready(awready),
        .wdata(wdata), .wstrb(wstrb), .wvalid(wvalid), .wready(wready),
        .bresp(bresp), .bvalid(bvalid), .bready(bready),
        .araddr(araddr), .arvalid(arvalid), .arready(arready),
        .rdata(rdata), .rresp(rresp), .rvalid(rvalid), .rready(rready),
        .reg_write(reg_write), .reg_waddr(reg_waddr), .reg_wdata(reg_wdata), .reg_wstrb(reg_wstrb),
        .reg_wresp(reg_wresp), .reg_read(reg_read), .reg_raddr(reg_raddr),
        .reg_rdata(reg_rdata), .reg_rresp(reg_rresp)
    );

    zkf_control_regs regs (
        .clock(clk), .reset_n(rst_n),
        .reg_write(reg_write), .reg_waddr(reg_waddr), .reg_wdata(reg_wdata), .reg_wstrb(reg_wstrb),
        .reg_wresp(reg_wresp), .reg_read(reg_read), .reg_raddr(reg_raddr),
        .reg_rdata(reg_rdata), .reg_rresp(reg_rresp),
        .start(start), .job_op(job_op), .job_field(job_field), .job_count(job_count),
        .job_log_size(job_log_size), .msm_window_bits(msm_window_bits), .msm_windows(msm_windows),
        .msm_bases_addr_lo(msm_bases_addr_lo), .msm_bases_addr_hi(msm_bases_addr_hi),
        .msm_bases_count(msm_bases_count), .msm_split(msm_split),
        .ntt_params__0(npv[0*32 +: 32]), .ntt_params__1(npv[1*32 +: 32]), .ntt_params__2(npv[2*32 +: 32]), .ntt_params__3(npv[3*32 +: 32]),
        .ntt_params__4(npv[4*32 +: 32]), .ntt_params__5(npv[5*32 +: 32]), .ntt_params__6(npv[6*32 +: 32]), .ntt_params__7(npv[7*32 +: 32]),
        .ntt_params__8(npv[8*32 +: 32]), .ntt_params__9(npv[9*32 +: 32]), .ntt_params__10(npv[10*32 +: 32]), .ntt_params__11(npv[11*32 +: 32]),
        .ntt_params__12(npv[12*32 +: 32]), .ntt_params__13(npv[13*32 +: 32]), .ntt_params__14(npv[14*32 +: 32]), .ntt_params__15(npv[15*32 +: 32]),
        .ntt_params__16(npv[16*32 +: 32]), .ntt_params__17(npv[17*32 +: 32]), .ntt_params__18(npv[18*32 +: 32]), .ntt_params__19(npv[19*32 +: 32]),
        .ntt_params__20(npv[20*32 +: 32]), .ntt_params__21(npv[21*32 +: 32]), .ntt_params__22(npv[22*32 +: 32]), .ntt_params__23(npv[23*32 +: 32]),
        .ntt_params__24(npv[24*32 +: 32]), .ntt_params__25(npv[25*32 +: 32]),
        .engine_idle(engine_idle), .engine_done(engine_done),
        .engine_error(tag(ZKF_OFF_ERROR)),
        .perf_busy(tag(ZKF_OFF_PERF_BUSY)), .perf_in_stall(tag(ZKF_OFF_PERF_IN_STALL)),
        .perf_out_stall(tag(ZKF_OFF_PERF_OUT_STALL)), .perf_beats_in(tag(ZKF_OFF_PERF_BEATS_IN)),
        .perf_beats_out(tag(ZKF_OFF_PERF_BEATS_OUT)), .perf_ops(tag(ZKF_OFF_PERF_OPS)),
        .perf_drain(tag(ZKF_OFF_PERF_DRAIN)), .perf_msm_accum(tag(ZKF_OFF_PERF_MSM_ACCUM)),
        .perf_msm_reduce(tag(ZKF_OFF_PERF_MSM_REDUCE)), .perf_msm_conflicts(tag(ZKF_OFF_PERF_MSM_CONFLICTS)),
        .perf_msm_idle(tag(ZKF_OFF_PERF_MSM_IDLE)), .perf_msm_reduce_adds(tag(ZKF_OFF_PERF_MSM_REDUCE_ADDS)),
        .perf_mem_reads(tag(ZKF_OFF_PERF_MEM_READS)), .perf_mem_beats(tag(ZKF_OFF_PERF_MEM_BEATS)),
        .perf_mem_stall(tag(ZKF_OFF_PERF_MEM_STALL)), .perf_msm_combine(tag(ZKF_OFF_PERF_MSM_COMBINE)),
        .perf_mem_writes(tag(ZKF_OFF_PERF_MEM_WRITES)), .perf_mem_wbeats(tag(ZKF_OFF_PERF_MEM_WBEATS)),
        .interrupt(interrupt)
    );

`ifdef FORMAL
    reg past_valid = 1'b0;
    always @(posedge clk) past_valid <= 1'b1;

    // ---------------- Environment: the AXI4-Lite master ----------------
    initial assume (!rst_n);
    always @(*) if (!rst_n) assume (!awvalid && !wvalid && !arvalid);
    always @(posedge clk) if (past_valid && $past(rst_n) && rst_n) begin
        if ($past(awvalid && !awready)) assume (awvalid && awaddr == $past(awaddr));
        if ($past(wvalid && !wready)) assume (wvalid && wdata == $past(wdata) && wstrb == $past(wstrb));
        if ($past(arvalid && !arready)) assume (arvalid && araddr == $past(araddr));
    end

    wire aw_hs = awvalid && awready;
    reg  aw_hs_1 = 1'b0, aw_hs_2 = 1'b0;   // a write one and two cycles ago
    always @(posedge clk) begin
        aw_hs_1 <= aw_hs;
        aw_hs_2 <= aw_hs_1;
    end
    wire w_hs  = wvalid && wready;
    wire b_hs  = bvalid && bready;
    wire ar_hs = arvalid && arready;
    wire r_hs  = rvalid && rready;

    // ---------------- Requests and responses ----------------
    // Requests accepted minus responses taken (the slave has one slot each).
    reg [1:0] w_owed = 2'd0, r_owed = 2'd0;
    reg [1:0] exp_bresp = 2'd0, exp_rresp = 2'd0;
    reg [7:0] last_raddr = 8'd0;
    always @(posedge clk) begin
        if (!rst_n) begin
            w_owed <= 0;
            r_owed <= 0;
        end else begin
            w_owed <= w_owed + (aw_hs ? 2'd1 : 2'd0) - (b_hs ? 2'd1 : 2'd0);
            r_owed <= r_owed + (ar_hs ? 2'd1 : 2'd0) - (r_hs ? 2'd1 : 2'd0);
        end
        if (aw_hs) exp_bresp <= zkf_wresp(awaddr);
        if (ar_hs) begin
            exp_rresp <= zkf_rresp(araddr);
            last_raddr <= araddr;
        end
    end

    always @(*) begin
        // AW and W are one request: taken in the same cycle, only with VALID.
        assert (awready == wready);
        if (awready) assert (awvalid && wvalid);
        if (arready) assert (arvalid);
        // Nothing is accepted during reset.
        if (!rst_n) assert (!awready && !arready);
        // One slot per channel: a response is owed iff it is valid.
        assert (w_owed <= 2'd1 && r_owed <= 2'd1);
        assert (bvalid == (w_owed == 2'd1));
        assert (rvalid == (r_owed == 2'd1));
        // A new request only once the previous response has been taken.
        if (bvalid) assert (!awready);
        if (rvalid) assert (!arready);
        // Response codes from the register map.
        if (bvalid) assert (bresp == exp_bresp);
        if (rvalid) assert (rresp == exp_rresp);
        // The start pulse: a CTRL write of bit 0 while the engines are idle.
        assert (start == (aw_hs && awaddr == ZKF_OFF_CTRL && wstrb[0] && wdata[0] && engine_idle));
    end

    always @(posedge clk) if (past_valid) begin
        // After a reset cycle: no response.
        if (!$past(rst_n)) assert (!bvalid && !rvalid);
        // Writes at least three cycles apart (AXIL_WRITE_GAP): the job
        // registers hold through the two cycles before a start (the engines'
        // checks and their job shells rely on it).
        if ($past(aw_hs) || aw_hs_2) assert (!aw_hs);
        // A response stays valid and stable until taken (reset aside).
        if ($past(rst_n) && rst_n) begin
            if ($past(bvalid && !bready)) assert (bvalid && bresp == $past(bresp));
            if ($past(rvalid && !rready)) assert (rvalid && rresp == $past(rresp) && rdata == $past(rdata));
        end
    end

    // ---------------- Register contents ----------------
    // Every plain read/write register follows the bus writes with their byte
    // strobes, from its reset value: a shadow per register, compared with the
    // register's output port every cycle and with read data.
    localparam NRW = 36;
    wire [NRW*8-1:0] rw_off = {
        ZKF_OFF_JOB_LOG_SIZE, ZKF_OFF_JOB_OP, ZKF_OFF_JOB_FIELD, ZKF_OFF_JOB_COUNT,
        ZKF_OFF_MSM_WINDOW_BITS, ZKF_OFF_MSM_WINDOWS, ZKF_OFF_MSM_BASES_ADDR_LO,
        ZKF_OFF_MSM_BASES_ADDR_HI, ZKF_OFF_MSM_BASES_COUNT, ZKF_OFF_MSM_SPLIT,
        ZKF_OFF_NTT_SCALE_7, ZKF_OFF_NTT_SCALE_6, ZKF_OFF_NTT_SCALE_5, ZKF_OFF_NTT_SCALE_4,
        ZKF_OFF_NTT_SCALE_3, ZKF_OFF_NTT_SCALE_2, ZKF_OFF_NTT_SCALE_1, ZKF_OFF_NTT_SCALE_0,
        ZKF_OFF_NTT_DST_BATCH_STRIDE, ZKF_OFF_NTT_SRC_BATCH_STRIDE, ZKF_OFF_NTT_BATCH_LOG,
        ZKF_OFF_NTT_SRC_B_STRIDE, ZKF_OFF_NTT_SRC_B_RUN_LEN, ZKF_OFF_NTT_SRC_B_ADDR_HI,
        ZKF_OFF_NTT_SRC_B_ADDR_LO, ZKF_OFF_NTT_TWIDDLE_LOG, ZKF_OFF_NTT_TWIDDLE_COL,
        ZKF_OFF_NTT_DST_STRIDE, ZKF_OFF_NTT_DST_RUN_LEN, ZKF_OFF_NTT_DST_ADDR_HI,
        ZKF_OFF_NTT_DST_ADDR_LO, ZKF_OFF_NTT_SRC_STRIDE, ZKF_OFF_NTT_SRC_RUN_LEN,
        ZKF_OFF_NTT_SRC_ADDR_HI, ZKF_OFF_NTT_SRC_ADDR_LO, ZKF_OFF_NTT_MODE};
    wire [NRW*32-1:0] rw_port = {
        job_log_size, job_op, job_field, job_count, msm_window_bits, msm_windows,
        msm_bases_addr_lo, msm_bases_addr_hi, msm_bases_count, msm_split, npv};
    wire [31:0] smask = {{8{wstrb[3]}}, {8{wstrb[2]}}, {8{wstrb[1]}}, {8{wstrb[0]}}};
    reg [NRW*32-1:0] shadow = 0; // the DFFs' initial values
    reg [31:0] exp_rw_rdata = 32'd0;
    reg        rd_rw = 1'b0;
    genvar k;
    generate for (k = 0; k < NRW; k = k + 1) begin : rw
        wire [7:0] off = rw_off[k*8 +: 8];
        always @(posedge clk) begin
            if (!rst_n) shadow[k*32 +: 32] <= zkf_reset_value(off);
            else if (aw_hs && awaddr == off)
                shadow[k*32 +: 32] <= (shadow[k*32 +: 32] & ~smask) | (wdata & smask);
        end
        always @(*) assert (zkf_plain_rw(off) && rw_port[k*32 +: 32] == shadow[k*32 +: 32]);
    end endgenerate
    reg [31:0] shadow_at_araddr;
    integer i;
    always @(*) begin
        shadow_at_araddr = 32'd0;
        for (i = 0; i < NRW; i = i + 1)
            if (araddr == rw_off[i*8 +: 8]) shadow_at_araddr = shadow[i*32 +: 32];
    end
    always @(posedge clk) if (ar_hs) begin
        rd_rw <= zkf_plain_rw(araddr);
        exp_rw_rdata <= shadow_at_araddr;
    end
    always @(*) if (rvalid && rd_rw) assert (rdata == exp_rw_rdata);

`ifdef ZKF_FULL
    // Bounded only (these registers are not visible outside but through a
    // read): the control block and every register's read data.
    reg       m_gie = 0, m_done = 0, m_ready = 0;
    reg [1:0] m_ier = 0, m_isr = 0;
    reg [31:0] exp_rdata = 0;
    reg        exp_rdata_known = 0;
    always @(posedge clk) begin
        if (ar_hs) begin
            exp_rdata_known <= 1'b1;
            exp_rdata <= 32'd0;
            if (zkf_plain_rw(araddr)) exp_rdata_known <= 1'b0; // covered by `sel`
            else if (araddr == ZKF_OFF_CTRL)
                exp_rdata <= {28'd0, m_ready, engine_idle, m_done, !engine_idle};
            else if (araddr == ZKF_OFF_GIE) exp_rdata <= {31'd0, m_gie};
            else if (araddr == ZKF_OFF_IER) exp_rdata <= {30'd0, m_ier};
            else if (araddr == ZKF_OFF_ISR) exp_rdata <= {30'd0, m_isr};
            else if (zkf_stored(araddr)) exp_rdata <= zkf_reset_value(araddr);
            else if (zkf_rresp(araddr) == ZKF_OKAY) exp_rdata <= tag(araddr);
        end
        if (engine_done) begin
            m_done <= 1'b1;
            m_ready <= 1'b1;
        end else if (ar_hs && araddr == ZKF_OFF_CTRL) begin
            m_done <= 1'b0;
            m_ready <= 1'b0;
        end
        if (aw_hs && awaddr == ZKF_OFF_GIE && wstrb[0]) m_gie <= wdata[0];
        if (aw_hs && awaddr == ZKF_OFF_IER && wstrb[0]) m_ier <= wdata[1:0];
        m_isr <= (m_isr ^ ((aw_hs && awaddr == ZKF_OFF_ISR && wstrb[0]) ? wdata[1:0] : 2'd0))
               | (engine_done ? m_ier : 2'd0);
        if (!rst_n) begin
            m_gie <= 0; m_ier <= 0; m_isr <= 0; m_done <= 0; m_ready <= 0;
        end
    end
    always @(*) begin
        if (rvalid && exp_rdata_known) assert (rdata == exp_rdata);
        assert (interrupt == (m_gie && |m_isr));
    end
`endif

    // ---------------- Cover: each response can happen ----------------
    always @(posedge clk) if (rst_n) begin
        cover (b_hs && bresp == ZKF_OKAY);
        cover (b_hs && bresp == ZKF_SLVERR);
        cover (b_hs && bresp == ZKF_DECERR);
        cover (r_hs && rresp == ZKF_OKAY && rd_rw && rdata != 0);
        cover (r_hs && rresp == ZKF_DECERR);
        cover (r_hs && last_raddr == ZKF_OFF_ID && rdata == zkf_reset_value(ZKF_OFF_ID));
        cover (b_hs && r_hs);
        cover (bvalid && !bready && past_valid && $past(bvalid && !bready));
    end
`endif
endmodule
