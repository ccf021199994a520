//! `zkcopro qap-h`: Groth16's h(X) chain on its own, from A, B and C's
//! evaluations over the QAP domain to h's coefficients, on device buffers
//! (`Coprocessor::qap_h`), against the same chain in ark-poly as
//! ark-groth16's `LibsnarkReduction` runs it, on the same input.

use crate::args::{RunArgs, best_of, check_transform_log, emit, spinner, warm_host};
use ark_bn254::Fr;
use ark_ff::{FftField, Field, UniformRand};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use clap::Args;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use zkcopro_host::{Backend, DriverError};

#[derive(Args, Clone)]
pub struct QapHArgs {
    /// log2 of the QAP domain (1..=28; Groth16's SHA-256 preimage circuit has 2^16).
    #[arg(long, default_value_t = 16)]
    pub log_size: u32,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Host bytes per point a run holds at once: A, B, C and h on the host (and
/// arkworks' copies), the driver's staging, three device buffers and their
/// scratch, the domain's twiddles (estimate).
const HOST_BYTES_PER_POINT: u64 = 16 * 32;

impl QapHArgs {
    pub fn check(&self) -> Result<(), String> {
        check_transform_log("qap-h", self.log_size, HOST_BYTES_PER_POINT)?;
        self.run.check()
    }
}

#[derive(Serialize, Clone)]
pub struct QapHReport {
    pub log_size: u32,
    pub n: usize,
    pub backend: Backend,
    pub multiplier: &'static str,
    pub seed: u64,
    /// h identical to the ark-poly chain's, element for element.
    pub verified: bool,
    /// NTTs on the device (the element-wise identity in `qap_h` spares one)
    /// and in ark-groth16's reduction.
    pub device_transforms: u32,
    pub arkworks_transforms: u32,
    pub device_cycles: u64,
    pub device_jobs: u64,
    pub mem_read_bytes: u64,
    pub mem_write_bytes: u64,
    pub projected_device_s: f64,
    pub projected_bus_s: f64,
    pub glue_s: f64,
    pub transfer_s: f64,
    pub end_to_end_s: f64,
    pub glue_share: f64,
    pub arkworks_s: f64,
    pub speedup_vs_arkworks: f64,
    pub sim_s: f64,
}

pub fn run(a: &QapHArgs) -> Result<bool, DriverError> {
    let json = a.run.json;
    let seed = a.run.seed();
    let n = 1usize << a.log_size;
    let multiplier = a.run.multiplier();
    if !json {
        println!(
            "zkcopro qap-h: Groth16's h(X) chain over a 2^{} domain, backend {:?} (multiplier: {multiplier}), seed {seed}",
            a.log_size, a.run.backend
        );
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let [ea, eb, ec]: [Vec<Fr>; 3] = std::array::from_fn(|_| (0..n).map(|_| Fr::rand(&mut rng)).collect());
    let mut dev = a.run.open()?;
    warm_host(&mut dev, n * 32);
    let spinner = spinner(json, "simulating the coprocessor");
    let (h, profile) = dev.qap_h(&ea, &eb, &ec)?;
    spinner.finish_and_clear();
    let (reference, arkworks_s) = best_of(3, || libsnark_chain(&ea, &eb, &ec));
    let r = QapHReport {
        log_size: a.log_size,
        n,
        backend: a.run.backend,
        multiplier,
        seed,
        verified: h == reference,
        device_transforms: zkcopro_host::groth16::QAP_H_TRANSFORMS,
        arkworks_transforms: LIBSNARK_TRANSFORMS,
        device_cycles: profile.device_cycles,
        device_jobs: profile.jobs,
        mem_read_bytes: profile.mem_bytes,
        mem_write_bytes: profile.mem_write_bytes,
        projected_device_s: profile.projected_device_s,
        projected_bus_s: profile.projected_bus_s,
        glue_s: profile.glue_s,
        transfer_s: profile.transfer_s,
        end_to_end_s: profile.end_to_end_s,
        glue_share: profile.glue_share,
        arkworks_s,
        speedup_vs_arkworks: arkworks_s / profile.end_to_end_s.max(f64::MIN_POSITIVE),
        sim_s: profile.sim_s,
    };
    emit(&r, json, print);
    Ok(r.verified)
}

/// Transforms in `libsnark_chain`: three inverse, three coset, one inverse coset.
const LIBSNARK_TRANSFORMS: u32 = 7;

/// The chain as ark-groth16's `LibsnarkReduction::witness_map_from_matrices`
/// runs it after evaluating the constraints: A, B, C to coefficients and onto
/// the coset g H, (A B - C) / Z_H(g) there, back to coefficients.
fn libsnark_chain(a: &[Fr], b: &[Fr], c: &[Fr]) -> Vec<Fr> {
    let domain = Radix2EvaluationDomain::<Fr>::new(a.len()).expect("size checked");
    let coset = domain.get_coset(Fr::GENERATOR).expect("nonzero offset");
    let to_coset = |v: &[Fr]| {
        let mut v = v.to_vec();
        domain.ifft_in_place(&mut v);
        coset.fft_in_place(&mut v);
        v
    };
    let (a, b) = (to_coset(a), to_coset(b));
    let mut ab = domain.mul_polynomials_in_evaluation_domain(&a, &b);
    drop((a, b));
    let c = to_coset(c);
    let z_inv = domain.evaluate_vanishing_polynomial(Fr::GENERATOR).inverse().expect("g is outside H");
    ab.par_iter_mut().zip(c).for_each(|(x, c)| {
        *x -= &c;
        *x *= &z_inv;
    });
    coset.ifft_in_place(&mut ab);
    ab
}

fn print(r: &QapHReport) {
    let ms = |s: f64| s * 1e3;
    println!(
        "device: {} busy cycles in {} jobs ({} transforms; ark-groth16's reduction runs {}), card memory {:.1} MB read, {:.1} MB written",
        r.device_cycles,
        r.device_jobs,
        r.device_transforms,
        r.arkworks_transforms,
        r.mem_read_bytes as f64 / 1e6,
        r.mem_write_bytes as f64 / 1e6
    );
    println!(
        "time: glue {:.2} ms + transfer {:.2} ms + bus {:.3} ms + device {:.2} ms = {:.2} ms end to end (glue {:.0}%)",
        ms(r.glue_s),
        ms(r.transfer_s),
        ms(r.projected_bus_s),
        ms(r.projected_device_s),
        ms(r.end_to_end_s),
        100.0 * r.glue_share
    );
    println!("arkworks (ark-poly, release, parallel, the same chain): {:.2} ms -> speed-up {:.2}x", ms(r.arkworks_s), r.speedup_vs_arkworks);
    println!("simulation: {:.2} s", r.sim_s);
    println!("Result: {}", if r.verified { "h matches the ark-poly chain bit for bit" } else { "MISMATCH against the ark-poly chain" });
}
