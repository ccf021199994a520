//! BN254 field arithmetic blocks. Every block is built for either modulus from
//! one definition (`FieldId` picks the constants).

pub mod mod_add;
pub mod mont_mul_tiled;

pub use mod_add::{MOD_ADD_LATENCY, ModAdd};
pub use mont_mul_tiled::MontMulTiled;
pub mod mont_mul_fast;
pub use mont_mul_fast::MontMulFast;
pub mod mod_sub;
pub use mod_sub::{MOD_SUB_LATENCY, ModSub};
pub mod mont_mul;
pub use mont_mul::{MontMul, MulImpl};

/// Cycles from `valid_in` to `valid_out` of every Montgomery multiplier.
/// Provisional until the tiled multiplier lands; the fast one pads to it.
pub const MONT_MUL_LATENCY: usize = 21;
