//! The BN254 G2 point addition as a straight-line program of Fq operations:
//! what a G2 unit on the card computes, and the operation count its design
//! is chosen by (`g2_schedule`).
//!
//! G2 points have coordinates in Fq2 = Fq[u] / (u^2 + 1). The addition is
//! the G1 adder's complete formula (Renes, Costello and Batina, ePrint
//! 2015/1060, Algorithm 7, a = 0) over Fq2, with b3 = 3 b' for the twist's
//! b' = 3 / (9 + u). Each Fq2 product is three Fq Montgomery products
//! (Karatsuba: a0 b0, a1 b1, (a0 + a1)(b0 + b1)), each product by b3 three
//! products by constants, so an addition is 42 Fq products and 106 modular
//! sums and differences. Values are Montgomery form (R = 2^256), as arkworks
//! stores them; [`G2Program::run`] evaluates the program with the reference
//! operations of `crate::reference`, bit for bit what hardware built from
//! the same operations would give.

use crate::params::FieldId;
use crate::reference::{mod_add, mod_sub, mont_mul};
use num_bigint::BigUint;

const FQ: FieldId = FieldId::Fq;

/// One Fq operation; operands are value ids (inputs first, then each
/// operation's result in program order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FqOp {
    /// Montgomery product a b R^-1.
    Mul(usize, usize),
    /// Montgomery product of constant k (an index into `consts`) and a.
    MulConst(usize, usize),
    /// a + b mod p.
    Add(usize, usize),
    /// a - b mod p.
    Sub(usize, usize),
}

impl FqOp {
    /// The value ids it reads.
    pub fn operands(self) -> Vec<usize> {
        match self {
            FqOp::Mul(a, b) | FqOp::Add(a, b) | FqOp::Sub(a, b) => vec![a, b],
            FqOp::MulConst(_, a) => vec![a],
        }
    }

    /// Whether it needs a multiplier.
    pub fn is_mul(self) -> bool {
        matches!(self, FqOp::Mul(..) | FqOp::MulConst(..))
    }
}

/// A straight-line program over Fq.
#[derive(Clone, Debug)]
pub struct G2Program {
    /// Input values: X1, Y1, Z1, X2, Y2, Z2, each (c0, c1): ids 0..12.
    pub inputs: usize,
    pub ops: Vec<FqOp>,
    /// Constants in Montgomery form.
    pub consts: Vec<BigUint>,
    /// X3, Y3, Z3, each (c0, c1).
    pub outputs: [usize; 6],
}

/// An Fq2 value: the ids of its c0 and c1.
#[derive(Clone, Copy)]
struct Fq2V(usize, usize);

struct Builder {
    inputs: usize,
    ops: Vec<FqOp>,
}

impl Builder {
    fn op(&mut self, op: FqOp) -> usize {
        self.ops.push(op);
        self.inputs + self.ops.len() - 1
    }

    fn add(&mut self, a: Fq2V, b: Fq2V) -> Fq2V {
        Fq2V(self.op(FqOp::Add(a.0, b.0)), self.op(FqOp::Add(a.1, b.1)))
    }

    fn sub(&mut self, a: Fq2V, b: Fq2V) -> Fq2V {
        Fq2V(self.op(FqOp::Sub(a.0, b.0)), self.op(FqOp::Sub(a.1, b.1)))
    }

    /// Karatsuba with u^2 = -1: c0 = a0 b0 - a1 b1,
    /// c1 = (a0 + a1)(b0 + b1) - a0 b0 - a1 b1.
    fn mul(&mut self, a: Fq2V, b: Fq2V) -> Fq2V {
        let v0 = self.op(FqOp::Mul(a.0, b.0));
        let v1 = self.op(FqOp::Mul(a.1, b.1));
        let sa = self.op(FqOp::Add(a.0, a.1));
        let sb = self.op(FqOp::Add(b.0, b.1));
        let v2 = self.op(FqOp::Mul(sa, sb));
        let c0 = self.op(FqOp::Sub(v0, v1));
        let t = self.op(FqOp::Add(v0, v1));
        Fq2V(c0, self.op(FqOp::Sub(v2, t)))
    }

    /// b3 x with b3 = k0 + k1 u held as constants 0 (k0), 1 (k1) and 2
    /// (k0 + k1): Karatsuba with the constants' sum precomputed.
    fn mul_b3(&mut self, x: Fq2V) -> Fq2V {
        let v0 = self.op(FqOp::MulConst(0, x.0));
        let v1 = self.op(FqOp::MulConst(1, x.1));
        let sx = self.op(FqOp::Add(x.0, x.1));
        let v2 = self.op(FqOp::MulConst(2, sx));
        let c0 = self.op(FqOp::Sub(v0, v1));
        let t = self.op(FqOp::Add(v0, v1));
        Fq2V(c0, self.op(FqOp::Sub(v2, t)))
    }
}

/// x^-1 mod p (p prime).
fn inv(x: &BigUint) -> BigUint {
    let p = FQ.modulus();
    x.modpow(&(&p - 2u32), &p)
}

/// The twist's 3 b' = 9 / (9 + u) = (81 - 9 u) / 82, as plain (c0, c1).
pub fn b3_plain() -> (BigUint, BigUint) {
    let p = FQ.modulus();
    let inv82 = inv(&BigUint::from(82u32));
    let c0 = (BigUint::from(81u32) * &inv82) % &p;
    let c1 = ((&p - 9u32) * &inv82) % &p;
    (c0, c1)
}

impl G2Program {
    /// The complete addition (Algorithm 7, a = 0) over Fq2.
    pub fn point_add() -> Self {
        let mut b = Builder { inputs: 12, ops: Vec::new() };
        let v = |i: usize| Fq2V(2 * i, 2 * i + 1);
        let (x1, y1, z1, x2, y2, z2) = (v(0), v(1), v(2), v(3), v(4), v(5));
        let t0 = b.mul(x1, x2);
        let t1 = b.mul(y1, y2);
        let t2 = b.mul(z1, z2);
        let t3 = b.add(x1, y1);
        let t4 = b.add(x2, y2);
        let t3 = b.mul(t3, t4);
        let t4 = b.add(t0, t1);
        let t3 = b.sub(t3, t4);
        let t4 = b.add(y1, z1);
        let x3 = b.add(y2, z2);
        let t4 = b.mul(t4, x3);
        let x3 = b.add(t1, t2);
        let t4 = b.sub(t4, x3);
        let x3 = b.add(x1, z1);
        let y3 = b.add(x2, z2);
        let x3 = b.mul(x3, y3);
        let y3 = b.add(t0, t2);
        let y3 = b.sub(x3, y3);
        let x3 = b.add(t0, t0);
        let t0 = b.add(x3, t0);
        let t2 = b.mul_b3(t2);
        let z3 = b.add(t1, t2);
        let t1 = b.sub(t1, t2);
        let y3 = b.mul_b3(y3);
        let x3 = b.mul(t4, y3);
        let t2 = b.mul(t3, t1);
        let x3 = b.sub(t2, x3);
        let y3 = b.mul(y3, t0);
        let t1 = b.mul(t1, z3);
        let y3 = b.add(t1, y3);
        let t0 = b.mul(t0, t3);
        let z3 = b.mul(z3, t4);
        let z3 = b.add(z3, t0);
        let p = FQ.modulus();
        let mont = |x: &BigUint| (x << 256u32) % &p;
        let (k0, k1) = b3_plain();
        let consts = vec![mont(&k0), mont(&k1), mont(&((&k0 + &k1) % &p))];
        G2Program { inputs: b.inputs, ops: b.ops, consts, outputs: [x3.0, x3.1, y3.0, y3.1, z3.0, z3.1] }
    }

    /// Fq products (multiplier operations) per addition.
    pub fn multiplications(&self) -> usize {
        self.ops.iter().filter(|o| o.is_mul()).count()
    }

    /// Modular sums and differences per addition.
    pub fn additions(&self) -> usize {
        self.ops.len() - self.multiplications()
    }

    /// Evaluates the program on `inputs` (Montgomery form): the outputs.
    pub fn run(&self, inputs: &[BigUint]) -> [BigUint; 6] {
        assert_eq!(inputs.len(), self.inputs, "one value per input");
        let mut vals: Vec<BigUint> = inputs.to_vec();
        for op in &self.ops {
            let r = match *op {
                FqOp::Mul(a, b) => mont_mul(FQ, &vals[a], &vals[b]),
                FqOp::MulConst(k, a) => mont_mul(FQ, &self.consts[k], &vals[a]),
                FqOp::Add(a, b) => mod_add(FQ, &vals[a], &vals[b]),
                FqOp::Sub(a, b) => mod_sub(FQ, &vals[a], &vals[b]),
            };
            vals.push(r);
        }
        self.outputs.map(|i| vals[i].clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let p = G2Program::point_add();
        assert_eq!(p.multiplications(), 42);
        assert_eq!(p.additions(), 106);
        // Every operand is defined before use.
        for (i, op) in p.ops.iter().enumerate() {
            assert!(op.operands().iter().all(|&v| v < p.inputs + i));
        }
    }

    #[test]
    fn b3_times_the_twist_denominator_is_nine() {
        // (81 - 9u)/82 (9 + u) = (729 + 9 + (81 - 81) u)/82 = 9.
        let (c0, c1) = b3_plain();
        let q = FQ.modulus();
        let re = (&c0 * 9u32 + (&q - &c1)) % &q; // c0 9 - c1 1 (u^2 = -1)
        let im = (&c0 + &c1 * 9u32) % &q;
        assert_eq!((re, im), (BigUint::from(9u32), BigUint::from(0u32)));
    }
}
