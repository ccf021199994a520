//! MSM through the driver, on both backends, against arkworks'
//! `G1Projective::msm`: resident bases reused and several at once, random
//! sizes, skewed, witness-like and edge scalars, points that cancel, bad
//! input and device errors, stream back-pressure and card-memory delays, and
//! the engine's exact counters.

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInteger, Field, One, PrimeField, UniformRand, Zero};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use zkcopro_hdl::msm::reference::{signed_digits, window_count};
use zkcopro_hdl::msm::{MSM_BUCKET_CAPACITY, MSM_MAX_WINDOW_BITS, MSM_MIN_WINDOW_BITS};
use zkcopro_hdl::regmap;
use zkcopro_host::msm::random_points;
use zkcopro_host::{Bus, CardMemConfig, Coprocessor, DeviceField, DriverError, ModelBus, MsmConfig, MsmProfile, VerilatorBus};
use zkcopro_testbenches::{CutStream, on_both_backends};
use zkcopro_testbenches::seeded_rng;

fn random_scalars(rng: &mut ChaCha8Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

fn ark_msm(points: &[G1Affine], scalars: &[Fr]) -> G1Projective {
    G1Projective::msm(points, scalars).unwrap()
}

fn check<B: Bus>(dev: &mut Coprocessor<B>, points: &[G1Affine], scalars: &[Fr], config: &MsmConfig, what: &str) -> MsmProfile {
    let (got, p) = dev.msm_with(points, scalars, config).unwrap_or_else(|e| panic!("{what}: {e}"));
    let want = ark_msm(points, scalars);
    assert_eq!(got.into_affine(), want.into_affine(), "{what}");
    p
}

fn check_random_sizes<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    for n in [1usize, 2, 3, 1000, 1 << 10, 1 << 12] {
        let points = random_points(&mut rng, n);
        let scalars = random_scalars(&mut rng, n);
        let p = check(&mut dev, &points, &scalars, &MsmConfig::default(), &format!("random n = {n}"));
        assert_eq!(p.points_sent, n as u64, "one base read per nonzero scalar");
        assert_eq!(p.job.beats_in, n as u64, "one beat per scalar");
    }
}

/// One base set loaded once serves several MSMs with different scalars, and
/// several base sets are resident at once (as a Groth16 key's four are).
fn check_resident_bases<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let free0 = dev.card_mem_free();
    let sets: Vec<Vec<G1Affine>> = [700usize, 300, 1].iter().map(|&n| random_points(&mut rng, n)).collect();
    let loaded: Vec<_> = sets.iter().map(|ps| dev.load_bases(ps).unwrap()).collect();
    for (k, (ps, (bases, load))) in sets.iter().zip(&loaded).enumerate() {
        assert_eq!(bases.len(), ps.len());
        assert_eq!(load.bytes, 64 * ps.len() as u64);
        assert!(load.transfer.transfer_s > 0.0, "the copy to the card is accounted");
        for round in 0..3 {
            let scalars = random_scalars(&mut rng, ps.len());
            let (got, p) = dev.msm_resident_with(bases, &scalars, &MsmConfig::default()).unwrap();
            assert_eq!(p.job.beats_out, 3 * p.engines.len() as u64, "one point back per engine");
            assert_eq!(got.into_affine(), ark_msm(ps, &scalars).into_affine(), "set {k} round {round}");
            assert_eq!(p.job.transfer_s, 0.0, "only scalars move");
        }
        // Fewer scalars than bases: the first bases.
        let scalars = random_scalars(&mut rng, ps.len() / 2);
        let got = dev.msm_resident(bases, &scalars).unwrap();
        assert_eq!(got.into_affine(), ark_msm(&ps[..scalars.len()], &scalars).into_affine(), "set {k}, prefix");
    }
    let (bases, _) = loaded[1];
    assert_eq!(
        dev.msm_resident(&bases, &random_scalars(&mut rng, 301)),
        Err(DriverError::LengthMismatch { left: 300, right: 301 })
    );
    for (bases, _) in loaded {
        dev.free_bases(bases).unwrap();
    }
    assert_eq!(dev.card_mem_free(), free0, "freed");
    assert_eq!(dev.msm_resident(&bases, &[Fr::one()]), Err(DriverError::InvalidBuffer), "a freed base set");
    // A base set of another coprocessor is foreign here.
    let mut other = Coprocessor::new(ModelBus::new()).unwrap();
    let (theirs, _) = other.load_bases(&sets[2]).unwrap();
    assert_eq!(dev.msm_resident(&theirs, &[Fr::one()]), Err(DriverError::InvalidBuffer), "a foreign base set");
}

/// Witness-like scalars as real circuits give: mostly 0 and 1, a few full size.
fn check_witness_scalars<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let n = 1 << 12;
    let points = random_points(&mut rng, n);
    let (bases, _) = dev.load_bases(&points).unwrap();
    let mut scalars: Vec<Fr> = (0..n).map(|_| Fr::from(rng.gen_bool(0.43) as u64)).collect();
    for _ in 0..32 {
        let i = rng.gen_range(0..n);
        scalars[i] = Fr::rand(&mut rng);
    }
    let nonzero = scalars.iter().filter(|s| !s.is_zero()).count() as u64;
    let (got, p) = dev.msm_resident_with(&bases, &scalars, &MsmConfig::default()).unwrap();
    assert_eq!(got.into_affine(), ark_msm(&points, &scalars).into_affine());
    assert_eq!(p.points_sent, nonzero, "zero scalars cost no base read");
    assert_eq!(p.job.mem_reads, nonzero);
}

fn check_every_window_width<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let points = random_points(&mut rng, 300);
    let scalars = random_scalars(&mut rng, 300);
    for c in 8..=13 {
        let p = check(&mut dev, &points, &scalars, &MsmConfig { window_bits: Some(c), ..Default::default() }, &format!("c = {c}"));
        assert_eq!((p.window_bits, p.windows), (c as u64, window_count(c) as u64));
    }
    // c = 13's 20 windows fit only split between the engines, each keying
    // its buckets from its own first window: the most uneven split that
    // fits (5 + 15) and one more each way.
    let c13 = |split| MsmConfig { window_bits: Some(13), split: Some(split), ..Default::default() };
    let p = check(&mut dev, &points, &scalars, &c13(5), "c = 13, split 5");
    assert_eq!((p.windows, p.split), (20, 5));
    check(&mut dev, &points, &scalars, &c13(15), "c = 13, split 15");
    for split in [0, 4, 16] {
        let got = dev.msm_with(&points, &scalars, &c13(split));
        assert!(matches!(got, Err(DriverError::MsmWindow(_))), "split {split}: {got:?}");
    }
}

fn check_skewed_scalars<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let n = 1 << 10;
    let points = random_points(&mut rng, n);
    let minus_one = -Fr::one();
    let equal = Fr::rand(&mut rng);
    let cases: Vec<(&str, Vec<Fr>)> = vec![
        ("all equal", vec![equal; n]),
        ("all one", vec![Fr::one(); n]),
        ("all r-1", vec![minus_one; n]),
        ("tiny (< 16)", (0..n).map(|_| Fr::from(rng.gen_range(1u64..16))).collect()),
        ("powers of two", (0..n).map(|i| Fr::from(2u64).pow([(i % 254) as u64])).collect()),
    ];
    for (what, scalars) in cases {
        check(&mut dev, &points, &scalars, &MsmConfig::default(), what);
    }
}

fn check_edge_inputs<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let p = random_points(&mut rng, 1)[0];
    let q = random_points(&mut rng, 1)[0];
    let neg_p = (-p.into_group()).into_affine();
    let r_minus_1 = -Fr::one();
    let half = Fr::from_bigint({
        let mut m = Fr::MODULUS;
        m.div2();
        m
    })
    .unwrap();
    let edge = [
        Fr::zero(),
        Fr::one(),
        Fr::from(2u64),
        r_minus_1,
        r_minus_1 - Fr::one(),
        half,
        Fr::from(2u64).pow([253u64]),
        Fr::from(2u64).pow([131u64]),
        Fr::from(1u64 << 63),
    ];
    // Each edge scalar alone, on a random point.
    for s in edge {
        check(&mut dev, &[p], &[s], &MsmConfig::default(), &format!("single scalar {s}"));
    }
    // Duplicate points (P + P inside a bucket), P and -P (cancel), a zero
    // total, zero scalars and the point at infinity (dropped by the glue).
    let inf = G1Affine::zero();
    let cases: Vec<(&str, Vec<G1Affine>, Vec<Fr>)> = vec![
        ("duplicates", vec![p; 64], vec![Fr::from(5u64); 64]),
        ("P and -P, same scalar", vec![p, neg_p, q, (-q.into_group()).into_affine()], vec![r_minus_1, r_minus_1, half, half]),
        ("s P + (r - s) P = O", vec![p, p], vec![Fr::from(12345u64), -Fr::from(12345u64)]),
        ("all scalars zero", vec![p, q], vec![Fr::zero(), Fr::zero()]),
        ("infinity points", vec![inf, p, inf], vec![Fr::from(7u64), Fr::from(3u64), r_minus_1]),
        ("only infinity", vec![inf], vec![Fr::one()]),
        ("edge scalars together", vec![p; 9], edge.to_vec()),
    ];
    for (what, pts, sc) in cases {
        check(&mut dev, &pts, &sc, &MsmConfig::default(), what);
    }
    // Empty input: the identity, like arkworks.
    assert_eq!(dev.msm(&[], &[]).unwrap(), G1Projective::zero());
}

fn check_bad_input<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let points = random_points(&mut rng, 4);
    let scalars = random_scalars(&mut rng, 4);
    assert_eq!(dev.msm(&points, &scalars[..3]), Err(DriverError::LengthMismatch { left: 4, right: 3 }));
    // A point off the curve: (x, y + 1).
    let mut bad = points.clone();
    bad[2] = G1Affine::new_unchecked(points[2].x, points[2].y + ark_bn254::Fq::one());
    assert_eq!(dev.msm(&bad, &scalars), Err(DriverError::PointNotOnCurve { index: 2 }));
    // Window widths the device cannot hold: too many windows, too many buckets.
    for c in [1usize, 7, 14, 17] {
        let got = dev.msm_with(&points, &scalars, &MsmConfig { window_bits: Some(c), ..Default::default() });
        assert!(matches!(got, Err(DriverError::MsmWindow(_))), "c = {c}: {got:?}");
    }
    // The device refuses bad job registers by itself too.
    let bus = dev.bus();
    let mut refused = vec![
        (1, 4, 8, 32, regmap::ERR_BAD_FIELD),
        (0, 0, 8, 32, regmap::ERR_ZERO_COUNT),
        (0, 4, 1, 32, regmap::ERR_BAD_SIZE),
        (0, 4, 8, 33, regmap::ERR_BAD_SIZE),
        (0, 4, 8, 0, regmap::ERR_BAD_SIZE),
        (0, 4, 13, 20, regmap::ERR_BAD_SIZE),
        // Widths outside 2..=16, also where the low five bits alone look valid.
        (0, 4, 0, 1, regmap::ERR_BAD_SIZE),
        (0, 4, 17, 1, regmap::ERR_BAD_SIZE),
        (0, 4, 32 + 8, 1, regmap::ERR_BAD_SIZE),
        (0, 4, (1 << 31) | 8, 1, regmap::ERR_BAD_SIZE),
        // Window counts whose low six bits alone look valid.
        (0, 4, 8, 64 + 8, regmap::ERR_BAD_SIZE),
        (0, 4, 8, (1 << 31) | 8, regmap::ERR_BAD_SIZE),
    ];
    // One window more than the bucket memory holds, at every width where
    // that is under 32 windows.
    for c in MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS {
        let most = (MSM_BUCKET_CAPACITY >> (c - 1)).min(32);
        if most < 32 {
            refused.push((0, 4, c as u32, most as u32 + 1, regmap::ERR_BAD_SIZE));
        }
    }
    // Splits that leave an engine more windows than its bucket memory holds.
    let mut refused: Vec<_> = refused.into_iter().map(|(f, n, c, w, code)| (f, n, c, w, 0, code)).collect();
    refused.extend([(0, 4, 13, 20, 4, regmap::ERR_BAD_SIZE), (0, 4, 13, 20, 16, regmap::ERR_BAD_SIZE)]);
    refused.extend([(0, 4, 16, 3, 1, regmap::ERR_BAD_SIZE), (0, 4, 12, 33, 16, regmap::ERR_BAD_SIZE)]);
    for (field, count, c, w, split, code) in refused {
        bus.write32(regmap::MSM_SPLIT.offset, split).unwrap();
        bus.write32(regmap::JOB_OP.offset, regmap::OP_MSM).unwrap();
        bus.write32(regmap::JOB_FIELD.offset, field).unwrap();
        bus.write32(regmap::JOB_COUNT.offset, count).unwrap();
        bus.write32(regmap::MSM_WINDOW_BITS.offset, c).unwrap();
        bus.write32(regmap::MSM_WINDOWS.offset, w).unwrap();
        bus.write32(regmap::CTRL.offset, regmap::CTRL_AP_START).unwrap();
        bus.idle(4);
        let ctrl = bus.read32(regmap::CTRL.offset).unwrap();
        assert_ne!(ctrl & regmap::CTRL_AP_DONE, 0, "job ends at once");
        assert_eq!(bus.read32(regmap::ERROR.offset).unwrap(), code, "field {field} count {count} c {c} w {w} split {split}");
    }
    bus.write32(regmap::MSM_SPLIT.offset, 0).unwrap();
    // Jobs the device refuses or flags on its own, whatever the glue does:
    // reads beyond the base buffer or unaligned (refused at start), a read
    // card memory answers with DECERR (beyond its capacity), a scalar that
    // does not fit the job's windows (skipped, flagged).
    let (bases, _) = dev.load_bases(&points).unwrap();
    let capacity = dev.card_mem_capacity();
    let big = -Fr::one();
    let bus = dev.bus();
    for (addr, count, n, c, w, scalars, code) in [
        (bases.buffer().addr(), 3u32, 4u32, 8u32, 32u32, vec![Fr::one(); 4], regmap::ERR_MEM_RANGE),
        (bases.buffer().addr() + 32, 4, 4, 8, 32, vec![Fr::one(); 4], regmap::ERR_MEM_RANGE),
        (capacity - 64, 2, 2, 8, 32, vec![Fr::one(), Fr::one()], regmap::ERR_MEM_RESP),
        (bases.buffer().addr(), 4, 2, 8, 2, vec![Fr::one(), big], regmap::ERR_BAD_DIGIT),
    ] {
        for (reg, value) in [
            (regmap::JOB_OP, regmap::OP_MSM),
            (regmap::JOB_FIELD, 0),
            (regmap::JOB_COUNT, n),
            (regmap::MSM_WINDOW_BITS, c),
            (regmap::MSM_WINDOWS, w),
            (regmap::MSM_BASES_ADDR_LO, addr as u32),
            (regmap::MSM_BASES_ADDR_HI, (addr >> 32) as u32),
            (regmap::MSM_BASES_COUNT, count),
            (regmap::CTRL, regmap::CTRL_AP_START),
        ] {
            bus.write32(reg.offset, value).unwrap();
        }
        if code != regmap::ERR_MEM_RANGE {
            let beats: Vec<_> = scalars.iter().map(|s| s.to_beat()).collect();
            bus.stream_patient(&beats, 3, 1_000_000).unwrap();
        }
        bus.idle(4);
        assert_ne!(bus.read32(regmap::CTRL.offset).unwrap() & regmap::CTRL_AP_DONE, 0, "job ends (code {code})");
        assert_eq!(bus.read32(regmap::ERROR.offset).unwrap(), code, "addr {addr:#x} count {count} n {n} w {w}");
    }
    dev.free_bases(bases).unwrap();
    // Card memory exhausted or misused: typed errors before any work.
    assert!(matches!(dev.alloc_buffer(capacity + 1), Err(DriverError::OutOfCardMemory { .. })));
    let buf = dev.alloc_buffer(128).unwrap();
    assert_eq!(dev.write_buffer(&buf, 100, &[0u8; 29]), Err(DriverError::BufferRange { offset: 100, len: 29, size: 128 }));
    dev.free_buffer(buf).unwrap();
    assert_eq!(dev.free_buffer(buf), Err(DriverError::InvalidBuffer));
    assert_eq!(dev.write_buffer(&buf, 0, &[1]), Err(DriverError::InvalidBuffer));
    // And the device still works afterwards.
    check(&mut dev, &points, &scalars, &MsmConfig::default(), "after errors");
}

/// A job whose input stream is cut halfway times out (typed error, no hang);
/// the reset that follows clears the half-filled buckets, so the next MSM
/// on the same device is exact.
fn check_cut_stream_times_out_and_recovers<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let points = random_points(&mut rng, 300);
    let scalars = random_scalars(&mut rng, 300);
    let mut dev = Coprocessor::new(CutStream(bus)).unwrap();
    match dev.msm(&points, &scalars) {
        Err(DriverError::Timeout(_)) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    let mut dev = Coprocessor::new(dev.into_bus().0).unwrap();
    check(&mut dev, &points, &scalars, &MsmConfig::default(), "after the timeout");
}

fn p_bits_width<B: Bus>(dev: &mut Coprocessor<B>, bases: &zkcopro_host::MsmBases, scalars: &[Fr]) -> u64 {
    dev.msm_resident_with(bases, scalars, &MsmConfig::small_scalars(1)).unwrap().1.window_bits
}

/// Scalars known small (`MsmConfig::small_scalars`): only the windows that
/// cover them run, so a witness's 0/1 part costs about a cycle per scalar
/// and nothing to combine; a scalar that does not fit fails the job with
/// ERR_BAD_DIGIT (never a wrong sum) and the device goes on exactly.
fn check_small_scalar_windows<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let n = 1500;
    let points = random_points(&mut rng, n);
    let (bases, _) = dev.load_bases(&points).unwrap();
    let bits: Vec<Fr> = (0..n).map(|_| if rng.gen_bool(0.45) { Fr::one() } else { Fr::zero() }).collect();
    let (got, p) = dev.msm_resident_with(&bases, &bits, &MsmConfig::small_scalars(1)).unwrap();
    assert_eq!(got.into_affine(), ark_msm(&points, &bits).into_affine(), "{name}: 0/1 scalars in one window");
    assert_eq!(p.windows, 1);
    // A cycle per scalar plus a fixed cost (the adder's pipeline, two
    // buckets, one window's doublings).
    assert!(p.job.device_cycles < n as u64 + 1200, "{name}: {} cycles for {n} scalars: stream-bound", p.job.device_cycles);
    let full = dev.msm_resident_with(&bases, &bits, &MsmConfig::default()).unwrap().1;
    assert!(p.job.device_cycles * 3 < full.job.device_cycles * 2, "{name}: {} against {} windowed", p.job.device_cycles, full.job.device_cycles);
    let small: Vec<Fr> = (0..n).map(|_| Fr::from(rng.gen_range(0u64..1 << 16))).collect();
    let (got, p) = dev.msm_resident_with(&bases, &small, &MsmConfig::small_scalars(16)).unwrap();
    assert_eq!(got.into_affine(), ark_msm(&points, &small).into_affine(), "{name}: scalars below 2^16");
    assert!(p.windows < window_count(p.window_bits as usize) as u64);
    // One window of width c holds digits below 2^(c-1): with c = 2, 2 and up
    // do not fit, nor do -1 (p - 1) and full-size values.
    assert_eq!(p_bits_width(&mut dev, &bases, &bits), 2, "{name}: 0/1 scalars take the narrowest window");
    for (k, bad) in [Fr::from(2u64), -Fr::one(), Fr::rand(&mut rng)].into_iter().enumerate() {
        let mut s = bits.clone();
        s[(k * 611) % n] = bad;
        match dev.msm_resident_with(&bases, &s, &MsmConfig::small_scalars(1)) {
            Err(DriverError::Device { code }) => assert_eq!(code, regmap::ERR_BAD_DIGIT, "{name}"),
            other => panic!("{name}: a scalar too large for one window gave {other:?}"),
        }
        assert_eq!(dev.msm_resident(&bases, &bits).unwrap().into_affine(), ark_msm(&points, &bits).into_affine(), "{name}: exact after");
    }
    assert!(matches!(dev.msm_resident_with(&bases, &bits, &MsmConfig::small_scalars(0)), Err(DriverError::MsmWindow(_))));
}

on_both_backends! {
    small_scalar_windows(check_small_scalar_windows);
    random_sizes(check_random_sizes);
    cut_stream_times_out_and_recovers(check_cut_stream_times_out_and_recovers);
    resident_bases(check_resident_bases);
    witness_scalars(check_witness_scalars);
    every_window_width(check_every_window_width);
    skewed_scalars(check_skewed_scalars);
    edge_inputs(check_edge_inputs);
    bad_input(check_bad_input);
}

/// Nothing lost or counted twice, in the cycle-accurate engine's own
/// counters: with merge-or-park every nonempty bucket ends the accumulation
/// holding exactly one point, so additions = items - nonempty buckets; the
/// reduction adds each nonempty bucket once per set index bit, into results.
#[test]
fn verilator_counters_are_exact() {
    let mut rng = seeded_rng("verilator_counters_are_exact");
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).unwrap();
    let n = 2000;
    let points = random_points(&mut rng, n);
    let equal = Fr::rand(&mut rng);
    for (what, scalars) in [("uniform", random_scalars(&mut rng, n)), ("equal", vec![equal; n])] {
        let c = 9;
        let p = check(&mut dev, &points, &scalars, &MsmConfig { window_bits: Some(c), ..Default::default() }, what);
        let w = window_count(c);
        let mut buckets = HashSet::new();
        let mut items = 0u64;
        for s in &scalars {
            for (win, d) in signed_digits(&s.into_bigint().0, c, w).iter().enumerate() {
                if *d != 0 {
                    items += 1;
                    buckets.insert((win, d.unsigned_abs()));
                }
            }
        }
        let results: HashSet<(usize, u32)> =
            buckets.iter().flat_map(|&(win, j)| (0..c as u32).filter(move |b| j >> b & 1 == 1).map(move |b| (win, b))).collect();
        let set_bits: u64 = buckets.iter().map(|(_, j)| j.count_ones() as u64).sum();
        assert_eq!(p.accumulate_additions, items - buckets.len() as u64, "{what}: accumulation additions");
        assert_eq!(p.reduce_additions, set_bits - results.len() as u64, "{what}: reduction additions");
        assert_eq!(p.job.beats_in, n as u64, "{what}");
        assert_eq!((p.job.mem_reads, p.job.mem_beats), (n as u64, 2 * n as u64), "{what}: one 2-beat burst per base");
        assert_eq!(p.job.beats_out, 3 * p.engines.len() as u64, "{what}: one point back per engine");
        // The combiner: one doubling and one addition per window bit, less
        // the leading doublings of infinity and the additions of empty results.
        assert!(p.combine_cycles > 0 && p.combine_cycles <= (w * c * 2 * 58 + 2 * w * c) as u64, "{what}: {} combine cycles", p.combine_cycles);
        let engine_cycles: u64 = p.engines.iter().map(|e| e.accumulate_cycles).sum();
        assert!(engine_cycles >= items, "{what}: at most one item per cycle per engine");
    }
}

/// Random back-pressure on both streams: same answer, nothing lost.
#[test]
fn verilator_stream_stalls() {
    let mut rng = seeded_rng("verilator_stream_stalls");
    for (stall_seed, in_pct, out_pct) in [(1u64, 50u32, 50u32), (2, 90, 20), (3, 20, 90)] {
        let mut bus = VerilatorBus::new(None);
        bus.set_stalls(stall_seed, in_pct, out_pct);
        let mut dev = Coprocessor::new(bus).unwrap();
        let points = random_points(&mut rng, 200);
        let scalars = random_scalars(&mut rng, 200);
        let p = check(&mut dev, &points, &scalars, &MsmConfig::default(), &format!("stalls {stall_seed}"));
        assert!(p.job.in_stall_cycles > 0 || in_pct == 100, "stalls were applied");
    }
}

/// Seeded random card-memory response delays and withheld beats, with slow
/// and narrow DRAM: same answers, one read per nonzero scalar, the waits
/// counted.
#[test]
fn verilator_card_memory_delays() {
    let mut rng = seeded_rng("verilator_card_memory_delays");
    let points = random_points(&mut rng, 400);
    for (seed, extra, stall_pct) in [(1u64, 200u32, 0u32), (2, 30, 60), (3, 0, 90)] {
        let mut bus = VerilatorBus::new(None);
        bus.set_mem_delays(seed, extra, stall_pct);
        // Slow and narrow on purpose (400 ns, a quarter of a DDR4 channel), so
        // the waits are felt at any projected clock.
        let slow = CardMemConfig { dram_latency_s: 400e-9, dram_bytes_per_s: 4.8e9, ..CardMemConfig::ddr4() };
        let mut dev = Coprocessor::new(bus).unwrap().with_mem_config(slow);
        let (bases, _) = dev.load_bases(&points).unwrap();
        for kind in ["uniform", "witness"] {
            let scalars: Vec<Fr> = match kind {
                "uniform" => random_scalars(&mut rng, points.len()),
                _ => (0..points.len()).map(|_| Fr::from(rng.gen_bool(0.5) as u64)).collect(),
            };
            let (got, p) = dev.msm_resident_with(&bases, &scalars, &MsmConfig::default()).unwrap();
            let what = format!("delays {seed}, {kind}");
            assert_eq!(got.into_affine(), ark_msm(&points, &scalars).into_affine(), "{what}");
            assert_eq!(p.job.mem_reads, scalars.iter().filter(|s| !s.is_zero()).count() as u64, "{what}");
            assert!(p.job.mem_stall_cycles > 0, "{what}: the delays were felt");
        }
    }
}

/// Both backends agree on the same job (result and item count).
#[test]
fn backends_agree() {
    let mut rng = seeded_rng("backends_agree");
    let points = random_points(&mut rng, 500);
    let scalars = random_scalars(&mut rng, 500);
    let (a, pa) = Coprocessor::new(VerilatorBus::new(None)).unwrap().msm_with(&points, &scalars, &MsmConfig::default()).unwrap();
    let (b, pb) = Coprocessor::new(ModelBus::new()).unwrap().msm_with(&points, &scalars, &MsmConfig::default()).unwrap();
    assert_eq!(a.into_affine(), b.into_affine());
    let key = |p: &MsmProfile| (p.points_sent, p.window_bits, p.job.beats_in, p.job.beats_out, p.job.mem_reads, p.job.mem_beats);
    assert_eq!(key(&pa), key(&pb));
}

/// Card memory that stops answering: the job times out with a typed error
/// (never a hang), the reset clears the half-done job, and the next MSM on
/// the same device is exact.
#[test]
fn verilator_memory_that_never_answers_times_out_and_recovers() {
    let mut rng = seeded_rng("verilator_memory_that_never_answers_times_out_and_recovers");
    let points = random_points(&mut rng, 100);
    let scalars = random_scalars(&mut rng, 100);
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).unwrap();
    let (bases, _) = dev.load_bases(&points).unwrap();
    let capacity = dev.card_mem_capacity();
    dev.bus().set_mem_timing(&zkcopro_host::bus::CardMemTiming::single_channel(capacity, u32::MAX, 76.8));
    match dev.msm_resident_with(&bases, &scalars, &MsmConfig { window_bits: Some(8), ..Default::default() }) {
        Err(DriverError::Timeout(_)) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    let mut dev = dev.with_mem_config(Default::default());
    let got = dev.msm_resident(&bases, &scalars).unwrap();
    assert_eq!(got.into_affine(), ark_msm(&points, &scalars).into_affine(), "after the timeout");
}

/// Larger MSMs on Verilator (about a minute).
#[test]
#[ignore = "long: MSM 2^14 and 2^16 on Verilator"]
fn verilator_large_sizes() {
    let mut rng = seeded_rng("verilator_large_sizes");
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).unwrap();
    for log_n in [14, 16] {
        let n = 1usize << log_n;
        let points = random_points(&mut rng, n);
        let scalars = random_scalars(&mut rng, n);
        let p = check(&mut dev, &points, &scalars, &MsmConfig::default(), &format!("n = 2^{log_n}"));
        println!("n = 2^{log_n}: {} cycles, efficiency {:.3}", p.job.device_cycles, p.efficiency);
    }
}
