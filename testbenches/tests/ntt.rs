//! NTT engine: every on-chip size and batches, forward and inverse, against
//! ark-poly and the reference model, on the verilated top through raw bus
//! transactions.

use ark_bn254::Fr;
use ark_ff::{UniformRand, Zero, One};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use zkcopro_hdl::ntt::{NTT_DRAIN_CYCLES, NTT_LOG_MAX, NTT_UNITS};
use zkcopro_hdl::{reference, regmap};
use zkcopro_host::DeviceField;
use zkcopro_host::field::{beat_to_biguint, biguint_to_beat};
use zkcopro_sim::TopModel;
use zkcopro_testbenches::seeded_rng;

const T: u64 = 100;

fn run(m: &mut TopModel, op: u32, log_m: u32, input: &[Fr]) -> (Vec<Fr>, u32) {
    m.axil_write(regmap::JOB_OP.offset, op, 0xF, T).unwrap();
    m.axil_write(regmap::JOB_FIELD.offset, 1, 0xF, T).unwrap();
    m.axil_write(regmap::JOB_COUNT.offset, input.len() as u32, 0xF, T).unwrap();
    m.axil_write(regmap::JOB_LOG_SIZE.offset, log_m, 0xF, T).unwrap();
    m.axil_write(regmap::CTRL.offset, regmap::CTRL_AP_START, 0xF, T).unwrap();
    let beats: Vec<_> = input.iter().map(|x| x.to_beat()).collect();
    let out = m.stream(&beats, true, input.len(), 200_000);
    if out.timed_out {
        let err = m.axil_read(regmap::ERROR.offset, T).unwrap().0;
        panic!("stream timed out after {} in / {} out; ERROR {err}", out.sent, out.out.len());
    }
    assert_eq!(out.out_last.iter().position(|&l| l), Some(input.len() - 1));
    m.idle(3);
    let ctrl = m.axil_read(regmap::CTRL.offset, T).unwrap().0;
    assert_ne!(ctrl & regmap::CTRL_AP_DONE, 0);
    let err = m.axil_read(regmap::ERROR.offset, T).unwrap().0;
    (out.out.iter().map(|b| Fr::from_beat(b).expect("reduced")).collect(), err)
}

#[test]
fn every_on_chip_size_forward_and_inverse_matches_ark_poly() {
    let mut rng = seeded_rng("ntt_sizes");
    let mut m = TopModel::new(None);
    m.reset(regmap::RESET_CYCLES);
    for log_n in 0..=NTT_LOG_MAX as u32 {
        let n = 1usize << log_n;
        let domain = Radix2EvaluationDomain::<Fr>::new(n).unwrap();
        let input: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let (got, err) = run(&mut m, regmap::OP_NTT, log_n, &input);
        assert_eq!(err, 0);
        let want = domain.fft(&input);
        let refs: Vec<_> = input.iter().map(|x| beat_to_biguint(&x.to_beat())).collect();
        let model: Vec<Fr> = reference::ntt_batch(&refs, log_n, false).iter().map(|v| Fr::from_beat(&biguint_to_beat(v)).unwrap()).collect();
        assert!(model == want, "reference model vs ark-poly, n = {n}");
        assert!(got == want, "forward n = {n}: first mismatch at {:?}", got.iter().zip(&want).position(|(a, b)| a != b));
        let (back, err) = run(&mut m, regmap::OP_INTT, log_n, &got);
        assert_eq!(err, 0);
        assert_eq!(back, input, "inverse after forward, n = {n}");
        let busy = m.axil_read(regmap::PERF_BUSY.offset, T).unwrap().0;
        let bfly = m.axil_read(regmap::PERF_OPS.offset, T).unwrap().0;
        assert_eq!(bfly as usize, n / 2 * log_n as usize, "butterflies n = {n}");
        println!("n = 2^{log_n}: {busy} busy cycles, {bfly} butterflies");
    }
}

#[test]
fn batches_and_edge_inputs_match_reference_model() {
    let mut rng = seeded_rng("ntt_batches");
    let mut m = TopModel::new(None);
    m.reset(regmap::RESET_CYCLES);
    let n = 1usize << NTT_LOG_MAX;
    for (log_m, kind) in [(3u32, "random"), (6, "zero"), (10, "one-hot"), (5, "p-1")] {
        let input: Vec<Fr> = (0..n)
            .map(|i| match kind {
                "zero" => Fr::zero(),
                "one-hot" => if i % (1 << log_m) == 3 { Fr::one() } else { Fr::zero() },
                "p-1" => -Fr::one(),
                _ => Fr::rand(&mut rng),
            })
            .collect();
        for op in [regmap::OP_NTT, regmap::OP_INTT] {
            let (got, err) = run(&mut m, op, log_m, &input);
            assert_eq!(err, 0);
            let refs: Vec<_> = input.iter().map(|x| beat_to_biguint(&x.to_beat())).collect();
            let want: Vec<Fr> = reference::ntt_batch(&refs, log_m, op == regmap::OP_INTT)
                .iter()
                .map(|v| Fr::from_beat(&biguint_to_beat(v)).unwrap())
                .collect();
            assert_eq!(got, want, "{kind} batch of 2^{log_m}, op {op}");
            let domain = Radix2EvaluationDomain::<Fr>::new(1 << log_m).unwrap();
            let first = if op == regmap::OP_NTT { domain.fft(&input[..1 << log_m]) } else { domain.ifft(&input[..1 << log_m]) };
            assert_eq!(&got[..1 << log_m], &first[..], "{kind}: first transform vs ark-poly");
        }
    }
}

#[test]
fn bad_sizes_are_refused() {
    let mut m = TopModel::new(None);
    m.reset(regmap::RESET_CYCLES);
    let max = NTT_LOG_MAX as u32;
    for (field, count, log_m, batch_log, code) in [
        (1, 3, 0, 0, regmap::ERR_BAD_SIZE),
        (1, 2 << NTT_LOG_MAX, 1, 0, regmap::ERR_BAD_SIZE),
        (1, 8, 4, 0, regmap::ERR_BAD_SIZE),
        (1, 0, 0, 0, regmap::ERR_ZERO_COUNT),
        (0, 8, 3, 0, regmap::ERR_BAD_FIELD),
        // Batches: above the on-chip size, larger than the job, smaller than a transform.
        (1, 4 << NTT_LOG_MAX, 1, max + 1, regmap::ERR_BAD_SIZE),
        (1, 8, 1, 4, regmap::ERR_BAD_SIZE),
        (1, 64, 4, 3, regmap::ERR_BAD_SIZE),
    ] {
        m.axil_write(regmap::NTT_BATCH_LOG.offset, batch_log, 0xF, T).unwrap();
        m.axil_write(regmap::JOB_OP.offset, regmap::OP_NTT, 0xF, T).unwrap();
        m.axil_write(regmap::JOB_FIELD.offset, field, 0xF, T).unwrap();
        m.axil_write(regmap::JOB_COUNT.offset, count, 0xF, T).unwrap();
        m.axil_write(regmap::JOB_LOG_SIZE.offset, log_m, 0xF, T).unwrap();
        m.axil_write(regmap::CTRL.offset, regmap::CTRL_AP_START, 0xF, T).unwrap();
        m.idle(3);
        let ctrl = m.axil_read(regmap::CTRL.offset, T).unwrap().0;
        assert_ne!(ctrl & regmap::CTRL_AP_IDLE, 0, "count {count} log {log_m}: ctrl {ctrl:#x}");
        assert_eq!(m.axil_read(regmap::ERROR.offset, T).unwrap().0, code, "count {count} log {log_m} batch {batch_log}");
    }
    m.axil_write(regmap::NTT_BATCH_LOG.offset, 0, 0xF, T).unwrap();
}

/// Jobs of several batches (NTT_BATCH_LOG), back to back and interleaved,
/// under seeded random stream stalls: the core loads, transforms and
/// unloads different batches at once; every result must match the
/// reference model batch by batch, in order, with none lost or repeated,
/// and the batches must overlap (fewer cycles than one after another).
#[test]
fn batched_jobs_overlap_and_match_reference_model() {
    use zkcopro_hdl::ntt::reference::core_index;
    use rand::Rng;
    let mut rng = seeded_rng("ntt_batched");
    let mut m = TopModel::new(None);
    m.reset(regmap::RESET_CYCLES);
    // (batch log, transform log, interleave log, batches, stall %)
    for (batch_log, log_m, ilv, batches, stall) in
        [(8u32, 5u32, 0u32, 8usize, 0u32), (8, 6, 2, 4, 30), (NTT_LOG_MAX as u32, 8, 4, 3, 0), (2, 1, 1, 16, 50), (6, 0, 0, 4, 20)]
    {
        let batches = batches.next_power_of_two();
        let n = batches << batch_log;
        // Each cycle a beat is offered / taken with probability 100 - stall %.
        m.set_stalls(rng.r#gen(), 100 - stall, 100 - stall);
        let input: Vec<Fr> = (0..n)
            .map(|i| match i % 7 {
                0 => Fr::zero(),
                1 => -Fr::one(),
                _ => Fr::rand(&mut rng),
            })
            .collect();
        for op in [regmap::OP_NTT, regmap::OP_INTT] {
            let mode = ilv << regmap::NTT_MODE_IN_ILV_SHIFT | ilv << regmap::NTT_MODE_OUT_ILV_SHIFT;
            m.axil_write(regmap::NTT_MODE.offset, mode, 0xF, T).unwrap();
            m.axil_write(regmap::NTT_BATCH_LOG.offset, batch_log, 0xF, T).unwrap();
            let (got, err) = run(&mut m, op, log_m, &input);
            assert_eq!(err, 0, "batch 2^{batch_log}, m 2^{log_m}, B 2^{ilv}");
            // The reference: each batch alone, through the interleaved load and unload.
            let batch = 1usize << batch_log;
            let mut want = Vec::with_capacity(n);
            for chunk in input.chunks(batch) {
                let mut core = vec![Fr::zero(); batch];
                for (b, x) in chunk.iter().enumerate() {
                    core[core_index(b, ilv, log_m)] = *x;
                }
                let refs: Vec<_> = core.iter().map(|x| beat_to_biguint(&x.to_beat())).collect();
                let out: Vec<Fr> = reference::ntt_batch(&refs, log_m, op == regmap::OP_INTT)
                    .iter()
                    .map(|v| Fr::from_beat(&biguint_to_beat(v)).unwrap())
                    .collect();
                want.extend((0..batch).map(|b| out[core_index(b, ilv, log_m)]));
            }
            assert!(
                got == want,
                "batch 2^{batch_log}, m 2^{log_m}, B 2^{ilv}, op {op}: first mismatch at {:?}",
                got.iter().zip(&want).position(|(a, b)| a != b)
            );
            let busy = m.axil_read(regmap::PERF_BUSY.offset, T).unwrap().0 as usize;
            let bfly = m.axil_read(regmap::PERF_OPS.offset, T).unwrap().0 as usize;
            assert_eq!(bfly, n / 2 * log_m as usize);
            if stall == 0 && log_m >= 5 {
                // One after another: 2 n + the stages; overlapped, well under.
                let serial = 2 * n + batches * log_m as usize * (batch / (2 * NTT_UNITS) + NTT_DRAIN_CYCLES);
                assert!(busy < serial * 4 / 5, "no overlap: {busy} busy cycles, serial {serial}");
            }
            println!("batch 2^{batch_log} m 2^{log_m} B 2^{ilv} x{batches}: {busy} busy cycles, {bfly} butterflies");
        }
    }
    m.set_stalls(0, 100, 100);
    m.axil_write(regmap::NTT_MODE.offset, 0, 0xF, T).unwrap();
    m.axil_write(regmap::NTT_BATCH_LOG.offset, 0, 0xF, T).unwrap();
}
