//! Bus backends: the cycle-accurate Verilator model and the functional model.

pub mod model;
pub mod verilator;

pub use model::ModelBus;
pub use verilator::{Timeouts, VerilatorBus};

use crate::bus::Bus;
use std::path::Path;

/// Which backend to drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Cycle-accurate RTL simulation (Verilator).
    Verilator,
    /// Pure-Rust functional model (fast; modelled cycle counts).
    Model,
}

impl Backend {
    /// Open the backend; `trace` (Verilator only) writes a VCD waveform, as
    /// does the environment variable `ZKCOPRO_TRACE=<file.vcd>` when no path is given.
    pub fn open(self, trace: Option<&Path>) -> Box<dyn Bus + Send> {
        let env_trace = std::env::var_os("ZKCOPRO_TRACE").map(std::path::PathBuf::from);
        let trace = trace.or(env_trace.as_deref());
        match self {
            Backend::Verilator => Box::new(VerilatorBus::new(trace)),
            Backend::Model => Box::new(ModelBus::new()),
        }
    }
}
