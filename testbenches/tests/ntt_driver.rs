//! The NTT through the driver, on both backends: ark-poly semantics for
//! every size to 2^16 (on chip, and four-step on the card above 2^12), every
//! decomposition plan (the three-pass one of 2^23 and above at small sizes),
//! 2^18, 2^20 and 2^23 on the model,
//! coset variants, powers of roots of unity (OutputPowers::Root) on every
//! plan, round trips, edge inputs, random card-memory delays,
//! device buffers, bad sizes and bad buffers.

use ark_bn254::Fr;
use ark_ff::{FftField, Field, One, UniformRand, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use zkcopro_hdl::ntt::NTT_LOG_MAX;
use zkcopro_host::{Bus, Coprocessor, Direction, DriverError, ModelBus, OutputPowers, VerilatorBus};
use zkcopro_testbenches::on_both_backends;
use zkcopro_testbenches::seeded_rng;

fn first_mismatch(a: &[Fr], b: &[Fr]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y).or((a.len() != b.len()).then_some(a.len().min(b.len())))
}

fn check_sizes<B: Bus>(bus: B, name: &str, log_sizes: &[u32]) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    for &log_n in log_sizes {
        let n = 1usize << log_n;
        let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
        let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let mut data = input.clone();
        let p = dev.ntt(&mut data, Direction::Forward).unwrap();
        let want = domain.fft(&input);
        assert_eq!(first_mismatch(&data, &want), None, "forward n = 2^{log_n}");
        assert_eq!(p.ops, (n as u64 / 2) * log_n as u64, "butterflies, n = 2^{log_n}");
        dev.ntt(&mut data, Direction::Inverse).unwrap();
        assert_eq!(first_mismatch(&data, &input), None, "inverse after forward, n = 2^{log_n}");
    }
}

fn check_cosets_and_edges<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    for (log_n, offset) in [
        (1u32, Fr::GENERATOR),
        (3, Fr::GENERATOR),
        (9, Fr::GENERATOR),
        (NTT_LOG_MAX as u32, Fr::GENERATOR),
        (NTT_LOG_MAX as u32 + 1, Fr::GENERATOR),
        (5, Fr::from(3u64)),
        (NTT_LOG_MAX as u32 + 1, Fr::from(3u64)),
    ] {
        let n = 1usize << log_n;
        let coset = Radix2EvaluationDomain::<Fr>::new(n).unwrap().get_coset(offset).unwrap();
        let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let mut data = input.clone();
        dev.coset_ntt(&mut data, offset, Direction::Forward).unwrap();
        assert_eq!(first_mismatch(&data, &coset.fft(&input)), None, "coset fft 2^{log_n}");
        let mut back = data.clone();
        dev.coset_ntt(&mut back, offset, Direction::Inverse).unwrap();
        assert_eq!(first_mismatch(&back, &coset.ifft(&data)), None, "coset ifft 2^{log_n}");
        assert_eq!(first_mismatch(&back, &input), None, "coset round trip 2^{log_n}");
    }
    let n = 64;
    let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
    let edges: [Vec<Fr>; 3] = [
        vec![Fr::zero(); n],
        (0..n).map(|i| if i == 5 { Fr::one() } else { Fr::zero() }).collect(),
        vec![-Fr::one(); n],
    ];
    for input in edges {
        let mut data = input.clone();
        dev.ntt(&mut data, Direction::Forward).unwrap();
        assert_eq!(first_mismatch(&data, &domain.fft(&input)), None);
        let mut data = input.clone();
        dev.ntt(&mut data, Direction::Inverse).unwrap();
        assert_eq!(first_mismatch(&data, &domain.ifft(&input)), None);
    }
}

fn check_bad_sizes<B: Bus>(bus: B, _name: &str) {
    let mut dev = Coprocessor::new(bus).unwrap();
    for n in [0usize, 3, 6, 100] {
        let mut data = vec![Fr::one(); n];
        assert!(matches!(dev.ntt(&mut data, Direction::Forward), Err(DriverError::NttSize { .. })), "n = {n}");
    }
    let mut data = vec![Fr::one(); 8];
    assert_eq!(dev.coset_ntt(&mut data, Fr::zero(), Direction::Forward), Err(DriverError::ZeroCosetOffset));
    assert_eq!(data, vec![Fr::one(); 8], "a refused coset NTT leaves the data alone");
    // Still usable.
    let mut data = vec![Fr::one(); 4];
    dev.ntt(&mut data, Direction::Forward).unwrap();
    assert_eq!(data[0], Fr::from(4u64));
}


on_both_backends! {
    every_on_chip_size(|b, n| check_sizes(b, n, &(1..=NTT_LOG_MAX as u32).collect::<Vec<_>>()));
    four_step_sizes(|b, n| check_sizes(b, n, &(NTT_LOG_MAX as u32 + 1..=16).collect::<Vec<_>>()));
    device_buffers(check_device_buffers);
    cosets_and_edge_inputs(check_cosets_and_edges);
    bad_sizes_are_errors(check_bad_sizes);
    every_plan_at_small_sizes(check_plans);
    root_powers_on_every_plan(check_root_powers);
}

/// `OutputPowers::Root { log_order }` on every plan: result j times w^j, w
/// ark-poly's `group_gen` of the domain of 2^log_order points, for orders
/// 2, n, 2n (snarkjs's QAP: ifft, times w_2n^i, fft gives the evaluations
/// on the coset w_2n <w_n>), 2^28 and one drawn at random; either direction,
/// with a constant; orders outside 2^1..=2^28 refused before any work.
fn check_root_powers<B: Bus>(bus: B, name: &str) {
    use zkcopro_host::ntt::CardPlan;
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let root = |log_order: u32| Radix2EvaluationDomain::<Fr>::new(1 << log_order).unwrap().group_gen;
    let times_powers = |v: Vec<Fr>, w: Fr, k: Fr| {
        let mut x = k;
        v.into_iter()
            .map(|y| {
                let r = y * x;
                x *= w;
                r
            })
            .collect::<Vec<_>>()
    };
    let plans = [
        (1u32, CardPlan::OneJob),
        (9, CardPlan::OneJob),
        (6, CardPlan::TwoPass { log1: 2 }),
        (6, CardPlan::ThreePass { log1: 2, log_m1: 2 }),
        (7, CardPlan::ThreePass { log1: 1, log_m1: 5 }),
        (13, CardPlan::TwoPass { log1: 11 }),
        (14, CardPlan::ThreePass { log1: 2, log_m1: 6 }),
    ];
    for (log_n, plan) in plans {
        let n = 1usize << log_n;
        let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
        let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let buf = dev.alloc_buffer(n as u64 * 32).unwrap();
        let mut got = vec![Fr::zero(); n];
        let drawn = rand::Rng::gen_range(&mut rng, 2..=27u32);
        let k = Fr::rand(&mut rng);
        for log_order in [1, log_n, log_n + 1, 28, drawn] {
            let w = root(log_order);
            assert_eq!(w.pow([1u64 << (log_order - 1)]), -Fr::one(), "w is a primitive 2^{log_order}-th root");
            for (dir, factor) in [(Direction::Inverse, Fr::one()), (Direction::Forward, k)] {
                let transformed = match dir {
                    Direction::Inverse => domain.ifft(&input),
                    Direction::Forward => domain.fft(&input),
                };
                let want = times_powers(transformed, w, factor);
                dev.upload_fr(&buf, &input).unwrap();
                let powers = OutputPowers::Root { log_order };
                let p = dev.ntt_buffer_planned(&buf, n, dir, powers, factor, plan).unwrap();
                dev.download_fr(&buf, &mut got).unwrap();
                assert_eq!(first_mismatch(&got, &want), None, "2^{log_n} {plan:?} {dir:?} {powers:?} factor {factor}");
                assert_eq!(p.ops, (n as u64 / 2) * log_n as u64, "2^{log_n} {plan:?}: no pass of its own for the powers");
            }
        }
        // The powers cost no job and no cycle: the same device cycles as the
        // plain inverse transform.
        let plain = dev.ntt_buffer_planned(&buf, n, Direction::Inverse, OutputPowers::None, Fr::one(), plan).unwrap();
        // snarkjs's QAP step: ifft, times w_2n^i, fft: the odd coset of the 2n domain.
        dev.upload_fr(&buf, &input).unwrap();
        let p = dev
            .ntt_buffer_planned(&buf, n, Direction::Inverse, OutputPowers::Root { log_order: log_n + 1 }, Fr::one(), plan)
            .unwrap();
        assert_eq!(p.jobs, plain.jobs, "2^{log_n} {plan:?}: the powers cost no job");
        assert!(plain.device_cycles > 0);
        assert_eq!(p.device_cycles, plain.device_cycles, "2^{log_n} {plan:?}: the powers cost no cycle");
        dev.ntt_buffer_planned(&buf, n, Direction::Forward, OutputPowers::None, Fr::one(), plan).unwrap();
        dev.download_fr(&buf, &mut got).unwrap();
        let odd = domain.get_coset(root(log_n + 1)).unwrap();
        assert_eq!(first_mismatch(&got, &odd.fft(&domain.ifft(&input))), None, "2^{log_n} {plan:?}: odd-coset evaluations");
        dev.free_buffer(buf).unwrap();
    }
    // Orders the scaler cannot make: a typed error before any device work.
    let buf = dev.alloc_buffer(32 * 16).unwrap();
    let cycles = dev.bus_ref().cycles();
    for log_order in [0u32, 29, 31, 32, u32::MAX] {
        for n in [1usize, 16] {
            let err = dev.ntt_buffer_scaled(&buf, n, Direction::Inverse, OutputPowers::Root { log_order }, Fr::one());
            assert!(matches!(err, Err(DriverError::OutOfRange { .. })), "2^{log_order}, {n} points: {err:?}");
        }
    }
    assert_eq!(dev.bus_ref().cycles(), cycles, "refused before any device work");
    // One point: times w^0 = 1 (and the constant).
    let x = Fr::rand(&mut rng);
    dev.upload_fr(&buf, &[x]).unwrap();
    dev.ntt_buffer_scaled(&buf, 1, Direction::Inverse, OutputPowers::Root { log_order: 1 }, Fr::from(3u64)).unwrap();
    let mut one = [Fr::zero()];
    dev.download_fr(&buf, &mut one).unwrap();
    assert_eq!(one[0], x * Fr::from(3u64), "1 point");
    dev.free_buffer(buf).unwrap();
}

/// Every decomposition the driver uses, run at sizes a test can afford
/// (the three-pass plan of 2^23 and above included): the same result as
/// ark-poly, forward and inverse, with the coset powers folded into the
/// last pass and a constant into the core's output multiplier; one job per
/// pass part, every butterfly once, every point
/// written once per pass.
fn check_plans<B: Bus>(bus: B, name: &str) {
    use zkcopro_host::ntt::CardPlan;
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let plans = [
        (9u32, CardPlan::OneJob),
        (6, CardPlan::TwoPass { log1: 2 }),
        (6, CardPlan::ThreePass { log1: 2, log_m1: 2 }),
        (7, CardPlan::ThreePass { log1: 1, log_m1: 5 }),
        // Several batches in every pass (pass 1: 16; pass 2: 4 per row; pass 3: 2 per job).
        (16, CardPlan::ThreePass { log1: 2, log_m1: 6 }),
        (16, CardPlan::ThreePass { log1: 5, log_m1: 3 }),
        (13, CardPlan::TwoPass { log1: 11 }),
    ];
    for (log_n, plan) in plans {
        let n = 1usize << log_n;
        let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
        let coset = domain.get_coset(Fr::GENERATOR).unwrap();
        let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let buf = dev.alloc_buffer(n as u64 * 32).unwrap();
        let mut got = vec![Fr::zero(); n];
        let passes = match plan {
            CardPlan::OneJob => 1,
            CardPlan::TwoPass { .. } => 2,
            CardPlan::ThreePass { .. } => 3,
        };
        let jobs = match plan {
            CardPlan::ThreePass { log1, log_m1 } => 1 + (1 << log1) + (1 << log_m1),
            _ => passes,
        };
        // A constant in the core's output multiplier, with and without powers.
        let k = Fr::rand(&mut rng);
        let times_k = |v: Vec<Fr>| v.into_iter().map(|x| x * k).collect::<Vec<_>>();
        for (dir, powers, factor, want) in [
            (Direction::Forward, OutputPowers::None, Fr::one(), domain.fft(&input)),
            (Direction::Inverse, OutputPowers::None, Fr::one(), domain.ifft(&input)),
            (Direction::Inverse, OutputPowers::InverseCoset, Fr::one(), coset.ifft(&input)),
            (Direction::Forward, OutputPowers::None, k, times_k(domain.fft(&input))),
            (Direction::Inverse, OutputPowers::InverseCoset, k, times_k(coset.ifft(&input))),
            (Direction::Inverse, OutputPowers::Coset, Fr::one(), {
                let mut c = domain.ifft(&input);
                let mut g = Fr::one();
                for x in c.iter_mut() {
                    *x *= g;
                    g *= Fr::GENERATOR;
                }
                c
            }),
        ] {
            dev.upload_fr(&buf, &input).unwrap();
            let p = dev.ntt_buffer_planned(&buf, n, dir, powers, factor, plan).unwrap();
            dev.download_fr(&buf, &mut got).unwrap();
            assert_eq!(first_mismatch(&got, &want), None, "2^{log_n} {plan:?} {dir:?} {powers:?} factor {factor}");
            assert_eq!(p.jobs, jobs, "2^{log_n} {plan:?}: jobs");
            assert_eq!(p.ops, (n as u64 / 2) * log_n as u64, "2^{log_n} {plan:?}: every butterfly once");
            assert_eq!(p.mem_write_bytes, passes * 32 * n as u64, "2^{log_n} {plan:?}: each pass writes every point once");
        }
        dev.free_buffer(buf).unwrap();
    }
    // Plans that do not fit the size are refused before any work.
    let buf = dev.alloc_buffer(32 << 13).unwrap();
    let cycles = dev.bus_ref().cycles();
    for (log_n, plan) in [
        (11u32, CardPlan::TwoPass { log1: 11 }),
        (13, CardPlan::OneJob),
        (6, CardPlan::ThreePass { log1: 4, log_m1: 2 }),
        (11, CardPlan::TwoPass { log1: 0 }),
    ] {
        let err = dev.ntt_buffer_planned(&buf, 1 << log_n, Direction::Forward, OutputPowers::None, Fr::one(), plan);
        assert!(matches!(err, Err(DriverError::OutOfRange { .. })), "2^{log_n} {plan:?}: {err:?}");
    }
    assert_eq!(dev.bus_ref().cycles(), cycles, "refused before any device work");
    assert_eq!(CardPlan::for_size(23), CardPlan::ThreePass { log1: 6, log_m1: 6 });
    assert_eq!(CardPlan::for_size(24), CardPlan::ThreePass { log1: 6, log_m1: 7 });
    assert_eq!(CardPlan::for_size(28), CardPlan::ThreePass { log1: 8, log_m1: 9 });
    for log_n in 0..=28 {
        assert!(CardPlan::for_size(log_n).fits(log_n), "2^{log_n}");
    }
}

/// Device buffers: a transform chain on the card (forward, then inverse)
/// without the data leaving it; sizes and buffers checked before any work.
fn check_device_buffers<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let n = 1usize << 14;
    let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let buf = dev.alloc_buffer(n as u64 * 32).unwrap();
    dev.upload_fr(&buf, &input).unwrap();
    let p = dev.ntt_buffer(&buf, n, Direction::Forward).unwrap();
    assert_eq!(p.transfer_s, 0.0, "no host<->card copy inside ntt_buffer");
    assert_eq!(p.jobs, 2, "two passes, one job each");
    assert_eq!(p.ops, (n as u64 / 2) * n.trailing_zeros() as u64, "every butterfly once");
    assert_eq!(p.mem_write_bytes, 2 * 32 * n as u64, "each pass writes every point once");
    let mut out = vec![Fr::zero(); n];
    dev.download_fr(&buf, &mut out).unwrap();
    assert_eq!(first_mismatch(&out, &Radix2EvaluationDomain::<Fr>::new(n).unwrap().fft(&input)), None);
    dev.ntt_buffer(&buf, n, Direction::Inverse).unwrap();
    dev.download_fr(&buf, &mut out).unwrap();
    assert_eq!(first_mismatch(&out, &input), None, "round trip on the card");
    // A coset round trip on the card (g = GENERATOR), against ark-poly's coset domain.
    let coset = Radix2EvaluationDomain::<Fr>::new(n).unwrap().get_coset(Fr::GENERATOR).unwrap();
    let p = dev.coset_ntt_buffer(&buf, n, Direction::Forward).unwrap();
    assert_eq!(p.transfer_s, 0.0);
    dev.download_fr(&buf, &mut out).unwrap();
    assert_eq!(first_mismatch(&out, &coset.fft(&input)), None, "coset fft on the card");
    dev.coset_ntt_buffer(&buf, n, Direction::Inverse).unwrap();
    dev.download_fr(&buf, &mut out).unwrap();
    assert_eq!(first_mismatch(&out, &input), None, "coset round trip on the card");
    // Powers folded into the last pass (four-step here, one job below): an
    // inverse NTT times g^j, then a forward NTT, is ark-poly's coset fft of
    // the coefficients; times g^-j is ark-poly's coset ifft.
    for size in [n, 1 << 9] {
        let x = &input[..size];
        let domain = Radix2EvaluationDomain::<Fr>::new(size).unwrap();
        let coset = domain.get_coset(Fr::GENERATOR).unwrap();
        let mut got = vec![Fr::zero(); size];
        dev.upload_fr(&buf, x).unwrap();
        let jobs = dev.ntt_buffer_scaled(&buf, size, Direction::Inverse, OutputPowers::Coset, Fr::one()).unwrap().jobs;
        assert_eq!(jobs, if size > 1 << NTT_LOG_MAX { 2 } else { 1 }, "no pass of its own for the powers");
        dev.ntt_buffer(&buf, size, Direction::Forward).unwrap();
        dev.download_fr(&buf, &mut got).unwrap();
        assert_eq!(first_mismatch(&got, &coset.fft(&domain.ifft(x))), None, "ifft times g^j, then fft, 2^{}", size.trailing_zeros());
        dev.upload_fr(&buf, x).unwrap();
        dev.ntt_buffer_scaled(&buf, size, Direction::Inverse, OutputPowers::InverseCoset, Fr::one()).unwrap();
        dev.download_fr(&buf, &mut got).unwrap();
        assert_eq!(first_mismatch(&got, &coset.ifft(x)), None, "coset ifft, 2^{}", size.trailing_zeros());
        dev.upload_fr(&buf, x).unwrap();
        dev.ntt_buffer_scaled(&buf, size, Direction::Forward, OutputPowers::Coset, Fr::one()).unwrap();
        dev.download_fr(&buf, &mut got).unwrap();
        let want: Vec<Fr> = domain.fft(x).iter().zip(std::iter::successors(Some(Fr::one()), |p| Some(*p * Fr::GENERATOR))).map(|(y, g)| *y * g).collect();
        assert_eq!(first_mismatch(&got, &want), None, "fft times g^j, 2^{}", size.trailing_zeros());
    }
    // Scaling by a constant: jobs of one-point transforms, the points read once.
    let k = Fr::rand(&mut rng);
    for size in [n, 2, (1 << NTT_LOG_MAX) + 6] {
        let x = &input[..size];
        dev.upload_fr(&buf, x).unwrap();
        let p = dev.scale_buffer(&buf, size, k).unwrap();
        assert_eq!(p.jobs, size.count_ones() as u64, "a job per power of two in the size");
        assert_eq!(p.mem_bytes, 32 * size as u64, "one read per point");
        let mut got = vec![Fr::zero(); size];
        dev.download_fr(&buf, &mut got).unwrap();
        let want: Vec<Fr> = x.iter().map(|v| *v * k).collect();
        assert_eq!(first_mismatch(&got, &want), None, "times a constant, {size} points");
    }
    // A one-point transform times a constant (no card job moves one point).
    dev.upload_fr(&buf, &input[..1]).unwrap();
    dev.ntt_buffer_scaled(&buf, 1, Direction::Inverse, OutputPowers::InverseCoset, k).unwrap();
    let mut one = [Fr::zero()];
    dev.download_fr(&buf, &mut one).unwrap();
    assert_eq!(one[0], input[0] * k, "1 point times a constant");
    // Bad sizes and buffers: refused before any work.
    let cycles = dev.bus_ref().cycles();
    for bad in [0usize, 3, 1 << 29] {
        assert!(matches!(dev.ntt_buffer(&buf, bad, Direction::Forward), Err(DriverError::NttSize { .. })), "n = {bad}");
    }
    assert!(matches!(dev.ntt_buffer(&buf, 2 * n, Direction::Forward), Err(DriverError::BufferRange { .. })));
    for bad in [0usize, 3] {
        assert!(matches!(dev.scale_buffer(&buf, bad, k), Err(DriverError::OutOfRange { .. })), "scale {bad} points");
    }
    assert!(matches!(dev.scale_buffer(&buf, 2 * n, k), Err(DriverError::BufferRange { .. })));
    assert_eq!(dev.bus_ref().cycles(), cycles, "refused before any device work");
    dev.free_buffer(buf).unwrap();
    assert_eq!(dev.ntt_buffer(&buf, n, Direction::Forward), Err(DriverError::InvalidBuffer));
}

#[test]
#[ignore = "long: 2^18 and 2^20 four-step on Verilator (minutes)"]
fn large_four_step_sizes() {
    check_sizes(VerilatorBus::new(None), "large_four_step", &[18, 20]);
}

/// 2^23 takes the three-pass plan (its shape runs on Verilator at small
/// sizes in `every_plan_at_small_sizes`).
#[test]
fn large_sizes_model() {
    check_sizes(ModelBus::new(), "large_sizes_model", &[18, 20, 23]);
}

/// Seeded random card-memory delays (late bursts, withheld beats): the
/// engine must neither lose nor repeat nor reorder a point, on an on-chip
/// size and a four-step size.
#[test]
fn verilator_card_memory_delays() {
    let mut rng = seeded_rng("ntt_verilator_card_memory_delays");
    for (seed, extra, stall_pct) in [(11u64, 40u32, 30u32), (12, 200, 5), (13, 3, 70)] {
        let mut bus = VerilatorBus::new(None);
        bus.set_mem_delays(seed, extra, stall_pct);
        let mut dev = Coprocessor::new(bus).unwrap();
        for log_n in [10u32, NTT_LOG_MAX as u32 + 1] {
            let n = 1usize << log_n;
            let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let mut data = input.clone();
            let p = dev.ntt(&mut data, Direction::Forward).unwrap();
            let want = Radix2EvaluationDomain::<Fr>::new(n).unwrap().fft(&input);
            assert_eq!(first_mismatch(&data, &want), None, "delays {seed}, n = 2^{log_n}");
            assert!(p.in_stall_cycles > 0, "the delays stalled the load");
        }
    }
}

/// Card memory far slower than the default (1.6 µs, 400 cycles at 250 MHz,
/// and 4.8 GB/s): a card NTT and an element-wise job take several times
/// their own cycles, and the driver waits for them (its patience counts
/// card memory's cycles) instead of reporting a device that stopped.
#[test]
fn slow_card_memory_is_waited_for() {
    use zkcopro_host::{CardMemConfig, FieldOp, Operand};
    let slow = CardMemConfig { dram_latency_s: 1.6e-6, dram_bytes_per_s: 4.8e9, ..Default::default() };
    let mut rng = seeded_rng("slow_card_memory_is_waited_for");
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).unwrap().with_mem_config(slow);
    let log_n = NTT_LOG_MAX as u32 + 2;
    let n = 1usize << log_n;
    let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let mut data = input.clone();
    let p = dev.ntt(&mut data, Direction::Forward).unwrap();
    let want = Radix2EvaluationDomain::<Fr>::new(n).unwrap().fft(&input);
    assert_eq!(first_mismatch(&data, &want), None, "NTT 2^{log_n} through slow card memory");
    let busy_bound = 4 * n as u64 + (n as u64 / 2) * log_n as u64 / 4;
    assert!(p.device_cycles > busy_bound, "latency-bound: {} cycles", p.device_cycles);
    // a * b on the card, the same memory.
    let a = dev.alloc_buffer(32 * n as u64).unwrap();
    let b = dev.alloc_buffer(32 * n as u64).unwrap();
    dev.upload_fr(&a, &input).unwrap();
    dev.upload_fr(&b, &data).unwrap();
    dev.field_op_buffers::<Fr>(FieldOp::Mul, &a, Operand::Buffer(&b), &a, n).unwrap();
    let mut out = vec![Fr::zero(); n];
    dev.download_fr(&a, &mut out).unwrap();
    assert!(out.iter().zip(input.iter().zip(&data)).all(|(o, (x, y))| *o == *x * y), "a * b through slow card memory");
}
