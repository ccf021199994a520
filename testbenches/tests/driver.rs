//! The driver end to end, one suite run on both backends (Verilator RTL and
//! the functional model): results against arkworks, the backends against each
//! other, and every error path.

use ark_bn254::{Fq, Fr};
use ark_ff::UniformRand;
use zkcopro_hdl::regmap;
use zkcopro_host::{Bus, BusError, Coprocessor, DriverError, FieldOp, ModelBus, VerilatorBus};
use zkcopro_testbenches::{CutStream, on_both_backends};
use zkcopro_testbenches::{expected_field_op, operand_pairs, seeded_rng};

fn check_all_ops_match_arkworks<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let (a, b) = operand_pairs::<Fq>(&mut rng, 500);
    let (c, d) = operand_pairs::<Fr>(&mut rng, 500);
    for op in FieldOp::ALL {
        let (got, profile) = dev.field_op(op, &a, &b).unwrap();
        assert_eq!(got, expected_field_op(op, &a, &b), "Fq {op:?}");
        assert_eq!(profile.elements, a.len() as u64);
        assert_eq!(profile.beats_in, 2 * a.len() as u64);
        assert_eq!(profile.beats_out, a.len() as u64);
        assert!(profile.device_cycles >= 2 * a.len() as u64, "input takes one beat per cycle at best");
        let (got, _) = dev.field_op(op, &c, &d).unwrap();
        assert_eq!(got, expected_field_op(op, &c, &d), "Fr {op:?}");
    }
}

fn check_batches_split_into_jobs<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap().with_max_job(7);
    let (a, b) = operand_pairs::<Fr>(&mut rng, 30);
    let (got, profile) = dev.mul(&a, &b).unwrap();
    assert_eq!(got, expected_field_op(FieldOp::Mul, &a, &b));
    assert_eq!(profile.jobs, a.len().div_ceil(7) as u64);
}

fn check_length_mismatch_and_empty_input_are_errors<B: Bus>(bus: B) {
    let mut dev = Coprocessor::new(bus).unwrap();
    let x = vec![Fq::from(3u64); 4];
    assert_eq!(dev.add(&x, &x[..3]), Err(DriverError::LengthMismatch { left: 4, right: 3 }));
    assert_eq!(dev.mul::<Fr>(&[], &[]), Err(DriverError::EmptyInput));
    // The device is still usable.
    assert_eq!(dev.add(&x, &x).unwrap().0, vec![Fq::from(6u64); 4]);
}

fn check_device_rejects_bad_job_registers<B: Bus>(mut bus: B) {
    bus.reset();
    for (op, field, count, code) in [
        (7, 0, 1, regmap::ERR_BAD_OP),
        (regmap::OP_MUL, 5, 1, regmap::ERR_BAD_FIELD),
        (regmap::OP_ADD, 1, 0, regmap::ERR_ZERO_COUNT),
    ] {
        bus.write32(regmap::JOB_OP.offset, op).unwrap();
        bus.write32(regmap::JOB_FIELD.offset, field).unwrap();
        bus.write32(regmap::JOB_COUNT.offset, count).unwrap();
        bus.write32(regmap::CTRL.offset, regmap::CTRL_AP_START).unwrap();
        bus.idle(4);
        let ctrl = bus.read32(regmap::CTRL.offset).unwrap();
        assert_ne!(ctrl & regmap::CTRL_AP_DONE, 0, "a refused job still completes");
        assert_ne!(ctrl & regmap::CTRL_AP_IDLE, 0);
        assert_eq!(bus.read32(regmap::ERROR.offset).unwrap(), code);
    }
}

fn check_bad_addresses_are_typed_errors<B: Bus>(mut bus: B) {
    bus.reset();
    assert_eq!(bus.read32(0xFC), Err(BusError::Unmapped { addr: 0xFC }));
    assert_eq!(bus.write32(0x02, 1), Err(BusError::Unmapped { addr: 0x02 }));
    assert_eq!(bus.write32(regmap::ID.offset, 1), Err(BusError::Refused { addr: regmap::ID.offset }));
    assert_eq!(bus.read32(regmap::ID.offset), Ok(regmap::DEVICE_ID));
}

fn check_a_device_that_never_finishes_times_out_and_recovers<B: Bus>(bus: B) {
    let mut dev = Coprocessor::new(CutStream(bus)).unwrap();
    let x = vec![Fr::from(5u64); 8];
    let t0 = std::time::Instant::now();
    match dev.mul(&x, &x) {
        Err(DriverError::Timeout(_)) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(t0.elapsed().as_secs() < 10, "timeout took too long");
    // The driver reset the device; a healthy bus works again.
    let mut inner = dev.into_bus().0;
    inner.reset();
    let mut dev = Coprocessor::new(inner).unwrap();
    assert_eq!(dev.mul(&x, &x).unwrap().0, vec![Fr::from(25u64); 8]);
}


on_both_backends! {
    all_ops_match_arkworks(check_all_ops_match_arkworks);
    batches_split_into_jobs(check_batches_split_into_jobs);
    length_mismatch_and_empty_input_are_errors(|b, _| check_length_mismatch_and_empty_input_are_errors(b));
    device_rejects_bad_job_registers(|b, _| check_device_rejects_bad_job_registers(b));
    bad_addresses_are_typed_errors(|b, _| check_bad_addresses_are_typed_errors(b));
    a_device_that_never_finishes_times_out_and_recovers(|b, _| check_a_device_that_never_finishes_times_out_and_recovers(b));
}

#[test]
fn backends_agree_on_results_and_registers() {
    let mut rng = seeded_rng("backends_agree");
    let a: Vec<Fq> = (0..300).map(|_| Fq::rand(&mut rng)).collect();
    let b: Vec<Fq> = (0..300).map(|_| Fq::rand(&mut rng)).collect();
    let mut rtl = Coprocessor::new(VerilatorBus::new(None)).unwrap();
    let mut model = Coprocessor::new(ModelBus::new()).unwrap();
    for op in FieldOp::ALL {
        let (x, px) = rtl.field_op(op, &a, &b).unwrap();
        let (y, py) = model.field_op(op, &a, &b).unwrap();
        assert_eq!(x, y, "{op:?}");
        assert_eq!((px.beats_in, px.beats_out), (py.beats_in, py.beats_out));
        for r in regmap::ALL.iter().filter(|r| !r.name.starts_with("PERF_BUSY") && r.name != "CAPS") {
            let (u, v) = (rtl.bus().read32(r.offset).unwrap(), model.bus().read32(r.offset).unwrap());
            if r.name.starts_with("PERF_") && r.name.contains("STALL") {
                continue;
            }
            assert_eq!(u, v, "register {} after {op:?}", r.name);
        }
    }
}
