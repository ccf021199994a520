//! A proof's projected timeline: host, transfer and device lanes, each doing
//! one thing at a time, and the proof's time as the critical path through
//! them.
//!
//! Durations are what each step took: host steps their measured wall time,
//! transfers their time at the PCIe rate, device jobs their exact cycles at
//! the projected clock. A span starts when its lane is free and the span it
//! depends on has ended, so overlap is credited only where the program lets
//! the host run on while the card computes (a job started and waited for
//! later), never for a step that waits on a result.

use crate::driver::JobProfile;
use serde::Serialize;

/// Where a span runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lane {
    /// The host CPU: glue, host steps (one at a time, all its cores).
    Host,
    /// Host<->card DMA over PCIe.
    Transfer,
    /// The coprocessor (with its register traffic on the bus).
    Device,
}

pub const LANES: [Lane; 3] = [Lane::Host, Lane::Transfer, Lane::Device];

impl Lane {
    fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Lane::Host => "host",
            Lane::Transfer => "transfer",
            Lane::Device => "device",
        }
    }
}

/// One step on one lane, in seconds from the proof's start.
#[derive(Clone, Debug, Serialize)]
pub struct Span {
    pub lane: Lane,
    /// The proof part it belongs to (`PROOF_PARTS`).
    pub part: &'static str,
    pub name: &'static str,
    pub start_s: f64,
    pub end_s: f64,
    /// On the critical path.
    pub critical: bool,
    /// Which proof it belongs to (several proofs pipelined; 0 otherwise).
    pub proof: usize,
    /// The span whose end this one waited for (lane or dependency).
    #[serde(skip)]
    after: Option<usize>,
    /// Every span it waits for: the one before it on its lane (program
    /// order), the one it depends on, and any the host waited for.
    #[serde(skip)]
    deps: Vec<usize>,
    #[serde(skip)]
    dur_s: f64,
}

/// A handle to a placed span (to depend on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanId(usize);

/// The lanes as a proof used them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timeline {
    pub spans: Vec<Span>,
    /// The proof's time: the end of its last span.
    pub end_s: f64,
    /// The critical path's time on each lane (they add up to end_s).
    pub critical_host_s: f64,
    pub critical_transfer_s: f64,
    pub critical_device_s: f64,
    /// Each lane's busy time.
    pub host_busy_s: f64,
    pub transfer_busy_s: f64,
    pub device_busy_s: f64,
    /// The last span on each lane.
    #[serde(skip)]
    last: [Option<usize>; 3],
    /// Spans the host waited for since its last step.
    #[serde(skip)]
    waits: Vec<usize>,
}

/// A device job's spans: its start on the host, its transfers, its run, and
/// the host's work on its result.
#[derive(Clone, Copy, Debug)]
pub struct JobSpans {
    pub device: SpanId,
    /// Where the job ends (its device span, or the download after it).
    pub done: SpanId,
}

/// Which way a job's data moves around its run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// Glue, copies to the card, then the run (uploads, streamed inputs).
    In,
    /// The run, copies back, then the glue (downloads and unpacking).
    Out,
}

impl Timeline {
    fn end(&self, id: Option<usize>) -> f64 {
        id.map_or(0.0, |i| self.spans[i].end_s)
    }

    /// Places `name` on `lane` for `dur_s`, after the lane's last span and
    /// after `after` (if given).
    pub fn place(&mut self, lane: Lane, part: &'static str, name: &'static str, dur_s: f64, after: Option<SpanId>) -> SpanId {
        let mut deps: Vec<usize> = self.last[lane.index()].into_iter().chain(after.map(|s| s.0)).collect();
        if lane == Lane::Host {
            deps.append(&mut self.waits);
        }
        let cause = deps.iter().copied().max_by(|a, b| self.spans[*a].end_s.total_cmp(&self.spans[*b].end_s));
        let start_s = self.end(cause);
        let dur_s = dur_s.max(0.0);
        self.spans.push(Span { lane, part, name, start_s, end_s: start_s + dur_s, critical: false, proof: 0, after: cause, deps, dur_s });
        let id = self.spans.len() - 1;
        self.last[lane.index()] = Some(id);
        SpanId(id)
    }

    /// A host step.
    pub fn host(&mut self, part: &'static str, name: &'static str, dur_s: f64) -> SpanId {
        self.place(Lane::Host, part, name, dur_s, None)
    }

    /// The host waits for `span` to end (a blocking call, or waiting for a
    /// started job): its next step starts no earlier.
    pub fn host_waits_for(&mut self, span: SpanId) {
        self.waits.push(span.0);
    }

    /// A device job issued by the host now: `pre_glue_s` of host work before
    /// it starts, then its transfers and its run (see [`Timeline::job_after`]).
    pub fn job(&mut self, part: &'static str, name: &'static str, p: &JobProfile, pre_glue_s: f64, flow: Flow) -> JobSpans {
        let start = self.place(Lane::Host, part, name, pre_glue_s, None);
        self.job_after(part, name, p, start, flow)
    }

    /// A device job's transfers and run, after the host span that started
    /// it. The host is not held: a caller that waits for the job follows
    /// this with [`Timeline::host_takes_result`].
    pub fn job_after(&mut self, part: &'static str, name: &'static str, p: &JobProfile, start: SpanId, flow: Flow) -> JobSpans {
        let run_s = p.projected_device_s + p.projected_bus_s;
        match flow {
            Flow::In => {
                let copy = self.place(Lane::Transfer, part, name, p.transfer_s, Some(start));
                let device = self.place(Lane::Device, part, name, run_s, Some(copy));
                JobSpans { device, done: device }
            }
            Flow::Out => {
                let device = self.place(Lane::Device, part, name, run_s, Some(start));
                let copy = self.place(Lane::Transfer, part, name, p.transfer_s, Some(device));
                JobSpans { device, done: copy }
            }
        }
    }

    /// The host waits for `job` and spends `post_glue_s` on its result.
    pub fn host_takes_result(&mut self, part: &'static str, name: &'static str, job: JobSpans, post_glue_s: f64) -> SpanId {
        self.host_waits_for(job.done);
        self.host(part, name, post_glue_s)
    }

    /// Marks the critical path (back from the span that ends last) and sums
    /// the lanes' times.
    pub fn finish(&mut self) {
        for s in &mut self.spans {
            s.critical = false;
        }
        self.end_s = self.spans.iter().map(|s| s.end_s).fold(0.0, f64::max);
        let mut on_path = [0.0; 3];
        // The last span to end (the later one on ties: the proof's end).
        let mut at = self.spans.iter().rposition(|s| s.end_s >= self.end_s);
        while let Some(i) = at {
            let s = &mut self.spans[i];
            s.critical = true;
            on_path[s.lane.index()] += s.end_s - s.start_s;
            at = s.after;
        }
        [self.critical_host_s, self.critical_transfer_s, self.critical_device_s] = on_path;
        let mut busy = [0.0; 3];
        for s in &self.spans {
            busy[s.lane.index()] += s.end_s - s.start_s;
        }
        [self.host_busy_s, self.transfer_busy_s, self.device_busy_s] = busy;
    }
}

/// Several proofs' timelines on one host and one card: each keeps its own
/// order and dependencies, and a lane free while one proof waits (the host
/// while the card runs that proof's jobs) takes the next proof's ready work
/// (its witness, its A, B, C), as a prover with a thread per proof would.
/// Still one span at a time per lane: two host steps never overlap, so no
/// core is counted twice. Among ready spans the one that can start first
/// goes first, the older proof on a tie.
pub fn pipeline(proofs: &[Timeline]) -> Timeline {
    let mut spans: Vec<Span> = Vec::new();
    for (k, t) in proofs.iter().enumerate() {
        let base = spans.len();
        spans.extend(t.spans.iter().map(|s| Span {
            proof: k,
            deps: s.deps.iter().map(|d| d + base).collect(),
            after: None,
            critical: false,
            ..s.clone()
        }));
    }
    let mut done = vec![false; spans.len()];
    let mut free = [0.0f64; 3];
    let mut last_on: [Option<usize>; 3] = [None; 3];
    for _ in 0..spans.len() {
        // The ready span that can start first.
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, s) in spans.iter().enumerate() {
            if done[i] || !s.deps.iter().all(|d| done[*d]) {
                continue;
            }
            let ready = s.deps.iter().map(|d| spans[*d].end_s).fold(0.0, f64::max);
            let start = ready.max(free[s.lane.index()]);
            if best.is_none_or(|(t, p, j)| (start, s.proof, i) < (t, p, j)) {
                best = Some((start, s.proof, i));
            }
        }
        let (start, _, i) = best.expect("dependencies point backwards, so some span is ready");
        let lane = spans[i].lane.index();
        let dep = spans[i].deps.iter().copied().max_by(|a, b| spans[*a].end_s.total_cmp(&spans[*b].end_s));
        // The cause: the dependency that ended last, or the lane if it was busier.
        let cause = match (dep, last_on[lane]) {
            (Some(d), Some(l)) => Some(if spans[l].end_s > spans[d].end_s { l } else { d }),
            (d, l) => d.or(l),
        };
        let s = &mut spans[i];
        s.start_s = start;
        s.end_s = start + s.dur_s;
        s.after = cause;
        free[lane] = s.end_s;
        last_on[lane] = Some(i);
        done[i] = true;
    }
    let mut t = Timeline { spans, ..Default::default() };
    t.finish();
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(device_s: f64, transfer_s: f64) -> JobProfile {
        JobProfile { projected_device_s: device_s, transfer_s, clock_hz: 1.0, ..Default::default() }
    }

    #[test]
    fn serial_steps_add_up() {
        let mut t = Timeline::default();
        t.host("a", "x", 1.0);
        let j = t.job("b", "y", &job(2.0, 0.5), 0.25, Flow::In);
        t.host_takes_result("b", "y", j, 0.25);
        t.host("c", "z", 1.0);
        t.finish();
        assert!((t.end_s - 5.0).abs() < 1e-12, "{}", t.end_s);
        assert!((t.critical_host_s - 2.5).abs() < 1e-12);
        assert!((t.critical_transfer_s - 0.5).abs() < 1e-12);
        assert!((t.critical_device_s - 2.0).abs() < 1e-12);
        assert!(t.spans.iter().all(|s| s.critical));
    }

    #[test]
    fn host_work_hides_under_a_started_job() {
        let mut t = Timeline::default();
        let j = t.job("m", "msm", &job(3.0, 0.0), 0.5, Flow::In);
        let h = t.host("g2", "g2", 2.0);
        t.host_takes_result("m", "msm", j, 0.0);
        t.host("asm", "assembly", 1.0);
        t.finish();
        // 0.5 glue + 3 device + 1 assembly; the 2 s host step is hidden.
        assert!((t.end_s - 4.5).abs() < 1e-12, "{}", t.end_s);
        assert!(!t.spans[h.0].critical);
        assert!((t.critical_host_s - 1.5).abs() < 1e-12);
        assert!((t.host_busy_s - 3.5).abs() < 1e-12);
    }

    #[test]
    fn a_longer_host_step_is_the_path() {
        let mut t = Timeline::default();
        let j = t.job("m", "msm", &job(1.0, 0.0), 0.0, Flow::In);
        t.host("g2", "g2", 4.0);
        t.host_takes_result("m", "msm", j, 0.0);
        t.finish();
        assert!((t.end_s - 4.0).abs() < 1e-12);
        assert!((t.critical_device_s).abs() < 1e-12, "the device finished first");
    }

    /// A proof: 2 s of host work, then a 3 s job it waits for, then 1 s.
    fn one_proof() -> Timeline {
        let mut t = Timeline::default();
        t.host("w", "witness", 2.0);
        let j = t.job("m", "msm", &job(3.0, 0.0), 0.0, Flow::In);
        t.host_takes_result("m", "msm", j, 0.0);
        t.host("a", "assembly", 1.0);
        t.finish();
        t
    }

    #[test]
    fn pipelined_proofs_overlap_host_and_card() {
        let one = one_proof();
        assert!((one.end_s - 6.0).abs() < 1e-12);
        let three = pipeline(&[one.clone(), one.clone(), one]);
        // The next proof's witness runs while the card runs this one's job:
        // host 2 | card 3 | host 1 + 2 ... the card is the bound after the
        // first: 2 + 3 + 3 + 3 + 1 = 12, not 18.
        assert!((three.end_s - 12.0).abs() < 1e-12, "{}", three.end_s);
        for lane in LANES {
            let mut on: Vec<&Span> = three.spans.iter().filter(|s| s.lane == lane && s.end_s > s.start_s).collect();
            on.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
            assert!(on.windows(2).all(|w| w[0].end_s <= w[1].start_s + 1e-12), "{lane:?}: one span at a time");
        }
        // Each proof keeps its order: its assembly after its job.
        for k in 0..3 {
            let of = |name: &str, lane: Lane| three.spans.iter().find(|s| s.proof == k && s.name == name && s.lane == lane).unwrap().clone();
            assert!(of("assembly", Lane::Host).start_s >= of("msm", Lane::Device).end_s);
            assert!(of("msm", Lane::Device).start_s >= of("witness", Lane::Host).end_s);
        }
        assert!((three.critical_host_s + three.critical_transfer_s + three.critical_device_s - 12.0).abs() < 1e-9);
    }

    #[test]
    fn the_device_runs_one_job_at_a_time() {
        let mut t = Timeline::default();
        let a = t.job("a", "a", &job(2.0, 0.0), 0.0, Flow::In);
        let b = t.job("b", "b", &job(2.0, 0.0), 0.0, Flow::In);
        assert_eq!(t.spans[b.device.0].start_s, t.spans[a.device.0].end_s);
        let out = t.job("c", "c", &job(1.0, 0.5), 0.0, Flow::Out);
        assert_eq!(t.spans[out.done.0].lane, Lane::Transfer);
        assert_eq!(t.spans[out.done.0].start_s, 5.0);
        t.finish();
        assert!((t.end_s - 5.5).abs() < 1e-12);
    }
}
