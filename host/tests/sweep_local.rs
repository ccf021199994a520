//! `zkcopro sweep --engine local`: a sweep runs every run of its grid once,
//! keeps a failed run's log and still merges the others, combines a sharded
//! MSM and checks it against arkworks, skips what is done when run again,
//! and refuses a bad spec before running anything.

mod common;

use common::{corrupt_key, report, scratch};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn sweep(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zkcopro"))
        .arg("sweep")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("run zkcopro sweep")
}

#[test]
fn local_sweep_runs_merges_keeps_failures_and_skips_done_runs() {
    let dir = scratch("local");
    let (zkey, wtns) = corrupt_key(&dir);
    let spec = dir.join("spec.toml");
    std::fs::write(
        &spec,
        format!(
            r#"
name = "local-test"
[[job]]
kind = "msm"
params = {{ log_size = [4, 6], scalars = ["uniform", "witness"], seed = [3, 4], backend = "model" }}
[[job]]
name = "ntt-latency"
kind = "ntt"
params = {{ log_size = 8, seed = 5, mem_latency_ns = [50, 800] }}
[[job]]
name = "sharded"
kind = "msm"
shards = 4
params = {{ log_size = 8, seed = 9, scalars = "witness" }}
[[job]]
name = "bad-key"
kind = "prove"
params = {{ zkey = "{}", wtns = "{}", backend = "model" }}
[[plot]]
job = "msm"
x = "log_size"
y = "device_cycles"
series = "scalars"
"#,
            zkey.display(),
            wtns.display()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    let first = sweep(&spec, &out, &["--jobs", "2"]);
    let stdout = String::from_utf8_lossy(&first.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&first.stderr));
    // A failed run makes the sweep's status 1; everything else merged.
    assert_eq!(first.status.code(), Some(1));
    let r = report(&out);
    assert_eq!(r["runs_total"], 15);
    assert_eq!(r["done"], 14);
    assert_eq!(r["verified"], 14, "every done run matches arkworks");
    assert_eq!(r["failed"], 1);
    let runs = r["runs"].as_array().unwrap();
    let failed: Vec<&Value> = runs.iter().filter(|x| x["status"] == "failed").collect();
    assert_eq!(failed[0]["job"], "bad-key");
    let log = failed[0]["failure"]["log"].as_str().unwrap();
    let log_text = std::fs::read_to_string(log).expect("the failed run's log");
    assert!(log_text.contains("error:"), "the log says why: {log_text}");
    assert!(stdout.contains("FAILED") && stdout.contains(log), "the summary names the failure and its log");
    // The card-memory latency reaches the simulated card.
    let stalls = |ns: i64| {
        runs.iter().find(|x| x["job"] == "ntt-latency" && x["params"]["mem_latency_ns"] == ns).unwrap()["result"]
            ["mem_stall_cycles"]
            .as_u64()
            .unwrap()
    };
    assert!(stalls(800) > stalls(50), "longer latency, more stalls: {} vs {}", stalls(800), stalls(50));
    // The shards put back together: the sum is arkworks' MSM of the whole input.
    let sharded = r["sharded"].as_array().unwrap();
    assert_eq!(sharded.len(), 1);
    let s = &sharded[0];
    assert_eq!(s["shards"], 4);
    assert_eq!(s["verified"], true);
    let (multi, slowest, combine) =
        (s["projected_multi_card_s"].as_f64().unwrap(), s["slowest_shard_s"].as_f64().unwrap(), s["combine_s"].as_f64().unwrap());
    assert!((multi - (slowest + combine)).abs() < 1e-12, "slowest shard plus the combine");
    assert!(s["serial_shards_s"].as_f64().unwrap() > slowest);
    // The plot has a line per series.
    let plot = std::fs::read_to_string(out.join("plots/msm-device_cycles-vs-log_size.svg")).expect("plot");
    assert!(plot.contains("scalars=uniform") && plot.contains("scalars=witness"));

    // Again: nothing runs, the failure is reported again, results untouched.
    let stamp = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let result = out.join("results").join(format!("{}.json", runs[0]["key"].as_str().unwrap()));
    let before = stamp(&result);
    let again = sweep(&spec, &out, &[]);
    assert_eq!(again.status.code(), Some(1));
    let r2 = report(&out);
    assert_eq!(r2["this_invocation"]["submitted"], 0, "nothing new to run");
    assert_eq!(r2["this_invocation"]["skipped_done"], 14);
    assert_eq!(r2["this_invocation"]["skipped_failed"], 1);
    assert_eq!(r2["done"], 14);
    assert_eq!(stamp(&result), before);

    // --resubmit-failed runs only the failed one (which fails again).
    let retry = sweep(&spec, &out, &["--resubmit-failed"]);
    assert_eq!(retry.status.code(), Some(1));
    let r3 = report(&out);
    assert_eq!(r3["this_invocation"]["submitted"], 1);
    assert_eq!(r3["failed"], 1);
}

#[test]
fn a_shard_of_one_is_the_plain_run() {
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_zkcopro"))
            .args(["msm", "--log-size", "5", "--seed", "11", "--backend", "model", "--json"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let (plain, shard) = (run(&[]), run(&["--shard", "0/1"]));
    assert_eq!(plain["result"], shard["result"]);
    assert!(plain["result"]["x"].as_str().unwrap().len() == 64);
    let half = run(&["--shard", "1/2"]);
    assert_eq!(half["n"], 16);
    assert_eq!(half["shard_index"], 1);
    assert_ne!(half["result"], plain["result"]);
}

/// Each bad spec: exit 2, one error line saying what is wrong, nothing run.
#[test]
fn bad_specs_are_refused_before_anything_runs() {
    let dir = scratch("bad");
    let cases: [(&str, &str); 11] = [
        ("name = \"x\"\n[[job]]\nkind = \"fft\"\n", "job kind 'fft'"),
        ("name = \"x\"\n", "no [[job]]"),
        ("name = \"bad name\"\n[[job]]\nkind = \"ntt\"\n", "name 'bad name'"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\nparams = { log_size = [] }\n", "sweeps nothing"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\nparams = { log_size = 40 }\n", "--log-size 40"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\nparams = { colour = 3 }\n", "--colour"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\nparams = { json = true }\n", "set by the sweep"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\nbuild = { mul = \"huge\" }\n", "build mul = huge"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\nshards = 4\n", "shards are for msm"),
        ("name = \"x\"\n[[job]]\nkind = \"msm\"\nshards = 3\nparams = { log_size = 4 }\n", "power of two"),
        ("name = \"x\"\n[[job]]\nkind = \"ntt\"\n[[plot]]\njob = \"msm\"\nx = \"a\"\ny = \"b\"\n", "no such job"),
    ];
    for (i, (text, says)) in cases.iter().enumerate() {
        let spec = dir.join(format!("bad{i}.toml"));
        std::fs::write(&spec, text).unwrap();
        let out = dir.join(format!("out{i}"));
        let o = sweep(&spec, &out, &[]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "case {i}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains(says), "case {i}: expected '{says}' in {stderr}");
        assert!(!out.exists(), "case {i}: nothing written");
    }
    // Options of the other engine.
    let spec = dir.join("good.toml");
    std::fs::write(&spec, "name = \"x\"\n[[job]]\nkind = \"ntt\"\n").unwrap();
    for (flags, says) in [(&["--mem", "100"][..], "are for --engine slurm"), (&["--engine", "slurm", "--jobs", "2"][..], "--jobs is for")] {
        let o = sweep(&spec, &dir.join("o"), flags);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(says), "{flags:?}: {stderr}");
    }
    // A spec file that is missing or not TOML.
    let o = sweep(&dir.join("missing.toml"), &dir.join("o"), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    let spec = dir.join("garbage.toml");
    std::fs::write(&spec, "name = = 3").unwrap();
    let o = sweep(&spec, &dir.join("o"), &[]);
    assert_eq!(o.status.code(), Some(2));
}
