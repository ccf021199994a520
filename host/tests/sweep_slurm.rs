//! `zkcopro sweep --engine slurm` through a real Slurm (scripts/test.sh
//! brings up the single-node cluster of scripts/cluster.sh): 25 runs over
//! two builds, each build a batch job and its runs a job array after it;
//! every result verified against arkworks, a task made to fail reported
//! with its log while the rest merge, and the same sweep again submits
//! nothing.

mod common;

use common::{corrupt_key, report, scratch};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn cluster_up() {
    let q = Command::new("squeue").arg("-h").output();
    match q {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!(
            "squeue fails ({}): bring the cluster up with `sudo bash scripts/cluster.sh up` and export SLURM_CONF (scripts/cluster.sh env)",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => panic!("squeue: {e}: install Slurm (scripts/setup.sh) and run `sudo bash scripts/cluster.sh up`"),
    }
}

#[test]
fn slurm_sweep_over_two_builds_merges_reports_failures_and_resubmits_nothing() {
    cluster_up();
    let dir = scratch("slurm");
    let (zkey, wtns) = corrupt_key(&dir);
    let spec = dir.join("spec.toml");
    std::fs::write(
        &spec,
        format!(
            r#"
name = "ci-slurm"
# Cycle-accurate MSMs and NTTs on the default build,
[[job]]
kind = "msm"
params = {{ log_size = [5, 7], scalars = ["uniform", "witness"], seed = [1, 2] }}
[[job]]
kind = "ntt"
params = {{ log_size = [6, 9], seed = [1, 2] }}
# small NTTs on a second build (the verilated model at -O0),
[[job]]
name = "ntt-quick"
kind = "ntt"
build = {{ sim_opt = "quick" }}
params = {{ log_size = [4, 6, 8], seed = [1, 2], inverse = [false, true] }}
# and a run made to fail on the node: its key file is garbage.
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
    let run = || {
        let o = Command::new(env!("CARGO_BIN_EXE_zkcopro"))
            .arg("sweep")
            .arg(&spec)
            .arg("--engine")
            .arg("slurm")
            .arg("--out")
            .arg(&out)
            .args(["--wait-timeout", "1500", "--time", "20", "--build-time", "40"])
            .output()
            .expect("zkcopro sweep");
        println!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        (o.status.code(), report(&out))
    };
    let t0 = std::time::Instant::now();
    let (code, r) = run();
    println!("first sweep: {:.1} s", t0.elapsed().as_secs_f64());
    assert_eq!(code, Some(1), "one run fails, so the sweep's status is 1");
    assert_eq!(r["engine"], "slurm");
    assert_eq!(r["runs_total"], 25);
    assert_eq!(r["this_invocation"]["submitted"], 25);
    assert_eq!(r["done"], 24);
    assert_eq!(r["verified"], 24, "every result matches arkworks");
    assert_eq!(r["failed"], 1);
    let builds = r["builds"].as_array().unwrap();
    assert_eq!(builds.len(), 2);
    assert!(builds.iter().all(|b| b["built"] == true));
    let runs = r["runs"].as_array().unwrap();
    let hashes: std::collections::HashSet<&str> =
        runs.iter().filter(|x| x["status"] == "done").map(|x| x["build_hash"].as_str().unwrap()).collect();
    assert_eq!(hashes.len(), 2, "results on both builds");
    let failed = runs.iter().find(|x| x["status"] == "failed").unwrap();
    assert_eq!(failed["job"], "bad-key");
    let log = std::fs::read_to_string(failed["failure"]["log"].as_str().unwrap()).expect("the failed task's log");
    assert!(log.contains("error:"), "{log}");
    // It went through sbatch: one array task per run, Slurm's output files.
    let submitted: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("slurm/submitted.json")).unwrap()).unwrap();
    assert_eq!(submitted["runs"].as_object().unwrap().len(), 25);
    assert_eq!(submitted["builds"].as_object().unwrap().len(), 2);
    let slurm_outputs =
        std::fs::read_dir(out.join("logs")).unwrap().filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("slurm-")).count();
    assert_eq!(slurm_outputs, 25);
    assert!(out.join("plots/msm-device_cycles-vs-log_size.svg").is_file());

    // The same sweep again: nothing submitted, the same merge.
    let before = std::fs::read_to_string(out.join("slurm/submitted.json")).unwrap();
    let (code, r2) = run();
    assert_eq!(code, Some(1));
    assert_eq!(r2["this_invocation"]["submitted"], 0);
    assert_eq!(r2["this_invocation"]["builds_started"].as_array().unwrap().len(), 0);
    assert_eq!(r2["this_invocation"]["skipped_done"], 24);
    assert_eq!(r2["done"], 24);
    assert_eq!(std::fs::read_to_string(out.join("slurm/submitted.json")).unwrap(), before);
}

/// The long one (about 25 minutes on 2 CPUs): a 2^22-point MSM as 8 shards
/// of 2^19 points on 8 Verilator tasks through Slurm, the shards' sum equal
/// to arkworks' MSM of the whole input. `cargo test --release -p
/// zkcopro-host --test sweep_slurm -- --ignored --nocapture` with the
/// cluster up.
#[test]
#[ignore]
fn msm_2_22_in_8_sharded_tasks_is_exact() {
    cluster_up();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/test-sweep/msm-2-22");
    let o = Command::new(env!("CARGO_BIN_EXE_zkcopro"))
        .arg("sweep")
        .arg(root.join("testbenches/sweeps/msm_2_22_sharded.toml"))
        .args(["--engine", "slurm", "--out"])
        .arg(&out)
        .output()
        .expect("zkcopro sweep");
    println!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0));
    let r = report(&out);
    assert_eq!(r["done"], 8);
    assert_eq!(r["verified"], 8);
    let s = &r["sharded"][0];
    assert_eq!(s["shards"], 8);
    assert_eq!(s["log_size"], 22);
    assert_eq!(s["verified"], true, "the shards' sum is arkworks' MSM of all 2^22 points");
}
