use zkcopro_hdl::regmap;
use zkcopro_sim::TopModel;

#[test]
fn reads_id_and_runs_a_tiny_job() {
    let mut m = TopModel::new(None);
    m.reset(regmap::RESET_CYCLES);
    assert_eq!(m.axil_read(regmap::ID.offset, 100).unwrap(), (regmap::DEVICE_ID, 0));
    assert_eq!(m.axil_read(regmap::CTRL.offset, 100).unwrap().0, regmap::CTRL_AP_IDLE);
    assert_eq!(m.axil_read(0xFC, 100).unwrap().1, regmap::RESP_DECERR);
    assert_eq!(m.axil_write(regmap::JOB_OP.offset, regmap::OP_ADD, 0xF, 100).unwrap(), 0);
    assert_eq!(m.axil_write(regmap::JOB_COUNT.offset, 2, 0xF, 100).unwrap(), 0);
    assert_eq!(m.axil_write(regmap::CTRL.offset, 1, 0xF, 100).unwrap(), 0);
    let beat = |v: u32| { let mut b = [0u32; 8]; b[0] = v; b };
    let out = m.stream(&[beat(1), beat(2), beat(3), beat(4)], true, 2, 1000);
    assert!(!out.timed_out);
    assert_eq!(out.out, vec![beat(3), beat(7)]);
    assert_eq!(out.out_last, vec![false, true]);
    m.idle(2);
    let ctrl = m.axil_read(regmap::CTRL.offset, 100).unwrap().0;
    assert_eq!(ctrl, regmap::CTRL_AP_IDLE | regmap::CTRL_AP_DONE | regmap::CTRL_AP_READY);
    assert_eq!(m.axil_read(regmap::ERROR.offset, 100).unwrap().0, 0);
}
