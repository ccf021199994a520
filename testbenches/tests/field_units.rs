//! Field units in Verilator, one new operand pair per cycle: adder,
//! subtractor and both Montgomery multipliers of both fields, against the
//! pure-Rust reference models and arkworks, and against each other cycle for
//! cycle.

use ark_bn254::{Fq, Fr};
use rand::Rng;
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MOD_ADD_LATENCY, MOD_SUB_LATENCY};
use zkcopro_hdl::{FieldId, reference};
use zkcopro_host::DeviceField;
use zkcopro_host::field::beat_to_biguint;
use zkcopro_sim::{Beat, UNIT_NAMES, UnitsModel};
use zkcopro_testbenches::{mont_repr, operand_pairs, seeded_rng};

const RANDOM_PAIRS: usize = 12_000;

#[test]
fn field_units_match_reference_and_arkworks_one_pair_per_cycle() {
    let mut rng = seeded_rng("field_units");
    let (a_fq, b_fq) = operand_pairs::<Fq>(&mut rng, RANDOM_PAIRS);
    let (mut a_fr, mut b_fr) = operand_pairs::<Fr>(&mut rng, RANDOM_PAIRS);
    a_fr.truncate(a_fq.len());
    b_fr.truncate(a_fq.len());
    let n = a_fq.len();
    // Mostly back to back, with a few idle cycles to check valid tracking;
    // then enough idle cycles to drain the pipelines.
    let mut valid: Vec<bool> = (0..n).map(|i| i < 64 || rng.gen_bool(0.95)).collect();
    valid.extend(std::iter::repeat_n(false, MONT_MUL_LATENCY + 2));
    let pad = |v: &Vec<Beat>| {
        let mut v = v.clone();
        v.resize(valid.len(), [0; 8]);
        v
    };
    let beats = |v: &[Fq]| v.iter().map(|x| x.to_beat()).collect::<Vec<_>>();
    let beats_r = |v: &[Fr]| v.iter().map(|x| x.to_beat()).collect::<Vec<_>>();
    let (ia, ib, ja, jb) = (pad(&beats(&a_fq)), pad(&beats(&b_fq)), pad(&beats_r(&a_fr)), pad(&beats_r(&b_fr)));

    let mut model = UnitsModel::new(None);
    let t0 = std::time::Instant::now();
    let out = model.run(&ia, &ib, &ja, &jb, &valid);
    let secs = t0.elapsed().as_secs_f64();
    println!("{} cycles in {:.3} s ({:.0} cycles/s)", valid.len(), secs, valid.len() as f64 / secs);

    // The fast and tiled multipliers agree on every output, every cycle.
    for (fast, tiled) in [(2, 3), (6, 7)] {
        assert_eq!(out.valid[fast], out.valid[tiled], "{} vs {} valid", UNIT_NAMES[fast], UNIT_NAMES[tiled]);
        for c in 0..valid.len() {
            if out.valid[fast][c] {
                assert_eq!(out.y[fast][c], out.y[tiled][c], "{} vs {} at cycle {c}", UNIT_NAMES[fast], UNIT_NAMES[tiled]);
            }
        }
    }

    // Each unit: valid exactly LATENCY cycles after its operands, and the
    // right value, by the reference model and by arkworks.
    let fields = [(FieldId::Fq, 0usize), (FieldId::Fr, 4usize)];
    for (field, base) in fields {
        for (k, latency) in [(0, MOD_ADD_LATENCY), (1, MOD_SUB_LATENCY), (2, MONT_MUL_LATENCY), (3, MONT_MUL_LATENCY)] {
            let unit = base + k;
            let mut checked = 0;
            for c in 0..valid.len() {
                let issued = c >= latency && valid[c - latency];
                assert_eq!(out.valid[unit][c], issued, "{} valid at cycle {c}", UNIT_NAMES[unit]);
                if !issued {
                    continue;
                }
                let i = c - latency;
                let got = beat_to_biguint(&out.y[unit][c]);
                let (ra, rb, want_ark) = match field {
                    FieldId::Fq => {
                        let (x, y) = (a_fq[i], b_fq[i]);
                        let w = [x + y, x - y, x * y, x * y][k];
                        (mont_repr(&x), mont_repr(&y), mont_repr(&w))
                    }
                    FieldId::Fr => {
                        let (x, y) = (a_fr[i], b_fr[i]);
                        let w = [x + y, x - y, x * y, x * y][k];
                        (mont_repr(&x), mont_repr(&y), mont_repr(&w))
                    }
                };
                let want_ref = match k {
                    0 => reference::mod_add(field, &ra, &rb),
                    1 => reference::mod_sub(field, &ra, &rb),
                    _ => reference::mont_mul(field, &ra, &rb),
                };
                assert_eq!(want_ref, want_ark, "reference model disagrees with arkworks at pair {i}");
                assert_eq!(got, want_ark, "{} wrong at pair {i} (cycle {c})", UNIT_NAMES[unit]);
                checked += 1;
            }
            assert_eq!(checked, valid.iter().filter(|&&v| v).count(), "{} lost results", UNIT_NAMES[unit]);
        }
    }
}
