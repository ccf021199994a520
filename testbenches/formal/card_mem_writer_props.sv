// Formal properties of the card-memory write master (CardMemWriter, exported
// from hdl/src/mem/card_mem_writer.rs by `export_formal`).
//
// Environment (assumed): an AXI4 slave memory that answers a burst (BVALID)
// only after both its address and its last data beat were taken, never more
// B responses than bursts, holds BVALID/BRESP until BREADY, and drives no
// BVALID during reset; the engine offers records freely.
//
// Checked (asserted): AWLEN/AWSIZE/AWBURST/WSTRB as the block promises (one
// 2-beat INCR burst of 32-byte beats per record); AWVALID and WVALID held
// with stable AWADDR/WDATA/WLAST until ready; WLAST exactly on beat AWLEN+1;
// every accepted record gives one AW and AWLEN+1 W beats carrying its
// address and data (nothing lost or duplicated); AW/W/B counts match;
// responses owed never exceed CARD_MAX_OUTSTANDING (32); BREADY high outside
// reset; `idle` exactly when nothing is owed; nothing valid after reset.
`default_nettype none
module card_mem_writer_props (
    input wire         clk,
    input wire         rst_n,
    input wire         clear_counters,
    input wire         req_valid,
    input wire [63:0]  req_addr,
    input wire [511:0] req_data,
    input wire         awready,
    input wire         wready,
    input wire [1:0]   bresp,
    input wire         bvalid
);
    localparam MAX_OUT = 32;
    wire         req_ready, idle, error, awvalid, wvalid, wlast, bready;
    wire [31:0]  perf_writes, perf_beats;
    wire [63:0]  awaddr;
    wire [7:0]   awlen;
    wire [2:0]   awsize;
    wire [1:0]   awburst;
    wire [255:0] wdata;
    wire [31:0]  wstrb;

    zkf_card_mem_writer dut (
        .clock(clk), .reset_n(rst_n), .clear_counters(clear_counters),
        .req_valid(req_valid), .req_ready(req_ready), .req_addr(req_addr), .req_data(req_data),
        .idle(idle), .error(error), .perf_writes(perf_writes), .perf_beats(perf_beats),
        .awaddr(awaddr), .awlen(awlen), .awsize(awsize), .awburst(awburst),
        .awvalid(awvalid), .awready(awready),
        .wdata(wdata), .wstrb(wstrb), .wlast(wlast), .wvalid(wvalid), .wready(wready),
        .bresp(bresp), .bvalid(bvalid), .bready(bready)
    );

`ifdef FORMAL
    // Internal state, connected by the .sby script (induction strengthening only).
    (* keep *) wire [5:0] probe_owed;
    (* keep *) wire       probe_w_beat;
    (* keep *) wire [511:0] probe_w_data;

    reg past_valid = 1'b0;
    always @(posedge clk) past_valid <= 1'b1;

    wire req_hs = req_valid && req_ready;
    wire aw_hs  = awvalid && awready;
    wire w_hs   = wvalid && wready;
    wire wl_hs  = w_hs && wlast;
    wire b_hs   = bvalid && bready;

    // Per record: address not yet taken (0/1), last beat not yet taken (0/1);
    // bursts complete on both channels but not answered; responses owed.
    reg       aw_owed = 0, w_owed = 0;
    reg [6:0] done_unanswered = 0;  // bursts with AW and WLAST taken, no B yet
    reg [6:0] owed = 0;             // records taken, no B yet
    reg       beat = 0;             // W beat index within the burst
    reg [63:0]  rec_addr = 0;
    reg [511:0] rec_data = 0;
    // A burst is complete once both its AW and its last W beat are taken
    // (one record in the AW/W registers at a time: they complete together or
    // one waits for the other).
    wire aw_done_now = aw_hs && (!w_owed || wl_hs);
    wire w_done_now  = wl_hs && (!aw_owed || aw_hs);
    wire complete    = (aw_hs && wl_hs) || (aw_hs && !w_owed) || (wl_hs && !aw_owed);
    always @(posedge clk) begin
        if (!rst_n) begin
            aw_owed <= 0; w_owed <= 0; done_unanswered <= 0; owed <= 0; beat <= 0;
        end else begin
            if (aw_hs) aw_owed <= 0;
            if (wl_hs) w_owed <= 0;
            if (w_hs) beat <= !beat;
            if (req_hs) begin
                aw_owed <= 1; w_owed <= 1; beat <= 0;
                rec_addr <= req_addr;
                rec_data <= req_data;
            end
            done_unanswered <= done_unanswered + (complete ? 7'd1 : 7'd0) - (b_hs ? 7'd1 : 7'd0);
            owed <= owed + (req_hs ? 7'd1 : 7'd0) - (b_hs ? 7'd1 : 7'd0);
        end
    end

    // ---------------- Environment: the memory ----------------
    initial assume (!rst_n);
    always @(*) begin
        if (!rst_n) assume (!bvalid);
        // B only for a burst whose address and last beat were both taken.
        if (bvalid) assume (done_unanswered != 0);
    end
    always @(posedge clk) if (past_valid && $past(rst_n) && rst_n)
        if ($past(bvalid && !bready)) assume (bvalid && bresp == $past(bresp));

    // ---------------- The write master ----------------
    always @(*) begin
        // Burst shape: AWLEN+1 = 2 beats of 2^AWSIZE = 32 bytes, INCR, all bytes.
        if (awvalid) assert (awlen == 8'd1 && awsize == 3'd5 && awburst == 2'd1);
        if (wvalid) assert (wstrb == 32'hffff_ffff);
        // WLAST exactly on beat AWLEN+1 (beat counter restarts per burst).
        if (wvalid) assert (wlast == (beat == 1'b1));
        // AW and W carry the accepted record (nothing lost or duplicated).
        assert (awvalid == aw_owed);
        assert (wvalid == w_owed);
        if (awvalid) assert (awaddr == rec_addr);
        if (wvalid) assert (wdata == (beat ? rec_data[511:256] : rec_data[255:0]));
        // Outstanding bounded; AW/W/B counts: owed = bursts not yet complete
        // on both channels + complete and unanswered.
        assert (owed <= MAX_OUT);
        assert (owed == done_unanswered + ((aw_owed || w_owed) ? 7'd1 : 7'd0));
        // BREADY never drops outside reset (a response is always taken).
        if (rst_n) assert (bready);
        // `idle`: every taken record answered.
        assert (idle == (owed == 0));
        if (!rst_n) assert (!req_ready);
        // Induction strengthening: the block's own counters.
        assert (probe_owed == owed[5:0]);
        if (wvalid) assert (probe_w_beat == beat && probe_w_data == rec_data);
    end
    always @(posedge clk) if (past_valid) begin
        if (!$past(rst_n)) assert (!awvalid && !wvalid);
        if ($past(rst_n) && rst_n) begin
            if ($past(awvalid && !awready))
                assert (awvalid && awaddr == $past(awaddr) && awlen == $past(awlen));
            if ($past(wvalid && !wready))
                assert (wvalid && wdata == $past(wdata) && wlast == $past(wlast));
        end
    end

    // ---------------- Cover ----------------
    always @(posedge clk) if (rst_n) begin
        cover (wl_hs);                              // a full burst sent
        cover (b_hs && bresp == 2'b00);             // answered OKAY
        cover (b_hs && bresp == 2'b10 && past_valid && $past(error == 0)); // an error response
        cover (owed == 3 && !req_ready && !awready);// several bursts in flight
        cover (wvalid && !wready && awvalid && awready); // W waits while AW goes
        cover (owed == 4 && b_hs);                  // many bursts answered in turn
    end
`endif
endmodule
