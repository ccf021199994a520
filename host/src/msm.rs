//! MSM glue: sum_i s_i P_i over BN254 G1 with arkworks semantics. The glue
//! validates (every point on the curve), drops zero scalars and points at
//! infinity, picks the window width, recodes the scalars into signed digits
//! and streams each point once; the device accumulates and reduces the
//! buckets; the glue checks the W c result points and combines them.

use crate::bus::{Beat, Bus};
use crate::driver::{Coprocessor, DeviceJob, DriverError, JobProfile};
use crate::field::DeviceField;
use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::AffineRepr;
use ark_ff::{AdditiveGroup, PrimeField, Zero};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;
use zkcopro_hdl::ec::POINT_ADD_LATENCY;
use zkcopro_hdl::msm::reference::window_count;
use zkcopro_hdl::msm::{
    MSM_BEATS_PER_POINT, MSM_BEATS_PER_RESULT, MSM_BUCKET_CAPACITY, MSM_LOOP_LATENCY, MSM_MAX_WINDOW_BITS, MSM_MAX_WINDOWS,
    MSM_MIN_WINDOW_BITS, PICKER_LANE_BITS,
};
use zkcopro_hdl::{FieldId, regmap};

/// How to run an MSM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsmConfig {
    /// Window width c in bits; `None` picks the one with the fewest estimated cycles.
    pub window_bits: Option<usize>,
}

/// Where an MSM's time went, with the engine's counters.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct MsmProfile {
    /// The device job (cycles, beats, projected times).
    pub job: JobProfile,
    /// Points given / sent to the device (zero scalars and infinity dropped).
    pub points: u64,
    pub points_sent: u64,
    pub window_bits: u64,
    pub windows: u64,
    /// Items: nonzero digits, one bucket addition each at most.
    pub items: u64,
    /// The bound N x W of additions in the accumulation phase.
    pub bound: u64,
    /// Point additions issued: all, accumulation, reduction.
    pub additions: u64,
    pub accumulate_additions: u64,
    pub reduce_additions: u64,
    /// Cycles per phase.
    pub accumulate_cycles: u64,
    pub reduce_cycles: u64,
    pub unload_cycles: u64,
    /// Accumulation cycles with no addition.
    pub idle_cycles: u64,
    /// Results merged again because their bucket got a point while in flight.
    pub conflicts: u64,
    /// Accumulation additions per accumulation cycle.
    pub efficiency: f64,
    /// Glue wall time by step, seconds.
    pub validate_s: f64,
    pub recode_s: f64,
    pub combine_s: f64,
}

/// `n` distinct random points P + Q, P + 2Q, ... (a random walk, far cheaper
/// to make than n random multiples), for demos, benches and tests.
pub fn random_points<R: ark_std::rand::RngCore>(rng: &mut R, n: usize) -> Vec<G1Affine> {
    use ark_ec::CurveGroup;
    use ark_std::UniformRand;
    let (mut acc, step) = (G1Projective::rand(rng), G1Projective::rand(rng));
    let walk: Vec<G1Projective> = (0..n)
        .map(|_| {
            acc += step;
            acc
        })
        .collect();
    G1Projective::normalize_batch(&walk)
}

/// Points per parallel work unit of the glue.
const GLUE_CHUNK: usize = 2048;

/// Windows for width c, if the device can hold them.
fn window_shape(c: usize) -> Result<usize, DriverError> {
    if !(MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS).contains(&c) {
        return Err(DriverError::MsmWindow(format!(
            "width {c} outside {MSM_MIN_WINDOW_BITS}..={MSM_MAX_WINDOW_BITS}"
        )));
    }
    let w = window_count(c);
    if w > MSM_MAX_WINDOWS {
        return Err(DriverError::MsmWindow(format!(
            "width {c} needs {w} windows, the device has {MSM_MAX_WINDOWS} digit lanes"
        )));
    }
    if w << (c - 1) > MSM_BUCKET_CAPACITY {
        return Err(DriverError::MsmWindow(format!(
            "width {c} needs {} buckets, the device holds {MSM_BUCKET_CAPACITY}",
            w << (c - 1)
        )));
    }
    Ok(w)
}

/// Estimated device cycles for n points at width c: accumulation at one
/// item per cycle (at least the 4 input beats per point), the reduction walk
/// (about 2 cycles per bucket, plus 3 + c/2 per nonempty bucket: the fetch
/// and one addition per set index bit), and the unload.
pub fn estimated_cycles(n: usize, c: usize) -> Option<u64> {
    let w = window_shape(c).ok()? as u64;
    let buckets = w << (c - 1);
    let accumulate = (n as u64 * w).max(n as u64 * MSM_BEATS_PER_POINT as u64) + POINT_ADD_LATENCY as u64;
    let reduce = buckets * 2 + buckets.min(n as u64 * w) * (3 + c as u64 / 2);
    let unload = w * c as u64 * (MSM_BEATS_PER_RESULT as u64 + 1);
    Some(accumulate + reduce + unload)
}

/// The window width with the fewest estimated cycles for n points.
pub fn best_window_bits(n: usize) -> usize {
    (MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS)
        .filter_map(|c| estimated_cycles(n, c).map(|e| (e, c)))
        .min()
        .map(|(_, c)| c)
        .expect("some window width fits the device")
}

/// Signed c-bit digits of a scalar (little-endian limbs), written straight
/// into the two digit beats as 16-bit two's-complement lanes. Returns the
/// number of nonzero digits. Same digits as the reference `signed_digits`.
///
/// Panics unless 2 <= c <= 16 and windows <= 32 (the device's digit lanes).
pub fn recode_into_lanes(limbs: &[u64; 4], c: usize, windows: usize, lanes: &mut [Beat; 2]) -> u64 {
    assert!((2..=16).contains(&c) && windows <= 32, "c = {c}, {windows} windows: outside the device's digit lanes");
    let mask = (1u64 << c) - 1;
    let half = 1i64 << (c - 1);
    let mut carry = 0i64;
    let mut items = 0;
    for w in 0..windows {
        let at = w * c;
        let (limb, shift) = (at / 64, at % 64);
        let mut raw = if limb < 4 { limbs[limb] >> shift } else { 0 };
        if shift + c > 64 && limb + 1 < 4 {
            raw |= limbs[limb + 1] << (64 - shift);
        }
        let mut d = (raw & mask) as i64 + carry;
        carry = (d >= half) as i64;
        d -= carry << c;
        if d != 0 {
            items += 1;
            let (beat, lane) = (w / 16, w % 16);
            lanes[beat][lane / 2] |= ((d as i16 as u16) as u32) << (PICKER_LANE_BITS * (lane % 2));
        }
    }
    items
}

/// One point's four input beats: x, y, digits of windows 0-15, 16-31.
fn point_beats(p: &G1Affine, s: &Fr, c: usize, windows: usize) -> ([Beat; MSM_BEATS_PER_POINT], u64) {
    let mut lanes = [[0u32; 8]; 2];
    let items = recode_into_lanes(&s.into_bigint().0, c, windows, &mut lanes);
    ([p.x.to_beat(), p.y.to_beat(), lanes[0], lanes[1]], items)
}

/// A result point from its three beats (homogeneous projective, Montgomery).
fn result_point(beats: &[Beat], index: usize) -> Result<(Fq, Fq, Fq), DriverError> {
    let get = |k: usize| Fq::from_beat(&beats[k]).ok_or(DriverError::BadResult { index: MSM_BEATS_PER_RESULT * index + k });
    Ok((get(0)?, get(1)?, get(2)?))
}

/// The glue's input side of an MSM, ready to stream.
#[derive(Clone, Debug)]
pub struct MsmInput {
    /// The input packet: 4 beats per point sent.
    pub beats: Vec<Beat>,
    /// Points given and points sent (zero scalars and infinity dropped).
    pub points: usize,
    pub points_sent: usize,
    pub window_bits: usize,
    pub windows: usize,
    /// Nonzero digits: the items the device will accumulate.
    pub items: u64,
    /// Glue wall time of validation (and the window choice) and of recoding.
    pub validate_s: f64,
    pub recode_s: f64,
}

/// Validates the points (every one on the curve), drops zero scalars and
/// points at infinity, picks the window and packs the input packet.
pub fn prepare_msm(points: &[G1Affine], scalars: &[Fr], config: &MsmConfig) -> Result<MsmInput, DriverError> {
    let t0 = Instant::now();
    if points.len() != scalars.len() {
        return Err(DriverError::LengthMismatch { left: points.len(), right: scalars.len() });
    }
    // Pass 1, in parallel chunks: every point on the curve (BN254 G1 has
    // cofactor 1, so that means in the prime-order group), and how many
    // pairs each chunk keeps (zero scalars and infinity are dropped).
    let keep = |p: &G1Affine, s: &Fr| !p.is_zero() && !s.is_zero();
    let chunks: Vec<(Option<usize>, usize)> = points
        .par_chunks(GLUE_CHUNK)
        .zip(scalars.par_chunks(GLUE_CHUNK))
        .enumerate()
        .map(|(k, (ps, ss))| {
            let bad = ps.iter().position(|p| !p.is_on_curve()).map(|i| k * GLUE_CHUNK + i);
            (bad, ps.iter().zip(ss).filter(|(p, s)| keep(p, s)).count())
        })
        .collect();
    if let Some(index) = chunks.iter().find_map(|(bad, _)| *bad) {
        return Err(DriverError::PointNotOnCurve { index });
    }
    let n: usize = chunks.iter().map(|(_, kept)| kept).sum();
    let c = match config.window_bits {
        Some(c) => c,
        None => best_window_bits(n.max(1)),
    };
    let windows = window_shape(c)?;
    let validate_s = t0.elapsed().as_secs_f64();

    // Pass 2, in parallel chunks: recode and pack straight into each
    // chunk's slice of the input packet.
    let t1 = Instant::now();
    let mut beats: Vec<Beat> = vec![[0u32; 8]; MSM_BEATS_PER_POINT * n];
    let mut slices = Vec::with_capacity(chunks.len());
    let mut rest: &mut [Beat] = &mut beats;
    for (_, kept) in &chunks {
        let (head, tail) = rest.split_at_mut(MSM_BEATS_PER_POINT * kept);
        slices.push(head);
        rest = tail;
    }
    let items = slices
        .into_par_iter()
        .zip(points.par_chunks(GLUE_CHUNK).zip(scalars.par_chunks(GLUE_CHUNK)))
        .map(|(out, (ps, ss))| {
            let mut items = 0;
            let kept = ps.iter().zip(ss).filter(|(p, s)| keep(p, s));
            for (slot, (p, s)) in out.chunks_exact_mut(MSM_BEATS_PER_POINT).zip(kept) {
                let (b, k) = point_beats(p, s, c, windows);
                slot.copy_from_slice(&b);
                items += k;
            }
            items
        })
        .sum();
    Ok(MsmInput {
        beats,
        points: points.len(),
        points_sent: n,
        window_bits: c,
        windows,
        items,
        validate_s,
        recode_s: t1.elapsed().as_secs_f64(),
    })
}

impl<B: Bus> Coprocessor<B> {
    /// sum_i scalars[i] * points[i], as arkworks' `G1Projective::msm`.
    pub fn msm(&mut self, points: &[G1Affine], scalars: &[Fr]) -> Result<G1Projective, DriverError> {
        self.msm_with(points, scalars, &MsmConfig::default()).map(|(r, _)| r)
    }

    /// `msm` with a configuration, returning the job's profile too.
    pub fn msm_with(
        &mut self,
        points: &[G1Affine],
        scalars: &[Fr],
        config: &MsmConfig,
    ) -> Result<(G1Projective, MsmProfile), DriverError> {
        let input = prepare_msm(points, scalars, config)?;
        let MsmInput { beats, points_sent: n, window_bits: c, windows, items, validate_s, recode_s, .. } = input;
        let mut profile = MsmProfile {
            points: points.len() as u64,
            points_sent: n as u64,
            window_bits: c as u64,
            windows: windows as u64,
            bound: (n * windows) as u64,
            items,
            validate_s,
            recode_s,
            ..Default::default()
        };
        if n == 0 {
            profile.job = JobProfile { clock_hz: self.clock_hz(), glue_s: validate_s + recode_s, ..Default::default() };
            profile.job.finish();
            return Ok((G1Projective::zero(), profile));
        }

        let results = windows * c;
        if n > u32::MAX as usize {
            return Err(DriverError::MsmWindow(format!("{n} points: the device counts at most {} per job", u32::MAX)));
        }
        // No beat moves while the pipeline drains and the buckets reduce.
        let buckets = (windows as u64) << (c - 1);
        let patience = 2 * (buckets * (5 + c as u64 / 2) + MSM_LOOP_LATENCY as u64) + 100_000;
        let job = DeviceJob {
            op: regmap::OP_MSM,
            field: FieldId::Fq.code(),
            count: n as u32,
            log_size: 0,
            msm: Some((c as u32, windows as u32)),
            patience,
        };
        let (out, mut job_profile) = self.device_job(job, &beats, results * MSM_BEATS_PER_RESULT)?;
        let bus = self.bus();
        let accumulate_cycles = bus.read32(regmap::PERF_MSM_ACCUM.offset)? as u64;
        let reduce_cycles = bus.read32(regmap::PERF_MSM_REDUCE.offset)? as u64;
        let conflicts = bus.read32(regmap::PERF_MSM_CONFLICTS.offset)? as u64;
        let idle_cycles = bus.read32(regmap::PERF_MSM_IDLE.offset)? as u64;
        let reduce_additions = bus.read32(regmap::PERF_MSM_REDUCE_ADDS.offset)? as u64;

        let t2 = Instant::now();
        let mut coords = Vec::with_capacity(results);
        for (i, chunk) in out.chunks_exact(MSM_BEATS_PER_RESULT).enumerate() {
            coords.push(result_point(chunk, i)?);
        }
        let mut z_inv: Vec<Fq> = coords.iter().map(|(_, _, z)| *z).collect();
        ark_ff::batch_inversion(&mut z_inv);
        let mut partials = Vec::with_capacity(results);
        for (i, ((x, y, z), zi)) in coords.iter().zip(&z_inv).enumerate() {
            if z.is_zero() {
                partials.push(G1Projective::zero());
                continue;
            }
            let p = G1Affine::new_unchecked(*x * zi, *y * zi);
            if !p.is_on_curve() {
                return Err(DriverError::BadResult { index: MSM_BEATS_PER_RESULT * i });
            }
            partials.push(p.into_group());
        }
        // Result (w, b) weighs 2^(c w + b): consecutive powers, high to low.
        let mut total = G1Projective::zero();
        for r in partials.iter().rev() {
            total.double_in_place();
            total += r;
        }
        profile.combine_s = t2.elapsed().as_secs_f64();

        job_profile.glue_s += validate_s + profile.recode_s + profile.combine_s;
        job_profile.elements = n as u64;
        job_profile.finish();
        let additions = job_profile.ops;
        profile.additions = additions;
        profile.reduce_additions = reduce_additions;
        profile.accumulate_additions = additions.saturating_sub(reduce_additions);
        profile.accumulate_cycles = accumulate_cycles;
        profile.reduce_cycles = reduce_cycles;
        profile.unload_cycles = job_profile.device_cycles.saturating_sub(accumulate_cycles + reduce_cycles);
        profile.idle_cycles = idle_cycles;
        profile.conflicts = conflicts;
        profile.efficiency =
            if accumulate_cycles > 0 { profile.accumulate_additions as f64 / accumulate_cycles as f64 } else { 0.0 };
        job_profile.efficiency = profile.efficiency;
        profile.job = job_profile;
        Ok((total, profile))
    }
}
