//! The CLI's report commands end to end on small sizes: `bench` writes
//! bench.json and two SVG plots whose figures are the runs it made; `prove`
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
    assert!((total - r["end_to_end_s"].as_f64().unwrap()).abs() < 1e-9, "the parts add up to the proof");
    assert!(parts.iter().any(|p| p["on"] == "device") && parts.iter().any(|p| p["part"] == "MSM B (G2)" && p["on"] == "host"));
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
