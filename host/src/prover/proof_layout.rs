//! A proof's measured steps laid out on the host, transfer and device lanes
//! in the order `proof_steps` runs them (its module doc draws it): each
//! span after what it depends on, the card's jobs one at a time.

use crate::driver::JobProfile;
use crate::prover::profile::{ProveProfile, ProveStep};
use crate::prover::qap::{H_STAGE_COUNT, HStageProfiles};
use crate::prover::timeline::{Flow, JobSpans};
use ark_bn254::G1Projective;

/// One of the witness MSMs (A, L, B in G1) as the card ran it.
pub(crate) struct WitnessMsm {
    /// Its place in the assembly's sums: 0 A, 1 B (G1), 2 L.
    pub slot: usize,
    /// The proof part it belongs to.
    pub part: &'static str,
    /// Its name on the timeline.
    pub name: &'static str,
    /// The card's sum.
    pub sum: G1Projective,
    /// The job's profile.
    pub job: JobProfile,
    /// The glue after its run (the result point's check), seconds.
    pub check_s: f64,
}

/// What `prove_assignment` measured, host steps in seconds each.
pub(crate) struct MeasuredSteps<'a> {
    /// Splitting the witness into the card's 0/1 scalars and the rest.
    pub split_s: f64,
    pub witness_msms: &'a [WitnessMsm],
    /// Evaluating A, B and C (C with the R1CS check).
    pub eval_s: [f64; 3],
    /// h(X)'s chain, stage by stage, and the stages' names.
    pub chain: &'a HStageProfiles,
    pub chain_names: [&'static str; H_STAGE_COUNT],
    /// B's G2 MSM on the host.
    pub g2_s: f64,
    /// Starting MSM H (its registers), and its job.
    pub h_start_s: f64,
    pub h_job: &'a JobProfile,
    /// The witness MSMs' full-size scalars on the host (one step each).
    pub host_part_steps: Vec<ProveStep>,
    /// The assembly's terms that need no device result.
    pub prep_s: f64,
    /// Adding the witness MSMs' sums, then H's.
    pub witness_sums_s: f64,
    pub finish_s: f64,
}

/// The host's submissions of h(X)'s chain, after evaluating A, B and C.
const SUBMIT_H: [&str; 3] = ["submit A's upload and transform", "submit B's upload and transform", "submit the rest of h(X)'s chain"];
/// Evaluating A, B and C.
const EVALUATE: [&str; 3] =
    ["evaluate A at the constraints", "evaluate B at the constraints", "evaluate C at the constraints, check A B = C"];

/// Places `steps` on `prof`'s timeline in program order.
pub(crate) fn lay_out(prof: &mut ProveProfile, steps: MeasuredSteps) {
    prof.push(ProveStep::host("MSM A", "split the witness: its 0/1 scalars to the card, the rest to the host", steps.split_s));
    // The witness MSMs need only the witness: submitted together, the card
    // runs them while the host evaluates A, B, C. Each job's glue before
    // its run goes in with the submission; the check of its result after it.
    let msms = steps.witness_msms;
    let submitted = prof.submit("MSM A", "submit MSMs A, L, B (G1)", msms.iter().map(|m| (m.job.glue_s - m.check_s).max(0.0)).sum());
    let witness_spans: Vec<JobSpans> =
        msms.iter().map(|m| prof.queue_device(m.part, m.name, &m.job, submitted, Flow::In)).collect();
    let h_back = lay_out_chain(prof, steps.eval_s, steps.chain, steps.chain_names);
    // Beside the chain: B's G2 MSM.
    prof.push(ProveStep::host("MSM B (G2)", "MSM B (G2, no device unit)", steps.g2_s));
    // MSM H needs h: the host waits for the chain (its last stage's glue,
    // the check of h's elements, follows the download) and starts H.
    let last = H_STAGE_COUNT - 1;
    prof.take_result("h(X)", steps.chain_names[last], h_back, steps.chain[last].glue_s);
    let started_h = prof.start_device("MSM H", "MSM H (G1)", steps.h_start_s);
    // Beside MSM H: the witness MSMs' full-size scalars, the assembly's
    // constant terms and the witness MSMs' sums (their results, long done,
    // each checked).
    for step in steps.host_part_steps {
        prof.push(step);
    }
    prof.push(ProveStep::host("assembly", "the terms that need no device result", steps.prep_s));
    for (m, spans) in msms.iter().zip(witness_spans) {
        prof.take_result(m.part, m.name, spans, m.check_s.min(m.job.glue_s));
    }
    prof.push(ProveStep::host("assembly", "add the witness MSMs' sums", steps.witness_sums_s));
    // Then H's sum.
    prof.push_started("MSM H", "MSM H (G1)", started_h, steps.h_job);
    prof.push(ProveStep::host("assembly", "add H's sum", steps.finish_s));
}

/// h(X)'s chain: A and B each go up and are inverse-transformed as soon as
/// they are evaluated; after C (and the check) the rest is submitted
/// together. Each submission's glue comes before its first job, except
/// the last stage's (h's check), which follows h's download. Returns the
/// last stage's spans.
fn lay_out_chain(
    prof: &mut ProveProfile,
    eval_s: [f64; 3],
    chain: &HStageProfiles,
    names: [&'static str; H_STAGE_COUNT],
) -> JobSpans {
    let last = H_STAGE_COUNT - 1;
    for i in 0..2 {
        prof.push(ProveStep::host("h(X)", EVALUATE[i], eval_s[i]));
        let submitted = prof.submit("h(X)", SUBMIT_H[i], chain[i].glue_s);
        prof.queue_device("h(X)", names[i], &chain[i], submitted, Flow::In);
    }
    prof.push(ProveStep::host("h(X)", EVALUATE[2], eval_s[2]));
    let submitted = prof.submit("h(X)", SUBMIT_H[2], chain[2..last].iter().map(|p| p.glue_s).sum());
    for j in 2..last {
        prof.queue_device("h(X)", names[j], &chain[j], submitted, Flow::In);
    }
    prof.queue_device("h(X)", names[last], &chain[last], submitted, Flow::Out)
}
