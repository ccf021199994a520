//! Whole-coprocessor resources from `scripts/synth.sh`'s per-design results.
//!
//! ```text
//! cargo run --release -p zkcopro-hdl --example synth_report -- <synth dir>
//! ```
//!
//! The top is synthesized flattened with its Montgomery multipliers as black
//! boxes (flattening them all does not finish on a 2-core machine); each
//! multiplier is synthesized once per field (`mul`, `mul_fr`). This sums
//! `top + n_fq * mul + n_fr * mul_fr`, prints the resources per block (the
//! multipliers of each engine, and the rest of the top), the total, and which
//! parts it fits, and appends a `coprocessor` entry to `<dir>/resources.json`.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::ExitCode;

const KEYS: [&str; 6] = ["DSP48E2", "LUT", "FF", "BRAM36", "BRAM18", "URAM"];

/// Device totals of the FPGAs on AWS F1 and Alveo cards (the cards' shells
/// take part of them).
const PARTS: [(&str, [f64; 5]); 3] = [
    // name, [DSP48E2, LUT, FF, BRAM36, URAM288]
    ("VU9P (AWS F1)", [6840.0, 1_182_240.0, 2_364_480.0, 2160.0, 960.0]),
    ("U55C (XCU55C)", [9024.0, 1_303_680.0, 2_607_360.0, 2016.0, 960.0]),
    ("U250 (XCU250)", [12288.0, 1_728_000.0, 3_456_000.0, 2688.0, 1280.0]),
];

fn load(path: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("parsing {path}: {e}"))
}

fn counts(v: &Value) -> [f64; 6] {
    KEYS.map(|k| v.get(k).and_then(Value::as_f64).unwrap_or(0.0))
}

fn add(acc: &mut [f64; 6], x: &[f64; 6], n: f64) {
    for i in 0..6 {
        acc[i] += n * x[i];
    }
}

fn run(dir: &str) -> Result<(), String> {
    let mul_fq = load(&format!("{dir}/mul/resources.json"))?;
    let mul_fr = load(&format!("{dir}/mul_fr/resources.json"))?;
    let top = load(&format!("{dir}/top/resources.json"))?;
    for (name, v) in [("mul", &mul_fq), ("mul_fr", &mul_fr), ("top", &top)] {
        if v.get("status").and_then(Value::as_str) != Some("ok") {
            return Err(format!("design `{name}` did not synthesize; run scripts/synth.sh --only top"));
        }
    }
    // "<module> <field> <block>" per black-boxed multiplier.
    let list = std::fs::read_to_string(format!("{dir}/top/multipliers.txt"))
        .map_err(|e| format!("reading {dir}/top/multipliers.txt: {e}"))?;
    let mut per_block: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for line in list.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [_, field, block] = parts.as_slice() else {
            return Err(format!("bad line in multipliers.txt: `{line}`"));
        };
        let e = per_block.entry(block.to_string()).or_default();
        match *field {
            "fq" => e.0 += 1,
            "fr" => e.1 += 1,
            _ => return Err(format!("bad field in multipliers.txt: `{line}`")),
        }
    }
    let (cq, cr, ct) = (counts(&mul_fq), counts(&mul_fr), counts(&top));
    let mut rows: Vec<(String, [f64; 6])> = vec![];
    let mut total = ct;
    let (mut n_fq, mut n_fr) = (0, 0);
    for (block, (fq, fr)) in &per_block {
        let mut r = [0.0; 6];
        add(&mut r, &cq, *fq as f64);
        add(&mut r, &cr, *fr as f64);
        add(&mut total, &r, 1.0);
        n_fq += fq;
        n_fr += fr;
        let what = match (fq, fr) {
            (0, r) => format!("{r} Fr"),
            (q, 0) => format!("{q} Fq"),
            (q, r) => format!("{q} Fq + {r} Fr"),
        };
        rows.push((format!("{block}: {what} multipliers"), r));
    }
    rows.push(("everything else (flattened top)".to_string(), ct));
    // Modules synth.sh had to leave out of the top (black boxes with no count).
    let left_out: Vec<String> = std::fs::read_to_string(format!("{dir}/top/left_out.txt"))
        .map(|t| t.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    println!("\nWhole coprocessor (Yosys synth_xilinx -family xcup; top flattened with its {} multipliers as black boxes, each multiplier synthesized once per field and counted per instance)", n_fq + n_fr);
    println!("{:<44} {:>8} {:>9} {:>9} {:>7} {:>7} {:>6}", "block", "DSP48E2", "LUT", "FF", "BRAM36", "BRAM18", "URAM");
    for (name, r) in rows.iter().chain(std::iter::once(&("total".to_string(), total))) {
        println!("{:<44} {:>8} {:>9} {:>9} {:>7} {:>7} {:>6}", name, r[0], r[1], r[2], r[3], r[4], r[5]);
    }
    for m in &left_out {
        println!("{m:<44} not synthesized: a register file no FPGA memory provides (see scripts/synth.sh); not in the total");
    }
    let need = [total[0], total[1], total[2], total[3] + total[4] / 2.0, total[5]];
    println!("\nFit (device totals; an Alveo or F1 shell takes part of them)");
    println!("{:<16} {:>8} {:>8} {:>8} {:>8} {:>8}  fits", "part", "DSP", "LUT", "FF", "BRAM", "URAM");
    let mut fits = vec![];
    for (part, cap) in PARTS {
        let pct: Vec<f64> = need.iter().zip(cap).map(|(n, c)| 100.0 * n / c).collect();
        let ok = pct.iter().all(|p| *p <= 100.0);
        println!(
            "{:<16} {:>7.1}% {:>7.1}% {:>7.1}% {:>7.1}% {:>7.1}%  {}",
            part, pct[0], pct[1], pct[2], pct[3], pct[4], if ok { "yes" } else { "no" }
        );
        fits.push(json!({"part": part, "fits": ok, "DSP48E2_pct": pct[0], "LUT_pct": pct[1],
            "FF_pct": pct[2], "BRAM_pct": pct[3], "URAM_pct": pct[4]}));
    }
    let obj = |r: &[f64; 6]| -> Value {
        let mut m = serde_json::Map::new();
        for (k, v) in KEYS.iter().zip(r) {
            m.insert(k.to_string(), json!(*v as u64));
        }
        Value::Object(m)
    };
    let mut entry = obj(&total);
    let extra = json!({
        "design": "coprocessor", "status": "ok",
        "method": "top flattened with multipliers as black boxes + n_fq * mul + n_fr * mul_fr",
        "multipliers": {"fq": n_fq, "fr": n_fr},
        "blocks": rows.iter().map(|(n, r)| { let mut o = obj(r); o["block"] = json!(n); o }).collect::<Vec<_>>(),
        "fit": fits,
        "left_out": left_out,
    });
    for (k, v) in extra.as_object().expect("object") {
        entry[k] = v.clone();
    }
    let all_path = format!("{dir}/resources.json");
    let mut all = load(&all_path).unwrap_or_else(|_| json!([]));
    let arr = all.as_array_mut().ok_or_else(|| format!("{all_path} is not a JSON array"))?;
    arr.retain(|d| d.get("design").and_then(Value::as_str) != Some("coprocessor"));
    arr.push(entry);
    std::fs::write(&all_path, serde_json::to_string_pretty(&all).unwrap_or_default())
        .map_err(|e| format!("writing {all_path}: {e}"))?;
    println!("JSON: {all_path} (design \"coprocessor\")");
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir] = args.as_slice() else {
        eprintln!("usage: synth_report <synth dir>");
        return ExitCode::from(2);
    };
    match run(dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
