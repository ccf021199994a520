//! Cycle timing of the MSM engine's accumulation and reduction, for the
//! functional model: the engine's decision stage ("merge or park") stepped
//! cycle by cycle over the job's item keys, with the adder's loop latency,
//! the bucket occupancy flags, the one-slot item buffer in front of the
//! decision, the expander (one item a cycle) and the reduction's bucket walk.
//! Keys only, no points: the sums come from `bucket_bit_sums`; this gives the
//! cycles, additions and conflicts the engine's counters report.
//!
//! The decision rules are the engine's (`hdl/src/msm/msm_engine.rs`): the
//! adder's result O and the buffered item F, each cycle:
//! - O and F share a key: add them;
//! - O's bucket is full: take it into an addition; F parks if its bucket is
//!   empty, else waits (a conflict);
//! - O's bucket is empty: park O; F takes its full bucket or parks;
//! - no O: F takes its full bucket or parks.

use std::collections::VecDeque;

/// One scalar of the stream, as the feed sees it.
pub struct FedScalar {
    /// Zero: dropped at the input, no read, no point.
    pub zero: bool,
    /// Cycles the recoder spends on it.
    pub recode: u64,
    /// Its items' bucket keys in the order the expander gives them (none for
    /// a scalar refused for a bad digit: it is recoded, never loaded).
    pub keys: Option<Vec<u32>>,
}

/// The feed's timing (`hdl/src/msm/msm_feed.rs`).
#[derive(Clone, Copy)]
pub struct FeedTiming {
    /// Nonzero scalars between the input and the recoder, at most.
    pub queue_depth: usize,
    /// Cycles from a scalar's input to the recoder taking it (the
    /// conversion out of Montgomery form).
    pub convert: u64,
    /// Card-port cycles of one base's record, and the read's latency.
    pub record_beats: u64,
    pub mem_latency: u64,
    /// Recoded points that may wait for the engine after the recoder.
    pub out_slots: usize,
    /// Cycles from recoder and base to the engine's load buffer.
    pub out_latency: u64,
}

/// What the engine's counters report for the two phases.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsmPhaseCycles {
    pub accumulate: u64,
    pub reduce: u64,
    pub accumulate_adds: u64,
    pub reduce_adds: u64,
    /// Decisions where the adder's result O merged (with F, or with its
    /// full bucket), as the engine counts them.
    pub conflicts: u64,
}

/// An item in the decision's buffer: a point for a key, or (reduction) a
/// fetch of bucket (w, j).
#[derive(Clone, Copy)]
enum Slot {
    Item(u32),
    Fetch { key: u32, w: u32, j: u32 },
}

impl Slot {
    fn key(self) -> usize {
        match self {
            Slot::Item(k) | Slot::Fetch { key: k, .. } => k as usize,
        }
    }
}

/// Cycles from a fetch's decision to its bucket point in the load buffer.
const FETCH_TO_LOAD: u64 = 2;

struct Engine {
    loop_latency: usize,
    /// Results leaving the adder, by the cycle they come out (a ring).
    pipe: Vec<Option<u32>>,
    full: Vec<bool>,
    in_flight: u64,
    slot: Option<Slot>,
    adds: u64,
    conflicts: u64,
}

impl Engine {
    fn new(loop_latency: usize, keys: usize) -> Self {
        Engine {
            loop_latency,
            pipe: vec![None; loop_latency],
            full: vec![false; keys],
            in_flight: 0,
            slot: None,
            adds: 0,
            conflicts: 0,
        }
    }

    fn issue(&mut self, t: u64, key: u32) {
        let at = (t as usize + self.loop_latency) % self.loop_latency;
        debug_assert!(self.pipe[at].is_none());
        self.pipe[at] = Some(key);
        self.in_flight += 1;
        self.adds += 1;
    }

    /// One decision; returns whether the slot was taken, and a fetch's hit
    /// (bucket (w, j) read out).
    fn decide(&mut self, t: u64) -> (bool, Option<(u32, u32)>) {
        let o = self.pipe[t as usize % self.loop_latency].take();
        if o.is_some() {
            self.in_flight -= 1;
        }
        let f = self.slot;
        match (o, f) {
            (Some(ko), Some(Slot::Item(kf))) if ko == kf => {
                self.conflicts += 1;
                self.issue(t, ko);
                (true, None)
            }
            (Some(ko), _) if self.full[ko as usize] => {
                self.conflicts += 1;
                self.full[ko as usize] = false;
                self.issue(t, ko);
                // F parks (or a fetch of an empty bucket ends) only if its
                // bucket is empty; else it waits.
                match f {
                    Some(s) if !self.full[s.key()] => {
                        if let Slot::Item(kf) = s {
                            self.full[kf as usize] = true;
                        }
                        (true, None)
                    }
                    _ => (false, None),
                }
            }
            (Some(ko), _) => {
                self.full[ko as usize] = true;
                (true, self.take_or_park(t, f))
            }
            (None, _) => (true, self.take_or_park(t, f)),
        }
    }

    /// F alone: take its full bucket (an addition, or a fetch's hit: the
    /// bucket (w, j) returned) or park.
    fn take_or_park(&mut self, t: u64, f: Option<Slot>) -> Option<(u32, u32)> {
        match f {
            Some(Slot::Item(k)) if self.full[k as usize] => {
                self.full[k as usize] = false;
                self.issue(t, k);
                None
            }
            Some(Slot::Item(k)) => {
                self.full[k as usize] = true;
                None
            }
            Some(Slot::Fetch { key, w, j }) if self.full[key as usize] => {
                self.full[key as usize] = false;
                Some((w, j))
            }
            _ => None,
        }
    }
}

/// The load buffer and the expander in front of the decision's slot, as
/// registers: each cycle the slot refills (a reduction's fetch first, else
/// the expander's next item) and the expander takes the load buffer when its
/// last item goes.
#[derive(Default)]
struct Front {
    /// The load buffer: a point's (or fetched bucket's) items.
    load: Option<Vec<u32>>,
    items: VecDeque<u32>,
}

impl Front {
    fn empty(&self) -> bool {
        self.load.is_none() && self.items.is_empty()
    }

    /// The refill after a decision (`accepted` the slot's item): the slot's
    /// next item, unless `fetch` (a bucket fetch) goes first; then the
    /// expander takes the load buffer if it has run out.
    fn refill(&mut self, e: &mut Engine, accepted: bool, fetch: Option<Slot>) {
        if e.slot.is_none() || accepted {
            e.slot = None;
            if let Some(f) = fetch {
                e.slot = Some(f);
            } else if let Some(k) = self.items.pop_front() {
                e.slot = Some(Slot::Item(k));
            }
        }
        if self.items.is_empty() {
            if let Some(keys) = self.load.take() {
                self.items.extend(keys);
            }
        }
    }
}

/// One engine's feed and front during the accumulation.
struct Accumulator {
    e: Engine,
    front: Front,
    /// Next scalar of the stream to take, and points handed to the engine
    /// so far (the base responses taken).
    next_scalar: usize,
    taken_bases: usize,
    queue: VecDeque<(u64, usize)>,
    recoder: Option<(u64, usize)>,
    out: VecDeque<(u64, usize)>,
    /// The cycle its accumulation ended.
    done: Option<u64>,
}

/// Steps the feeds and engines of one job through it, `fed[e]` the stream
/// as engine e sees it (its items' keys those of its windows
/// `ranges[e]`): the engines take every scalar and every base response
/// together (a stream fork: one may be at most one beat ahead), and engine
/// 0's feed issues the reads. Buckets are keyed `(w - first) 2^(c-1) + |d| -
/// 1` from each engine's first window, the reduction's results
/// `result_base + 16 w + b`.
pub fn simulate(
    fed: Vec<Vec<FedScalar>>,
    ranges: &[(usize, usize)],
    feed: FeedTiming,
    c: usize,
    loop_latency: usize,
    start_walk_gap: u64,
) -> Vec<MsmPhaseCycles> {
    let len = fed[0].len();
    let end_max = ranges.iter().map(|r| r.1).max().unwrap_or(0);
    let result_base = (end_max << (c - 1)).next_multiple_of(16);
    let mut fed = fed;
    let mut acc: Vec<Accumulator> = ranges
        .iter()
        .map(|_| Accumulator {
            e: Engine::new(loop_latency, result_base + 16 * end_max),
            front: Front::default(),
            next_scalar: 0,
            taken_bases: 0,
            queue: VecDeque::new(),
            recoder: None,
            out: VecDeque::new(),
            done: None,
        })
        .collect();
    // ---- Accumulation. Each feed, each cycle: the load buffer takes the
    // oldest recoded point whose base is in; the recoder hands on its point
    // when there is room after it (and the other engine has taken the
    // bases before this one), and takes the next converted scalar; the
    // input takes a scalar (a nonzero one only with a queue slot free;
    // engine 0's starts its base's read) once the other has every one
    // before it.
    let mut base_ready = vec![u64::MAX; len];
    let mut port_free = 0u64;
    let mut t = 0u64;
    while acc.iter().any(|a| a.done.is_none()) {
        let at_start: Vec<(usize, usize)> = acc.iter().map(|a| (a.next_scalar, a.taken_bases)).collect();
        for (k, a) in acc.iter_mut().enumerate() {
            if a.done.is_some() {
                continue;
            }
            let (others_scalar, others_bases) = at_start
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .fold((usize::MAX, usize::MAX), |m, (_, p)| (m.0.min(p.0), m.1.min(p.1)));
            let scalars = &mut fed[k];
            let (accepted, _) = a.e.decide(t);
            let load_was_empty = a.front.load.is_none();
            a.front.refill(&mut a.e, accepted, None);
            if load_was_empty && a.front.load.is_none() {
                if let Some(&(ready, i)) = a.out.front() {
                    if ready <= t {
                        a.out.pop_front();
                        a.front.load = scalars[i].keys.take();
                    }
                }
            }
            if let Some((done, i)) = a.recoder {
                if done <= t && a.out.len() < feed.out_slots && others_bases >= a.taken_bases && base_ready[i] != u64::MAX {
                    a.recoder = None;
                    a.taken_bases += 1;
                    if scalars[i].keys.is_some() {
                        a.out.push_back((done.max(base_ready[i]) + feed.out_latency, i));
                    }
                }
            }
            if a.recoder.is_none() {
                if let Some(&(converted, i)) = a.queue.front() {
                    if converted <= t {
                        a.queue.pop_front();
                        a.recoder = Some((t + scalars[i].recode, i));
                    }
                }
            }
            if a.next_scalar < len && others_scalar >= a.next_scalar {
                let i = a.next_scalar;
                if scalars[i].zero {
                    a.next_scalar += 1;
                } else if a.queue.len() < feed.queue_depth {
                    a.queue.push_back((t + feed.convert, i));
                    if k == 0 {
                        port_free = port_free.max(t) + feed.record_beats;
                        base_ready[i] = port_free + feed.mem_latency;
                    }
                    a.next_scalar += 1;
                }
            }
            if a.next_scalar == len
                && a.queue.is_empty()
                && a.recoder.is_none()
                && a.out.is_empty()
                && a.front.empty()
                && a.e.slot.is_none()
                && a.e.in_flight == 0
            {
                a.done = Some(t + 1);
            }
        }
        t += 1;
    }
    acc.into_iter()
        .zip(ranges)
        .map(|(a, &(first, end))| {
            let accumulate = a.done.expect("accumulation ended");
            reduce(a.e, a.front, accumulate, c, first, end, result_base, start_walk_gap, accumulate)
        })
        .collect()
}

/// The reduction of one engine's windows first..end, from the end of its
/// accumulation at cycle t: walk every bucket (w, j); a full one is fetched
/// and gives one item per set bit b of j, for result (w, b). A fetch issues
/// when the load buffer is empty and no fetch is out; an empty bucket's is
/// done at its decision (the next may issue at once).
#[allow(clippy::too_many_arguments)]
fn reduce(
    mut e: Engine,
    mut front: Front,
    mut t: u64,
    c: usize,
    first: usize,
    end: usize,
    result_base: usize,
    start_walk_gap: u64,
    accumulate: u64,
) -> MsmPhaseCycles {
    let accumulate_adds = e.adds;
    let half = 1u32 << (c - 1);
    let mut walk = (first as u32, 1u32);
    let mut walk_done = first >= end;
    let mut fetch_out = false;
    // A hit's bucket reaches the load buffer FETCH_TO_LOAD cycles on.
    let mut hits: VecDeque<(u64, u32, u32)> = VecDeque::new();
    let t0 = t;
    t += start_walk_gap;
    let adds0 = e.adds;
    loop {
        let was_fetch = matches!(e.slot, Some(Slot::Fetch { .. }));
        let (accepted, hit) = e.decide(t);
        let skip = was_fetch && accepted && hit.is_none();
        if let Some((w, j)) = hit {
            hits.push_back((t + FETCH_TO_LOAD, w, j));
        }
        let free = e.slot.is_none() || accepted;
        let fetch = if free && front.load.is_none() && (!fetch_out || skip) && !walk_done {
            let (w, j) = walk;
            walk = if j == half { (w + 1, 1) } else { (w, j + 1) };
            walk_done = walk.0 as usize == end;
            fetch_out = true;
            Some(Slot::Fetch { key: (w - first as u32) * half + j - 1, w, j })
        } else {
            if skip {
                fetch_out = false;
            }
            None
        };
        front.refill(&mut e, accepted, fetch);
        if let Some(&(ready, w, j)) = hits.front() {
            if ready <= t + 1 {
                hits.pop_front();
                let base = (result_base + 16 * w as usize) as u32;
                front.load = Some((0..c as u32).filter(|b| j >> b & 1 == 1).map(|b| base + b).collect());
                fetch_out = false;
            }
        }
        t += 1;
        if walk_done && !fetch_out && hits.is_empty() && front.empty() && e.slot.is_none() && e.in_flight == 0 {
            break;
        }
    }
    MsmPhaseCycles {
        accumulate,
        reduce: t - t0,
        accumulate_adds,
        reduce_adds: e.adds - adds0,
        conflicts: e.conflicts,
    }
}
