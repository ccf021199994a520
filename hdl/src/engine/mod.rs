//! What every engine shares: the job shell (start, done, error, counters,
//! output credits) and the skid buffer (a register stage on a valid/ready
//! handshake). Engines instantiate it and keep only their datapath.

pub mod job_shell;
pub mod reference;
pub mod skid_buffer;

pub use job_shell::*;
pub use skid_buffer::{SKID_BUFFER_LATENCY, SkidBuffer};
