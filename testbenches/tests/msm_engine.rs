//! The MSM engine (`zkcopro_hdl::msm::MsmEngine`, with its scalar feed) on
//! its own, in rust-hdl's simulator (fast behavioural multipliers, the Rust
//! models of the bucket memory, flag table and lane selection): a short job
//! with small windows under random stream stalls on both sides and a
//! card-memory port that accepts requests at random and answers after random
//! delays, against the engine's reference model
//! (`msm::reference::bucket_bit_sums`) computed with arkworks points.

use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::{AdditiveGroup, AffineRepr, CurveGroup};
use ark_ff::{BigInt, Field, UniformRand, Zero};
use num_bigint::BigUint;
use rand::Rng;
use rust_hdl::prelude::*;
use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use zkcopro_hdl::field::MulImpl;
use zkcopro_hdl::msm::reference::{bucket_bit_sums, signed_digits};
use zkcopro_hdl::msm::{MSM_BEATS_PER_RESULT, MsmEngine};
use zkcopro_hdl::regmap;
use zkcopro_testbenches::seeded_rng;

fn mont(x: &Fq) -> Bits<256> {
    BigUint::from_slice(&x.0.0.iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect::<Vec<_>>()).into()
}

fn from_mont(x: Bits<256>) -> Fq {
    let x: BigUint = x.into();
    let mut limbs = [0u64; 4];
    for (i, d) in x.to_u64_digits().iter().enumerate() {
        limbs[i] = *d;
    }
    Fq::new_unchecked(BigInt(limbs))
}

/// (X : Y : Z) from the device, as an arkworks point (Z = 0: infinity).
fn to_ark(x: Bits<256>, y: Bits<256>, z: Bits<256>) -> G1Affine {
    let (x, y, z) = (from_mont(x), from_mont(y), from_mont(z));
    if z.is_zero() {
        return G1Affine::identity();
    }
    let zi = z.inverse().unwrap();
    let p = G1Affine::new_unchecked(x * zi, y * zi);
    assert!(p.is_on_curve(), "device result off the curve");
    p
}

#[test]
fn engine_in_rust_hdl_sim_matches_reference() {
    let mut rng = seeded_rng("engine_in_rust_hdl_sim_matches_reference");
    let (c, windows) = (4usize, 4usize);
    // Points: random, one repeated, and a point with its negation.
    let mut points: Vec<G1Affine> = (0..6).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
    points.push(points[0]);
    points.push((-points[1].into_group()).into_affine());
    let n = points.len();
    // Scalars < 2^13 so W = 4 windows of 4 bits hold their signed digits;
    // repeats make bucket conflicts, the negation makes a sum cancel.
    let mut scalars: Vec<u64> = (0..n).map(|_| rng.gen_range(1u64..1 << 13)).collect();
    scalars[6] = scalars[0];
    scalars[7] = scalars[1];
    scalars[2] = 0x777; // digits 7, 7, 7: three buckets j = 7
    scalars[4] = 0; // a zero scalar: dropped, its base never read
    let digits: Vec<Vec<i32>> = scalars.iter().map(|s| signed_digits(&[*s, 0, 0, 0], c, windows)).collect();
    assert!(digits.iter().flatten().any(|d| *d < 0), "some digit is negative");

    // One beat per scalar, Montgomery form as arkworks keeps it.
    let beats: Vec<Bits<256>> = scalars
        .iter()
        .map(|s| {
            let m = Fr::from(*s).0.0;
            BigUint::from_slice(&m.iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect::<Vec<_>>()).into()
        })
        .collect();
    // Card memory: base i at BASES + 64 i.
    const BASES: u64 = 0x4_0000_0000;
    let records: Vec<Bits<512>> = points
        .iter()
        .map(|p| {
            let x: BigUint = mont(&p.x).into();
            let y: BigUint = mont(&p.y).into();
            let r: BigUint = x | (y << 256);
            r.into()
        })
        .collect();

    let mut uut = MsmEngine::new(MulImpl::Fast);
    uut.clock.connect();
    uut.reset_n.connect();
    uut.start.connect();
    uut.job_field.connect();
    uut.job_count.connect();
    uut.job_window_bits.connect();
    uut.job_windows.connect();
    uut.job_first_window.connect();
    uut.job_end_window.connect();
    uut.job_bases_addr.connect();
    uut.job_bases_count.connect();
    uut.mem_req_ready.connect();
    uut.mem_rsp_valid.connect();
    uut.mem_rsp_data.connect();
    uut.mem_rsp_error.connect();
    uut.s_tdata.connect();
    uut.s_tvalid.connect();
    uut.s_tlast.connect();
    uut.m_tready.connect();
    uut.connect_all();

    type Got = (Vec<Bits<256>>, Vec<bool>, u32, [u32; 3], Vec<u64>);
    let got: Arc<Mutex<Got>> = Arc::new(Mutex::new((vec![], vec![], u32::MAX, [0; 3], vec![])));
    let got_tb = got.clone();
    let stall_seed: u64 = rng.r#gen();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<MsmEngine>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<MsmEngine>| {
        let mut stalls = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(stall_seed);
        let mut x = sim.init()?;
        x.reset_n.next = false;
        for _ in 0..regmap::RESET_CYCLES {
            wait_clock_cycle!(sim, clock, x);
        }
        x.reset_n.next = true;
        x.job_field.next = 0u64.into();
        x.job_count.next = (n as u64).into();
        x.job_window_bits.next = (c as u64).into();
        x.job_windows.next = (windows as u64).into();
        // One engine alone owns every window.
        x.job_first_window.next = 0u64.into();
        x.job_end_window.next = (windows as u64).into();
        x.job_bases_addr.next = BASES.into();
        x.job_bases_count.next = (n as u64).into();
        // The job registers hold for two cycles before the start (as the
        // register block guarantees: one write every third cycle at most).
        wait_clock_cycle!(sim, clock, x);
        wait_clock_cycle!(sim, clock, x);
        x.start.next = true;
        wait_clock_cycle!(sim, clock, x);
        x.start.next = false;
        let mut sent = 0usize;
        let mut out = vec![];
        let mut lasts = vec![];
        // Memory: accepted requests (address, cycle the data is ready), in order.
        let mut pending: VecDeque<(u64, u64)> = VecDeque::new();
        let mut requested = vec![];
        for cycle in 0..60_000u64 {
            wait_clock_false!(sim, clock, x);
            if x.done.val() {
                break;
            }
            // Drive this cycle's inputs, let the logic settle, then see which
            // handshakes happen at the next edge.
            if sent < beats.len() && (x.s_tvalid.val() || stalls.gen_bool(0.6)) {
                // Once TVALID is up it stays up until the beat is taken.
                x.s_tvalid.next = true;
                x.s_tdata.next = beats[sent];
                x.s_tlast.next = sent == beats.len() - 1;
            } else {
                x.s_tvalid.next = false;
            }
            let ready = stalls.gen_bool(0.6);
            x.m_tready.next = ready;
            let req_ready = stalls.gen_bool(0.5);
            x.mem_req_ready.next = req_ready;
            let rsp = pending.front().filter(|(_, at)| *at <= cycle).map(|(a, _)| *a);
            x.mem_rsp_valid.next = rsp.is_some();
            x.mem_rsp_error.next = false;
            if let Some(a) = rsp {
                x.mem_rsp_data.next = records[((a - BASES) / 64) as usize];
            }
            x = sim.wait(1, x)?;
            if x.s_tvalid.val() && x.s_tready.val() {
                sent += 1;
            }
            if x.m_tvalid.val() && ready {
                out.push(x.m_tdata.val());
                lasts.push(x.m_tlast.val());
            }
            if x.mem_req_valid.val() && req_ready {
                let a: BigUint = x.mem_req_addr.val().into();
                let a = a.iter_u64_digits().next().unwrap_or(0);
                requested.push(a);
                pending.push_back((a, cycle + stalls.gen_range(1..40)));
            }
            if rsp.is_some() && x.mem_rsp_ready.val() {
                pending.pop_front();
            }
            wait_clock_true!(sim, clock, x);
        }
        let mut g = got_tb.lock().unwrap();
        *g = (
            out,
            lasts,
            x.error.val().index() as u32,
            [x.perf_ops.val().index() as u32, x.perf_reduce_adds.val().index() as u32, x.perf_beats_in.val().index() as u32],
            requested,
        );
        sim.done(x)
    });
    let t0 = std::time::Instant::now();
    sim.run(Box::new(uut), 1_000_000).unwrap();
    println!("rust-hdl simulation of the MSM engine: {:.2} s", t0.elapsed().as_secs_f64());

    let (out, lasts, error, [adds, reduce_adds, beats_in], requested) = got.lock().unwrap().clone();
    assert_eq!(error, regmap::ERR_NONE);
    assert_eq!(beats_in as usize, n);
    let want_reads: Vec<u64> = (0..n).filter(|&i| scalars[i] != 0).map(|i| BASES + 64 * i as u64).collect();
    assert_eq!(requested, want_reads, "one read per nonzero scalar, in order");
    assert_eq!(out.len(), MSM_BEATS_PER_RESULT, "one point back");
    assert_eq!(lasts.iter().position(|l| *l), Some(out.len() - 1), "TLAST on the last beat only");
    let proj: Vec<G1Projective> = points.iter().map(|p| p.into_group()).collect();
    let want = bucket_bit_sums(&proj, &digits, c, windows, &G1Projective::zero(), |a, b| *a + b, |a| -*a);
    // The device combines sum 2^(c w + b) R(w, b) itself.
    let mut total = G1Projective::zero();
    for r in want.iter().rev() {
        total = total.double() + r;
    }
    assert_eq!(to_ark(out[0], out[1], out[2]), total.into_affine(), "the MSM");
    let direct: G1Projective = points.iter().zip(&scalars).map(|(p, s)| *p * Fr::from(*s)).sum();
    assert_eq!(total.into_affine(), direct.into_affine(), "reference model vs arkworks");
    // Nothing lost or counted twice: accumulation additions = items - buckets.
    let items = digits.iter().flatten().filter(|d| **d != 0).count() as u32;
    let buckets: HashSet<(usize, u32)> = digits
        .iter()
        .flat_map(|d| d.iter().enumerate().filter(|(_, x)| **x != 0).map(|(w, x)| (w, x.unsigned_abs())))
        .collect();
    assert_eq!(adds - reduce_adds, items - buckets.len() as u32, "accumulation additions");
}
