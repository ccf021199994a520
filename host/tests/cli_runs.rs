//! The CLI's report commands end to end on small sizes: `bench` writes
//! bench.json and three SVG plots whose figures are the runs it made (and the
//! published results beside them); `prove`
//! reports a verified proof identical to ark-groth16's, step by step.

use std::process::Command;

fn zkcopro(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_zkcopro")).args(args).output().expect("run zkcopro");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

#[test]
fn bench_writes_json_and_plots() {
    let dir = std::env::temp_dir().join(format!("zkcopro-bench-{}", std::process::id()));
    let d = dir.to_str().unwrap();
    let (ok, text) = zkcopro(&["bench", "--max-verilator-log", "8", "--max-log", "10", "--seed", "3", "--out", d]);
    assert!(ok, "{text}");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("bench.json")).unwrap()).unwrap();
    assert_eq!(report["verified"], true);
    assert_eq!(report["seed"], 3);
    let entries = report["entries"].as_array().unwrap();
    // MSM uniform and witness at 2^8 (Verilator) and 2^10 (model), NTT at
    // both, a 2^10 proof.
    assert_eq!(entries.len(), 7, "{entries:?}");
    for e in entries {
        let backend = if e["log_size"].as_u64().unwrap() <= 8 { "verilator" } else { "model" };
        assert_eq!(e["backend"], backend, "{e}");
        let e2e = e["end_to_end_s"].as_f64().unwrap();
        let parts: f64 = ["glue_s", "transfer_s", "bus_s", "device_s"].iter().map(|k| e[k].as_f64().unwrap()).sum();
        assert!((parts - e2e).abs() <= 1e-9 * e2e.max(1.0), "{e}: the split adds up");
        let speedup = e["speedup_vs_arkworks"].as_f64().unwrap();
        assert!((speedup - e["arkworks_s"].as_f64().unwrap() / e2e).abs() < 1e-6 * speedup, "{e}");
    }
    for plot in ["speedup.svg", "time_split.svg"] {
        let svg = std::fs::read_to_string(dir.join(plot)).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{plot} is a whole SVG");
        assert!(svg.contains("msm uniform") && svg.contains("groth16 chain"), "{plot} names the jobs");
    }
    // Published results beside the projected times: every committed row, with
    // this run's time where it has the job and size (none here, 2^10 at most).
    let anchors = report["anchors"].as_array().unwrap();
    assert_eq!(anchors.len(), zkcopro_host::anchors::published().len());
    for a in anchors {
        assert!(a["time_s"].as_f64().unwrap() > 0.0 && !a["source"].as_str().unwrap().is_empty(), "{a}");
        assert!(a["zkcopro_end_to_end_s"].is_null() && a["zkcopro_speedup"].is_null(), "{a}");
    }
    let svg = std::fs::read_to_string(dir.join("absolute.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "absolute.svg is a whole SVG");
    assert!(svg.contains("ICICLE") && svg.contains("not measured here"), "absolute.svg marks the published figures");
    assert!(text.contains("published results") && text.contains("Tachyon"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn prove_reports_an_identical_verified_proof() {
    let (ok, text) = zkcopro(&["prove", "--circuit", "chain", "--log-constraints", "6", "--seed", "5", "--json"]);
    assert!(ok, "{text}");
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    for flag in ["verified", "identical_to_arkworks", "wrong_input_rejected"] {
        assert_eq!(r[flag], true, "{flag}");
    }
    assert_eq!(r["domain_size"], 64);
    let parts = r["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 8);
    let total: f64 = parts.iter().map(|p| p["total_s"].as_f64().unwrap()).sum();
    assert!((total - r["serial_s"].as_f64().unwrap()).abs() < 1e-9, "the parts add up to the steps in turn");
    assert!(parts.iter().any(|p| p["on"] == "device") && parts.iter().any(|p| p["part"] == "MSM B (G2)" && p["on"] == "host"));
    // The overlapped time is the critical path, its lanes add up to it, and
    // it is no longer than the steps in turn.
    let e2e = r["end_to_end_s"].as_f64().unwrap();
    let lanes: f64 = ["critical_host_s", "critical_transfer_s", "critical_device_s"].iter().map(|k| r[k].as_f64().unwrap()).sum();
    assert!((lanes - e2e).abs() < 1e-9 * e2e.max(1.0), "the critical path's lanes add up");
    assert!(e2e <= r["serial_s"].as_f64().unwrap() + 1e-12);
    assert!((r["speedup_vs_arkworks"].as_f64().unwrap() - r["arkworks_s"].as_f64().unwrap() / e2e).abs() < 1e-6);
    // B's G2 MSM on the host runs while the card runs h(X)'s chain.
    let spans = r["profile"]["timeline"]["spans"].as_array().unwrap();
    let on = |lane: &str, part: &str| -> Vec<(f64, f64)> {
        spans
            .iter()
            .filter(|s| s["lane"] == lane && s["part"] == part)
            .map(|s| (s["start_s"].as_f64().unwrap(), s["end_s"].as_f64().unwrap()))
            .collect()
    };
    let (g0, g1) = on("host", "MSM B (G2)")[0];
    let chain = on("device", "h(X)");
    let (h0, h1) = (chain[0].0, chain[chain.len() - 1].1);
    assert!(g0 < h1 && h0 < g1, "G2 on the host [{g0}, {g1}] overlaps h(X) on the card [{h0}, {h1}]");
    assert_eq!(r["host_timing_runs"], 2, "host steps timed as arkworks' are, best of two");
    let end = spans.iter().map(|s| s["end_s"].as_f64().unwrap()).fold(0.0, f64::max);
    assert!((end - e2e).abs() < 1e-12, "the proof ends with its last span");
}

#[test]
fn prove_draws_its_timeline() {
    let path = std::env::temp_dir().join(format!("zkcopro-timeline-{}.svg", std::process::id()));
    let (ok, text) = zkcopro(&["prove", "--circuit", "chain", "--log-constraints", "6", "--seed", "6", "--backend", "model", "--timeline", path.to_str().unwrap()]);
    assert!(ok, "{text}");
    assert!(text.contains("overlapped") && text.contains("in turn"), "{text}");
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    for label in ["host", "transfer", "device", "MSM B (G2)", "critical path"] {
        assert!(svg.contains(label), "the timeline shows {label}");
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn qap_h_matches_the_ark_poly_chain() {
    let (ok, text) = zkcopro(&["qap-h", "--log-size", "8", "--seed", "5", "--json"]);
    assert!(ok, "{text}");
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["verified"], true);
    assert_eq!(r["n"], 256);
    assert!(r["device_cycles"].as_u64().unwrap() > 0 && r["device_jobs"].as_u64().unwrap() >= 8);
    let parts = ["glue_s", "transfer_s", "projected_bus_s", "projected_device_s"].map(|k| r[k].as_f64().unwrap());
    let sum: f64 = parts.iter().sum();
    assert!((sum - r["end_to_end_s"].as_f64().unwrap()).abs() < 1e-9, "the parts add up to end_to_end_s");
}

#[test]
fn prove_pipelines_several_proofs() {
    let (ok, text) = zkcopro(&["prove", "--circuit", "chain", "--log-constraints", "6", "--seed", "7", "--backend", "model", "--proofs", "3", "--json"]);
    assert!(ok, "{text}");
    let r: serde_json::Value = serde_json::from_str(&text).unwrap();
    let p = &r["pipelined"];
    assert_eq!(p["proofs"], 3);
    assert_eq!(p["all_identical"], true);
    let (total, one_by_one) = (p["total_s"].as_f64().unwrap(), p["one_by_one_s"].as_f64().unwrap());
    assert!(total <= one_by_one + 1e-12 && total >= r["end_to_end_s"].as_f64().unwrap());
    assert!((p["per_proof_s"].as_f64().unwrap() - total / 3.0).abs() < 1e-12);
    let spans = p["timeline"]["spans"].as_array().unwrap();
    for lane in ["host", "transfer", "device"] {
        let mut on: Vec<(f64, f64)> = spans
            .iter()
            .filter(|s| s["lane"] == lane)
            .map(|s| (s["start_s"].as_f64().unwrap(), s["end_s"].as_f64().unwrap()))
            .filter(|(a, b)| b > a)
            .collect();
        on.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(on.windows(2).all(|w| w[0].1 <= w[1].0 + 1e-12), "{lane}: one span at a time");
    }
    assert_eq!((0..3).filter(|k| spans.iter().any(|s| s["proof"] == *k)).count(), 3);
    for bad in [&["--proofs", "0"][..], &["--proofs", "65"], &["--proofs", "2", "--zkey", "x.zkey", "--wtns", "x.wtns"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_zkcopro")).arg("prove").args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn verilog_vitis_writes_the_kernel_package() {
    let dir = std::env::temp_dir().join(format!("zkcopro-vitis-{}", std::process::id()));
    let d = dir.to_str().unwrap();
    let (ok, text) = zkcopro(&["verilog", "--out", d, "--vitis", "--top-name", "zk_kernel"]);
    assert!(ok, "{text}");
    for f in ["zk_kernel.v", "zk_kernel.vlt", "zk_kernel_regs.md", "zk_kernel_regs.h", "kernel.xml", "package_xo.tcl", "zk_kernel.xdc", "README_vitis.md"] {
        assert!(dir.join(f).is_file(), "{f} written: {text}");
    }
    let xml = std::fs::read_to_string(dir.join("kernel.xml")).unwrap();
    assert!(xml.contains("<kernel name=\"zk_kernel\""), "the kernel takes the top's name");
    assert!(std::fs::read_to_string(dir.join("package_xo.tcl")).unwrap().contains("set kernel zk_kernel"));
    // Without --vitis only the Verilog bundle.
    std::fs::remove_dir_all(&dir).unwrap();
    let (ok, text) = zkcopro(&["verilog", "--out", d]);
    assert!(ok, "{text}");
    assert!(dir.join("zkcopro_top.v").is_file() && !dir.join("kernel.xml").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
