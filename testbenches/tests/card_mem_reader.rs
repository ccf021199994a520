//! The card-memory read port (`zkcopro_hdl::mem::CardMemReader`) in
//! rust-hdl's simulator, against a Rust AXI4 read slave that accepts
//! addresses and answers beats after seeded random delays (and with DECERR
//! above a limit), while the engine side requests and takes records at
//! random: every record arrives once, in order, with its data and error bit;
//! RREADY never drops; no more than CARD_MAX_OUTSTANDING records are owed.

use num_bigint::BigUint;
use rand::Rng;
use rust_hdl::prelude::*;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::mem::{AXI_BURST_INCR, CARD_MAX_OUTSTANDING, CARD_RECORD_BYTES, CardMemReader};
use zkcopro_testbenches::seeded_rng;

/// Memory contents: a beat's data is a hash of its address.
fn beat_at(addr: u64) -> BigUint {
    let mut words = [0u32; 8];
    for (i, w) in words.iter_mut().enumerate() {
        *w = (addr.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(i as u32 * 8) >> 16) as u32 ^ i as u32;
    }
    BigUint::from_slice(&words)
}

fn u64_of(b: BigUint) -> u64 {
    b.iter_u64_digits().next().unwrap_or(0)
}

const ERROR_FROM: u64 = 0x10_0000;

#[test]
fn reader_under_random_delays_keeps_order_and_errors() {
    let mut rng = seeded_rng("reader_under_random_delays_keeps_order_and_errors");
    let n = 300usize;
    let addrs: Vec<u64> = (0..n)
        .map(|_| {
            let rec = if rng.gen_bool(0.1) { ERROR_FROM / CARD_RECORD_BYTES + rng.gen_range(0..16) } else { rng.gen_range(0..1000) };
            rec * CARD_RECORD_BYTES
        })
        .collect();
    let seed: u64 = rng.r#gen();
    let mut uut = CardMemReader::default();
    uut.clock.connect();
    uut.reset_n.connect();
    uut.clear_counters.connect();
    uut.req_valid.connect();
    uut.req_addr.connect();
    uut.rsp_ready.connect();
    uut.arready.connect();
    uut.rdata.connect();
    uut.rresp.connect();
    uut.rlast.connect();
    uut.rvalid.connect();
    uut.connect_all();
    type Got = (Vec<(BigUint, bool)>, u32, u32, bool, usize);
    let got: Arc<Mutex<Got>> = Arc::new(Mutex::new((vec![], 0, 0, true, 0)));
    let got_tb = got.clone();
    let req_addrs = addrs.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<CardMemReader>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<CardMemReader>| {
        let mut r = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
        let mut x = sim.init()?;
        x.reset_n.next = false;
        wait_clock_cycle!(sim, clock, x);
        x.reset_n.next = true;
        x.clear_counters.next = true;
        wait_clock_cycle!(sim, clock, x);
        x.clear_counters.next = false;
        // Slave state: bursts (address, beats sent, ready cycle).
        let mut bursts: VecDeque<(u64, u32, u64)> = VecDeque::new();
        let (mut sent, mut out, mut always_ready, mut max_owed) = (0usize, vec![], true, 0usize);
        for cycle in 0..50_000u64 {
            wait_clock_false!(sim, clock, x);
            if out.len() == req_addrs.len() {
                break;
            }
            if sent < req_addrs.len() && (x.req_valid.val() || r.gen_bool(0.7)) {
                x.req_valid.next = true;
                x.req_addr.next = req_addrs[sent].into();
            } else {
                x.req_valid.next = false;
            }
            let take = r.gen_bool(0.4);
            x.rsp_ready.next = take;
            let arready = r.gen_bool(0.6);
            x.arready.next = arready;
            let beat = bursts.front().filter(|b| b.2 <= cycle).map(|b| (b.0, b.1)).filter(|_| r.gen_bool(0.7));
            x.rvalid.next = beat.is_some();
            if let Some((a, k)) = beat {
                let at = a + 32 * k as u64;
                x.rdata.next = beat_at(at).into();
                x.rresp.next = if a >= ERROR_FROM { 3.into() } else { 0.into() };
                x.rlast.next = k == 1;
            }
            x = sim.wait(1, x)?;
            always_ready &= x.rready.val();
            if x.req_valid.val() && x.req_ready.val() {
                sent += 1;
            }
            if x.arvalid.val() && arready {
                assert_eq!(x.arlen.val().index(), 1, "two beats per record");
                assert_eq!(x.arburst.val().index() as u64, AXI_BURST_INCR, "INCR");
                bursts.push_back((u64_of(x.araddr.val().into()), 0, cycle + r.gen_range(2..60)));
            }
            if beat.is_some() && x.rready.val() {
                let b = bursts.front_mut().unwrap();
                b.1 += 1;
                if b.1 == 2 {
                    bursts.pop_front();
                }
            }
            if x.rsp_valid.val() && take {
                out.push((x.rsp_data.val().into(), x.rsp_error.val()));
            }
            max_owed = max_owed.max(sent - out.len());
            wait_clock_true!(sim, clock, x);
        }
        *got_tb.lock().unwrap() =
            (out, x.perf_reads.val().index() as u32, x.perf_beats.val().index() as u32, always_ready, max_owed);
        sim.done(x)
    });
    sim.run(Box::new(uut), 2_000_000).unwrap();
    let (out, reads, beats, always_ready, max_owed) = got.lock().unwrap().clone();
    assert!(always_ready, "RREADY never drops");
    assert!(max_owed <= CARD_MAX_OUTSTANDING + 1, "{max_owed} records owed");
    assert_eq!(out.len(), n, "every record once");
    assert_eq!((reads as usize, beats as usize), (n, 2 * n), "counters");
    for (i, ((data, err), a)) in out.iter().zip(&addrs).enumerate() {
        let want = beat_at(*a) | (beat_at(a + 32) << 256);
        assert_eq!(*err, *a >= ERROR_FROM, "record {i}: error bit");
        assert_eq!(*data, want, "record {i} at {a:#x}: data, in order");
    }
}
