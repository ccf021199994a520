//! What every engine shares: the job shell (start, done, error, counters,
//! output credits). Engines instantiate it and keep only their datapath.

pub mod job_shell;
pub mod reference;

pub use job_shell::*;
