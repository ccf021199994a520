//! How fast a G2 adder built from a pool of Fq multipliers can add points,
//! and what it stores: a modulo schedule of [`G2Program::point_add`].
//!
//! An MSM's bucket additions are independent of each other (merge or park),
//! so a pipelined adder may start a new addition every II cycles with no
//! recurrence between them: II is bound only by the operations per addition
//! over the units that run them, ceil(42 / multipliers) and
//! ceil(106 / adders). The greedy modulo schedule below reaches that bound
//! for any straight-line program (each unit class has at most units x II
//! operations, so a free slot is always within II cycles of an operation's
//! earliest start) and reports what the design costs besides multipliers:
//! its latency and the values it keeps in flight.

use super::g2_program::G2Program;

/// The units a G2 adder is built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct G2Units {
    /// Fq Montgomery multipliers (pipelined, one product a cycle each).
    pub multipliers: usize,
    pub mul_latency: usize,
    /// Modular adders / subtractors.
    pub adders: usize,
    pub add_latency: usize,
}

/// A modulo schedule of one addition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct G2Schedule {
    /// Cycles between two additions' starts.
    pub ii: usize,
    /// Each operation's start cycle, program order.
    pub start: Vec<usize>,
    /// Cycles from the inputs to the last output.
    pub latency: usize,
    /// 256-bit registers holding values between their producer and their
    /// last consumer, over every addition in flight (sum of
    /// ceil(lifetime / II)).
    pub live_registers: usize,
}

impl G2Schedule {
    /// Point additions per cycle.
    pub fn additions_per_cycle(&self) -> f64 {
        1.0 / self.ii as f64
    }
}

/// The fewest cycles between additions the units allow.
pub fn resource_ii(p: &G2Program, u: &G2Units) -> usize {
    p.multiplications().div_ceil(u.multipliers).max(p.additions().div_ceil(u.adders)).max(1)
}

/// Greedy modulo schedule at the resource bound: each operation, in
/// program order, at its earliest cycle whose slot (cycle mod II) has a
/// free unit of its class.
pub fn modulo_schedule(p: &G2Program, u: &G2Units) -> G2Schedule {
    let ii = resource_ii(p, u);
    let mut used = [vec![0usize; ii], vec![0usize; ii]];
    let units = [u.multipliers, u.adders];
    let lat = |mul: bool| if mul { u.mul_latency } else { u.add_latency };
    // Cycle each value is ready (inputs at 0).
    let mut ready = vec![0usize; p.inputs];
    let mut start = Vec::with_capacity(p.ops.len());
    for op in &p.ops {
        let class = usize::from(!op.is_mul());
        let earliest = op.operands().iter().map(|&v| ready[v]).max().unwrap_or(0);
        let t = (earliest..).find(|t| used[class][t % ii] < units[class]).expect("a free slot within II cycles");
        used[class][t % ii] += 1;
        start.push(t);
        ready.push(t + lat(op.is_mul()));
    }
    let latency = p.outputs.iter().map(|&v| ready[v]).max().unwrap_or(0);
    // Each value's last use: its consumers' starts, the end for an output.
    let mut last_use = ready.clone();
    for (op, &t) in p.ops.iter().zip(&start) {
        for v in op.operands() {
            last_use[v] = last_use[v].max(t);
        }
    }
    for &v in &p.outputs {
        last_use[v] = latency;
    }
    let live_registers = ready.iter().zip(&last_use).map(|(r, l)| (l - r).div_ceil(ii)).sum();
    G2Schedule { ii, start, latency, live_registers }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{MOD_ADD_LATENCY, MONT_MUL_LATENCY};

    fn units(multipliers: usize, adders: usize) -> G2Units {
        G2Units { multipliers, mul_latency: MONT_MUL_LATENCY, adders, add_latency: MOD_ADD_LATENCY }
    }

    /// Every operation starts after its operands are ready, no slot holds
    /// more operations than units, and II is the resource bound.
    #[test]
    fn schedules_are_valid_at_the_resource_bound() {
        let p = G2Program::point_add();
        for (m, a) in [(1, 1), (3, 8), (6, 16), (12, 27), (24, 53), (42, 106)] {
            let u = units(m, a);
            let s = modulo_schedule(&p, &u);
            assert_eq!(s.ii, resource_ii(&p, &u));
            let mut ready = vec![0; p.inputs];
            let mut used = [vec![0; s.ii], vec![0; s.ii]];
            for (op, &t) in p.ops.iter().zip(&s.start) {
                assert!(op.operands().iter().all(|&v| ready[v] <= t), "{m} multipliers: operands ready");
                let class = usize::from(!op.is_mul());
                used[class][t % s.ii] += 1;
                ready.push(t + if op.is_mul() { u.mul_latency } else { u.add_latency });
            }
            assert!(used[0].iter().all(|&n| n <= m) && used[1].iter().all(|&n| n <= a));
        }
        // Fully spatial: one addition a cycle.
        assert_eq!(modulo_schedule(&p, &units(42, 106)).ii, 1);
        // On one G1 adder's twelve multipliers: one addition every 4 cycles.
        assert_eq!(modulo_schedule(&p, &units(12, 27)).ii, 4);
    }
}
