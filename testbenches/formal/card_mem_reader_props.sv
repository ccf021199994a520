// Formal properties of the card-memory read master (CardMemReader, exported
// from hdl/src/mem/card_mem_reader.rs by `export_formal`), with its response
// FIFO (rust-hdl's SynchronousFIFO, 32 records).
//
// Environment (assumed): an AXI4 slave memory that sends read beats only for
// bursts it has accepted, ARLEN+1 = 2 beats per burst with RLAST on the last
// (in order, single ID), holds RVALID with stable RDATA/RRESP/RLAST until
// RREADY, and drives no RVALID during reset; reset is held until the response
// FIFO has drained (the top's contract: ap_rst_n low for RESET_CYCLES = 576
// cycles, the FIFO drains one record a cycle); the engine requests freely.
//
// Checked (asserted): ARLEN/ARSIZE/ARBURST (one 2-beat INCR burst of 32-byte
// beats per record); ARVALID held with stable ARADDR until ARREADY, carrying
// the accepted request's address; RREADY high outside reset (never dropped
// with a response owed); bursts in flight and records held never exceed
// CARD_MAX_OUTSTANDING (32); every record requested is delivered once to the
// engine (rsp_valid exactly when a completed record waits); the FIFO never
// overflows or underflows; nothing valid after reset. ZKF_FULL (bounded):
// a record chosen freely reaches the engine with its data and error bit, in
// order.
`default_nettype none
module card_mem_reader_props (
    input wire         clk,
    input wire         rst_n,
    input wire         clear_counters,
    input wire         req_valid,
    input wire [63:0]  req_addr,
    input wire         rsp_ready,
    input wire         arready,
    input wire [255:0] rdata,
    input wire [1:0]   rresp,
    input wire         rlast,
    input wire         rvalid
);
    localparam MAX_OUT = 32;
    wire         req_ready, rsp_valid, rsp_error, arvalid, rready;
    wire [511:0] rsp_data;
    wire [31:0]  perf_reads, perf_beats;
    wire [63:0]  araddr;
    wire [7:0]   arlen;
    wire [2:0]   arsize;
    wire [1:0]   arburst;

    zkf_card_mem_reader dut (
        .clock(clk), .reset_n(rst_n), .clear_counters(clear_counters),
        .req_valid(req_valid), .req_ready(req_ready), .req_addr(req_addr),
        .rsp_valid(rsp_valid), .rsp_ready(rsp_ready), .rsp_data(rsp_data), .rsp_error(rsp_error),
        .perf_reads(perf_reads), .perf_beats(perf_beats),
        .araddr(araddr), .arlen(arlen), .arsize(arsize), .arburst(arburst),
        .arvalid(arvalid), .arready(arready),
        .rdata(rdata), .rresp(rresp), .rlast(rlast), .rvalid(rvalid), .rready(rready)
    );

`ifdef FORMAL
    // Internal state, connected by the .sby script.
    (* keep *) wire [5:0] probe_reserved;
    (* keep *) wire       probe_beat;
    (* keep *) wire       probe_fifo_empty;
    (* keep *) wire [5:0] probe_fifo_fill;
    (* keep *) wire       probe_fifo_overflow;
    (* keep *) wire       probe_fifo_underflow;
    (* keep *) wire [5:0] probe_fifo_wa, probe_fifo_wa_delayed, probe_fifo_ra;

    reg past_valid = 1'b0;
    always @(posedge clk) past_valid <= 1'b1;
    reg [1:0] rst_len = 0;  // cycles reset has been low, saturating
    always @(posedge clk) rst_len <= rst_n ? 2'd0 : (rst_len == 2'd3 ? 2'd3 : rst_len + 2'd1);

    wire req_hs = req_valid && req_ready;
    wire ar_hs  = arvalid && arready;
    wire r_hs   = rvalid && rready;
    wire rl_hs  = r_hs && rlast;
    wire pop    = rsp_valid && rsp_ready;

    reg        ar_owed = 0;     // request taken, address not yet issued
    reg [6:0]  inflight = 0;    // bursts issued, last beat not yet received
    reg [6:0]  waiting = 0;     // records received, not yet taken by the engine
    reg        rbeat = 0;       // beat index within the burst (memory side)
    reg [63:0] rec_addr = 0;
    // rust-hdl's FIFO shows a write one cycle later (its RAM read is
    // registered): the record completed last cycle is not visible yet.
    reg        rl_prev = 0;
    wire [6:0] visible = waiting - (rl_prev ? 7'd1 : 7'd0);
    always @(posedge clk) rl_prev <= rst_n && rl_hs;
    always @(posedge clk) begin
        if (!rst_n) begin
            ar_owed <= 0; inflight <= 0; waiting <= 0; rbeat <= 0;
        end else begin
            if (ar_hs) ar_owed <= 0;
            if (req_hs) begin
                ar_owed <= 1;
                rec_addr <= req_addr;
            end
            if (r_hs) rbeat <= !rbeat;
            inflight <= inflight + (ar_hs ? 7'd1 : 7'd0) - (rl_hs ? 7'd1 : 7'd0);
            waiting <= waiting + (rl_hs ? 7'd1 : 7'd0) - (pop ? 7'd1 : 7'd0);
        end
    end

    // ---------------- Environment: the memory and the reset ----------------
    initial assume (!rst_n);
    always @(*) begin
        if (!rst_n) assume (!rvalid);
        if (rvalid) assume (inflight != 0 && rlast == rbeat);
    end
    always @(posedge clk) if (past_valid) begin
        if ($past(rst_n) && rst_n && $past(rvalid && !rready))
            assume (rvalid && rdata == $past(rdata) && rresp == $past(rresp) && rlast == $past(rlast));
        // Reset is released only once the response FIFO has drained (and a
        // write of the cycle before reset has become visible to the drain).
        if (!$past(rst_n) && rst_n) assume ($past(probe_fifo_empty) && rst_len >= 2);
    end

    // ---------------- The read master ----------------
    always @(*) begin
        if (arvalid) assert (arlen == 8'd1 && arsize == 3'd5 && arburst == 2'd1);
        assert (arvalid == ar_owed);
        if (arvalid) assert (araddr == rec_addr);
        if (rst_n) assert (rready);
        if (!rst_n) assert (!req_ready && !rsp_valid);
        // Bounded: requests taken and not yet delivered.
        assert (ar_owed + inflight + waiting <= MAX_OUT);
        // Every completed record is offered, once (none without a request).
        if (rst_n) assert (rsp_valid == (visible != 0));
        if (rl_prev) assert (waiting != 0);
        // Induction strengthening: the block's own counters and FIFO.
        assert (probe_reserved == ar_owed + inflight + waiting);
        if (rst_n) assert (probe_fifo_fill == visible);
        if (rst_n) assert (probe_beat == rbeat);
        assert (!probe_fifo_overflow && !probe_fifo_underflow);
        if (rst_n) assert (probe_fifo_wa == probe_fifo_wa_delayed + (rl_prev ? 6'd1 : 6'd0));
        if (rst_n) assert (probe_fifo_wa - probe_fifo_ra == waiting[5:0]);
    end
    always @(posedge clk) if (past_valid) begin
        if (!$past(rst_n)) assert (!arvalid);
        if ($past(rst_n) && rst_n && $past(arvalid && !arready))
            assert (arvalid && araddr == $past(araddr));
    end

`ifdef ZKF_FULL
    // One record, chosen by its completion index, reaches the engine intact
    // (bits [31:0] of each beat and the error bit: the datapath is bit-parallel,
    // and the full 512 bits make the bounded check too slow for yices).
    (* anyconst *) reg [6:0] pick;
    reg [6:0]   n_done = 0, n_pop = 0;
    reg [31:0]  lo = 0, pick_lo = 0, pick_hi = 0;
    reg         lo_err = 0, pick_err = 0, picked = 0;
    always @(posedge clk) if (!rst_n) begin
        n_done <= 0;
        n_pop <= 0;
        picked <= 0;
    end else begin
        if (r_hs && !rlast) begin
            lo <= rdata[31:0];
            lo_err <= rresp != 0;
        end
        if (rl_hs) begin
            n_done <= n_done + 1;
            if (n_done == pick) begin
                picked <= 1;
                pick_lo <= lo;
                pick_hi <= rdata[31:0];
                pick_err <= lo_err || rresp != 0;
            end
        end
        if (pop) n_pop <= n_pop + 1;
    end
    always @(*) if (rst_n && pop && n_pop == pick) begin
        assert (picked);
        assert (rsp_data[31:0] == pick_lo && rsp_data[287:256] == pick_hi && rsp_error == pick_err);
    end
`endif

    // ---------------- Cover ----------------
    always @(posedge clk) if (rst_n) begin
        cover (rl_hs);                               // a full burst received
        cover (pop && rsp_error);                    // an error record delivered
        cover (inflight == 3);                       // several bursts in flight
        cover (arvalid && !arready && past_valid && $past(arvalid && !arready));
        cover (ar_owed + inflight + waiting == 8 && pop); // many records held
    end
`endif
endmodule
