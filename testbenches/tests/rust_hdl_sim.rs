//! Short runs of the small field blocks in rust-hdl's own simulator (event
//! driven, ~1000x slower than Verilator): a new operand pair every cycle,
//! results checked against the reference models at the block's latency.
//! (The tiled multiplier's rust-hdl test lives beside it in `hdl`.)

use num_bigint::BigUint;
use rand::Rng;
use rust_hdl::prelude::*;
use zkcopro_hdl::field::{MONT_MUL_LATENCY, MOD_ADD_LATENCY, MOD_SUB_LATENCY, ModAdd, ModSub, MontMulFast};
use zkcopro_hdl::{FieldId, reference};
use zkcopro_testbenches::seeded_rng;

const OPS: usize = 60;

fn operands(field: FieldId, rng: &mut impl Rng) -> Vec<(BigUint, BigUint)> {
    let p = field.modulus();
    let edge = [BigUint::from(0u32), BigUint::from(1u32), &p - 1u32, &p - 2u32];
    let mut ops: Vec<_> = edge.iter().flat_map(|x| edge.iter().map(move |y| (x.clone(), y.clone()))).collect();
    while ops.len() < OPS {
        let x = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
        let y = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
        ops.push((x, y));
    }
    ops
}

macro_rules! sim_block {
    ($fn_name:ident, $ty:ty) => {
        fn $fn_name(mut uut: $ty, latency: usize, ops: Vec<(BigUint, BigUint)>, want: Vec<BigUint>) {
            uut.clock.connect();
            uut.a.connect();
            uut.b.connect();
            uut.valid_in.connect();
            uut.connect_all();
            let total = ops.len() + latency + 4;
            let mut sim = Simulation::new();
            sim.add_clock(5, |x: &mut Box<$ty>| x.clock.next = !x.clock.val());
            sim.add_testbench(move |mut sim: Sim<$ty>| {
                let mut x = sim.init()?;
                let mut checked = 0;
                for n in 0..total {
                    wait_clock_false!(sim, clock, x);
                    wait_clock_true!(sim, clock, x);
                    // Inputs set at step i are captured at the next edge and
                    // their result is visible `latency` steps after i.
                    match n.checked_sub(latency).and_then(|i| want.get(i)) {
                        Some(v) => {
                            let got: BigUint = x.y.val().into();
                            sim_assert!(sim, x.valid_out.val() && &got == v, x);
                            checked += 1;
                        }
                        _ => sim_assert!(sim, !x.valid_out.val(), x),
                    }
                    match ops.get(n) {
                        Some((a, b)) => {
                            x.a.next = a.clone().into();
                            x.b.next = b.clone().into();
                            x.valid_in.next = true;
                        }
                        None => x.valid_in.next = false,
                    }
                }
                sim_assert!(sim, checked == want.len(), x);
                sim.done(x)
            });
            sim.run(Box::new(uut), (total as u64 + 10) * 10).unwrap();
        }
    };
}

sim_block!(sim_add, ModAdd);
sim_block!(sim_sub, ModSub);
sim_block!(sim_mul_fast, MontMulFast);

#[test]
fn small_field_blocks_in_rust_hdl_simulator() {
    let mut rng = seeded_rng("rust_hdl_sim");
    for field in FieldId::ALL {
        let ops = operands(field, &mut rng);
        let sums = ops.iter().map(|(a, b)| reference::mod_add(field, a, b)).collect();
        let diffs = ops.iter().map(|(a, b)| reference::mod_sub(field, a, b)).collect();
        let prods: Vec<BigUint> = ops.iter().map(|(a, b)| reference::mont_mul(field, a, b)).collect();
        sim_add(ModAdd::new(field), MOD_ADD_LATENCY, ops.clone(), sums);
        sim_sub(ModSub::new(field), MOD_SUB_LATENCY, ops.clone(), diffs);
        sim_mul_fast(MontMulFast::new(field, MONT_MUL_LATENCY), MONT_MUL_LATENCY, ops, prods);
    }
}
