//! Generates the coprocessor's Verilog from `zkcopro-hdl`, verilates it into
//! OUT_DIR and compiles it with a small C++ shim that runs whole bus
//! transactions per FFI call.

use std::path::{Path, PathBuf};
use std::process::Command;
use zkcopro_hdl::export;
use zkcopro_hdl::field::MulImpl;
use zkcopro_hdl::harness::FieldUnitsHarness;
use zkcopro_hdl::top::TopConfig;

struct Model {
    prefix: &'static str,
    top_name: &'static str,
    verilog: String,
}

fn verilator_root() -> PathBuf {
    let out = Command::new("verilator").arg("--getenv").arg("VERILATOR_ROOT").output();
    match out {
        Ok(o) if o.status.success() => {
            PathBuf::from(String::from_utf8_lossy(&o.stdout).trim().to_string())
        }
        _ => panic!(
            "\n\nVerilator was not found on PATH; zkcopro-sim needs it to build its \
             cycle-accurate models.\nRun `sudo bash scripts/setup.sh` (installs Verilator 5) \
             and build again.\n\n"
        ),
    }
}

fn verilate(model: &Model, out_dir: &Path, waivers: &Path) -> PathBuf {
    let src_dir = out_dir.join(format!("{}_src", model.prefix));
    let obj_dir = out_dir.join(format!("{}_obj", model.prefix));
    // Stale .cpp files from an earlier design would be compiled too.
    let _ = std::fs::remove_dir_all(&obj_dir);
    std::fs::create_dir_all(&src_dir).unwrap();
    let v_path = src_dir.join(format!("{}.v", model.top_name));
    std::fs::write(&v_path, &model.verilog).unwrap();
    let status = Command::new("verilator")
        // Initial values and X assignments come from Verilator's random
        // reset, which the shim sets per model: zeros by default (the speed
        // of `fast`), random from a seed to find flops that miss a reset.
        .args(["--cc", "--trace-fst", "-O3", "--x-assign", "unique", "--x-initial", "unique"])
        .args(["--noassert", "-Wno-fatal", "-Wno-lint", "-Wno-style"])
        .arg("--top-module")
        .arg(model.top_name)
        .arg("--prefix")
        .arg(model.prefix)
        .arg("--Mdir")
        .arg(&obj_dir)
        .arg(waivers)
        .arg(&v_path)
        .status()
        .expect("running verilator");
    assert!(status.success(), "verilator failed on {}", v_path.display());
    obj_dir
}

/// The Verilog without its flops' power-up values: rust-hdl gives every
/// DFF `initial q = 0`, which an FPGA bitstream honours but an ASIC does not
/// and a reset in the middle of work never restores. Without them the
/// model's flops start where Verilator's random reset puts them (zero by
/// default, random from a seed: see the shim), so a flop the design forgets
/// to reset shows. Memory contents (ROMs) keep their `initial` blocks.
fn without_flop_power_up_values(verilog: &str) -> String {
    let lines: Vec<&str> = verilog.lines().collect();
    let mut out = String::with_capacity(verilog.len());
    let mut i = 0;
    while i < lines.len() {
        let flop_init = i + 2 < lines.len()
            && lines[i].trim() == "initial begin"
            && lines[i + 1].trim().starts_with("q = ")
            && lines[i + 1].trim().ends_with(';')
            && lines[i + 2].trim() == "end";
        if flop_init {
            i += 3;
            continue;
        }
        out.push_str(lines[i]);
        out.push('\n');
        i += 1;
    }
    out
}

fn main() {
    // rust-hdl walks the tiled multiplier's deep hierarchy recursively.
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(build)
        .expect("spawn build thread")
        .join()
        .expect("build thread panicked");
}

fn build() {
    println!("cargo:rerun-if-changed=csrc/shim.cpp");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=../hdl/src");
    println!("cargo:rerun-if-changed=../hdl/lint");
    println!("cargo:rerun-if-env-changed=ZKCOPRO_SIM_MUL");

    let root = verilator_root();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let tiled = std::env::var("CARGO_FEATURE_TILED_MUL").is_ok()
        || std::env::var("ZKCOPRO_SIM_MUL").map(|v| v == "tiled").unwrap_or(false);
    let mul = if tiled { MulImpl::Tiled } else { MulImpl::Fast };
    println!("cargo:rustc-env=ZKCOPRO_SIM_MUL={}", mul.name());

    let waivers = out_dir.join("zkcopro.vlt");
    std::fs::write(&waivers, export::LINT_WAIVERS).unwrap();
    let models = [
        Model {
            prefix: "Vzk_top",
            top_name: "zkcopro_top",
            verilog: without_flop_power_up_values(&export::top_verilog(&TopConfig { mul }, "zkcopro_top")),
        },
        Model {
            prefix: "Vzk_units",
            top_name: "zkcopro_units",
            verilog: without_flop_power_up_values(&export::block_verilog(&FieldUnitsHarness::connected(), "zkcopro_units")),
        },
    ];

    let include = root.join("include");
    let base = |opt: u32| {
        let mut b = cc::Build::new();
        b.cpp(true)
            .std("c++17")
            .opt_level(opt)
            .debug(false)
            .warnings(false)
            .define("VM_TRACE", "1")
            .define("VM_TRACE_FST", "1")
            .include(&include)
            .include(include.join("vltstd"));
        b
    };
    // Verilator's `*__Slow.cpp` files hold code that runs once (construction,
    // initial blocks such as the ROM contents, the first settle): -O0 cuts
    // the build time a lot and costs no simulation speed.
    // The `quick-build` feature compiles everything at -O0: a build in a
    // fraction of the time for a model that simulates several times slower
    // (sweeps of many short runs over many hardware variants).
    let quick = std::env::var("CARGO_FEATURE_QUICK_BUILD").is_ok();
    let mut slow = base(0);
    let mut build = base(if quick { 0 } else { 2 });
    build
        .file(include.join("verilated.cpp"))
        .file(include.join("verilated_threads.cpp"))
        .file(include.join("verilated_fst_c.cpp"))
        .file("csrc/shim.cpp");
    for model in &models {
        let obj_dir = verilate(model, &out_dir, &waivers);
        build.include(&obj_dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&obj_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                name.ends_with(".cpp") && !name.contains("__ALL")
            })
            .collect();
        files.sort();
        slow.include(&obj_dir);
        for f in files {
            if f.file_name().unwrap().to_string_lossy().contains("__Slow") {
                slow.file(f);
            } else {
                build.file(f);
            }
        }
    }
    build.objects(slow.compile_intermediates());
    build.compile("zkcopro_sim");
    println!("cargo:rustc-link-lib=pthread");
    // The FST writer compresses with zlib.
    println!("cargo:rustc-link-lib=z");
}
