//! Bus backends: the cycle-accurate Verilator model and the functional model.

pub mod model;
pub mod trace;
pub mod verilator;

pub use model::ModelBus;
pub use trace::{DEFAULT_TRACE_DEPTH, DEFAULT_TRACE_SCOPE, TracePoint, TraceSpec, TraceSpecError};
pub use verilator::{Timeouts, VerilatorBus};

use crate::bus::{Bus, InitState};

/// Which backend to drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Cycle-accurate RTL simulation (Verilator).
    Verilator,
    /// Pure-Rust functional model (fast; modelled cycle counts).
    Model,
}

impl Backend {
    /// Open the backend; `trace` (Verilator only, validated by the caller)
    /// writes a waveform. Without one, the environment variable
    /// `ZKCOPRO_TRACE=<file.fst|file.vcd>` traces with the default window and
    /// scope (ignored, with a warning, if its extension is neither).
    pub fn open(self, trace: Option<&TraceSpec>) -> Box<dyn Bus + Send> {
        self.open_with(trace, InitState::Zero)
    }

    /// [`open`](Self::open), the Verilator model's flops and memories
    /// starting in `init` (the functional model has no such state and
    /// ignores it).
    pub fn open_with(self, trace: Option<&TraceSpec>, init: InitState) -> Box<dyn Bus + Send> {
        let env_trace = std::env::var_os("ZKCOPRO_TRACE")
            .map(|p| TraceSpec::new(std::path::Path::new(&p)))
            .filter(|t| match t.validate() {
                Ok(()) => true,
                Err(e) => {
                    eprintln!("warning: ZKCOPRO_TRACE ignored: {e}");
                    false
                }
            });
        let trace = trace.or(env_trace.as_ref());
        match self {
            Backend::Verilator => Box::new(VerilatorBus::with_init(trace, init)),
            Backend::Model => Box::new(ModelBus::new()),
        }
    }
}
