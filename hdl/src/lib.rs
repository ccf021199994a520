//! zkcopro-hdl: the coprocessor's hardware, described in Rust-HDL and exported
//! to synthesizable Verilog. No host logic lives here; the host reads the
//! register map from [`regmap`].

pub mod field;
pub mod params;
pub mod reference;
pub mod depth;

pub use params::{FIELD_BITS, FieldId};
pub mod alu;
pub mod bus;
pub mod regmap;
pub mod export;
pub mod vitis;
pub mod top;
pub mod harness;
pub mod ntt;
pub mod ec;
pub mod msm;
pub mod mem;
pub mod engine;
