//! What every engine shares: the job shell (start, done, error, counters,
//! output credits), the skid buffer (a register stage on a valid/ready
//! handshake) and the stream fork (one stream to two consumers). Engines
//! instantiate them and keep only their datapath.

pub mod job_shell;
pub mod reference;
pub mod skid_buffer;
pub mod stream_fork;

pub use job_shell::*;
pub use skid_buffer::{SKID_BUFFER_LATENCY, SkidBuffer};
pub use stream_fork::{STREAM_FORK_LATENCY, StreamFork};
