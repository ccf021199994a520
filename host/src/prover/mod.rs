//! Groth16 proving with the heavy steps on the coprocessor: for circuits
//! written with arkworks ([`groth16`], over matrices extracted once,
//! [`r1cs`]) and for circom circuits with snarkjs keys and witnesses
//! ([`circom`]); h(X)'s chains on the card ([`qap`]); a proof's time step by
//! step ([`profile`]) and on the host, transfer and device lanes
//! ([`timeline`]).

pub mod affine_sum;
pub mod batch_affine_msm;
pub mod circom;
pub mod groth16;
pub mod profile;
mod proof_layout;
mod proof_steps;
pub mod qap;
pub mod r1cs;
pub mod timeline;
pub mod witness_split;
