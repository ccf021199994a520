//! `zkcopro prove`: a Groth16 proof with the heavy work on the coprocessor,
//! against ark-groth16 on the same input in the same run, step by step.

use crate::args::{RunArgs, best_of, check_host_memory, emit};
use crate::prove_circom::{CircomArgs, CircomExtras};
use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::Groth16;
use ark_snark::SNARK;
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::time::Instant;
use zkcopro_host::circuits::{AnyCircuit, Sha256Preimage, SquaringChain};
use zkcopro_host::groth16::{PROOF_PARTS, ProveProfile, arkworks_parts};
use zkcopro_host::{Backend, ProveError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CircuitKind {
    /// Knowledge of a 32-byte SHA-256 preimage (ark-crypto-primitives' gadget).
    Sha256,
    /// x -> x^2 + i, sized to a 2^K QAP domain (--log-constraints).
    Chain,
}

/// Accepted `--log-constraints` for the chain circuit.
pub const CHAIN_LOG_RANGE: std::ops::RangeInclusive<u32> = 2..=20;

#[derive(clap::Args, Clone)]
pub struct ProveArgs {
    /// The circuit to prove.
    #[arg(long, value_enum, default_value_t = CircuitKind::Sha256)]
    pub circuit: CircuitKind,
    /// Chain circuit: log2 of its constraint count (QAP domain 2^K; 2..=20).
    #[arg(long, default_value_t = 12)]
    pub log_constraints: u32,
    #[command(flatten)]
    pub circom: CircomArgs,
    /// Draw the proof's timeline (host, transfer and device lanes) as an SVG here.
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<std::path::PathBuf>,
    /// Built-in circuits: prove N times (fresh witness and randomness each,
    /// one resident key) and report them pipelined on one host and card.
    #[arg(long, default_value_t = 1)]
    pub proofs: usize,
    /// Run each host step after the witness N times and time the fastest,
    /// as arkworks' steps are timed (best of two); 1 times the first run.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub host_runs: usize,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Most runs of each host step `--host-runs` takes.
const MAX_HOST_RUNS: usize = 5;

/// Host bytes per constraint a proof holds at once (key, matrices, vectors; estimate).
const HOST_BYTES_PER_CONSTRAINT: u64 = 4096;

impl ProveArgs {
    pub fn check(&self) -> Result<(), String> {
        if !(1..=crate::prove_many::MAX_PROOFS).contains(&self.proofs) {
            return Err(format!("--proofs {} is outside 1..={}", self.proofs, crate::prove_many::MAX_PROOFS));
        }
        if !(1..=MAX_HOST_RUNS).contains(&self.host_runs) {
            return Err(format!("--host-runs {} is outside 1..={MAX_HOST_RUNS}", self.host_runs));
        }
        if self.circom.zkey.is_some() && self.proofs > 1 {
            return Err("--proofs takes the built-in circuits (a circom witness is one proof)".into());
        }
        if self.circom.zkey.is_some() {
            return self.circom.check().and_then(|()| self.run.check());
        }
        if self.circuit == CircuitKind::Chain {
            if !CHAIN_LOG_RANGE.contains(&self.log_constraints) {
                return Err(format!(
                    "--log-constraints {} is outside {}..={}",
                    self.log_constraints,
                    CHAIN_LOG_RANGE.start(),
                    CHAIN_LOG_RANGE.end()
                ));
            }
            check_host_memory(&format!("prove --log-constraints {}", self.log_constraints), HOST_BYTES_PER_CONSTRAINT << self.log_constraints)?;
        }
        self.run.check()
    }
}

#[derive(Serialize)]
pub struct PartRow {
    part: &'static str,
    on: &'static str,
    host_s: f64,
    transfer_s: f64,
    bus_s: f64,
    device_s: f64,
    total_s: f64,
    share: f64,
    arkworks_s: f64,
    speedup_vs_arkworks: f64,
}

#[derive(Serialize)]
pub struct ProveReport {
    /// sha256, chain, or the circom circuit's zkey file name.
    pub circuit: String,
    pub backend: Backend,
    pub multiplier: &'static str,
    pub seed: u64,
    pub clock_hz: f64,
    pub num_constraints: usize,
    pub num_instance_variables: usize,
    pub num_witness_variables: usize,
    pub domain_size: usize,
    /// The same as num_constraints and domain_size.
    pub constraints: usize,
    pub domain: usize,
    pub verified: bool,
    pub identical_to_arkworks: bool,
    pub wrong_input_rejected: bool,
    /// The proof's time and its parts, against arkworks'.
    #[serde(flatten)]
    pub timing: ProofTiming,
    /// `--proofs N` (N > 1): the N proofs pipelined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipelined: Option<crate::prove_many::PipelineReport>,
    /// Outside end_to_end_s: trusted setup, and the key's one-time load
    /// (the circuit's matrices extracted on the host, the G1 bases into card memory).
    pub setup_s: f64,
    pub load_key_s: f64,
    pub load_key_matrices_s: f64,
    pub load_key_bases_s: f64,
    pub sim_s: f64,
    /// Runs of each host step after the witness, the fastest timed (`--host-runs`).
    pub host_timing_runs: usize,
    /// The whole command's peak resident memory (key, witness, arkworks'
    /// run and the simulator included), bytes.
    pub peak_host_memory_bytes: Option<u64>,
    pub profile: ProveProfile,
    /// circom proofs: the files, their read time, snarkjs's own time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub circom: Option<CircomExtras>,
}

pub fn run(a: &ProveArgs) -> Result<bool, String> {
    let r = measure(a, a.run.json)?;
    draw_timeline(a, &r)?;
    emit(&r, a.run.json, print);
    let rest_ok = r.pipelined.as_ref().is_none_or(|p| p.all_identical);
    Ok(r.verified && r.identical_to_arkworks && r.wrong_input_rejected && rest_ok)
}

/// `run` for a circom circuit whose files were read beforehand.
pub fn run_circom(a: &ProveArgs, inputs: crate::prove_circom::CircomInputs) -> Result<bool, String> {
    let r = crate::prove_circom::measure(a, inputs, a.run.json)?;
    draw_timeline(a, &r)?;
    emit(&r, a.run.json, print);
    let snarkjs_ok = r.circom.as_ref().and_then(|c| c.snarkjs_verified) != Some(false);
    Ok(r.verified && r.identical_to_arkworks && r.wrong_input_rejected && snarkjs_ok)
}

/// `--timeline FILE`: the proof's lanes as an SVG.
fn draw_timeline(a: &ProveArgs, r: &ProveReport) -> Result<(), String> {
    let Some(path) = &a.timeline else { return Ok(()) };
    let t = &r.timing;
    let title = format!(
        "Groth16 proof, {} ({} constraints): {:.2} ms with host and card overlapped, {:.2} ms in turn ({} MHz)",
        r.circuit,
        r.num_constraints,
        t.end_to_end_s * 1e3,
        t.serial_s * 1e3,
        r.clock_hz / 1e6
    );
    match &r.pipelined {
        Some(p) => {
            let title = format!(
                "{} Groth16 proofs, {}, pipelined: {:.2} ms, {:.2} ms a proof ({} MHz)",
                p.proofs,
                r.circuit,
                p.total_s * 1e3,
                p.per_proof_s * 1e3,
                r.clock_hz / 1e6
            );
            crate::timeline_svg::timeline_svg(&p.timeline, &title, path)
        }
        None => crate::timeline_svg::timeline_svg(&r.profile.timeline, &title, path),
    }
}

/// A fresh instance of the chosen built-in circuit.
pub fn make_circuit(a: &ProveArgs, rng: &mut ChaCha8Rng) -> AnyCircuit {
    match a.circuit {
        CircuitKind::Sha256 => {
            let mut msg = vec![0u8; 32];
            rng.fill_bytes(&mut msg);
            AnyCircuit::Sha256(Sha256Preimage::new(msg))
        }
        CircuitKind::Chain => AnyCircuit::Chain(SquaringChain::with_log_constraints(Fr::rand(rng), a.log_constraints)),
    }
}

pub fn measure(a: &ProveArgs, quiet: bool) -> Result<ProveReport, String> {
    let seed = a.run.seed();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let circuit = make_circuit(a, &mut rng);
    if !quiet {
        println!(
            "zkcopro prove: Groth16 over BN254, circuit {:?}{}, backend {:?} (multiplier: {}), seed {seed}, clock {} MHz",
            a.circuit,
            if a.circuit == CircuitKind::Chain { format!(" (2^{} constraints)", a.log_constraints) } else { String::new() },
            a.run.backend,
            a.run.multiplier(),
            a.run.clock_mhz
        );
    }
    let spinner = crate::args::spinner(quiet, "trusted setup (ark-groth16)");
    let t0 = Instant::now();
    let pk = Groth16::<Bn254>::generate_random_parameters_with_reduction(circuit.clone(), &mut rng)
        .map_err(|e| format!("setup: {e}"))?;
    let setup_s = t0.elapsed().as_secs_f64();
    let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));

    spinner.set_message("loading the proving key into card memory");
    let mut dev = a.run.open().map_err(|e| e.to_string())?;
    dev.set_host_timing_runs(a.host_runs);
    let (key, load) = dev.load_proving_key(&pk, circuit.clone()).map_err(|e| e.to_string())?;
    spinner.set_message("proving on the coprocessor");
    let (proof, profile) = dev.prove(&pk, &key, circuit.clone(), r, s).map_err(|e: ProveError| e.to_string())?;
    let pipelined = if a.proofs > 1 {
        spinner.set_message(format!("{} more proofs", a.proofs - 1));
        Some(crate::prove_many::more_proofs(a, &mut dev, &pk, &key, &profile, &mut rng)?)
    } else {
        None
    };
    dev.free_proving_key(key).map_err(|e| e.to_string())?;

    spinner.set_message("ark-groth16 on the same input");
    // arkworks at its best: a warm-up, then the best of two whole proofs.
    let (ark_proof, arkworks_s) =
        best_of(2, || Groth16::<Bn254>::create_proof_with_reduction(circuit.clone(), &pk, r, s));
    let ark_proof = ark_proof.map_err(|e| format!("ark-groth16: {e}"))?;
    // Its parts: the best of two runs each.
    let mut ark_parts = [f64::INFINITY; 8];
    for _ in 0..2 {
        let (t, p) = arkworks_parts(&pk, circuit.clone(), r, s).map_err(|e| e.to_string())?;
        assert_eq!(p, ark_proof, "the timed parts compute ark-groth16's proof");
        for (best, t) in ark_parts.iter_mut().zip(t) {
            *best = best.min(t);
        }
    }
    spinner.finish_and_clear();

    let inputs = circuit.public_inputs();
    let pvk = Groth16::<Bn254>::process_vk(&pk.vk).map_err(|e| e.to_string())?;
    let verified = Groth16::<Bn254>::verify_with_processed_vk(&pvk, &inputs, &proof).map_err(|e| e.to_string())?;
    let mut wrong = inputs.clone();
    wrong[0] += Fr::from(1u64);
    let wrong_input_rejected = !Groth16::<Bn254>::verify_with_processed_vk(&pvk, &wrong, &proof).map_err(|e| e.to_string())?;

    Ok(ProveReport {
        circuit: format!("{:?}", a.circuit).to_lowercase(),
        backend: a.run.backend,
        multiplier: a.run.multiplier(),
        seed,
        clock_hz: a.run.clock_hz(),
        num_constraints: profile.num_constraints,
        num_instance_variables: profile.num_instance_variables,
        num_witness_variables: profile.num_witness_variables,
        domain_size: profile.domain_size,
        constraints: profile.num_constraints,
        domain: profile.domain_size,
        verified,
        identical_to_arkworks: proof == ark_proof,
        wrong_input_rejected,
        timing: ProofTiming::new(&profile, ark_parts, arkworks_s),
        pipelined: pipelined.map(|mut p| {
            p.throughput_speedup_vs_arkworks = arkworks_s / p.per_proof_s.max(f64::MIN_POSITIVE);
            p
        }),
        setup_s,
        load_key_s: load.total_s,
        load_key_matrices_s: load.matrices_s,
        load_key_bases_s: load.bases.total_s,
        sim_s: profile.sim_s,
        host_timing_runs: a.host_runs,
        peak_host_memory_bytes: crate::args::peak_host_memory_bytes(),
        profile,
        circom: None,
    })
}

/// A proof's figures, from its profile, against arkworks' whole proof and
/// parts (the same for built-in circuits and circom's).
#[derive(Serialize)]
pub struct ProofTiming {
    /// The proof's time: the critical path through the host, transfer and
    /// device lanes, host steps overlapping the device jobs started before
    /// them (`profile.timeline`).
    pub end_to_end_s: f64,
    /// The steps one after another (what the parts add up to).
    pub serial_s: f64,
    /// Busy time per lane, summed over the steps.
    pub glue_s: f64,
    pub transfer_s: f64,
    pub bus_s: f64,
    pub device_s: f64,
    /// Host time on the critical path over end_to_end_s; and glue_s over serial_s.
    pub glue_share: f64,
    pub serial_glue_share: f64,
    /// The critical path's time on each lane (they add up to end_to_end_s).
    pub critical_host_s: f64,
    pub critical_transfer_s: f64,
    pub critical_device_s: f64,
    pub arkworks_s: f64,
    /// arkworks_s over end_to_end_s, and over serial_s.
    pub speedup_vs_arkworks: f64,
    pub serial_speedup_vs_arkworks: f64,
    /// h(X) and the four G1 MSMs: ours against arkworks' same steps.
    pub heavy_s: f64,
    pub arkworks_heavy_s: f64,
    pub heavy_speedup_vs_arkworks: f64,
    pub parts: Vec<PartRow>,
}

impl ProofTiming {
    pub fn new(profile: &ProveProfile, ark_parts: [f64; 8], arkworks_s: f64) -> Self {
        let parts = part_rows(profile, ark_parts);
        let (heavy_s, arkworks_heavy_s) = heavy_sums(&parts);
        let t = &profile.timeline;
        ProofTiming {
            end_to_end_s: profile.end_to_end_s,
            serial_s: profile.serial_s,
            glue_s: profile.glue_s,
            transfer_s: profile.transfer_s,
            bus_s: profile.bus_s,
            device_s: profile.device_s,
            glue_share: profile.glue_share,
            serial_glue_share: profile.serial_glue_share,
            critical_host_s: t.critical_host_s,
            critical_transfer_s: t.critical_transfer_s,
            critical_device_s: t.critical_device_s,
            arkworks_s,
            speedup_vs_arkworks: arkworks_s / profile.end_to_end_s.max(f64::MIN_POSITIVE),
            serial_speedup_vs_arkworks: arkworks_s / profile.serial_s.max(f64::MIN_POSITIVE),
            heavy_s,
            arkworks_heavy_s,
            heavy_speedup_vs_arkworks: arkworks_heavy_s / heavy_s.max(f64::MIN_POSITIVE),
            parts,
        }
    }
}

/// Our steps summed part by part, beside arkworks' time for each part.
pub fn part_rows(profile: &ProveProfile, ark_parts: [f64; 8]) -> Vec<PartRow> {
    let serial = profile.serial_s.max(f64::MIN_POSITIVE);
    PROOF_PARTS
        .iter()
        .zip(ark_parts)
        .map(|(&part, ark)| {
            let steps: Vec<_> = profile.steps.iter().filter(|st| st.part == part).collect();
            let sum = |f: fn(&zkcopro_host::ProveStep) -> f64| steps.iter().map(|st| f(st)).sum::<f64>();
            let total = sum(|st| st.total_s);
            let on = match (steps.iter().any(|st| st.on == "host"), steps.iter().any(|st| st.on == "device")) {
                (true, true) => "host+device",
                (false, true) => "device",
                (true, false) => "host",
                (false, false) => "skipped",
            };
            PartRow {
                part,
                on,
                host_s: sum(|st| st.host_s),
                transfer_s: sum(|st| st.transfer_s),
                bus_s: sum(|st| st.bus_s),
                device_s: sum(|st| st.device_s),
                total_s: total,
                share: total / serial,
                arkworks_s: ark,
                speedup_vs_arkworks: if total > 0.0 { ark / total } else { 0.0 },
            }
        })
        .collect()
}

/// h(X) and the four G1 MSMs, ours and arkworks'.
pub fn heavy_sums(parts: &[PartRow]) -> (f64, f64) {
    let heavy = ["h(X)", "MSM H", "MSM L", "MSM A", "MSM B (G1)"];
    let ours = parts.iter().filter(|p| heavy.contains(&p.part)).map(|p| p.total_s).sum();
    let theirs = parts.iter().filter(|p| heavy.contains(&p.part)).map(|p| p.arkworks_s).sum();
    (ours, theirs)
}

pub fn print(r: &ProveReport) {
    let ms = |s: f64| s * 1e3;
    let t = &r.timing;
    println!(
        "{} constraints, {} public inputs, {} witnesses, QAP domain {}",
        r.num_constraints,
        r.num_instance_variables - 1,
        r.num_witness_variables,
        r.domain_size
    );
    println!(
        "\n{:<12} {:<11} {:>9} {:>8} {:>8} {:>10} {:>9} {:>6} {:>12} {:>9}",
        "step", "runs on", "host ms", "xfer ms", "bus ms", "device ms", "total ms", "share", "arkworks ms", "speed-up"
    );
    for p in &t.parts {
        println!(
            "{:<12} {:<11} {:>9.2} {:>8.2} {:>8.2} {:>10.2} {:>9.2} {:>5.1}% {:>12.2} {:>8.2}x",
            p.part,
            p.on,
            ms(p.host_s),
            ms(p.transfer_s),
            ms(p.bus_s),
            ms(p.device_s),
            ms(p.total_s),
            100.0 * p.share,
            ms(p.arkworks_s),
            p.speedup_vs_arkworks
        );
    }
    println!(
        "{:<12} {:<11} {:>9.2} {:>8.2} {:>8.2} {:>10.2} {:>9.2} {:>5.1}% {:>12.2} {:>8.2}x",
        "in turn",
        "",
        ms(t.glue_s),
        ms(t.transfer_s),
        ms(t.bus_s),
        ms(t.device_s),
        ms(t.serial_s),
        100.0,
        ms(t.arkworks_s),
        t.serial_speedup_vs_arkworks
    );
    println!(
        "{:<12} {:<11} {:>9.2} {:>8.2} {:>8.2} {:>10.2} {:>9.2} {:>6} {:>12.2} {:>8.2}x",
        "proof",
        "overlapped",
        ms(t.critical_host_s),
        ms(t.critical_transfer_s),
        0.0,
        ms(t.critical_device_s),
        ms(t.end_to_end_s),
        "",
        ms(t.arkworks_s),
        t.speedup_vs_arkworks
    );
    println!(
        "\nThe proof takes {:.2} ms: the host works while the card runs the jobs it started (the critical path: host {:.2} ms, transfers {:.2} ms, device {:.2} ms); {:.2} ms with every step in turn.",
        ms(t.end_to_end_s),
        ms(t.critical_host_s),
        ms(t.critical_transfer_s),
        ms(t.critical_device_s),
        ms(t.serial_s)
    );
    println!(
        "Glue {:.1}% of the proof's time ({:.1}% of the steps in turn). h(X) and the G1 MSMs: {:.2} ms against arkworks' {:.2} ms ({:.2}x).",
        100.0 * t.glue_share,
        100.0 * t.serial_glue_share,
        ms(t.heavy_s),
        ms(t.arkworks_heavy_s),
        t.heavy_speedup_vs_arkworks
    );
    if let Some(p) = &r.pipelined {
        crate::prove_many::print(p);
    }
    if let Some(c) = &r.circom {
        crate::prove_circom::print_extras(r, c);
    } else {
        println!(
            "Not in the proof time: trusted setup {:.0} ms; proving key loaded once {:.1} ms (the circuit's constraint matrices extracted and A, B, C's host buffers allocated {:.1} ms, G1 bases into card memory {:.1} ms); simulation took {:.1} s.",
            ms(r.setup_s),
            ms(r.load_key_s),
            ms(r.load_key_matrices_s),
            ms(r.load_key_bases_s),
            r.sim_s
        );
    }
    println!("arkworks column: ark-groth16's prover (release, parallel) on the same input, whole proof and each step best of two (steps timed call by call).");
    println!(
        "Result: proof {} ark-groth16's, {}; a wrong public input {}",
        if r.identical_to_arkworks { "identical to" } else { "DIFFERENT from" },
        if r.verified { "verifies" } else { "does NOT verify" },
        if r.wrong_input_rejected { "is rejected" } else { "is ACCEPTED" }
    );
}
