//! Element-wise jobs on device buffers (the field ALU reading and writing
//! card memory), on both backends: every operation in both fields against
//! arkworks on edge and seeded random operands, a constant operand, results
//! in place, random card-memory delays, bad inputs refused before work, and
//! layouts the data port cannot serve refused by the device.

use ark_bn254::{Fq, Fr};
use ark_ff::UniformRand;
use zkcopro_host::field::{beat_to_bytes, bytes_to_beat};
use zkcopro_host::{Bus, Coprocessor, DeviceBuffer, DeviceField, DriverError, FieldOp, ModelBus, Operand, VerilatorBus};
use zkcopro_testbenches::{on_both_backends, operand_pairs, seeded_rng};

fn upload<B: Bus, F: DeviceField>(dev: &mut Coprocessor<B>, xs: &[F]) -> DeviceBuffer {
    let buf = dev.alloc_buffer(xs.len() as u64 * 32).unwrap();
    let bytes: Vec<u8> = xs.iter().flat_map(|x| beat_to_bytes(&x.to_beat())).collect();
    dev.write_buffer(&buf, 0, &bytes).unwrap();
    buf
}

fn download<B: Bus, F: DeviceField>(dev: &mut Coprocessor<B>, buf: &DeviceBuffer, n: usize) -> Vec<F> {
    let mut bytes = vec![0u8; n * 32];
    dev.read_buffer(buf, 0, &mut bytes).unwrap();
    bytes.chunks_exact(32).map(|b| F::from_beat(&bytes_to_beat(b)).expect("reduced result")).collect()
}

fn apply<F: DeviceField>(op: FieldOp, a: F, b: F) -> F {
    match op {
        FieldOp::Add => a + b,
        FieldOp::Sub => a - b,
        FieldOp::Mul => a * b,
    }
}

fn check_field<B: Bus, F: DeviceField + UniformRand>(dev: &mut Coprocessor<B>, rng: &mut rand_chacha::ChaCha8Rng) {
    let (mut a, mut b) = operand_pairs::<F>(rng, 300);
    if a.len() % 2 == 1 {
        a.pop();
        b.pop();
    }
    let n = a.len();
    let (ba, bb) = (upload(dev, &a), upload(dev, &b));
    let out = dev.alloc_buffer(n as u64 * 32).unwrap();
    for op in FieldOp::ALL {
        let p = dev.field_op_buffers::<F>(op, &ba, Operand::Buffer(&bb), &out, n).unwrap();
        assert_eq!(p.transfer_s, 0.0, "{op:?}: nothing crosses PCIe");
        assert_eq!(p.mem_write_bytes, 32 * n as u64);
        let got: Vec<F> = download(dev, &out, n);
        for i in 0..n {
            assert_eq!(got[i], apply(op, a[i], b[i]), "{op:?} at {i}");
        }
        // A constant operand.
        let k = b[7];
        dev.field_op_buffers::<F>(op, &ba, Operand::Constant(k), &out, n).unwrap();
        let got: Vec<F> = download(dev, &out, n);
        for i in 0..n {
            assert_eq!(got[i], apply(op, a[i], k), "{op:?} by a constant at {i}");
        }
    }
    // In place: a = a * b, then a = a - b.
    dev.field_op_buffers::<F>(FieldOp::Mul, &ba, Operand::Buffer(&bb), &ba, n).unwrap();
    dev.field_op_buffers::<F>(FieldOp::Sub, &ba, Operand::Buffer(&bb), &ba, n).unwrap();
    let got: Vec<F> = download(dev, &ba, n);
    for i in 0..n {
        assert_eq!(got[i], a[i] * b[i] - b[i], "in place at {i}");
    }
    for buf in [ba, bb, out] {
        dev.free_buffer(buf).unwrap();
    }
}

fn check_ops<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap().with_max_job(128);
    check_field::<B, Fr>(&mut dev, &mut rng);
    check_field::<B, Fq>(&mut dev, &mut rng);
}

fn check_bad_inputs<B: Bus>(bus: B, _name: &str) {
    let mut dev = Coprocessor::new(bus).unwrap();
    let a = dev.alloc_buffer(64 * 32).unwrap();
    let small = dev.alloc_buffer(8 * 32).unwrap();
    let cycles = dev.bus_ref().cycles();
    let op = FieldOp::Mul;
    assert_eq!(dev.field_op_buffers::<Fr>(op, &a, Operand::Buffer(&a), &a, 0), Err(DriverError::EmptyInput));
    assert!(matches!(dev.field_op_buffers::<Fr>(op, &a, Operand::Buffer(&a), &a, 7), Err(DriverError::OutOfRange { .. })));
    assert!(matches!(
        dev.field_op_buffers::<Fr>(op, &a, Operand::Buffer(&small), &a, 64),
        Err(DriverError::BufferRange { .. })
    ));
    assert!(matches!(dev.field_op_buffers::<Fr>(op, &a, Operand::Buffer(&a), &small, 64), Err(DriverError::BufferRange { .. })));
    dev.free_buffer(small).unwrap();
    assert_eq!(dev.field_op_buffers::<Fr>(op, &a, Operand::Buffer(&small), &a, 8), Err(DriverError::InvalidBuffer));
    assert_eq!(dev.bus_ref().cycles(), cycles, "refused before any device work");
    // Still usable.
    dev.field_op_buffers::<Fr>(op, &a, Operand::Constant(Fr::from(3u64)), &a, 64).unwrap();
}

on_both_backends! {
    every_op_both_fields(check_ops);
    bad_inputs_are_errors(check_bad_inputs);
    bad_layouts_are_refused(check_bad_layouts_refused);
}

/// Seeded random card-memory delays: no operand pair lost, repeated or
/// mismatched.
#[test]
fn verilator_card_memory_delays() {
    let mut rng = seeded_rng("elementwise_card_memory_delays");
    for (seed, extra, stall_pct) in [(21u64, 40u32, 30u32), (22, 150, 5), (23, 3, 70)] {
        let mut bus = VerilatorBus::new(None);
        bus.set_mem_delays(seed, extra, stall_pct);
        let mut dev = Coprocessor::new(bus).unwrap();
        let n = 512;
        let a: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let b: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let (ba, bb) = (upload(&mut dev, &a), upload(&mut dev, &b));
        let p = dev.field_op_buffers::<Fr>(FieldOp::Mul, &ba, Operand::Buffer(&bb), &ba, n).unwrap();
        assert!(p.in_stall_cycles > 0, "the delays stalled the operands");
        let got: Vec<Fr> = download(&mut dev, &ba, n);
        for i in 0..n {
            assert_eq!(got[i], a[i] * b[i], "delays {seed}, at {i}");
        }
    }
}

/// Layouts the data port cannot serve, written straight to the registers
/// (the driver never sends them): the job ends at once with ERR_BAD_LAYOUT,
/// and the next job runs.
fn check_bad_layouts_refused<B: Bus>(mut bus: B, _name: &str) {
    use zkcopro_hdl::regmap;
    bus.reset();
    let mem = regmap::NTT_MODE_SRC_MEM | regmap::NTT_MODE_DST_MEM;
    let good = || {
        let mut r = [0u32; regmap::NTT_PARAM_COUNT];
        r[0] = mem;
        r[1] = 4096;
        r[3] = 2;
        r[4] = 2;
        r[5] = 8192;
        r[7] = 2;
        r[8] = 2;
        r
    };
    let ntt = (regmap::OP_NTT, 16u32, 4u32);
    let alu = (regmap::OP_MUL, 16u32, 0u32);
    let mut cases: Vec<(&str, (u32, u32, u32), [u32; regmap::NTT_PARAM_COUNT])> = Vec::new();
    let mut r = good();
    r[3] = 3;
    cases.push(("run length not a power of two", ntt, r));
    let mut r = good();
    r[1] = 4096 + 32;
    cases.push(("source not 64-byte aligned", ntt, r));
    let mut r = good();
    r[8] = 3;
    cases.push(("odd destination stride", ntt, r));
    let mut r = good();
    r[0] |= regmap::NTT_MODE_TWIDDLE;
    cases.push(("twiddles of size 2^0", ntt, r));
    let mut r = good();
    r[0] |= regmap::NTT_MODE_TWIDDLE | regmap::NTT_MODE_POWERS;
    r[10] = 4;
    cases.push(("twiddles and powers together", ntt, r));
    let mut r = good();
    r[0] |= regmap::NTT_MODE_SRC_B;
    (r[11], r[13], r[14]) = (12288, 2, 2);
    cases.push(("NTT with an operand b", ntt, r));
    cases.push(("ALU from memory without operand b", alu, good()));
    let mut r = good();
    r[0] |= regmap::NTT_MODE_SRC_B;
    (r[11], r[13], r[14]) = (12288, 2, 2);
    cases.push(("odd count on card memory", (regmap::OP_MUL, 15, 0), r));
    // Batches (NTT_BATCH_LOG, the layouts' batch strides) and powers.
    let ntt_small = (regmap::OP_NTT, 16u32, 2u32);
    let mut r = good();
    (r[15], r[16]) = (3, 3);
    cases.push(("odd source batch stride", ntt_small, r));
    let mut r = good();
    (r[15], r[17], r[7]) = (2, 4, 8);
    cases.push(("destination runs longer than a batch", ntt_small, r));
    let mut r = good();
    r[0] |= regmap::NTT_MODE_SRC_B;
    (r[11], r[13], r[14]) = (12288, 2, 2);
    r[15] = 13;
    cases.push(("batches above the on-chip size", alu, r));
    let mut r = good();
    r[0] |= regmap::NTT_MODE_POWERS | regmap::NTT_MODE_POWERS_INV;
    r[10] = 29;
    cases.push(("powers step above 2^28", ntt, r));
    // Powers of a root of unity (NTT_MODE_POWERS_ROOT): only with powers,
    // not with g^-1's, of order 2^1..=2^28.
    let root = |log_order: u32| regmap::NTT_MODE_POWERS_ROOT | log_order << regmap::NTT_MODE_ROOT_LOG_SHIFT;
    for (what, bits) in [
        ("root powers without powers mode", root(5)),
        ("root powers with g^-1's", regmap::NTT_MODE_POWERS | regmap::NTT_MODE_POWERS_INV | root(5)),
        ("root of order 2^0", regmap::NTT_MODE_POWERS | root(0)),
        ("root of order 2^29", regmap::NTT_MODE_POWERS | root(29)),
        ("root of order 2^31", regmap::NTT_MODE_POWERS | root(31)),
        ("root powers with twiddles", regmap::NTT_MODE_TWIDDLE | root(5)),
    ] {
        let mut r = good();
        r[0] |= bits;
        r[10] = 2;
        cases.push((what, ntt, r));
    }
    // An output factor (NTT_SCALE) that is not a reduced residue, or on an
    // ALU job (a valid factor, -1, there).
    let words = |limbs: [u64; 4]| -> [u32; 8] { std::array::from_fn(|i| (limbs[i / 2] >> (32 * (i % 2))) as u32) };
    let modulus = <Fr as ark_ff::PrimeField>::MODULUS.0;
    for (what, factor) in [("output factor r", words(modulus)), ("output factor 2^256 - 1", [u32::MAX; 8])] {
        let mut r = good();
        r[0] |= regmap::NTT_MODE_SCALE;
        r[regmap::NTT_SCALE_INDEX..regmap::NTT_SCALE_INDEX + 8].copy_from_slice(&factor);
        cases.push((what, ntt, r));
    }
    let mut r = good();
    r[0] |= regmap::NTT_MODE_SRC_B | regmap::NTT_MODE_SCALE;
    (r[11], r[13], r[14]) = (12288, 2, 2);
    r[regmap::NTT_SCALE_INDEX..regmap::NTT_SCALE_INDEX + 8].copy_from_slice(&(-Fr::from(1u64)).to_beat());
    cases.push(("output factor on an ALU job", alu, r));
    for (what, (op, count, log), regs) in cases {
        bus.write32(regmap::JOB_OP.offset, op).unwrap();
        bus.write32(regmap::JOB_FIELD.offset, 1).unwrap();
        bus.write32(regmap::JOB_COUNT.offset, count).unwrap();
        bus.write32(regmap::JOB_LOG_SIZE.offset, log).unwrap();
        for (reg, v) in regmap::NTT_PARAMS.iter().zip(regs) {
            bus.write32(reg.offset, v).unwrap();
        }
        bus.write32(regmap::CTRL.offset, regmap::CTRL_AP_START).unwrap();
        bus.idle(20);
        let ctrl = bus.read32(regmap::CTRL.offset).unwrap();
        assert_ne!(ctrl & regmap::CTRL_AP_DONE, 0, "{what}: the job ended");
        assert_ne!(ctrl & regmap::CTRL_AP_IDLE, 0, "{what}: the device is idle again");
        assert_eq!(bus.read32(regmap::ERROR.offset).unwrap(), regmap::ERR_BAD_LAYOUT, "{what}");
    }
    // The device still runs a valid job.
    let mut dev = Coprocessor::new(bus).unwrap();
    let a = upload(&mut dev, &[Fr::from(3u64), Fr::from(5u64)]);
    dev.field_op_buffers::<Fr>(FieldOp::Mul, &a, Operand::Buffer(&a), &a, 2).unwrap();
    assert_eq!(download::<_, Fr>(&mut dev, &a, 2), vec![Fr::from(9u64), Fr::from(25u64)]);
}
