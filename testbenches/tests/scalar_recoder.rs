//! The device's scalar recoder (`zkcopro_hdl::msm::ScalarRecoder`) in
//! rust-hdl's simulator against the reference recoder
//! (`msm::reference::try_signed_digits`): random, edge and small scalars at
//! several window widths, a scalar too big for its windows, random stalls on
//! both handshakes (nothing lost, duplicated or reordered), and its cycle
//! count without stalls.

use ark_bn254::Fr;
use ark_ff::{BigInteger, Field, One, PrimeField, UniformRand};
use num_bigint::BigUint;
use rand::Rng;
use rust_hdl::prelude::*;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::msm::ScalarRecoder;
use zkcopro_hdl::msm::{RECODER_INPUT_LATENCY, recoder_cycles};
use zkcopro_hdl::msm::reference::{try_signed_digits, window_count};
use zkcopro_testbenches::seeded_rng;

/// Runs `scalars` through the recoder at (c, windows); returns each output's
/// digits and overflow flag, and the cycles from the first input to the last output.
fn run(scalars: &[[u64; 4]], c: usize, windows: usize, stall_seed: Option<u64>) -> (Vec<(Vec<i32>, bool)>, u64) {
    let mut uut = ScalarRecoder::default();
    uut.clock.connect();
    uut.reset_n.connect();
    uut.c_minus_1.connect();
    uut.windows.connect();
    uut.in_valid.connect();
    uut.in_scalar.connect();
    uut.out_ready.connect();
    uut.connect_all();
    let inputs: Vec<Bits<256>> = scalars
        .iter()
        .map(|l| BigUint::from_slice(&l.iter().flat_map(|x| [*x as u32, (*x >> 32) as u32]).collect::<Vec<_>>()).into())
        .collect();
    let got = Arc::new(Mutex::new((vec![], 0u64)));
    let got_tb = got.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<ScalarRecoder>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<ScalarRecoder>| {
        let mut stalls = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(stall_seed.unwrap_or(0));
        let mut go = |p: f64| stall_seed.is_none() || stalls.gen_bool(p);
        let mut x = sim.init()?;
        // The window width is set a cycle before the first scalar (the
        // recoder registers its constants).
        x.reset_n.next = false;
        x.c_minus_1.next = ((c - 1) as u64).into();
        x.windows.next = (windows as u64).into();
        wait_clock_cycle!(sim, clock, x);
        x.reset_n.next = true;
        let (mut sent, mut out, mut cycles) = (0usize, vec![], 0u64);
        while out.len() < inputs.len() && cycles < 100_000 {
            wait_clock_false!(sim, clock, x);
            if sent < inputs.len() && (x.in_valid.val() || go(0.5)) {
                x.in_valid.next = true;
                x.in_scalar.next = inputs[sent];
            } else {
                x.in_valid.next = false;
            }
            let ready = go(0.5);
            x.out_ready.next = ready;
            x = sim.wait(1, x)?;
            if x.in_valid.val() && x.in_ready.val() {
                sent += 1;
            }
            if x.out_valid.val() && ready {
                let raw: BigUint = x.out_digits.val().into();
                let lanes: Vec<i32> = (0..windows)
                    .map(|w| ((&raw >> (16 * w)) & BigUint::from(0xFFFFu32)).to_u32_digits().first().copied().unwrap_or(0) as u16 as i16 as i32)
                    .collect();
                out.push((lanes, x.out_overflow.val()));
            }
            cycles += 1;
            wait_clock_true!(sim, clock, x);
        }
        *got_tb.lock().unwrap() = (out, cycles);
        sim.done(x)
    });
    sim.run(Box::new(uut), 10_000_000).unwrap();
    let g = got.lock().unwrap();
    (g.0.clone(), g.1)
}

fn limbs(s: Fr) -> [u64; 4] {
    s.into_bigint().0
}

#[test]
fn recoder_matches_reference_under_stalls() {
    let mut rng = seeded_rng("recoder_matches_reference_under_stalls");
    let mut scalars: Vec<[u64; 4]> = (0..40).map(|_| limbs(Fr::rand(&mut rng))).collect();
    let half = {
        let mut m = Fr::MODULUS;
        m.div2();
        m.0
    };
    scalars.extend([
        [0; 4],
        limbs(Fr::one()),
        limbs(-Fr::one()),
        limbs(Fr::from(2u64).pow([253u64])),
        limbs(Fr::from(2u64).pow([100u64])),
        half,
        [0xFFFF, 0, 0, 0],
        [0x8000, 0, 0, 0],
    ]);
    scalars.extend((0..12).map(|_| [rng.gen_range(0..1u64 << 20), 0, 0, 0]));
    for c in [8usize, 9, 11, 12, 16] {
        let w = window_count(c);
        let (out, _) = run(&scalars, c, w, Some(rng.r#gen()));
        assert_eq!(out.len(), scalars.len(), "c = {c}: one output per scalar");
        for (s, (digits, overflow)) in scalars.iter().zip(&out) {
            let want = try_signed_digits(s, c, w).expect("fits");
            assert_eq!((digits, *overflow), (&want, false), "c = {c}, scalar {s:x?}");
        }
    }
}

#[test]
fn recoder_flags_scalars_too_big_for_the_windows() {
    let scalars = [[0xFF, 0, 0, 0], [0x7F, 0, 0, 0], [0, 1, 0, 0], [3, 0, 0, 0]];
    let (out, _) = run(&scalars, 4, 2, Some(7));
    let flags: Vec<bool> = out.iter().map(|(_, o)| *o).collect();
    // Two 4-bit windows hold signed values below 2^7 - 2^3 only.
    assert_eq!(flags, vec![true, true, true, false]);
    for (s, (d, o)) in scalars.iter().zip(&out) {
        if !o {
            assert_eq!(Some(d.clone()), try_signed_digits(s, 4, 2));
        } else {
            assert_eq!(try_signed_digits(s, 4, 2), None);
        }
    }
}

#[test]
fn recoder_takes_two_windows_per_cycle() {
    // Without stalls, back to back: a scalar whose last nonzero window is k
    // takes ceil((k + 1) / 2) cycles; the input skid buffer and the
    // output register add their latency once.
    let scalars = [[1u64, 0, 0, 0], [1, 0, 0, 0], [1 << 40, 0, 0, 0], [u64::MAX, u64::MAX, u64::MAX, 0x0FFF_FFFF_FFFF_FFFF]];
    let c = 8;
    let w = window_count(c);
    let (out, cycles) = run(&scalars, c, w, None);
    let want: u64 = scalars
        .iter()
        .map(|s| {
            let d = try_signed_digits(s, c, w).unwrap();
            recoder_cycles(d.iter().rposition(|x| *x != 0).unwrap_or(0)) as u64
        })
        .sum();
    assert_eq!(out.len(), scalars.len());
    assert!(cycles <= want + 2 + RECODER_INPUT_LATENCY as u64, "{cycles} cycles, expected {want} + pipeline");
}
