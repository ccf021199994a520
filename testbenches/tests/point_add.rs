//! The BN254 G1 point adder (`zkcopro_hdl::ec`): its pure-Rust reference
//! model against arkworks, a short cycle-accurate run of the HDL in rust-hdl's
//! own simulator (fast behavioural multipliers) against both, and the Verilog
//! export of both multiplier variants with a Verilator lint.
//!
//! Arkworks' `G1Projective` is Jacobian; the adder's points are homogeneous
//! projective, so points cross over through affine coordinates: (x, y) ->
//! (x : y : 1), and (X : Y : Z) -> (X/Z, Y/Z) or infinity when Z = 0.

use ark_bn254::{Fq, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{Field, UniformRand, Zero};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_hdl::prelude::*;
use std::sync::{Arc, Mutex};
use zkcopro_hdl::ec::reference::{self, Projective};
use zkcopro_hdl::ec::{POINT_ADD_LATENCY, PointAdd};
use zkcopro_hdl::field::MulImpl;
use zkcopro_testbenches::{fq_from_mont as from_mont, fq_mont as mont, seeded_rng};

/// (x : y : 1), or (0 : 1 : 0) for infinity.
fn to_proj(p: &G1Affine) -> Projective {
    match p.xy() {
        Some((x, y)) => Projective::from_affine(mont(&x), mont(&y)),
        None => Projective::infinity(),
    }
}

/// The same point as `p` in another projective representation: (kx : ky : k)
/// for a random k != 0 (infinity: (0 : k : 0)).
fn to_proj_scaled(p: &G1Affine, rng: &mut ChaCha8Rng) -> Projective {
    let mut k = Fq::rand(rng);
    while k.is_zero() {
        k = Fq::rand(rng);
    }
    to_proj(p).scaled(&mont(&k))
}

/// Normalize an output of the adder to affine, checking that it is a valid
/// representation: on the curve, and infinity only as (0 : Y : 0), Y != 0.
fn to_ark(p: &Projective) -> G1Affine {
    let (x, y, z) = (from_mont(&p.x), from_mont(&p.y), from_mont(&p.z));
    assert!(p.is_on_curve(), "result not on the curve: {p:?}");
    if z.is_zero() {
        assert!(x.is_zero() && !y.is_zero(), "bad infinity {p:?}");
        return G1Affine::identity();
    }
    let zi = z.inverse().unwrap();
    let a = G1Affine::new_unchecked(x * zi, y * zi);
    assert!(a.is_on_curve() && a.is_in_correct_subgroup_assuming_on_curve());
    a
}

/// One test addition: both inputs as arkworks points and as the adder sees them.
struct Case {
    name: String,
    p: G1Affine,
    q: G1Affine,
    pp: Projective,
    qp: Projective,
}

impl Case {
    fn new(name: &str, p: G1Affine, q: G1Affine, pp: Projective, qp: Projective) -> Self {
        Case { name: name.to_string(), p, q, pp, qp }
    }

    fn expected(&self) -> G1Affine {
        (G1Projective::from(self.p) + self.q).into_affine()
    }
}

/// The edge cases (on two random points P, Q), in normalized and scaled
/// representations.
fn edge_cases(rng: &mut ChaCha8Rng) -> Vec<Case> {
    let p = G1Projective::rand(rng).into_affine();
    let q = G1Projective::rand(rng).into_affine();
    let o = G1Affine::identity();
    let g = G1Affine::generator();
    let mut cases = vec![
        Case::new("P+P", p, p, to_proj(&p), to_proj(&p)),
        Case::new("P+(-P)", p, -p, to_proj(&p), to_proj(&-p)),
        Case::new("P+O", p, o, to_proj(&p), to_proj(&o)),
        Case::new("O+P", o, p, to_proj(&o), to_proj(&p)),
        Case::new("O+O", o, o, to_proj(&o), to_proj(&o)),
        Case::new("G+G", g, g, to_proj(&g), to_proj(&g)),
        Case::new("P+Q", p, q, to_proj(&p), to_proj(&q)),
    ];
    let s = |x: &G1Affine, rng: &mut ChaCha8Rng| to_proj_scaled(x, rng);
    let scaled = vec![
        Case::new("P+P scaled", p, p, s(&p, rng), s(&p, rng)),
        Case::new("P+(-P) scaled", p, -p, s(&p, rng), s(&-p, rng)),
        Case::new("P+O scaled", p, o, s(&p, rng), s(&o, rng)),
        Case::new("O+O scaled", o, o, s(&o, rng), s(&o, rng)),
        Case::new("P+Q scaled", p, q, s(&p, rng), s(&q, rng)),
    ];
    cases.extend(scaled);
    cases
}

fn random_case(rng: &mut ChaCha8Rng, scaled: bool) -> Case {
    let p = G1Projective::rand(rng).into_affine();
    let q = G1Projective::rand(rng).into_affine();
    if scaled {
        let (pp, qp) = (to_proj_scaled(&p, rng), to_proj_scaled(&q, rng));
        Case::new("random scaled", p, q, pp, qp)
    } else {
        Case::new("random", p, q, to_proj(&p), to_proj(&q))
    }
}

#[test]
fn reference_model_matches_arkworks() {
    let mut rng = seeded_rng("point_add reference");
    let mut cases = edge_cases(&mut rng);
    for i in 0..1000 {
        cases.push(random_case(&mut rng, i % 2 == 1));
    }
    // Doubling and P + (-P) of random points too, and small multiples of G
    // (consecutive multiples: kG + G).
    for _ in 0..50 {
        let p = G1Projective::rand(&mut rng).into_affine();
        cases.push(Case::new("random P+P", p, p, to_proj(&p), to_proj_scaled(&p, &mut rng)));
        cases.push(Case::new("random P+(-P)", p, -p, to_proj_scaled(&p, &mut rng), to_proj(&-p)));
    }
    let g = G1Affine::generator();
    let mut kg = G1Affine::identity();
    for _ in 0..20 {
        cases.push(Case::new("kG+G", kg, g, to_proj(&kg), to_proj(&g)));
        kg = (kg + g).into_affine();
    }
    for c in &cases {
        let r = reference::point_add(&c.pp, &c.qp);
        assert_eq!(to_ark(&r), c.expected(), "{}: {:?} + {:?}", c.name, c.p, c.q);
    }
    println!("reference model: {} additions match arkworks", cases.len());
}

/// One cycle's outputs of the adder in the simulation.
#[derive(Clone, Debug)]
struct Out {
    step: usize,
    point: Projective,
    tag: u32,
}

/// Random additions after the edge cases in the rust-hdl simulation.
const SIM_RANDOM: usize = 100;

#[test]
fn point_add_hdl_in_rust_hdl_simulator() {
    let mut rng = seeded_rng("point_add rust-hdl sim");
    let mut cases = edge_cases(&mut rng);
    for i in 0..SIM_RANDOM {
        cases.push(random_case(&mut rng, i % 2 == 1));
    }
    let n = cases.len();
    // Issue pattern: mostly back to back, with one idle cycle after the fifth
    // addition, two after the tenth, and random bubbles later (valid tracking).
    let mut schedule: Vec<Option<usize>> = Vec::new();
    for i in 0..n {
        schedule.push(Some(i));
        if i == 4 || i == 9 || i == 10 || (i > 12 && rng.gen_bool(0.1)) {
            schedule.push(None);
        }
    }
    let tags: Vec<u32> = (0..n).map(|_| rng.r#gen()).collect();
    let inputs: Vec<Option<(Projective, Projective, u32)>> =
        schedule.iter().map(|s| s.map(|i| (cases[i].pp.clone(), cases[i].qp.clone(), tags[i]))).collect();
    let total = schedule.len() + POINT_ADD_LATENCY + 4;

    let uut = PointAdd::connected(MulImpl::Fast);

    let outs: Arc<Mutex<Vec<Out>>> = Arc::new(Mutex::new(Vec::new()));
    let outs_tb = outs.clone();
    let mut sim = Simulation::new();
    sim.add_clock(5, |x: &mut Box<PointAdd>| x.clock.next = !x.clock.val());
    sim.add_testbench(move |mut sim: Sim<PointAdd>| {
        let mut x = sim.init()?;
        for step in 0..total {
            wait_clock_false!(sim, clock, x);
            wait_clock_true!(sim, clock, x);
            // Outputs first (they belong to inputs set `latency` steps ago),
            // then the inputs captured at the next edge.
            if x.valid_out.val() {
                let point = Projective { x: x.x3.val().into(), y: x.y3.val().into(), z: x.z3.val().into() };
                outs_tb.lock().unwrap().push(Out { step, point, tag: x.tag_out.val().index() as u32 });
            }
            match inputs.get(step).cloned().flatten() {
                Some((p, q, tag)) => {
                    x.x1.next = p.x.into();
                    x.y1.next = p.y.into();
                    x.z1.next = p.z.into();
                    x.x2.next = q.x.into();
                    x.y2.next = q.y.into();
                    x.z2.next = q.z.into();
                    x.tag_in.next = (tag as u64).into();
                    x.valid_in.next = true;
                }
                None => {
                    // Garbage on the data inputs while idle must not matter.
                    x.x1.next = 12345u64.into();
                    x.tag_in.next = 0xdeadu64.into();
                    x.valid_in.next = false;
                }
            }
        }
        sim.done(x)
    });
    let t0 = std::time::Instant::now();
    sim.run(Box::new(uut), (total as u64 + 10) * 10).unwrap();
    println!("rust-hdl simulation: {total} cycles in {:.2} s", t0.elapsed().as_secs_f64());

    let outs = outs.lock().unwrap().clone();
    // Exactly one valid_out per addition, exactly POINT_ADD_LATENCY steps
    // after its inputs, carrying its tag and its result.
    let issued: Vec<(usize, usize)> =
        schedule.iter().enumerate().filter_map(|(step, s)| s.map(|i| (step, i))).collect();
    assert_eq!(outs.len(), issued.len(), "valid_out count: {:?}", outs.iter().map(|o| o.step).collect::<Vec<_>>());
    for (o, (step, i)) in outs.iter().zip(&issued) {
        let c = &cases[*i];
        assert_eq!(o.step, step + POINT_ADD_LATENCY, "{}: valid_out step", c.name);
        assert_eq!(o.tag, tags[*i], "{}: tag", c.name);
        let want = reference::point_add(&c.pp, &c.qp);
        assert_eq!(o.point, want, "{}: output differs from the reference model", c.name);
        assert_eq!(to_ark(&o.point), c.expected(), "{}: output differs from arkworks", c.name);
        if !c.name.starts_with("random") {
            println!("  {:<14} ok (tag {:#010x}, step {} -> {})", c.name, o.tag, step, o.step);
        }
    }
    println!("{} additions checked against the reference model and arkworks", outs.len());
}

#[test]
fn point_add_verilog_export_and_lint() {
    let mut verilog_fast = String::new();
    for mul in [MulImpl::Tiled, MulImpl::Fast] {
        let uut = PointAdd::connected(mul);
        let t0 = std::time::Instant::now();
        let v = zkcopro_hdl::export::block_verilog(&uut, "zkcopro_point_add");
        println!(
            "generate_verilog PointAdd ({}): {} lines, {} modules, {:.2} s",
            mul.name(),
            v.lines().count(),
            v.matches("\nmodule ").count() + usize::from(v.starts_with("module ")),
            t0.elapsed().as_secs_f64()
        );
        assert!(v.contains("module zkcopro_point_add"));
        // Set ZKCOPRO_POINT_ADD_VERILOG_DIR to keep the Verilog (e.g. to lint
        // the tiled variant by hand).
        if let Ok(dir) = std::env::var("ZKCOPRO_POINT_ADD_VERILOG_DIR") {
            std::fs::create_dir_all(&dir).unwrap();
            let path = std::path::Path::new(&dir).join(format!("zkcopro_point_add_{}.v", mul.name()));
            std::fs::write(&path, &v).unwrap();
            println!("  written to {}", path.display());
        }
        if mul == MulImpl::Fast {
            verilog_fast = v;
        }
    }

    // Lint the fast variant with the project's waivers (skipped, loudly, if
    // Verilator is not installed).
    let dir = std::env::temp_dir().join(format!("zkcopro_point_add_lint_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let v_path = dir.join("zkcopro_point_add.v");
    let vlt_path = dir.join("zkcopro.vlt");
    std::fs::write(&v_path, &verilog_fast).unwrap();
    std::fs::write(&vlt_path, zkcopro_hdl::export::LINT_WAIVERS).unwrap();
    let run = std::process::Command::new("verilator")
        .args(["--lint-only", "-Wall", "--top-module", "zkcopro_point_add"])
        .arg(&vlt_path)
        .arg(&v_path)
        .output();
    let out = match run {
        Ok(o) => o,
        Err(e) => {
            println!("verilator not run ({e}): lint SKIPPED");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let warnings: Vec<&str> = text.lines().filter(|l| {
            (l.starts_with("%Warning") || l.starts_with("%Error")) && !l.starts_with("%Error: Exiting due to")
        })
        .collect();
    println!("verilator --lint-only -Wall (fast): {} warnings/errors", warnings.len());
    for w in warnings.iter().take(40) {
        println!("  {w}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(warnings.is_empty(), "lint warnings on the point adder");
}
