//! A proof's time, step by step: where each step ran (host or device) and
//! how its time divides between glue, transfer, bus and device; and the same
//! steps on the proof's timeline, where the host works while the card runs.

use crate::driver::JobProfile;
use crate::prover::timeline::{Flow, JobSpans, SpanId, Timeline};
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

/// A proof's time, step by step, and as it overlaps.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProveProfile {
    pub num_constraints: usize,
    pub num_instance_variables: usize,
    pub num_witness_variables: usize,
    pub domain_size: usize,
    pub steps: Vec<ProveStep>,
    /// Sums over the steps (each lane's busy time).
    pub glue_s: f64,
    pub transfer_s: f64,
    pub bus_s: f64,
    pub device_s: f64,
    pub device_cycles: u64,
    /// The proof's time: the critical path through the host, transfer and
    /// device lanes (`timeline`), host steps overlapping device jobs where
    /// the prover starts a job and waits for it later.
    pub end_to_end_s: f64,
    /// The steps one after another (the sum of their totals): the proof's
    /// time if nothing overlapped.
    pub serial_s: f64,
    /// Host time on the critical path over end_to_end_s: the part of the
    /// proof's time the glue holds.
    pub glue_share: f64,
    /// glue_s / serial_s.
    pub serial_glue_share: f64,
    /// Host wall time spent simulating the device (not part of any figure above).
    pub sim_s: f64,
    /// The lanes, span by span.
    pub timeline: Timeline,
}

impl ProveProfile {
    /// A step's figures into the sums and the step table (not the timeline).
    fn add_step(&mut self, step: ProveStep) {
        self.glue_s += step.host_s;
        self.transfer_s += step.transfer_s;
        self.bus_s += step.bus_s;
        self.device_s += step.device_s;
        self.device_cycles += step.device_cycles;
        self.serial_s += step.total_s;
        self.steps.push(step);
    }

    /// A host step, on the host lane after whatever the host did last.
    pub(crate) fn push(&mut self, step: ProveStep) {
        debug_assert_eq!(step.on, "host");
        self.timeline.host(step.part, step.name, step.host_s);
        self.add_step(step);
    }

    /// The host starting a device job it waits for later: `start_s` of glue
    /// now; the job's run and the rest of its glue go in with
    /// [`ProveProfile::push_started`] once it is waited for.
    pub(crate) fn start_device(&mut self, part: &'static str, name: &'static str, start_s: f64) -> StartedJob {
        StartedJob { span: self.timeline.host(part, name, start_s), start_s }
    }

    /// A started job, waited for now: its run after its start, the host's
    /// wait and the rest of its glue (on the result) after everything the
    /// host did since.
    pub(crate) fn push_started(&mut self, part: &'static str, name: &'static str, started: StartedJob, p: &JobProfile) {
        let job = self.timeline.job_after(part, name, p, started.span, Flow::In);
        self.timeline.host_takes_result(part, name, job, (p.glue_s - started.start_s).max(0.0));
        self.sim_s += p.sim_s;
        self.add_step(ProveStep::device(part, name, p));
    }

    /// The host submitting device jobs that then run one after another
    /// without it (a driver thread issues each when the card finishes the
    /// one before): `glue_s` of host time now, the jobs' glue charged before
    /// the first of them runs. The jobs go in with
    /// [`ProveProfile::queue_device`].
    pub(crate) fn submit(&mut self, part: &'static str, name: &'static str, glue_s: f64) -> SpanId {
        self.timeline.host(part, name, glue_s)
    }

    /// A job of a submission: its transfers and run after the submission
    /// and after the card's previous job. Its glue is on the host lane in
    /// the submission, or after its result ([`ProveProfile::take_result`]):
    /// the caller splits it between the two.
    pub(crate) fn queue_device(&mut self, part: &'static str, name: &'static str, p: &JobProfile, submitted: SpanId, flow: Flow) -> JobSpans {
        let job = self.timeline.job_after(part, name, p, submitted, flow);
        self.sim_s += p.sim_s;
        self.add_step(ProveStep::device(part, name, p));
        job
    }

    /// The host waits for a submitted job and spends `post_glue_s` on its
    /// result.
    pub(crate) fn take_result(&mut self, part: &'static str, name: &'static str, job: JobSpans, post_glue_s: f64) {
        self.timeline.host_takes_result(part, name, job, post_glue_s);
    }

    /// The critical path and the shares, once every step is in.
    pub(crate) fn finish(&mut self) {
        self.timeline.finish();
        self.end_to_end_s = self.timeline.end_s;
        self.glue_share = if self.end_to_end_s > 0.0 { self.timeline.critical_host_s / self.end_to_end_s } else { 0.0 };
        self.serial_glue_share = if self.serial_s > 0.0 { self.glue_s / self.serial_s } else { 0.0 };
    }
}

/// A device job the prover started and has not waited for yet.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StartedJob {
    span: SpanId,
    start_s: f64,
}
