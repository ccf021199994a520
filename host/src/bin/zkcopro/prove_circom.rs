//! `zkcopro prove --zkey FILE --wtns FILE`: a circom circuit's Groth16
//! proof with snarkjs's artifacts, on the coprocessor, against arkworks
//! (ark-groth16 with snarkjs's reduction) on the same input, written as
//! snarkjs's proof.json and public.json.

use crate::args::best_of;
use crate::prove::{ProofTiming, ProveArgs, ProveReport};
use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use zkcopro_host::circom::prove::{arkworks_circom_parts, card_bytes_needed, check_witness, public_signals};
use zkcopro_host::circom::snarkjs_json::{ProofJson, public_json};
use zkcopro_host::circom::{CircomReduction, R1csFile, Witness, Zkey};

#[derive(clap::Args, Clone, Debug, Default)]
pub struct CircomArgs {
    /// Prove a circom circuit: its snarkjs Groth16 proving key (.zkey), with --wtns.
    #[arg(long, value_name = "FILE", requires = "wtns", conflicts_with_all = ["circuit", "log_constraints"])]
    pub zkey: Option<PathBuf>,
    /// The circom circuit's witness (.wtns: `snarkjs wtns calculate`, or circom's witness generator).
    #[arg(long, value_name = "FILE", requires = "zkey")]
    pub wtns: Option<PathBuf>,
    /// The circuit's .r1cs: before proving, check that the zkey was made from it and the witness satisfies it.
    #[arg(long, value_name = "FILE", requires = "zkey")]
    pub r1cs: Option<PathBuf>,
    /// Write the proof as snarkjs's proof.json here.
    #[arg(long, value_name = "FILE", requires = "zkey")]
    pub proof_out: Option<PathBuf>,
    /// Write the public signals as snarkjs's public.json here.
    #[arg(long, value_name = "FILE", requires = "zkey")]
    pub public_out: Option<PathBuf>,
    /// Also time snarkjs's own `groth16 prove` on the same files, and verify our proof with `snarkjs groth16 verify`.
    #[arg(long, requires = "zkey")]
    pub compare_snarkjs: bool,
    /// The snarkjs command for --compare-snarkjs [default: testbenches/circom's, else snarkjs on PATH].
    #[arg(long, value_name = "CMD", requires = "compare_snarkjs")]
    pub snarkjs: Option<PathBuf>,
}

impl CircomArgs {
    pub fn check(&self) -> Result<(), String> {
        for (flag, path) in [("--zkey", &self.zkey), ("--wtns", &self.wtns), ("--r1cs", &self.r1cs)] {
            if let Some(p) = path {
                if !p.is_file() {
                    return Err(format!("{flag} {}: no such file", p.display()));
                }
            }
        }
        Ok(())
    }

    fn snarkjs_command(&self) -> PathBuf {
        if let Some(s) = &self.snarkjs {
            return s.clone();
        }
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testbenches/circom/node_modules/.bin/snarkjs");
        if bundled.is_file() { bundled } else { PathBuf::from("snarkjs") }
    }
}

/// The circuit's files, read and checked before the device is opened.
pub struct CircomInputs {
    zkey: Zkey,
    witness: Witness,
    r1cs_checked: bool,
    read_s: f64,
}

/// Reads and checks the files (`error:` and exit 2 on any problem).
pub fn load(a: &CircomArgs) -> Result<Option<CircomInputs>, String> {
    let (Some(zkey_path), Some(wtns_path)) = (&a.zkey, &a.wtns) else { return Ok(None) };
    let t = Instant::now();
    let zkey = Zkey::read_file(zkey_path).map_err(|e| format!("{}: {e}", zkey_path.display()))?;
    let witness = Witness::read_file(wtns_path).map_err(|e| format!("{}: {e}", wtns_path.display()))?;
    check_witness(&zkey, &witness).map_err(|e| e.to_string())?;
    if let Some(r1cs_path) = &a.r1cs {
        let r1cs = R1csFile::read_file(r1cs_path).map_err(|e| format!("{}: {e}", r1cs_path.display()))?;
        r1cs.check_zkey(&zkey).map_err(|e| e.to_string())?;
        r1cs.check_witness(&witness).map_err(|e| e.to_string())?;
    }
    let need = card_bytes_needed(&zkey);
    if need > zkcopro_sim::DEFAULT_CARD_MEM_BYTES {
        return Err(format!(
            "the zkey needs {:.1} GiB of card memory (its G1 queries and h(X)'s buffers for a domain of {}), the card has {:.1} GiB",
            need as f64 / (1u64 << 30) as f64,
            zkey.domain_size,
            zkcopro_sim::DEFAULT_CARD_MEM_BYTES as f64 / (1u64 << 30) as f64
        ));
    }
    Ok(Some(CircomInputs { zkey, witness, r1cs_checked: a.r1cs.is_some(), read_s: t.elapsed().as_secs_f64() }))
}

/// What a circom proof adds to the report.
#[derive(Clone, Debug, Serialize)]
pub struct CircomExtras {
    pub zkey: PathBuf,
    pub wtns: PathBuf,
    pub public_signals: usize,
    /// Reading and checking the zkey and witness (and the r1cs when given), outside end_to_end_s.
    pub read_files_s: f64,
    pub r1cs_checked: bool,
    pub proof_out: Option<PathBuf>,
    pub public_out: Option<PathBuf>,
    /// `snarkjs groth16 prove` on the same files: the whole command (node's
    /// start and reading the files included), when --compare-snarkjs.
    pub snarkjs_prove_s: Option<f64>,
    pub speedup_vs_snarkjs: Option<f64>,
    /// `snarkjs groth16 verify` on our proof.json and public.json.
    pub snarkjs_verified: Option<bool>,
}

pub fn measure(a: &ProveArgs, inputs: CircomInputs, quiet: bool) -> Result<ProveReport, String> {
    let c = &a.circom;
    let CircomInputs { zkey, witness, r1cs_checked, read_s } = inputs;
    let seed = a.run.seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let name = c.zkey.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if !quiet {
        println!(
            "zkcopro prove: Groth16 over BN254, circom circuit {name} ({} constraints, {} public signals, domain {}), backend {:?} (multiplier: {}), seed {seed}, clock {} MHz",
            zkey.num_constraints,
            zkey.n_public,
            zkey.domain_size,
            a.run.backend,
            a.run.multiplier(),
            a.run.clock_mhz
        );
    }
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let spinner = crate::args::spinner(quiet, "loading the zkey into card memory");
    let mut dev = a.run.open().map_err(|e| e.to_string())?;
    dev.set_host_timing_runs(a.host_runs);
    let (key, load) = dev.load_zkey(&zkey).map_err(|e| e.to_string())?;
    spinner.set_message("proving on the coprocessor");
    let (proof, profile) = dev.prove_circom(&zkey, &key, &witness, r, s).map_err(|e| e.to_string())?;
    dev.free_proving_key(key).map_err(|e| e.to_string())?;

    spinner.set_message("arkworks (ark-groth16, snarkjs's reduction) on the same input");
    // The matrices as ark-circom reads them with the key (not timed, as
    // our key load is not).
    let matrices = zkey.ark_matrices();
    let (ark_proof, arkworks_s) = best_of(2, || {
        Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
            &zkey.pk,
            r,
            s,
            &matrices,
            zkey.num_instance(),
            zkey.num_constraints,
            &witness.values,
        )
    });
    let ark_proof = ark_proof.map_err(|e| format!("ark-groth16: {e}"))?;
    let mut ark_parts = [f64::INFINITY; 8];
    for _ in 0..2 {
        let (t, p) = arkworks_circom_parts(&zkey, &matrices, &witness, r, s).map_err(|e| e.to_string())?;
        assert_eq!(p, ark_proof, "the timed parts compute ark-groth16's proof");
        for (best, t) in ark_parts.iter_mut().zip(t) {
            *best = best.min(t);
        }
    }
    drop(matrices);

    let public = public_signals(&zkey, &witness);
    let pvk = Groth16::<Bn254, CircomReduction>::process_vk(&zkey.pk.vk).map_err(|e| e.to_string())?;
    let verify = |inputs: &[Fr]| Groth16::<Bn254, CircomReduction>::verify_with_processed_vk(&pvk, inputs, &proof);
    let verified = verify(public).map_err(|e| e.to_string())?;
    let wrong_input_rejected = if public.is_empty() {
        // No public signal to change: a proof of another statement is all
        // a wrong input could be; count it as rejected only if verifying
        // with an extra input fails (arkworks refuses the length).
        verify(&[Fr::from(1u64)]).map(|ok| !ok).unwrap_or(true)
    } else {
        let mut wrong = public.to_vec();
        wrong[0] += Fr::from(1u64);
        !verify(&wrong).map_err(|e| e.to_string())?
    };

    let proof_json = ProofJson::new(&proof).to_string_pretty();
    let public_text = public_json(public);
    for (path, text) in [(&c.proof_out, &proof_json), (&c.public_out, &public_text)] {
        if let Some(p) = path {
            std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    let (snarkjs_prove_s, snarkjs_verified) = if c.compare_snarkjs {
        spinner.set_message("snarkjs groth16 prove on the same files");
        let (t, ok) = snarkjs_compare(&c.snarkjs_command(), c, &proof_json, &public_text)?;
        (Some(t), Some(ok))
    } else {
        (None, None)
    };
    spinner.finish_and_clear();

    let e2e = profile.end_to_end_s.max(f64::MIN_POSITIVE);
    Ok(ProveReport {
        circuit: name,
        backend: a.run.backend,
        multiplier: a.run.multiplier(),
        seed,
        clock_hz: a.run.clock_hz(),
        num_constraints: zkey.num_constraints,
        num_instance_variables: zkey.num_instance(),
        num_witness_variables: zkey.n_vars - zkey.num_instance(),
        domain_size: zkey.domain_size,
        constraints: zkey.num_constraints,
        domain: zkey.domain_size,
        verified,
        identical_to_arkworks: proof == ark_proof,
        wrong_input_rejected,
        timing: ProofTiming::new(&profile, ark_parts, arkworks_s),
        pipelined: None,
        setup_s: 0.0,
        load_key_s: load.total_s,
        load_key_matrices_s: load.matrices_s,
        load_key_bases_s: load.bases.total_s,
        sim_s: profile.sim_s,
        host_timing_runs: a.host_runs,
        peak_host_memory_bytes: crate::args::peak_host_memory_bytes(),
        profile,
        circom: Some(CircomExtras {
            zkey: c.zkey.clone().unwrap_or_default(),
            wtns: c.wtns.clone().unwrap_or_default(),
            public_signals: public.len(),
            read_files_s: read_s,
            r1cs_checked,
            proof_out: c.proof_out.clone(),
            public_out: c.public_out.clone(),
            snarkjs_prove_s,
            speedup_vs_snarkjs: snarkjs_prove_s.map(|t| t / e2e),
            snarkjs_verified,
        }),
    })
}

/// snarkjs's own prove on the same files (timed as a command), and its
/// verdict on our proof (with the verifying key it exports from the zkey).
fn snarkjs_compare(snarkjs: &Path, c: &CircomArgs, proof_json: &str, public_text: &str) -> Result<(f64, bool), String> {
    let dir = std::env::temp_dir().join(format!("zkcopro-snarkjs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let run = |args: &[&std::ffi::OsStr]| -> Result<std::process::Output, String> {
        Command::new(snarkjs).args(args).output().map_err(|e| format!("{}: {e} (is node/snarkjs installed?)", snarkjs.display()))
    };
    let (zkey, wtns) = (c.zkey.as_ref().expect("zkey"), c.wtns.as_ref().expect("wtns"));
    let (their_proof, their_public, vkey) = (dir.join("snarkjs_proof.json"), dir.join("snarkjs_public.json"), dir.join("vkey.json"));
    let t = Instant::now();
    let out = run(&["groth16".as_ref(), "prove".as_ref(), zkey.as_os_str(), wtns.as_os_str(), their_proof.as_os_str(), their_public.as_os_str()])?;
    let prove_s = t.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!("snarkjs groth16 prove failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let out = run(&["zkey".as_ref(), "export".as_ref(), "verificationkey".as_ref(), zkey.as_os_str(), vkey.as_os_str()])?;
    if !out.status.success() {
        return Err(format!("snarkjs zkey export verificationkey failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let (ours, ours_public) = (dir.join("proof.json"), dir.join("public.json"));
    std::fs::write(&ours, proof_json).map_err(|e| e.to_string())?;
    std::fs::write(&ours_public, public_text).map_err(|e| e.to_string())?;
    let out = run(&["groth16".as_ref(), "verify".as_ref(), vkey.as_os_str(), ours_public.as_os_str(), ours.as_os_str()])?;
    let verified = out.status.success() && String::from_utf8_lossy(&out.stdout).contains("OK");
    let _ = std::fs::remove_dir_all(&dir);
    Ok((prove_s, verified))
}

pub fn print_extras(r: &ProveReport, c: &CircomExtras) {
    let ms = |s: f64| s * 1e3;
    println!(
        "Not in the proof time: reading and checking the zkey and witness{} {:.1} ms; zkey loaded once {:.1} ms (A and B's matrices {:.1} ms, G1 queries into card memory {:.1} ms); simulation took {:.1} s.",
        if c.r1cs_checked { " (and the r1cs: the witness satisfies it, the key was made from it)" } else { "" },
        ms(c.read_files_s),
        ms(r.load_key_s),
        ms(r.load_key_matrices_s),
        ms(r.load_key_bases_s),
        r.sim_s
    );
    if let Some(b) = r.peak_host_memory_bytes {
        println!("Peak host memory of the whole command (key, witness, simulator and arkworks' runs): {:.0} MiB.", b as f64 / (1u64 << 20) as f64);
    }
    if let (Some(t), Some(x)) = (c.snarkjs_prove_s, c.speedup_vs_snarkjs) {
        println!(
            "snarkjs groth16 prove on the same files: {:.1} ms as a command (node's start and file reads included), {x:.2}x our proof; snarkjs groth16 verify on our proof: {}",
            ms(t),
            if c.snarkjs_verified == Some(true) { "OK" } else { "REJECTED" }
        );
    }
    for (what, p) in [("proof.json", &c.proof_out), ("public.json", &c.public_out)] {
        if let Some(p) = p {
            println!("Wrote {what}: {} (snarkjs groth16 verify takes it)", p.display());
        }
    }
}
