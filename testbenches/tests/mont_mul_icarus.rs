//! The tiled Montgomery multiplier's exported Verilog (DSP tiles and the
//! constant tiles in LUTs, as Yosys sees them) in Icarus Verilog: seeded random
//! and edge operands, back to back with random bubbles, each product equal to
//! plain REDC and out exactly MONT_MUL_LATENCY cycles after its operands.
//! Independent of rust-hdl's simulator, which runs the tiles' Rust models.

use num_bigint::BigUint;
use rand::Rng;
use std::path::Path;
use zkcopro_hdl::export;
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MontMulTiled};
use zkcopro_hdl::params::FieldId;
use zkcopro_hdl::reference;
use zkcopro_testbenches::{run_icarus_tb, seeded_rng};

/// Operations per field: the edge pairs, then random ones.
const OPS: usize = 400;

fn verilog(field: FieldId) -> String {
    // rust-hdl walks the multiplier's hierarchy recursively: a big stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || export::block_verilog(&MontMulTiled::connected(field), "zkcopro_mont_mul"))
        .unwrap()
        .join()
        .unwrap()
}

fn testbench(n_cycles: usize) -> String {
    format!(
        "`timescale 1ns/1ps
module tb;
    reg clock = 0;
    always #5 clock = ~clock;
    reg [255:0] a = 0, b = 0;
    reg valid_in = 0;
    wire [255:0] y;
    wire valid_out;
    zkcopro_mont_mul dut(.clock(clock), .a(a), .b(b), .valid_in(valid_in), .y(y), .valid_out(valid_out));
    reg [515:0] stim [0:{last}];
    integer c, fd;
    initial begin
        $readmemh(\"in.hex\", stim);
        fd = $fopen(\"out.txt\", \"w\");
        for (c = 0; c < {n_cycles}; c = c + 1) begin
            @(negedge clock);
            if (valid_out) $fdisplay(fd, \"%0d %h\", c, y);
            {{valid_in, a, b}} = stim[c][512:0];
        end
        $fclose(fd);
        $finish;
    end
endmodule
",
        last = n_cycles - 1
    )
}

fn run(field: FieldId, rng: &mut impl Rng) {
    let p = field.modulus();
    let edge = [BigUint::from(0u8), BigUint::from(1u8), &p - 1u8, &p - 2u8, (BigUint::from(1u8) << 253) - 1u8];
    let mut ops: Vec<(BigUint, BigUint)> = vec![];
    for x in &edge {
        for y in &edge {
            ops.push((x % &p, y % &p));
        }
    }
    while ops.len() < OPS {
        let x = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
        let y = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
        ops.push((x, y));
    }
    // Stimulus per cycle: valid_in, a, b; a quarter of the cycles are bubbles
    // carrying garbage operands that must not come out.
    let mut lines = vec![];
    let mut issued = vec![];
    let mut next = 0;
    while next < ops.len() {
        let cycle = lines.len();
        if rng.gen_bool(0.25) {
            let junk = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>());
            lines.push(format!("0{:064x}{:064x}", junk, junk));
        } else {
            let (x, y) = &ops[next];
            lines.push(format!("1{x:064x}{y:064x}"));
            issued.push(cycle);
            next += 1;
        }
    }
    let n_cycles = lines.len() + MONT_MUL_LATENCY + 4;
    while lines.len() < n_cycles {
        lines.push(format!("0{:0128x}", 0));
    }
    let dir = std::env::temp_dir().join(format!("zkcopro-mont-mul-{}-{}", field.name(), std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("mul.v"), verilog(field)).unwrap();
    std::fs::write(dir.join("tb.v"), testbench(n_cycles)).unwrap();
    std::fs::write(dir.join("in.hex"), lines.join("\n") + "\n").unwrap();
    run_icarus_tb(&dir, &[Path::new("mul.v")]);
    let out = std::fs::read_to_string(dir.join("out.txt")).unwrap();
    let got: Vec<(usize, BigUint)> = out
        .lines()
        .map(|l| {
            let (c, y) = l.split_once(' ').expect("cycle and product");
            (c.parse().unwrap(), BigUint::parse_bytes(y.as_bytes(), 16).expect("hex product"))
        })
        .collect();
    assert_eq!(got.len(), ops.len(), "{field:?}: one product per operation, none from a bubble");
    for (k, ((cycle, y), (a, b))) in got.iter().zip(&ops).enumerate() {
        // Operands applied after edge c are taken by edge c + 1; the product
        // registered MONT_MUL_LATENCY edges later is seen at that cycle's end.
        assert_eq!(*cycle, issued[k] + MONT_MUL_LATENCY, "{field:?} op {k}: latency");
        assert_eq!(y, &reference::mont_mul(field, a, b), "{field:?} op {k}: {a:x} * {b:x}");
    }
    println!("{field:?}: {} products in Icarus equal REDC, each {MONT_MUL_LATENCY} cycles on", ops.len());
}

#[test]
fn tiled_multiplier_in_icarus_matches_redc() {
    let mut rng = seeded_rng("tiled_multiplier_in_icarus_matches_redc");
    for field in FieldId::ALL {
        run(field, &mut rng);
    }
}
