//! Bad CLI arguments are refused before any allocation or simulation: one
//! `error:` line on stderr, exit code 2, at once.

use std::process::Command;
use std::time::{Duration, Instant};

fn refused(args: &[&str], says: &str) {
    let t0 = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_zkcopro")).args(args).output().expect("run zkcopro");
    let elapsed = t0.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: one line, got {stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains(says), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing ran");
    assert!(elapsed < Duration::from_secs(2), "{args:?}: took {elapsed:?}");
}

#[test]
fn out_of_range_arguments_are_refused_at_once() {
    refused(&["demo", "--count", "0"], "--count 0");
    refused(&["demo", "--count", "100000000000"], "--count 100000000000");
    refused(&["ntt", "--log-size", "40"], "--log-size 40");
    refused(&["msm", "--log-size", "25"], "--log-size 25");
    refused(&["msm", "--window", "40"], "--window 40");
    refused(&["msm", "--window", "14"], "buckets");
    refused(&["msm", "--window", "13", "--split", "4"], "bucket memory");
    refused(&["msm", "--window", "13", "--split", "20"], "below W = 20");
    refused(&["demo", "--clock-mhz", "0"], "--clock-mhz");
    refused(&["msm", "--clock-mhz", "inf"], "--clock-mhz");
    refused(&["msm", "--trace", "/nonexistent-dir/t.vcd"], "does not exist");
    refused(&["ntt", "--backend", "model", "--trace", "t.vcd"], "verilator backend");
    refused(&["msm", "--trace", "t.txt"], ".fst or .vcd");
    refused(&["msm", "--trace", "t.fst", "--trace-from", "500", "--trace-to", "400"], "ends");
    refused(&["msm", "--trace", "t.fst", "--trace-scope", "zkcopro_top.msm"], "scope");
    refused(&["msm", "--trace-depth", "3"], "needs --trace");
    refused(&["ntt", "--log-size", "0"], "--log-size 0");
    refused(&["qap-h", "--log-size", "0"], "--log-size 0");
    refused(&["qap-h", "--log-size", "29"], "--log-size 29");
    refused(&["bench", "--max-log", "30"], "--max-log 30");
    refused(&["bench", "--max-verilator-log", "18", "--max-log", "16"], "above --max-log");
}
