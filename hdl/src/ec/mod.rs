//! BN254 G1 elliptic-curve blocks: the fully pipelined complete point adder
//! (Renes-Costello-Batina, a = 0) and its pure-Rust reference model; and the
//! G2 addition as an Fq program with its modulo schedule on a multiplier
//! pool (`g2_program`, `g2_schedule`), the numbers a G2 unit is chosen by.
//!
//! Points are homogeneous projective (X : Y : Z), infinity (0 : 1 : 0); every
//! coordinate is a 256-bit Fq element in Montgomery form (R = 2^256), the
//! representation arkworks stores internally (`Fq.0.0`, little-endian limbs).
//! Arkworks' own `G1Projective` is Jacobian: convert through affine.

pub mod g2_program;
pub mod g2_schedule;
pub mod point_add;
pub mod reference;
pub mod times9;

pub use point_add::{POINT_ADD_LATENCY, POINT_ADD_MULTIPLIERS, PointAdd};
pub use times9::{TIMES9_LATENCY, Times9};
