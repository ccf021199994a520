//! `prove --proofs N`: several proofs of one circuit with its key resident
//! once, each with a fresh witness and fresh (r, s), each checked identical
//! to ark-groth16's. Each proof's steps are measured on their own; the
//! proofs' timelines are then laid on one host and one card
//! (`timeline::pipeline`): while the card runs one proof's jobs, the host
//! computes the next proof's witness and A, B, C, as a prover with a thread
//! per proof does.

use crate::prove::{ProveArgs, make_circuit};
use ark_bn254::{Bn254, Fr};
use ark_ff::UniformRand;
use ark_groth16::{Groth16, ProvingKey};
use ark_snark::SNARK;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use zkcopro_host::timeline::{Timeline, pipeline};
use zkcopro_host::{Bus, Coprocessor, DeviceProvingKey, ProveProfile};

/// Largest `--proofs`.
pub const MAX_PROOFS: usize = 64;

#[derive(Serialize)]
pub struct PipelineReport {
    pub proofs: usize,
    /// Every proof identical to ark-groth16's for its (r, s), and verified.
    pub all_identical: bool,
    /// The N proofs on one host and one card, pipelined.
    pub total_s: f64,
    pub per_proof_s: f64,
    /// The card's busy time over total_s.
    pub device_busy_share: f64,
    /// The same proofs one after another, each overlapped on its own.
    pub one_by_one_s: f64,
    /// arkworks_s (one proof) over per_proof_s.
    pub throughput_speedup_vs_arkworks: f64,
    pub timeline: Timeline,
}

/// Proves `a.proofs - 1` more times after `first` and pipelines them all.
pub fn more_proofs<B: Bus>(
    a: &ProveArgs,
    dev: &mut Coprocessor<B>,
    pk: &ProvingKey<Bn254>,
    key: &DeviceProvingKey,
    first: &ProveProfile,
    rng: &mut ChaCha8Rng,
) -> Result<PipelineReport, String> {
    let pvk = Groth16::<Bn254>::process_vk(&pk.vk).map_err(|e| e.to_string())?;
    let mut timelines = vec![first.timeline.clone()];
    let mut all_identical = true;
    for _ in 1..a.proofs {
        let circuit = make_circuit(a, rng);
        let (r, s) = (Fr::rand(rng), Fr::rand(rng));
        let (proof, profile) = dev.prove(pk, key, circuit.clone(), r, s).map_err(|e| e.to_string())?;
        let want = Groth16::<Bn254>::create_proof_with_reduction(circuit.clone(), pk, r, s).map_err(|e| e.to_string())?;
        let verified = Groth16::<Bn254>::verify_with_processed_vk(&pvk, &circuit.public_inputs(), &proof).map_err(|e| e.to_string())?;
        all_identical &= proof == want && verified;
        timelines.push(profile.timeline);
    }
    let one_by_one_s = timelines.iter().map(|t| t.end_s).sum();
    let timeline = pipeline(&timelines);
    let n = a.proofs;
    let total_s = timeline.end_s;
    Ok(PipelineReport {
        proofs: n,
        all_identical,
        total_s,
        per_proof_s: total_s / n as f64,
        device_busy_share: timeline.device_busy_s / total_s.max(f64::MIN_POSITIVE),
        one_by_one_s,
        throughput_speedup_vs_arkworks: 0.0,
        timeline,
    })
}

pub fn print(p: &PipelineReport) {
    let ms = |s: f64| s * 1e3;
    println!(
        "{} proofs pipelined (the next proof's witness and A, B, C on the host while the card runs this one's jobs): {:.2} ms, {:.2} ms a proof (the card busy {:.0}% of it), {:.2}x ark-groth16's time for one; {:.2} ms one by one; all identical to ark-groth16's and verified: {}",
        p.proofs,
        ms(p.total_s),
        ms(p.per_proof_s),
        100.0 * p.device_busy_share,
        p.throughput_speedup_vs_arkworks,
        ms(p.one_by_one_s),
        if p.all_identical { "yes" } else { "NO" }
    );
}
