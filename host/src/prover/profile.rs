//! A proof's time, step by step: where each step ran (host or device) and
//! how its time divides between glue, transfer, bus and device.

use crate::driver::JobProfile;
use serde::Serialize;

/// The proof's parts, as ark-groth16's prover has them too (for comparing
/// step by step).
pub const PROOF_PARTS: [&str; 8] =
    ["synthesis", "h(X)", "MSM H", "MSM L", "MSM A", "MSM B (G1)", "MSM B (G2)", "assembly"];

/// Where one step of a proof ran and how long it took.
#[derive(Clone, Debug, Serialize)]
pub struct ProveStep {
    pub name: &'static str,
    /// Which of [`PROOF_PARTS`] it belongs to.
    pub part: &'static str,
    /// "host" or "device".
    pub on: &'static str,
    /// Host wall time (the whole step for host steps, the glue for device steps).
    pub host_s: f64,
    /// Device steps: host<->card copies, bus and projected device time.
    pub transfer_s: f64,
    pub bus_s: f64,
    pub device_s: f64,
    pub device_cycles: u64,
    /// host_s + transfer_s + bus_s + device_s.
    pub total_s: f64,
}

impl ProveStep {
    pub(crate) fn host(part: &'static str, name: &'static str, s: f64) -> Self {
        ProveStep { name, part, on: "host", host_s: s, transfer_s: 0.0, bus_s: 0.0, device_s: 0.0, device_cycles: 0, total_s: s }
    }

    pub(crate) fn device(part: &'static str, name: &'static str, p: &JobProfile) -> Self {
        ProveStep {
            name,
            part,
            on: "device",
            host_s: p.glue_s,
            transfer_s: p.transfer_s,
            bus_s: p.projected_bus_s,
            device_s: p.projected_device_s,
            device_cycles: p.device_cycles,
            total_s: p.end_to_end_s,
        }
    }
}

/// A proof's time, step by step.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProveProfile {
    pub num_constraints: usize,
    pub num_instance_variables: usize,
    pub num_witness_variables: usize,
    pub domain_size: usize,
    pub steps: Vec<ProveStep>,
    /// Sums over the steps.
    pub glue_s: f64,
    pub transfer_s: f64,
    pub bus_s: f64,
    pub device_s: f64,
    pub device_cycles: u64,
    pub end_to_end_s: f64,
    pub glue_share: f64,
    /// Host wall time spent simulating the device (not part of any figure above).
    pub sim_s: f64,
}

impl ProveProfile {
    pub(crate) fn push(&mut self, step: ProveStep) {
        self.glue_s += step.host_s;
        self.transfer_s += step.transfer_s;
        self.bus_s += step.bus_s;
        self.device_s += step.device_s;
        self.device_cycles += step.device_cycles;
        self.end_to_end_s += step.total_s;
        self.glue_share = if self.end_to_end_s > 0.0 { self.glue_s / self.end_to_end_s } else { 0.0 };
        self.steps.push(step);
    }

    pub(crate) fn push_device(&mut self, part: &'static str, name: &'static str, p: &JobProfile) {
        self.sim_s += p.sim_s;
        self.push(ProveStep::device(part, name, p));
    }
}
