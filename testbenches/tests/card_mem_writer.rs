//! The card-memory write port (`zkcopro_hdl::mem::CardMemWriter`) in
//! rust-hdl's simulator, against a Rust AXI4 write slave that takes
//! addresses and data beats with seeded random stalls, answers each burst
//! after a random delay (DECERR above a limit), while the engine side offers
//! records at random: every record lands once, whole, at its address; WLAST
//! marks each burst's second beat; BREADY never drops; no more than
//! CARD_MAX_OUTSTANDING responses are owed; `idle` and `error` tell the truth.

use num_bigint::BigUint;
use rand::Rng;
use rust_hdl::prelude::*;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use zkcopro_hdl::mem::{AXI_BURST_INCR, CARD_MAX_OUTSTANDING, CARD_RECORD_BYTES, CardMemWriter};
use zkcopro_testbenches::seeded_rng;

const ERROR_FROM: u64 = 0x10_0000;

fn u64_of(b: BigUint) -> u64 {
    b.iter_u64_digits().next().unwrap_or(0)
}

/// What the slave saw.
#[derive(Clone, Default)]
struct Seen {
    /// Address -> the beats written there, in order.
    writes: HashMap<u64, Vec<BigUint>>,
    bready_always: bool,
    max_owed: usize,
    idle_at_end: bool,
    error: bool,
    writes_counted: u32,
    beats_counted: u32,
    protocol_ok: bool,
}

fn run(records: Vec<(u64, BigUint)>, seed: u64, error_bursts: bool) -> Seen {
    let mut uut = CardMemWriter::default();
    uut.clock.connect();
    uut.reset_n.connect();
    uut.clear_counters.connect();
    uut.req_valid.connect();
    uut.req_addr.connect();
    uut.req_data.connect();
    uut.awready.connect();
    uut.wready.connect();
    uut.bresp.connect();
    uut.bvalid.connect();
    uut.connect_all();
    let seen = Arc::new(Mutex::new(Seen::default()));
    let seen_tb = seen.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<CardMemWriter>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<CardMemWriter>| {
        let mut r = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(seed);
        let mut x = sim.init()?;
        x.reset_n.next = false;
        wait_clock_cycle!(sim, clock, x);
        x.reset_n.next = true;
        x.clear_counters.next = true;
        wait_clock_cycle!(sim, clock, x);
        x.clear_counters.next = false;
        let mut s = Seen { bready_always: true, protocol_ok: true, ..Default::default() };
        // Slave state: addresses taken, beats taken, responses due (ready cycle, error).
        let mut aws: VecDeque<u64> = VecDeque::new();
        let mut beats: VecDeque<(BigUint, bool)> = VecDeque::new();
        let mut resps: VecDeque<(u64, bool)> = VecDeque::new();
        let (mut sent, mut answered) = (0usize, 0usize);
        for cycle in 0..100_000u64 {
            wait_clock_false!(sim, clock, x);
            if answered == records.len() && x.idle.val() {
                break;
            }
            if sent < records.len() && (x.req_valid.val() || r.gen_bool(0.7)) {
                x.req_valid.next = true;
                x.req_addr.next = records[sent].0.into();
                x.req_data.next = records[sent].1.clone().into();
            } else {
                x.req_valid.next = false;
            }
            let awready = r.gen_bool(0.5);
            let wready = r.gen_bool(0.6);
            x.awready.next = awready;
            x.wready.next = wready;
            let resp = resps.front().filter(|b| b.0 <= cycle).copied().filter(|_| r.gen_bool(0.7));
            x.bvalid.next = resp.is_some();
            if let Some((_, e)) = resp {
                x.bresp.next = if e { 3.into() } else { 0.into() };
            }
            x = sim.wait(1, x)?;
            s.bready_always &= x.bready.val();
            if x.req_valid.val() && x.req_ready.val() {
                sent += 1;
            }
            if x.awvalid.val() && awready {
                s.protocol_ok &= x.awlen.val().index() == 1 && x.awburst.val().index() as u64 == AXI_BURST_INCR && x.awsize.val().index() == 5;
                aws.push_back(u64_of(x.awaddr.val().into()));
            }
            if x.wvalid.val() && wready {
                s.protocol_ok &= x.wstrb.val().index() == 0xFFFF_FFFF;
                beats.push_back((x.wdata.val().into(), x.wlast.val()));
            }
            // A burst is complete with its address and two beats.
            while !aws.is_empty() && beats.len() >= 2 {
                let a = aws.pop_front().unwrap();
                let (b0, l0) = beats.pop_front().unwrap();
                let (b1, l1) = beats.pop_front().unwrap();
                s.protocol_ok &= !l0 && l1;
                let error = error_bursts && a >= ERROR_FROM;
                if !error {
                    s.writes.entry(a).or_default().extend([b0, b1]);
                }
                resps.push_back((cycle + r.gen_range(1..40), error));
            }
            if resp.is_some() && x.bready.val() {
                resps.pop_front();
                answered += 1;
            }
            s.max_owed = s.max_owed.max(sent - answered);
            wait_clock_true!(sim, clock, x);
        }
        s.idle_at_end = x.idle.val();
        s.error = x.error.val();
        s.writes_counted = x.perf_writes.val().index() as u32;
        s.beats_counted = x.perf_beats.val().index() as u32;
        *seen_tb.lock().unwrap() = s;
        sim.done(x)
    });
    sim.run(Box::new(uut), 4_000_000).unwrap();
    let s = seen.lock().unwrap().clone();
    s
}

fn record_data(rng: &mut impl Rng) -> BigUint {
    BigUint::from_slice(&(0..16).map(|_| rng.r#gen::<u32>()).collect::<Vec<_>>())
}

#[test]
fn writer_under_random_stalls_lands_every_record_once() {
    let mut rng = seeded_rng("writer_under_random_stalls_lands_every_record_once");
    let n = 300usize;
    // Distinct record addresses, a few of them in the error range.
    let mut addrs: Vec<u64> = (0..n as u64).map(|i| i * CARD_RECORD_BYTES).collect();
    for a in addrs.iter_mut().filter(|_| rng.gen_bool(0.05)) {
        *a += ERROR_FROM;
    }
    let records: Vec<(u64, BigUint)> = addrs.iter().map(|&a| (a, record_data(&mut rng))).collect();
    let s = run(records.clone(), rng.r#gen(), true);
    assert!(s.protocol_ok, "AWLEN 1, INCR, AWSIZE 5, all strobes, WLAST on the second beat");
    assert!(s.bready_always, "BREADY never drops");
    assert!(s.max_owed <= CARD_MAX_OUTSTANDING + 1, "{} responses owed", s.max_owed);
    assert!(s.idle_at_end, "idle once every response is in");
    assert_eq!((s.writes_counted as usize, s.beats_counted as usize), (n, 2 * n), "counters");
    let errors = records.iter().filter(|(a, _)| *a >= ERROR_FROM).count();
    assert_eq!(s.error, errors > 0, "sticky error flag");
    assert_eq!(s.writes.len(), n - errors, "every good record lands");
    for (a, data) in records.iter().filter(|(a, _)| *a < ERROR_FROM) {
        let mask = (BigUint::from(1u8) << 256) - 1u8;
        let want = vec![data & &mask, data >> 256];
        assert_eq!(s.writes.get(a), Some(&want), "record at {a:#x}: once, whole, low beat first");
    }
}

#[test]
fn writer_error_flag_stays_clear_without_errors() {
    let mut rng = seeded_rng("writer_error_flag_stays_clear_without_errors");
    let records: Vec<(u64, BigUint)> = (0..64u64).map(|i| (i * CARD_RECORD_BYTES, record_data(&mut rng))).collect();
    let s = run(records, rng.r#gen(), false);
    assert!(!s.error && s.idle_at_end && s.writes.len() == 64);
}
