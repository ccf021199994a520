//! The field-ALU engine (batched add, subtract and Montgomery multiply).

pub mod field_alu;

pub use field_alu::{FieldAlu, OUT_FIFO_DEPTH};
