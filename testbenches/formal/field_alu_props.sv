// Formal properties of the field ALU's AXI4-Stream ports (FieldAlu, exported
// from hdl/src/alu/field_alu.rs with the fast multiplier by `export_formal`),
// with its job shell and 32-entry output FIFO.
//
// Abstraction (field_alu.sby): the arithmetic units' result data (y of the
// two adders, two subtractors and two Montgomery multipliers) are cut points,
// free values every cycle, so the solver never sees a 256-bit multiply; their
// valid pipelines (2 and 21 stages), the FIFO (data at full width), the job
// registers and the shell are the real logic. The data's way through the
// FIFO is proven on the FIFO itself (stream_fifo_props.sv).
//
// Environment (assumed): reset is released only once the output FIFO has
// drained and the units' pipelines are empty (the top's contract: ap_rst_n
// low for RESET_CYCLES = 576 cycles, more than the FIFO's 32 entries and the
// multiplier's 21 stages); the input master holds s_tvalid with stable
// s_tdata/s_tlast until s_tready. start, job registers, s_tlast and m_tready
// are free, except that the job registers hold through the cycle before a
// start and the data port's refusal through the two before it (the ALU
// registers that refusal, the shell the checks; the AXI4-Lite slave takes a
// write at most every third cycle and the start is one, which axil_props.sv
// proves).
//
// Checked (asserted):
// - output held until taken: once m_tvalid is high and m_tready low,
//   m_tvalid stays high and m_tdata/m_tlast are unchanged next cycle (outside
//   reset); no m_tvalid in reset or outside a job;
// - counting, nothing lost or duplicated: beats out never exceed the
//   operand pairs in, nor the job's count; the results issued and not yet
//   sent are exactly those in the units' pipelines plus those in the FIFO
//   (the shell's credits), at most 32, so the FIFO never overflows or
//   underflows; a job takes exactly 2 x JOB_COUNT input beats and sends
//   exactly JOB_COUNT results, then ends (busy falls, done pulses);
// - output TLAST exactly on the job's last result;
// - input TLAST (design: field_alu.rs, job_shell.rs; ERR_TLAST in regmap.rs):
//   s_tready does not depend on TLAST (it is the job's beat count and the
//   output credits only), a beat whose TLAST differs from "this is the job's
//   last beat" is still taken and records ERR_TLAST as the job's error, the
//   job runs on to its end, and the error is 0 for a job whose TLASTs were all
//   placed right (ERROR = ERR_TLAST iff a misplaced TLAST was taken).
`default_nettype none
module field_alu_props (
    input wire         clk,
    input wire         rst_n,
    input wire         start,
    input wire [31:0]  job_op,
    input wire [31:0]  job_field,
    input wire [31:0]  job_count,
    input wire [31:0]  job_ext_refuse,
    input wire [255:0] s_tdata,
    input wire         s_tvalid,
    input wire         s_tlast,
    input wire         m_tready
);
    localparam [31:0] ERR_TLAST = 32'd4;
    wire        idle, done, s_tready, m_tvalid, m_tlast;
    wire [31:0] error, perf_busy, perf_in_stall, perf_out_stall, perf_beats_in, perf_beats_out, perf_ops;
    wire [255:0] m_tdata;

    zkf_field_alu dut (
        .clock(clk), .reset_n(rst_n), .start(start), .job_op(job_op), .job_field(job_field),
        .job_count(job_count), .job_ext_refuse(job_ext_refuse),
        .idle(idle), .done(done), .error(error),
        .perf_busy(perf_busy), .perf_in_stall(perf_in_stall), .perf_out_stall(perf_out_stall),
        .perf_beats_in(perf_beats_in), .perf_beats_out(perf_beats_out), .perf_ops(perf_ops),
        .s_tdata(s_tdata), .s_tvalid(s_tvalid), .s_tready(s_tready), .s_tlast(s_tlast),
        .m_tdata(m_tdata), .m_tvalid(m_tvalid), .m_tready(m_tready), .m_tlast(m_tlast)
    );

`ifdef FORMAL
    // Internal state, connected by the .sby script.
    (* keep *) wire        probe_busy;
    (* keep *) wire [7:0]  probe_credits;
    (* keep *) wire [31:0] probe_error;
    (* keep *) wire [31:0] probe_results_left;
    (* keep *) wire [32:0] probe_beats_in_left;
    (* keep *) wire        probe_second;
    (* keep *) wire [31:0] probe_op, probe_field;
    (* keep *) wire [20:0] probe_vmul_q, probe_vmul_r;
    (* keep *) wire [1:0]  probe_vadd_q, probe_vadd_r, probe_vsub_q, probe_vsub_r;
    (* keep *) wire [5:0]  probe_fifo_wa, probe_fifo_wa_delayed, probe_fifo_ra;
    (* keep *) wire        probe_fifo_overflow, probe_fifo_underflow;

    reg past_valid = 1'b0;
    always @(posedge clk) past_valid <= 1'b1;

    function [5:0] ones21(input [20:0] v);
        integer k;
        begin
            ones21 = 0;
            for (k = 0; k < 21; k = k + 1) ones21 = ones21 + v[k];
        end
    endfunction

    // (the job registers hold two cycles before a start, and the data port's
    // registered layout check follows them one cycle later: one cycle each)
    always @(posedge clk) if (past_valid && start)
        assume (job_op == $past(job_op) && job_field == $past(job_field)
                && job_count == $past(job_count) && job_ext_refuse == $past(job_ext_refuse));
    always @(*) if (!past_valid) assume (!start);

    wire refused = job_op > 32'd2 || job_field > 32'd1 || job_count == 0 || job_ext_refuse != 0;
    wire accept  = rst_n && start && !probe_busy && !refused;
    wire in_hs   = s_tvalid && s_tready;
    wire out_hs  = m_tvalid && m_tready;

    // The running job as the stream sees it.
    reg [31:0] cnt = 0;       // JOB_COUNT latched at start
    reg [32:0] n_in = 0;      // input beats taken
    reg [31:0] n_out = 0;     // results sent
    reg        bad_tlast = 0; // a misplaced input TLAST was taken
    reg        ended = 0;     // the job sent its last result, no start since
    wire [31:0] n_issued = n_in[32:1];
    wire        last_in  = n_in == {cnt, 1'b0} - 33'd1;
    always @(posedge clk) begin
        if (!rst_n) begin
            cnt <= 0; n_in <= 0; n_out <= 0; bad_tlast <= 0; ended <= 0;
        end else if (start && !probe_busy) begin
            // A start while idle: a new job, or a refusal (ERROR changes).
            ended <= 0;
            if (!refused) begin
                cnt <= job_count;
                n_in <= 0; n_out <= 0; bad_tlast <= 0;
            end
        end else begin
            if (in_hs) begin
                n_in <= n_in + 33'd1;
                if (s_tlast != last_in) bad_tlast <= 1;
            end
            if (out_hs) begin
                n_out <= n_out + 32'd1;
                if (m_tlast) ended <= 1;
            end
        end
    end
    wire [31:0] owed = n_issued - n_out;   // issued, not yet sent
    wire [5:0]  fifo_occ = probe_fifo_wa - probe_fifo_ra;
    wire [6:0]  in_units = ones21(probe_vmul_q) + ones21(probe_vmul_r)
                         + probe_vadd_q[0] + probe_vadd_q[1] + probe_vadd_r[0] + probe_vadd_r[1]
                         + probe_vsub_q[0] + probe_vsub_q[1] + probe_vsub_r[0] + probe_vsub_r[1];
    wire        is_fr = probe_field == 32'd1;

    // ---------------- Environment ----------------
    initial assume (!rst_n);
    always @(posedge clk) if (past_valid) begin
        // Reset held long enough: the FIFO drained, the pipelines empty.
        if (!$past(rst_n) && rst_n)
            assume (probe_fifo_wa == probe_fifo_ra && probe_fifo_wa_delayed == probe_fifo_ra
                    && in_units == 0);
        // The input master holds its beat until taken.
        if ($past(rst_n) && $past(s_tvalid && !s_tready))
            assume (s_tvalid && s_tdata == $past(s_tdata) && s_tlast == $past(s_tlast));
    end

    // ---------------- Output stream ----------------
    always @(posedge clk) if (past_valid && $past(rst_n) && rst_n) begin
        if ($past(m_tvalid && !m_tready))
            assert (m_tvalid && m_tdata == $past(m_tdata) && m_tlast == $past(m_tlast));
    end
    always @(*) begin
        if (m_tvalid) assert (rst_n && probe_busy);
        // TLAST exactly on the job's last result.
        if (m_tvalid) assert (m_tlast == (n_out == cnt - 32'd1));
    end

    // ---------------- Counting: nothing lost or duplicated ----------------
    always @(*) if (rst_n) begin
        assert (n_out <= n_issued);               // beats out never exceed pairs in
        assert (n_in <= {cnt, 1'b0});             // never more input than the job's count
        if (probe_busy) assert (n_out < cnt);     // the job ends with its last result
        assert (owed <= 32);
        assert (probe_credits == owed[7:0]);
        assert (in_units + fifo_occ == owed);     // every issued pair is in a unit or the FIFO
        if (!probe_busy) assert (owed == 0 && n_in == {cnt, 1'b0} && in_units == 0 && fifo_occ == 0);
        // Induction strengthening: the job registers follow the stream.
        if (probe_busy) begin
            assert (probe_results_left == cnt - n_out);
            assert (probe_beats_in_left == {cnt, 1'b0} - n_in);
            assert (probe_second == n_in[0]);
            assert (probe_op <= 32'd2 && probe_field <= 32'd1);
            // Only the job's unit holds results.
            if (!(probe_op == 32'd2 && !is_fr)) assert (probe_vmul_q == 0);
            if (!(probe_op == 32'd2 && is_fr))  assert (probe_vmul_r == 0);
            if (!(probe_op == 32'd0 && !is_fr)) assert (probe_vadd_q == 0);
            if (!(probe_op == 32'd0 && is_fr))  assert (probe_vadd_r == 0);
            if (!(probe_op == 32'd1 && !is_fr)) assert (probe_vsub_q == 0);
            if (!(probe_op == 32'd1 && is_fr))  assert (probe_vsub_r == 0);
        end
    end
    always @(*) begin
        // The FIFO, in reset too (writes stop, reads drain it).
        assert (fifo_occ <= 6'd32);
        assert (probe_fifo_wa - probe_fifo_wa_delayed <= 6'd1);
        assert (!probe_fifo_overflow && !probe_fifo_underflow);
    end
    always @(posedge clk) if (past_valid && rst_n && $past(rst_n)) begin
        // The job ends when its last result is taken: busy falls, done pulses.
        if ($past(probe_busy && out_hs && m_tlast)) assert (!probe_busy && done && n_out == cnt);
        if ($past(probe_busy) && !probe_busy) assert ($past(out_hs && m_tlast));
    end

    // ---------------- Input stream and TLAST ----------------
    always @(*) begin
        // s_tready: the job's beat count and the output credits, nothing else.
        assert (s_tready == (rst_n && probe_busy && n_in != {cnt, 1'b0} && (!n_in[0] || owed < 32)));
        // ERROR during and after an accepted job: ERR_TLAST iff a misplaced
        // TLAST was taken (0 otherwise).
        if (rst_n && (probe_busy || ended)) assert (error == (bad_tlast ? ERR_TLAST : 32'd0));
    end
    always @(posedge clk) if (past_valid && rst_n && $past(rst_n)) begin
        if ($past(in_hs && s_tlast != last_in)) assert (error == ERR_TLAST && bad_tlast);
    end

    // ---------------- Cover ----------------
    always @(posedge clk) if (rst_n && past_valid) begin
        cover (ended && done && cnt == 2 && !bad_tlast);              // a full packet in and out, TLAST on the last
        cover (m_tvalid && !m_tready && $past(m_tvalid && !m_tready) && n_out == 1); // output back-pressure hold
        cover (ended && done && error == ERR_TLAST && cnt == 2);       // a misplaced TLAST: job ends with ERR_TLAST
        cover (in_hs && s_tlast && !last_in);                         // TLAST early
        cover (probe_busy && n_in == {cnt, 1'b0} && cnt == 2 && !bad_tlast && error == 0 && !s_tready); // all input, TLAST placed right
        cover (fifo_occ == 3 && probe_busy);                          // results queued in the FIFO
    end
`ifdef ZKF_MUL_COVER
    always @(posedge clk) if (rst_n) cover (out_hs && m_tlast && probe_op == 2); // a multiply job's last result
`endif
`endif
endmodule
