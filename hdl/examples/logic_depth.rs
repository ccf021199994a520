//! Deepest register-to-register paths of a synthesized netlist.
//!
//! ```text
//! cargo run --release -p zkcopro-hdl --example logic_depth -- \
//!     <netlist.json> <top module> [--clock-mhz F] [--levels N] [--json OUT]
//! ```
//!
//! Reads Yosys's JSON (`write_json` after `synth_xilinx -flatten`), prices each
//! path with [DelayModel::ULTRASCALE_PLUS_2] and prints, per block (the first N
//! levels of the end point's name), the deepest path: LUT levels, carry bits,
//! modelled delay, the clock it supports and whether it meets `--clock-mhz`.
//! Used by `scripts/synth.sh`; the budget is documented in the README.

use std::collections::BTreeMap;
use std::process::ExitCode;
use zkcopro_hdl::depth::{DelayModel, Netlist, PathReport, block_of};

struct Args {
    netlist: String,
    top: String,
    clock_mhz: f64,
    levels: usize,
    json: Option<String>,
}

fn parse() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut pos = vec![];
    let (mut clock_mhz, mut levels, mut json) = (250.0, 1usize, None);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--clock-mhz" => {
                let v = it.next().ok_or("--clock-mhz needs a value")?;
                clock_mhz = v.parse().map_err(|_| format!("bad --clock-mhz `{v}`"))?;
                if !(1.0..=2000.0).contains(&clock_mhz) {
                    return Err("--clock-mhz must be 1..=2000".into());
                }
            }
            "--levels" => {
                let v = it.next().ok_or("--levels needs a value")?;
                levels = v.parse().map_err(|_| format!("bad --levels `{v}`"))?;
            }
            "--json" => json = Some(it.next().ok_or("--json needs a file")?),
            _ if a.starts_with("--") => return Err(format!("unknown option `{a}`")),
            _ => pos.push(a),
        }
    }
    let [netlist, top] = <[String; 2]>::try_from(pos).map_err(|_| "need <netlist.json> <top>".to_string())?;
    Ok(Args { netlist, top, clock_mhz, levels, json })
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\nusage: logic_depth <netlist.json> <top> [--clock-mhz F] [--levels N] [--json OUT]");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&args.netlist) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: reading {}: {e}", args.netlist);
            return ExitCode::FAILURE;
        }
    };
    let model = DelayModel::ULTRASCALE_PLUS_2;
    let paths = match Netlist::from_json(&text, &args.top).and_then(|n| n.paths(&model)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let budget_ns = 1000.0 / args.clock_mhz;
    // Deepest path per block (paths are sorted deepest first).
    let mut blocks: BTreeMap<String, &PathReport> = BTreeMap::new();
    for p in &paths {
        blocks.entry(block_of(&p.end, args.levels)).or_insert(p);
    }
    let mut rows: Vec<(&String, &&PathReport)> = blocks.iter().collect();
    rows.sort_by(|a, b| model.delay_ns(b.1.depth).total_cmp(&model.delay_ns(a.1.depth)));
    println!(
        "Logic depth ({} end points; model: {:.2} ns + {:.2} ns/LUT level + {:.4} ns/carry bit + {:.2} ns/carry chain + {:.2} ns/unregistered DSP + {:.2} ns from a memory read; budget {budget_ns:.2} ns at {} MHz)",
        paths.len(),
        model.fixed_ns,
        model.per_lut_ns,
        model.per_carry_bit_ns,
        model.per_carry_chain_ns,
        model.per_dsp_ns,
        model.ram_start_ns,
        args.clock_mhz
    );
    println!(
        "{:<36} {:>4} {:>6} {:>6} {:>4} {:>4} {:>8} {:>8} {:>5}  path",
        "block", "LUTs", "carry", "chains", "DSP", "RAM", "ns", "fmax", "meets"
    );
    let mut json_rows = vec![];
    for (block, p) in &rows {
        let ns = model.delay_ns(p.depth);
        let meets = ns <= budget_ns;
        println!(
            "{:<36} {:>4} {:>6} {:>6} {:>4} {:>4} {:>8.2} {:>8.1} {:>5}  {} -> {}",
            block,
            p.depth.luts,
            p.depth.carry_bits,
            p.depth.carry_chains,
            p.depth.dsps,
            p.depth.ram_start,
            ns,
            model.fmax_mhz(p.depth),
            if meets { "yes" } else { "NO" },
            p.start,
            p.end
        );
        json_rows.push(serde_json::json!({
            "block": block, "lut_levels": p.depth.luts, "carry_bits": p.depth.carry_bits, "carry_chains": p.depth.carry_chains, "dsps": p.depth.dsps, "ram_start": p.depth.ram_start,
            "delay_ns": ns, "fmax_mhz": model.fmax_mhz(p.depth), "meets_budget": meets,
            "start": p.start, "end": p.end,
        }));
    }
    let worst = paths.first();
    let fmax = worst.map(|p| model.fmax_mhz(p.depth)).unwrap_or(f64::INFINITY);
    println!("Deepest path supports {fmax:.1} MHz; budget {} MHz {}", args.clock_mhz, if fmax >= args.clock_mhz { "met" } else { "NOT met" });
    if let Some(out) = &args.json {
        let doc = serde_json::json!({
            "top": args.top, "clock_mhz": args.clock_mhz, "budget_ns": budget_ns,
            "model": {"fixed_ns": model.fixed_ns, "per_lut_ns": model.per_lut_ns, "per_carry_bit_ns": model.per_carry_bit_ns, "per_carry_chain_ns": model.per_carry_chain_ns, "per_dsp_ns": model.per_dsp_ns, "ram_start_ns": model.ram_start_ns},
            "fmax_mhz": fmax, "blocks": json_rows,
        });
        if let Err(e) = std::fs::write(out, serde_json::to_string_pretty(&doc).unwrap_or_default()) {
            eprintln!("error: writing {out}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
