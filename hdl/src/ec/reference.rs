//! Pure-Rust reference model of the G1 point adder, on big integers, in the
//! hardware's number format: homogeneous projective coordinates (X : Y : Z),
//! every coordinate a BN254 Fq element in Montgomery form (R = 2^256, as
//! arkworks stores it). Independent of the HDL and of arkworks.
//!
//! [`point_add`] follows the complete formulas of Renes, Costello and Batina
//! (ePrint 2015/1060, Algorithm 7, a = 0, b3 = 3b = 9) step by step, with the
//! same field operations as the hardware (Montgomery products, modular sums,
//! and 9x computed by additions), so it predicts the hardware's output
//! representation bit for bit, not just the same point.

use crate::params::{FIELD_BITS, FieldId};
use crate::reference::{mod_add, mod_sub, mont_mul};
use num_bigint::BigUint;
use num_traits::{One, Zero};

const FQ: FieldId = FieldId::Fq;

/// x in Montgomery form: x * 2^256 mod p.
pub fn to_mont(x: &BigUint) -> BigUint {
    (x << FIELD_BITS) % FQ.modulus()
}

/// The plain value of a Montgomery-form element: x * 2^-256 mod p.
pub fn from_mont(x: &BigUint) -> BigUint {
    mont_mul(FQ, x, &BigUint::one())
}

/// 1 in Montgomery form (2^256 mod p).
pub fn one_mont() -> BigUint {
    to_mont(&BigUint::one())
}

/// 9x mod p by additions, as the hardware does it: 2x, 3x = 2x + x,
/// 6x = 3x + 3x, 9x = 6x + 3x. Multiplying by a small integer commutes with
/// the Montgomery map, so this is 9x in Montgomery form too.
pub fn times9(x: &BigUint) -> BigUint {
    let x2 = mod_add(FQ, x, x);
    let x3 = mod_add(FQ, &x2, x);
    let x6 = mod_add(FQ, &x3, &x3);
    mod_add(FQ, &x6, &x3)
}

/// A G1 point in homogeneous projective coordinates, Montgomery form.
/// (X : Y : Z) stands for the affine point (X/Z, Y/Z); Z = 0 is infinity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Projective {
    pub x: BigUint,
    pub y: BigUint,
    pub z: BigUint,
}

impl Projective {
    /// The point at infinity, (0 : 1 : 0).
    pub fn infinity() -> Self {
        Self { x: BigUint::zero(), y: one_mont(), z: BigUint::zero() }
    }

    /// (x : y : 1) from affine coordinates in Montgomery form.
    pub fn from_affine(x: BigUint, y: BigUint) -> Self {
        Self { x, y, z: one_mont() }
    }

    /// The BN254 G1 generator (1, 2).
    pub fn generator() -> Self {
        Self::from_affine(to_mont(&BigUint::from(1u32)), to_mont(&BigUint::from(2u32)))
    }

    pub fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }

    /// The same point with every coordinate scaled by `k` (Montgomery form,
    /// nonzero): another representation the adder must accept.
    pub fn scaled(&self, k: &BigUint) -> Self {
        Self { x: mont_mul(FQ, &self.x, k), y: mont_mul(FQ, &self.y, k), z: mont_mul(FQ, &self.z, k) }
    }

    /// -P = (X : -Y : Z).
    pub fn neg(&self) -> Self {
        Self { x: self.x.clone(), y: mod_sub(FQ, &BigUint::zero(), &self.y), z: self.z.clone() }
    }

    /// Affine (x, y) in Montgomery form, or `None` for infinity. Note that
    /// (X R) / (Z R) = X / Z is the plain quotient: it is put back into
    /// Montgomery form.
    pub fn to_affine(&self) -> Option<(BigUint, BigUint)> {
        if self.is_infinity() {
            return None;
        }
        let p = FQ.modulus();
        let z_inv = self.z.modpow(&(&p - 2u32), &p);
        Some((to_mont(&((&self.x * &z_inv) % &p)), to_mont(&((&self.y * &z_inv) % &p))))
    }

    /// Y^2 Z = X^3 + 3 Z^3 and not (0 : 0 : 0): a valid representation of a
    /// point of E(Fq) (infinity included).
    pub fn is_on_curve(&self) -> bool {
        if self.x.is_zero() && self.y.is_zero() && self.z.is_zero() {
            return false;
        }
        let m = |a: &BigUint, b: &BigUint| mont_mul(FQ, a, b);
        let lhs = m(&m(&self.y, &self.y), &self.z);
        let z3 = m(&m(&self.z, &self.z), &self.z);
        let three_z3 = mod_add(FQ, &mod_add(FQ, &z3, &z3), &z3);
        let rhs = mod_add(FQ, &m(&m(&self.x, &self.x), &self.x), &three_z3);
        lhs == rhs
    }

    /// Same point (cross-multiplied, so any representations compare).
    pub fn same_point(&self, other: &Self) -> bool {
        let m = |a: &BigUint, b: &BigUint| mont_mul(FQ, a, b);
        m(&self.x, &other.z) == m(&other.x, &self.z)
            && m(&self.y, &other.z) == m(&other.y, &self.z)
            && m(&self.x, &other.y) == m(&other.x, &self.y)
    }
}

/// The intermediate values of one addition, named as in the hardware
/// (`point_add.rs`): handy when a hardware stage has to be debugged.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Level 1: X1X2, Y1Y2, Z1Z2, (X1+Y1)(X2+Y2), (Y1+Z1)(Y2+Z2), (X1+Z1)(X2+Z2).
    pub a: BigUint,
    pub b: BigUint,
    pub c: BigUint,
    pub d: BigUint,
    pub e: BigUint,
    pub f: BigUint,
    /// t3 = D - (A + B), t4 = E - (B + C), y3p = F - (A + C), t0 = 3A.
    pub t3: BigUint,
    pub t4: BigUint,
    pub y3p: BigUint,
    pub t0: BigUint,
    /// c9 = 9C, z3p = B + 9C, t1 = B - 9C, y3pp = 9 y3p.
    pub c9: BigUint,
    pub z3p: BigUint,
    pub t1: BigUint,
    pub y3pp: BigUint,
}

/// P + Q by RCB Algorithm 7 (complete for a = 0: doubling, P + (-P) and
/// infinity need no special case), with its intermediate values.
pub fn point_add_traced(p: &Projective, q: &Projective) -> (Projective, Trace) {
    let mul = |a: &BigUint, b: &BigUint| mont_mul(FQ, a, b);
    let add = |a: &BigUint, b: &BigUint| mod_add(FQ, a, b);
    let sub = |a: &BigUint, b: &BigUint| mod_sub(FQ, a, b);
    let (x1, y1, z1, x2, y2, z2) = (&p.x, &p.y, &p.z, &q.x, &q.y, &q.z);
    // Steps 1-6, 9-11, 14-16: the six products of the inputs.
    let a = mul(x1, x2); // t0
    let b = mul(y1, y2); // t1
    let c = mul(z1, z2); // t2
    let d = mul(&add(x1, y1), &add(x2, y2));
    let e = mul(&add(y1, z1), &add(y2, z2));
    let f = mul(&add(x1, z1), &add(x2, z2));
    // Steps 7-8, 12-13, 17-20.
    let t3 = sub(&d, &add(&a, &b));
    let t4 = sub(&e, &add(&b, &c));
    let y3p = sub(&f, &add(&a, &c));
    let t0 = add(&add(&a, &a), &a);
    // Steps 21-24: b3 = 9.
    let c9 = times9(&c);
    let z3p = add(&b, &c9);
    let t1 = sub(&b, &c9);
    let y3pp = times9(&y3p);
    // Steps 25-33.
    let x3 = sub(&mul(&t3, &t1), &mul(&t4, &y3pp));
    let y3 = add(&mul(&t1, &z3p), &mul(&y3pp, &t0));
    let z3 = add(&mul(&z3p, &t4), &mul(&t0, &t3));
    let trace = Trace { a, b, c, d, e, f, t3, t4, y3p, t0, c9, z3p, t1, y3pp };
    (Projective { x: x3, y: y3, z: z3 }, trace)
}

/// P + Q by RCB Algorithm 7; exactly the hardware's output.
pub fn point_add(p: &Projective, q: &Projective) -> Projective {
    point_add_traced(p, q).0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Textbook affine chord-and-tangent addition on plain values: an
    /// independent check of the projective formulas.
    fn affine_add(p: Option<(BigUint, BigUint)>, q: Option<(BigUint, BigUint)>) -> Option<(BigUint, BigUint)> {
        let m = FQ.modulus();
        let inv = |x: &BigUint| x.modpow(&(&m - 2u32), &m);
        let (Some((x1, y1)), Some((x2, y2))) = (p.clone(), q.clone()) else {
            return p.or(q);
        };
        let lambda = if x1 == x2 {
            if (&y1 + &y2) % &m == BigUint::zero() {
                return None;
            }
            (BigUint::from(3u32) * &x1 * &x1 % &m) * inv(&(BigUint::from(2u32) * &y1 % &m)) % &m
        } else {
            ((&y2 + &m - &y1) % &m) * inv(&((&x2 + &m - &x1) % &m)) % &m
        };
        let x3 = (&lambda * &lambda + &m * 2u32 - &x1 - &x2) % &m;
        let y3 = (&lambda * ((&x1 + &m - &x3) % &m) + &m - &y1) % &m;
        Some((x3, y3))
    }

    fn plain(p: &Projective) -> Option<(BigUint, BigUint)> {
        p.to_affine().map(|(x, y)| (from_mont(&x), from_mont(&y)))
    }

    #[test]
    fn multiples_of_the_generator_match_affine_formulas() {
        let g = Projective::generator();
        assert!(g.is_on_curve());
        let o = Projective::infinity();
        assert!(o.is_on_curve());
        let mut acc = o.clone();
        let mut acc_affine = None;
        for k in 1..40u32 {
            // Mix representations: every third point scaled by k.
            let q = if k % 3 == 0 { g.scaled(&to_mont(&BigUint::from(k + 7))) } else { g.clone() };
            acc = point_add(&acc, &q);
            acc_affine = affine_add(acc_affine, plain(&g));
            assert!(acc.is_on_curve(), "{k}G off the curve");
            assert_eq!(plain(&acc), acc_affine, "{k}G");
            // Doubling through the same formulas.
            let dbl = point_add(&acc, &acc);
            assert!(dbl.is_on_curve());
            assert_eq!(plain(&dbl), affine_add(acc_affine.clone(), acc_affine.clone()), "2*{k}G");
            // P + (-P) = O, P + O = P, O + P = P.
            let z = point_add(&acc, &acc.neg());
            assert!(z.is_infinity() && z.is_on_curve() && z.x.is_zero());
            assert!(point_add(&acc, &o).same_point(&acc));
            assert!(point_add(&o, &acc).same_point(&acc));
        }
        let oo = point_add(&o, &o);
        assert!(oo.is_infinity() && oo.is_on_curve());
    }

    #[test]
    fn times9_is_nine_x() {
        let p = FQ.modulus();
        for x in [BigUint::zero(), BigUint::one(), &p - 1u32, &p >> 1, BigUint::from(12345u32)] {
            assert_eq!(times9(&x), (&x * 9u32) % &p);
        }
    }
}
