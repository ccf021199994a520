// Formal properties of the stream FIFO widget (rust-hdl's SynchronousFIFO,
// 32 x 256 bits, exported as zkf_stream_fifo by `export_formal`): the field
// ALU's output FIFO and the card-memory reader's response FIFO are this block.
//
// Environment: none. write, read and data_in are free every cycle (a write
// while full or a read while empty is allowed and must be refused).
//
// Checked (asserted), with the data at its full width:
// - counting: accepted writes (write && !full) minus accepted reads
//   (read && !empty) is the occupancy, never above 32 and never below 0
//   (beats out never exceed beats in); empty, full and the sticky
//   overflow/underflow flags agree with it (a refused write or read sets
//   its flag, nothing else does);
// - a tracked value: one accepted write, chosen freely (anyseq), is at the
//   head after exactly the entries written before it have been read, and
//   data_out equals the value written whenever it is at the (visible) head,
//   so it comes out once, unchanged, in order;
// - data_out is stable while the head is not read.
//
// ZKF_W8 (defined by the deep tasks): the same block exported with 8-bit data
// (zkf_stream_fifo_w8, identical Verilog but for the width), so the proof
// reaches depth 20+; the full-width tasks run at a shorter depth.
`default_nettype none
`ifdef ZKF_W8
`define ZKF_FIFO zkf_stream_fifo_w8
`define W 8
`else
`define ZKF_FIFO zkf_stream_fifo
`define W 256
`endif
module stream_fifo_props (
    input wire         clk,
    input wire         write,
    input wire [`W-1:0] data_in,
    input wire         read
);
    wire [`W-1:0] data_out;
    wire empty, almost_empty, underflow, full, almost_full, overflow;

    `ZKF_FIFO dut (
        .clock(clk), .read(read), .data_out(data_out), .empty(empty),
        .almost_empty(almost_empty), .underflow(underflow),
        .write(write), .data_in(data_in), .full(full),
        .almost_full(almost_full), .overflow(overflow)
    );

`ifdef FORMAL
    // Internal state, connected by the .sby script (the RAM is mapped to
    // registers, probe_mem = {mem[31], ..., mem[0]}).
    (* keep *) wire [5:0]    probe_wa, probe_wa_delayed, probe_ra;
    (* keep *) wire [32*`W-1:0] probe_mem;

    reg past_valid = 1'b0;
    always @(posedge clk) past_valid <= 1'b1;

    wire wr = write && !full;   // accepted write
    wire rd = read && !empty;   // accepted read

    reg [6:0] occ = 0;          // accepted writes - accepted reads
    reg       wr_prev = 0;      // a write shows one cycle later (registered RAM read)
    reg       saw_over = 0, saw_under = 0;
    always @(posedge clk) begin
        occ <= occ + (wr ? 7'd1 : 7'd0) - (rd ? 7'd1 : 7'd0);
        wr_prev <= wr;
        if (write && full) saw_over <= 1;
        if (read && empty) saw_under <= 1;
    end
    wire [6:0] visible = occ - (wr_prev ? 7'd1 : 7'd0);

    // The tracked value.
    (* anyseq *) wire pick;
    reg         tracking = 0;   // the chosen value is in the FIFO
    reg         popped = 0;     // ... and has been read (for cover)
    reg [5:0]   ahead = 0;      // entries in front of it
    reg [5:0]   ahead0 = 0;     // ... when it was written (for cover)
    reg [`W-1:0] tval = 0;
    reg [4:0]   tslot = 0;
    always @(posedge clk) begin
        if (tracking && rd) begin
            if (ahead == 0) begin
                tracking <= 0;
                popped <= 1;
            end else
                ahead <= ahead - 6'd1;
        end
        if (wr && pick && !tracking) begin
            tracking <= 1;
            tval <= data_in;
            ahead <= occ[5:0] - (rd ? 6'd1 : 6'd0);
            ahead0 <= occ[5:0] - (rd ? 6'd1 : 6'd0);
            tslot <= probe_wa[4:0];
        end
    end
    wire [5:0]   head = probe_ra + {1'b0, ahead[4:0]};

    always @(*) begin
        // Counting.
        assert (occ <= 7'd32);
        assert (probe_wa - probe_ra == occ[5:0]);
        assert (probe_wa - probe_wa_delayed == (wr_prev ? 6'd1 : 6'd0));
        assert (empty == (visible == 0));
        assert (full == (occ == 7'd32));
        if (rd) assert (visible != 0);  // nothing read that was not written
        assert (overflow == saw_over && underflow == saw_under);
        // The tracked value: in the FIFO, in its slot, unchanged; at the head
        // it is what data_out shows.
        if (tracking) begin
            assert ({1'b0, ahead} < occ);
            assert (tslot == head[4:0]);
            if (ahead == 0 && !empty) assert (data_out == tval);
        end
    end
    // The tracked value sits unchanged in its RAM word (one assertion per
    // word: no 8192-bit index).
    genvar i;
    generate for (i = 0; i < 32; i = i + 1) begin : slot
        always @(*) if (tracking && tslot == i) assert (probe_mem[i * `W +: `W] == tval);
    end endgenerate
    always @(posedge clk) if (past_valid) begin
        if ($past(!empty && !read)) assert (data_out == $past(data_out));
    end

    // ---------------- Cover ----------------
    always @(posedge clk) begin
        cover (popped && !tracking && occ == 0);                 // tracked value in and out
        cover (tracking && rd && ahead == 0 && ahead0 >= 3);     // out in order behind 3 others
        cover (full && write && read);                           // full: a refused write, a read
        cover (tracking && ahead == 31 && full);                 // tracked value last of a full FIFO
        cover (overflow);
        cover (underflow);
    end
`endif
endmodule
