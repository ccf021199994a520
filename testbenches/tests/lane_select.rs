//! The MSM expander's lane selection, as shipped: `LaneKeys` (each lane's
//! bucket key, sign and checks) and `LanePicker` (the lowest pending
//! candidate lane and its key) are custom Verilog with a Rust model each
//! (`lane_keys`, `pick`). Their Verilog runs in Icarus Verilog on seeded
//! random inputs weighted to the edges (zero digits, |d| at and past
//! 2^(c-1), -2^15, every window width, empty and full masks) and must give
//! the models' outputs bit for bit.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_hdl::prelude::*;
use std::fmt::Write as _;
use std::path::Path;
use zkcopro_hdl::export;
use zkcopro_hdl::msm::{LaneKeys, LanePicker, MSM_MAX_WINDOW_BITS, MSM_MIN_WINDOW_BITS, PICKER_LANES, lane_keys, pick};
use zkcopro_testbenches::seeded_rng;

const CASES: usize = 3_000;

/// Runs a combinational module in Icarus: each line of `stim` (hex) goes to
/// its input bus, each output bus value (hex) comes back, one line per case.
fn run_icarus(name: &str, verilog: &str, ports: &str, in_bits: usize, out_bits: usize, stim: &[String]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("zkcopro-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut tb = String::from("`timescale 1ns/1ps\nmodule tb;\n");
    writeln!(tb, "    reg [{}:0] stim [0:{}];\n    reg [{}:0] in;\n    wire [{}:0] out;", in_bits - 1, stim.len() - 1, in_bits - 1, out_bits - 1).unwrap();
    writeln!(tb, "    {name} dut({ports});\n    integer i, f;").unwrap();
    writeln!(
        tb,
        r#"    initial begin
        $readmemh("stim.hex", stim);
        f = $fopen("out.txt", "w");
        for (i = 0; i < {n}; i = i + 1) begin
            in = stim[i];
            #1;
            $fwrite(f, "%h\n", out);
        end
        $fclose(f);
        $finish;
    end
endmodule"#,
        n = stim.len()
    )
    .unwrap();
    std::fs::write(dir.join("dut.v"), verilog).unwrap();
    std::fs::write(dir.join("tb.v"), tb).unwrap();
    std::fs::write(dir.join("stim.hex"), stim.concat()).unwrap();
    zkcopro_testbenches::run_icarus_tb(&dir, &[Path::new("dut.v")]);
    let out = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out.lines().map(|l| l.trim_start_matches('0').to_string()).collect()
}

/// `words` (least significant first) as one hex number without leading zeros.
fn hex(words: &[(u64, usize)]) -> String {
    let mut v = num_bigint::BigUint::default();
    let mut shift = 0;
    for &(w, bits) in words {
        v |= num_bigint::BigUint::from(w) << shift;
        shift += bits;
    }
    let s = v.to_str_radix(16);
    if s == "0" { String::new() } else { s }
}

/// A digit for window width c, mostly in range, often at its edges.
fn digit(rng: &mut ChaCha8Rng, c: usize) -> i16 {
    let half = 1i32 << (c - 1);
    let d = match rng.gen_range(0..10) {
        0..=3 => 0,
        4 => half,
        5 => -half,
        6 => half + 1,
        7 => rng.gen_range(i16::MIN as i32..=i16::MAX as i32),
        8 => [i16::MIN as i32, i16::MAX as i32, 1, -1][rng.gen_range(0..4)],
        _ => rng.gen_range(-half..=half),
    };
    d.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

#[test]
fn lane_keys_verilog_in_icarus_matches_model() {
    let mut rng = seeded_rng("lane_keys_verilog_in_icarus_matches_model");
    let mut uut = LaneKeys::default();
    uut.digits.connect();
    uut.c_minus_1.connect();
    uut.key_offset.connect();
    uut.connect_all();
    let verilog = export::block_verilog(&uut, "lane_keys");
    let mut stim = vec![];
    let mut want = vec![];
    for _ in 0..CASES {
        let c = rng.gen_range(MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS);
        let digits: [i16; PICKER_LANES] = std::array::from_fn(|_| digit(&mut rng, c));
        let mut input: Vec<(u64, usize)> = digits.iter().map(|&d| (d as u16 as u64, 16)).collect();
        input.push(((c - 1) as u64, 4));
        // An engine's first window times 2^(c-1), now and then any 16 bits.
        let offset = match rng.gen_range(0..4) {
            0 => 0,
            1 => rng.r#gen::<u16>(),
            _ => ((rng.gen_range(0..PICKER_LANES) << (c - 1)) & 0xFFFF) as u16,
        };
        input.push((offset as u64, 16));
        stim.push(format!("{:0>136}\n", hex(&input)));
        let (keys, neg, nonzero, bad) = lane_keys(&digits, c, offset);
        let mut out: Vec<(u64, usize)> = keys.iter().map(|&k| (k as u64, 16)).collect();
        out.extend([(neg as u64, 32), (nonzero as u64, 32), (bad as u64, 32)]);
        want.push((hex(&out), digits, c, offset));
    }
    let ports = ".digits(in[511:0]), .c_minus_1(in[515:512]), .key_offset(in[531:516]), .keys(out[511:0]), \
                 .neg(out[543:512]), .nonzero(out[575:544]), .bad(out[607:576])";
    let got = run_icarus("lane_keys", &verilog, ports, 532, 608, &stim);
    assert_eq!(got.len(), CASES, "one output per case");
    for (g, (w, digits, c, offset)) in got.iter().zip(&want) {
        assert_eq!(g, w, "c = {c}, key offset {offset}, digits {digits:?}");
    }
}

#[test]
fn lane_picker_verilog_in_icarus_matches_model() {
    let mut rng = seeded_rng("lane_picker_verilog_in_icarus_matches_model");
    let mut uut = LanePicker::default();
    uut.keys.connect();
    uut.nonzero.connect();
    uut.pending.connect();
    uut.any_lane.connect();
    uut.connect_all();
    let verilog = export::block_verilog(&uut, "lane_picker");
    let mask = |rng: &mut ChaCha8Rng| -> u32 {
        match rng.gen_range(0..6) {
            0 => 0,
            1 => u32::MAX,
            2 => 1 << rng.gen_range(0..32),
            3 => 1 << 31 | 1 << rng.gen_range(0..31),
            _ => rng.r#gen(),
        }
    };
    let mut stim = vec![];
    let mut want = vec![];
    let mut picked = 0;
    for _ in 0..CASES {
        let keys: [u16; PICKER_LANES] = std::array::from_fn(|_| rng.r#gen());
        let (nonzero, pending, any_lane) = (mask(&mut rng), mask(&mut rng), rng.gen_bool(0.3));
        let mut input: Vec<(u64, usize)> = keys.iter().map(|&k| (k as u64, 16)).collect();
        input.extend([(nonzero as u64, 32), (pending as u64, 32), (any_lane as u64, 1)]);
        stim.push(format!("{:0>145}\n", hex(&input)));
        let (any, more, sel, key) = pick(&keys, nonzero, pending, any_lane);
        picked += any as usize;
        let out = [(key as u64, 16), (sel as u64, 5), (more as u64, 1), (any as u64, 1)];
        want.push((hex(&out), nonzero, pending, any_lane));
    }
    assert!(picked > CASES / 3 && picked < CASES, "both outcomes are common ({picked} of {CASES} pick a lane)");
    let ports = ".keys(in[511:0]), .nonzero(in[543:512]), .pending(in[575:544]), .any_lane(in[576]), \
                 .key(out[15:0]), .sel(out[20:16]), .more(out[21]), .any(out[22])";
    let got = run_icarus("lane_picker", &verilog, ports, 577, 23, &stim);
    assert_eq!(got.len(), CASES, "one output per case");
    for (g, (w, nz, p, a)) in got.iter().zip(&want) {
        assert_eq!(g, w, "nonzero {nz:#x}, pending {p:#x}, any_lane {a}");
    }
}
