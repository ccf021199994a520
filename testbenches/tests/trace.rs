//! Waveforms: a traced job's FST reads back with GTKWave's reader and holds
//! the AXI signals; the cycle window (absolute and from the job start), the
//! scope and depth limits and the VCD conversion do what they say.

use ark_bn254::Fr;
use ark_ff::UniformRand;
use std::path::{Path, PathBuf};
use zkcopro_host::msm::random_points;
use zkcopro_host::{Coprocessor, TracePoint, TraceSpec, VerilatorBus};
use zkcopro_sim::read_fst_summary;
use zkcopro_testbenches::seeded_rng;

/// Picoseconds per cycle on the waveforms here (the projected clock).
const PERIOD_PS: u64 = zkcopro_hdl::params::PROJECTED_PERIOD_PS;

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("zkcopro-trace-{}-{name}", std::process::id()))
}

/// Runs a 16-point MSM with the given trace, then drops the device (which
/// writes the file out).
fn traced_msm(spec: &TraceSpec) {
    let mut rng = seeded_rng("trace");
    let points = random_points(&mut rng, 16);
    let scalars: Vec<Fr> = (0..16).map(|_| Fr::rand(&mut rng)).collect();
    spec.validate().unwrap();
    let mut dev = Coprocessor::new(VerilatorBus::new(Some(spec))).unwrap();
    let got = dev.msm(&points, &scalars).unwrap();
    let want: ark_bn254::G1Projective = ark_ec::VariableBaseMSM::msm(&points, &scalars).unwrap();
    assert_eq!(got, want, "a traced job still computes the right result");
}

fn has(signals: &[String], name: &str) -> bool {
    signals.iter().any(|s| s == name)
}

const AXI_PORTS: [&str; 6] = ["s_axil_awvalid", "s_axil_rdata", "s_axis_tvalid", "m_axis_tdata", "m_axi_arvalid", "m_axi_rdata"];

#[test]
fn default_fst_opens_and_holds_the_axi_ports() {
    let path = temp_path("default.fst");
    traced_msm(&TraceSpec::new(&path));
    let bytes = std::fs::read(&path).unwrap();
    // An FST starts with its header block (type 0, then a 64-bit length).
    assert!(bytes.len() > 330 && bytes[0] == 0, "FST header block");
    let summary = read_fst_summary(&path).expect("GTKWave's reader opens it");
    for port in AXI_PORTS {
        assert!(has(&summary.signals, &format!("TOP.zkcopro_top.{port}")), "{port} traced");
    }
    // Depth 2: the top's own signals and its blocks', nothing deeper.
    assert!(summary.signals.iter().all(|s| s.split('.').count() <= 4), "depth limit");
    assert!(summary.signals.iter().any(|s| s.split('.').count() == 4), "one level of blocks");
    assert_eq!(summary.start_time, 0);
    assert!(summary.end_time > 1000 * PERIOD_PS, "the whole job");
    std::fs::remove_file(&path).unwrap();
    assert!(read_fst_summary(Path::new("/nonexistent/t.fst")).is_none());
}

#[test]
fn window_from_the_job_start_and_scope_limit() {
    let path = temp_path("window.fst");
    let mut spec = TraceSpec::new(&path);
    spec.from = TracePoint::AfterStart(0);
    spec.to = Some(TracePoint::AfterStart(200));
    spec.depth = 1;
    traced_msm(&spec);
    let s = read_fst_summary(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(s.signals.iter().all(|n| n.split('.').count() == 3), "depth 1: the top's own signals");
    assert!(has(&s.signals, "TOP.zkcopro_top.m_axi_arvalid"));
    // 200 cycles: from a rising edge to the falling edge of the last one.
    assert_eq!(s.end_time - s.start_time, 199 * PERIOD_PS + PERIOD_PS / 2);
    assert!(s.start_time > 0, "the start comes after reset and setup");

    // An absolute window.
    let path = temp_path("absolute.fst");
    let mut spec = TraceSpec::new(&path);
    spec.from = TracePoint::Cycle(50);
    spec.to = Some(TracePoint::Cycle(60));
    traced_msm(&spec);
    let s = read_fst_summary(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!((s.start_time, s.end_time), (50 * PERIOD_PS, 59 * PERIOD_PS + PERIOD_PS / 2));
}

#[test]
fn vcd_by_extension() {
    let path = temp_path("window.vcd");
    let mut spec = TraceSpec::new(&path);
    spec.from = TracePoint::AfterStart(0);
    spec.to = Some(TracePoint::AfterStart(100));
    traced_msm(&spec);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(text.starts_with("$date"), "VCD header");
    assert!(text.contains("$enddefinitions"));
    for port in AXI_PORTS {
        assert!(text.contains(&format!(" {port} ")), "{port} in the VCD");
    }
    // Two timestamps per cycle (rising and falling edge).
    let stamps = text.lines().filter(|l| l.starts_with('#')).count();
    assert!((150..=200).contains(&stamps), "{stamps} timestamps for 100 cycles");
    assert!(!Path::new(&format!("{}.fst.tmp", path.display())).exists(), "temporary FST removed");
}

#[test]
fn a_scope_that_matches_nothing_keeps_the_clock() {
    // Verilator's FST writer cannot write a trace with no signal at all; the
    // clock is always in it (and the run says the scope matched nothing).
    let path = temp_path("noscope.fst");
    let mut spec = TraceSpec::new(&path);
    spec.scope = "TOP.no_such_block".into();
    traced_msm(&spec);
    let s = read_fst_summary(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(s.signals, vec!["TOP.zkcopro_top.ap_clk".to_string()]);
}
