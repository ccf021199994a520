//! `zkcopro prove --zkey --wtns` on circuits made by circom 2 and snarkjs
//! (scripts/circom_fixtures.sh): the proof verifies, equals arkworks',
//! snarkjs accepts the proof.json and public.json it writes; bad files are
//! one `error:` line and exit code 2, before anything runs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let out = Command::new("bash").arg(root.join("scripts/circom_fixtures.sh")).arg(name).output().expect("bash");
    assert!(out.status.success(), "circom_fixtures.sh {name}: {}", String::from_utf8_lossy(&out.stderr));
    root.join("target/circom").join(name)
}

fn zkcopro(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_zkcopro")).args(args).output().expect("run zkcopro")
}

fn refused(args: &[&std::ffi::OsStr], says: &str) {
    let out = zkcopro(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: one line, got {stderr}");
    assert!(stderr.starts_with("error: ") && stderr.contains(says), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing ran");
}

#[test]
fn prove_a_circom_circuit_and_snarkjs_verifies_it() {
    let dir = fixture("merkle_8");
    let out_dir = dir.join("cli");
    std::fs::create_dir_all(&out_dir).unwrap();
    let (proof, public) = (out_dir.join("proof.json"), out_dir.join("public.json"));
    let zkey = dir.join("merkle_8.zkey");
    let wtns = dir.join("witness.wtns");
    let r1cs = dir.join("merkle_8.r1cs");
    let args: Vec<&std::ffi::OsStr> = vec![
        "prove".as_ref(),
        "--zkey".as_ref(),
        zkey.as_os_str(),
        "--wtns".as_ref(),
        wtns.as_os_str(),
        "--r1cs".as_ref(),
        r1cs.as_os_str(),
        "--proof-out".as_ref(),
        proof.as_os_str(),
        "--public-out".as_ref(),
        public.as_os_str(),
        "--compare-snarkjs".as_ref(),
        "--backend".as_ref(),
        "model".as_ref(),
        "--seed".as_ref(),
        "3".as_ref(),
        "--json".as_ref(),
    ];
    let out = zkcopro(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_str(&text).expect("one JSON object");
    for flag in ["verified", "identical_to_arkworks", "wrong_input_rejected"] {
        assert_eq!(j[flag], true, "{flag}");
    }
    assert_eq!(j["circom"]["snarkjs_verified"], true);
    assert_eq!(j["circom"]["r1cs_checked"], true);
    assert_eq!(j["domain"], 4096);
    assert!(j["constraints"].as_u64().unwrap() > 2000);
    for key in ["end_to_end_s", "glue_share", "arkworks_s", "speedup_vs_arkworks"] {
        assert!(j[key].as_f64().unwrap() > 0.0, "{key}");
    }
    assert!(j["circom"]["snarkjs_prove_s"].as_f64().unwrap() > 0.0);
    // The files it wrote, checked by snarkjs here too.
    let snarkjs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testbenches/circom/node_modules/.bin/snarkjs");
    let v = Command::new(snarkjs)
        .args(["groth16", "verify"])
        .arg(dir.join("verification_key.json"))
        .arg(&public)
        .arg(&proof)
        .output()
        .unwrap();
    assert!(v.status.success() && String::from_utf8_lossy(&v.stdout).contains("OK"), "{}", String::from_utf8_lossy(&v.stdout));
}

#[test]
fn bad_circom_files_are_refused_at_once() {
    let dir = fixture("multiply");
    let other = fixture("merkle_8");
    let zkey = dir.join("multiply.zkey");
    let wtns = dir.join("witness.wtns");
    let tmp = dir.join("bad");
    std::fs::create_dir_all(&tmp).unwrap();
    let bytes = std::fs::read(&zkey).unwrap();
    let truncated = tmp.join("truncated.zkey");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let not_zkey = tmp.join("witness_as.zkey");
    std::fs::copy(&wtns, &not_zkey).unwrap();
    let p = |s: &str| -> std::ffi::OsString { s.into() };
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (vec![p("prove"), p("--zkey"), tmp.join("missing.zkey").into(), p("--wtns"), wtns.clone().into()], "no such file"),
        (vec![p("prove"), p("--zkey"), truncated.into(), p("--wtns"), wtns.clone().into()], "truncated"),
        (vec![p("prove"), p("--zkey"), not_zkey.into(), p("--wtns"), wtns.clone().into()], "not a zkey file"),
        (vec![p("prove"), p("--zkey"), zkey.clone().into(), p("--wtns"), other.join("witness.wtns").into()], "witness has"),
        (
            vec![p("prove"), p("--zkey"), zkey.clone().into(), p("--wtns"), wtns.clone().into(), p("--r1cs"), other.join("merkle_8.r1cs").into()],
            "disagree",
        ),
    ];
    for (args, says) in &cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        refused(&args, says);
    }
}

#[test]
fn setup_makes_a_zkey_prove_takes() {
    let dir = fixture("multiply");
    let out_dir = dir.join("cli_setup");
    std::fs::create_dir_all(&out_dir).unwrap();
    let zkey = out_dir.join("arkworks.zkey");
    let r1cs = dir.join("multiply.r1cs");
    let out = zkcopro(&["setup".as_ref(), "--r1cs".as_ref(), r1cs.as_os_str(), "--zkey-out".as_ref(), zkey.as_os_str(), "--seed".as_ref(), "2".as_ref()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("seed 2"));
    let wtns = dir.join("witness.wtns");
    let out = zkcopro(&["prove".as_ref(), "--zkey".as_ref(), zkey.as_os_str(), "--wtns".as_ref(), wtns.as_os_str(), "--backend".as_ref(), "model".as_ref(), "--json".as_ref()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(j["verified"], true);
    assert_eq!(j["identical_to_arkworks"], true);
    // Bad input: no file, and a file of another kind.
    let missing = out_dir.join("missing.r1cs");
    refused(&["setup".as_ref(), "--r1cs".as_ref(), missing.as_os_str(), "--zkey-out".as_ref(), zkey.as_os_str()], "no such file");
    refused(&["setup".as_ref(), "--r1cs".as_ref(), wtns.as_os_str(), "--zkey-out".as_ref(), zkey.as_os_str()], "not a r1cs file");
}
