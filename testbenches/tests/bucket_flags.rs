//! The MSM's bucket occupancy flags (`zkcopro_hdl::msm::BucketFlags`): the
//! block's Verilog (the XOR two-bank block-RAM table that ships, 2^16 keys)
//! runs in Icarus Verilog against the pure-Rust reference model
//! (`FlagTableModel`) on seeded random reads and writes, starting from
//! uninitialised memory that only the reset sweep clears. Keys come mostly
//! from a small pool spread over few words, so reads meet the same edge's
//! writes, both ports share keys and words, and the forwarding is exercised.

use rand::Rng;
use std::fmt::Write as _;
use zkcopro_hdl::export;
use zkcopro_hdl::msm::{BucketFlags, FLAG_WORD_LOG2, FlagInputs, FlagTableModel, MSM_KEY_BITS, flag_clear_cycles};
use zkcopro_testbenches::seeded_rng;

const KEY_BITS: usize = MSM_KEY_BITS;
const CYCLES: usize = 30_000;

/// One cycle's inputs as a 40-bit hex word for `$readmemh`.
fn pack(i: &FlagInputs) -> String {
    let v = (i.clear as u64) << 36
        | (i.wr_o_en as u64) << 35
        | (i.wr_o_val as u64) << 34
        | (i.wr_f_en as u64) << 33
        | (i.wr_f_val as u64) << 32
        | (i.rd_o_addr as u64) << 16
        | i.rd_f_addr as u64;
    format!("{v:010x}\n")
}

fn testbench(n: usize) -> String {
    let mut v = String::from("`timescale 1ns/1ps\nmodule tb;\n");
    v += "    reg clock = 0, clear = 1, wr_o_en, wr_o_val, wr_f_en, wr_f_val;\n";
    writeln!(v, "    reg [{k}:0] rd_o_addr, rd_f_addr;\n    wire rd_o, rd_f;", k = KEY_BITS - 1).unwrap();
    v += "    flags dut(.clock(clock), .clear(clear), .rd_o_addr(rd_o_addr), .rd_o(rd_o), .rd_f_addr(rd_f_addr), \
          .rd_f(rd_f), .wr_o_en(wr_o_en), .wr_o_val(wr_o_val), .wr_f_en(wr_f_en), .wr_f_val(wr_f_val));\n";
    writeln!(v, "    reg [39:0] stim [0:{}];\n    integer i, f;", n - 1).unwrap();
    v += "    always #5 clock = ~clock;\n";
    // Inputs change on the falling edge; the outputs after each rising edge
    // are written at the next falling edge.
    writeln!(
        v,
        r#"    initial begin
        $readmemh("stim.hex", stim);
        f = $fopen("out.txt", "w");
        for (i = 0; i < {n}; i = i + 1) begin
            @(negedge clock);
            if (i > 0) $fwrite(f, "%b%b\n", rd_o, rd_f);
            {{clear, wr_o_en, wr_o_val, wr_f_en, wr_f_val}} = stim[i][36:32];
            rd_o_addr = stim[i][31:16];
            rd_f_addr = stim[i][15:0];
        end
        @(negedge clock);
        $fwrite(f, "%b%b\n", rd_o, rd_f);
        $fclose(f);
        $finish;
    end
endmodule"#
    )
    .unwrap();
    v
}

#[test]
fn flag_table_verilog_in_icarus_matches_model() {
    let mut rng = seeded_rng("flag_table_verilog_in_icarus_matches_model");
    let word = 1usize << FLAG_WORD_LOG2;
    // Keys mostly from a pool in three words (one of them the last), some anywhere.
    let words = [0usize, rng.gen_range(1..(1 << KEY_BITS) / word - 1), (1 << KEY_BITS) / word - 1];
    let pool: Vec<usize> = (0..24).map(|i| words[i % 3] * word + rng.gen_range(0..word)).collect();
    let key = |rng: &mut rand_chacha::ChaCha8Rng| {
        if rng.gen_bool(0.9) { pool[rng.gen_range(0..pool.len())] } else { rng.gen_range(0..1 << KEY_BITS) }
    };
    let sweep = flag_clear_cycles(KEY_BITS);
    let mut stim = Vec::with_capacity(sweep + CYCLES);
    stim.extend((0..sweep).map(|_| FlagInputs { clear: true, ..Default::default() }));
    for c in 0..CYCLES {
        // A short clear now and then: a partial sweep from word 0.
        let clear = c % 5_000 == 4_999 || (c % 5_000 > 4_990 && rng.gen_bool(0.5));
        stim.push(FlagInputs {
            clear,
            rd_o_addr: key(&mut rng),
            rd_f_addr: key(&mut rng),
            wr_o_en: rng.gen_bool(0.5),
            wr_o_val: rng.gen_bool(0.5),
            wr_f_en: rng.gen_bool(0.5),
            wr_f_val: rng.gen_bool(0.5),
        });
    }
    let mut model = FlagTableModel::new(KEY_BITS);
    let expected: Vec<(bool, bool)> = stim.iter().map(|i| model.edge(i)).collect();

    let dir = std::env::temp_dir().join(format!("zkcopro-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let uut = BucketFlags::<KEY_BITS>::connected();
    std::fs::write(dir.join("flags.v"), export::block_verilog(&uut, "flags")).unwrap();
    std::fs::write(dir.join("tb.v"), testbench(stim.len())).unwrap();
    std::fs::write(dir.join("stim.hex"), stim.iter().map(pack).collect::<String>()).unwrap();
    zkcopro_testbenches::run_icarus_tb(&dir, &[std::path::Path::new("flags.v")]);
    let out = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    let got: Vec<&str> = out.lines().collect();
    assert_eq!(got.len(), stim.len(), "one output line per cycle");
    let mut checked = 0;
    for (cycle, (line, (o, f))) in got.iter().zip(&expected).enumerate().skip(sweep) {
        let want = format!("{}{}", *o as u8, *f as u8);
        assert_eq!(*line, want, "cycle {cycle}: (rd_o, rd_f) after inputs {:?}", stim[cycle]);
        checked += 1;
    }
    let set = expected[sweep..].iter().filter(|(o, f)| *o || *f).count();
    assert!(set > checked / 10, "the random writes set flags often enough to test ({set} of {checked})");
    let _ = std::fs::remove_dir_all(&dir);
}
