//! Groth16 proving with the heavy steps on the coprocessor: for circuits
//! written with arkworks ([`groth16`], over matrices extracted once,
//! [`r1cs`]) and for circom circuits with snarkjs keys and witnesses
//! ([`circom`]).

pub mod circom;
pub mod groth16;
pub mod r1cs;
