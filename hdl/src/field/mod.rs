//! BN254 field arithmetic blocks. Every block is built for either modulus from
//! one definition (`FieldId` picks the constants).

pub mod const_mul;
pub mod dsp_tile;
pub mod mod_add;
pub mod mod_sub;
pub mod mont_mul;
pub mod mont_mul_fast;
pub mod mont_mul_model;
pub mod mont_mul_plan;
pub mod piece_mul;
pub mod mont_mul_tiled;

pub use mod_add::{MOD_ADD_LATENCY, ModAdd};
pub use mod_sub::{MOD_SUB_LATENCY, ModSub};
pub use mont_mul::{MontMul, MulImpl};
pub use mont_mul_fast::MontMulFast;
/// Cycles from `valid_in` to `valid_out` of every Montgomery multiplier: set
/// by the tiled design; the fast-simulation one pads to it.
pub use mont_mul_tiled::{MONT_MUL_LATENCY, MontMulTiled};
