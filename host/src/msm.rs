//! MSM glue: sum_i s_i P_i over BN254 G1 with arkworks semantics, over bases
//! resident in card memory. Loading a base set validates it once (every
//! point on the curve) and copies it to the card; each MSM then streams only
//! the scalars, as arkworks keeps them. The device drops zero scalars, reads
//! the bases it needs, converts and recodes the scalars, accumulates and
//! reduces the buckets, combines the window sums and returns one point; the
//! glue checks it is on the curve.

use crate::bus::{Beat, Bus};
use crate::card_mem::{DeviceBuffer, TransferProfile};
use crate::driver::{Coprocessor, DeviceJob, DriverError, JobProfile, PendingJob};
use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::AffineRepr;
use ark_ff::{Field, Zero};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;
use zkcopro_hdl::msm::{
    MSM_BASE_BYTES, MSM_BEATS_PER_RESULT, MSM_ENGINES, MSM_LOOP_LATENCY, combiner_cycles_per_step,
};
pub use crate::msm_plan::*;
use zkcopro_hdl::{FieldId, regmap};

/// How to run an MSM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsmConfig {
    /// Window width c in bits; `None` picks the one with the fewest estimated cycles.
    pub window_bits: Option<usize>,
    /// Every scalar is below 2^bits: the device runs only the windows that
    /// cover them (a witness's 0/1 scalars: one window, nothing to combine).
    /// A scalar the windows cannot hold fails the job (`ERR_BAD_DIGIT`),
    /// never a wrong sum. `None`: full-size scalars.
    pub scalar_bits: Option<u32>,
    /// Engine 1's first window (the device's two MSM engines split the
    /// windows: engine 0 adds 0..s, engine 1 s..W); `Some(0)`: engine 0
    /// alone; `None` picks the split with the fewest estimated cycles.
    pub split: Option<usize>,
}

impl MsmConfig {
    /// Scalars below 2^bits, the window picked by estimated cycles.
    pub fn small_scalars(bits: u32) -> Self {
        MsmConfig { window_bits: None, scalar_bits: Some(bits), split: None }
    }
}

/// Where an MSM's time went, with the engine's counters.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct MsmProfile {
    /// The device job (cycles, beats, projected times).
    pub job: JobProfile,
    /// Scalars given (all streamed; the device drops the zeros).
    pub points: u64,
    /// Nonzero scalars: the bases the device read from card memory.
    pub points_sent: u64,
    pub window_bits: u64,
    pub windows: u64,
    /// The bound N x W of additions in the accumulation phase.
    pub bound: u64,
    /// Point additions issued: all, accumulation, reduction.
    pub additions: u64,
    pub accumulate_additions: u64,
    pub reduce_additions: u64,
    /// Cycles per phase, of the engine that finished last (each engine's
    /// are in `engines`).
    pub accumulate_cycles: u64,
    pub reduce_cycles: u64,
    pub combine_cycles: u64,
    pub unload_cycles: u64,
    /// Accumulation cycles with no addition (both engines).
    pub idle_cycles: u64,
    /// Results merged again because their bucket got a point while in
    /// flight (both engines).
    pub conflicts: u64,
    /// Accumulation additions per accumulation cycle, over both engines.
    pub efficiency: f64,
    /// Engine 1's first window (0: engine 0 ran the job alone).
    pub split: u64,
    /// Each engine's counters (one or two).
    pub engines: Vec<MsmEngineProfile>,
    /// Glue wall time by step, seconds: checks and window choice, packing
    /// the scalar stream, checking and converting the result.
    pub validate_s: f64,
    pub pack_s: f64,
    pub combine_s: f64,
    /// One-off `msm` calls: loading the bases (validation, packing and the
    /// copy to the card); 0 for resident bases. Not in `job.end_to_end_s`.
    pub load_bases_s: f64,
}

/// One MSM engine's part of a job, from its counters.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct MsmEngineProfile {
    /// Its windows: first..end.
    pub first_window: u64,
    pub end_window: u64,
    pub accumulate_cycles: u64,
    pub reduce_cycles: u64,
    pub combine_cycles: u64,
    pub accumulate_additions: u64,
    pub reduce_additions: u64,
    pub idle_cycles: u64,
    pub conflicts: u64,
    /// Accumulation additions per accumulation cycle.
    pub efficiency: f64,
}

/// A base set resident in card memory, validated once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MsmBases {
    buffer: DeviceBuffer,
    len: usize,
}

impl MsmBases {
    /// Number of bases.
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// The card-memory buffer holding them (64 bytes each: x, y).
    pub fn buffer(&self) -> &DeviceBuffer {
        &self.buffer
    }
}

/// Where loading a base set went.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct BasesProfile {
    pub points: u64,
    pub bytes: u64,
    /// Glue: on-curve checks and packing, seconds.
    pub validate_s: f64,
    pub pack_s: f64,
    /// The copy to card memory.
    pub transfer: TransferProfile,
    /// validate_s + pack_s + transfer.transfer_s.
    pub total_s: f64,
}

impl BasesProfile {
    /// Adds another load (several base sets, e.g. a proving key's).
    pub fn add(&mut self, other: &BasesProfile) {
        self.points += other.points;
        self.bytes += other.bytes;
        self.validate_s += other.validate_s;
        self.pack_s += other.pack_s;
        self.transfer.add(&other.transfer);
        self.total_s += other.total_s;
    }
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
const GLUE_CHUNK: usize = 4096;

/// A result point from its three beats (homogeneous projective, Montgomery).
fn result_point(beats: &[Beat], index: usize) -> Result<(Fq, Fq, Fq), DriverError> {
    use crate::field::DeviceField;
    let get = |k: usize| {
        let at = MSM_BEATS_PER_RESULT * index + k;
        Fq::from_beat(&beats[at]).ok_or(DriverError::BadResult { index: at })
    };
    Ok((get(0)?, get(1)?, get(2)?))
}

/// The card-memory image of a base: x, y limbs little-endian (Montgomery
/// form, as arkworks keeps them); the point at infinity is all zero.
pub fn base_record(p: &G1Affine, out: &mut [u8]) {
    debug_assert_eq!(out.len(), MSM_BASE_BYTES as usize);
    if p.is_zero() {
        out.fill(0);
        return;
    }
    for (i, limb) in p.x.0.0.iter().chain(p.y.0.0.iter()).enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&limb.to_le_bytes());
    }
}

// An `Fr` is its four little-endian u64 limbs and nothing else (a BigInt<4>
// and a PhantomData): on a little-endian host its bytes are the stream beat.
const _: () = assert!(std::mem::size_of::<Fr>() == std::mem::size_of::<Beat>());

/// The scalar stream without a copy: arkworks' Montgomery limbs are the
/// beats as they lie in memory (little-endian hosts).
#[cfg(target_endian = "little")]
pub fn scalar_stream(scalars: &[Fr]) -> std::borrow::Cow<'_, [Beat]> {
    // SAFETY: Fr holds exactly a [u64; 4] (size asserted above, so at
    // offset 0), every bit pattern is a valid [u32; 8], and Beat's alignment
    // (4) divides Fr's (8).
    std::borrow::Cow::Borrowed(unsafe { std::slice::from_raw_parts(scalars.as_ptr() as *const Beat, scalars.len()) })
}

/// The scalar stream, copied into beats (big-endian hosts).
#[cfg(not(target_endian = "little"))]
pub fn scalar_stream(scalars: &[Fr]) -> std::borrow::Cow<'_, [Beat]> {
    std::borrow::Cow::Owned(pack_scalars(scalars))
}

/// The scalar stream: one beat per scalar, arkworks' Montgomery limbs as they
/// are, copied.
pub fn pack_scalars(scalars: &[Fr]) -> Vec<Beat> {
    let mut beats = vec![[0u32; 8]; scalars.len()];
    beats.par_chunks_mut(GLUE_CHUNK).zip(scalars.par_chunks(GLUE_CHUNK)).for_each(|(out, ss)| {
        for (b, s) in out.iter_mut().zip(ss) {
            for (k, limb) in s.0.0.iter().enumerate() {
                b[2 * k] = *limb as u32;
                b[2 * k + 1] = (*limb >> 32) as u32;
            }
        }
    });
    beats
}

/// Every point on the curve (BN254 G1 has cofactor 1, so that means in the
/// prime-order group); points at infinity are allowed.
pub fn check_bases(points: &[G1Affine]) -> Result<(), DriverError> {
    let bad = points
        .par_chunks(GLUE_CHUNK)
        .enumerate()
        .filter_map(|(k, ps)| ps.iter().position(|p| !p.is_on_curve()).map(|i| k * GLUE_CHUNK + i))
        .min();
    match bad {
        Some(index) => Err(DriverError::PointNotOnCurve { index }),
        None => Ok(()),
    }
}

/// The card-memory image of a base set: 64 bytes per base ([`base_record`]).
pub fn pack_bases(points: &[G1Affine]) -> Vec<u8> {
    let rec = MSM_BASE_BYTES as usize;
    let mut image = vec![0u8; rec * points.len()];
    image.par_chunks_mut(rec * GLUE_CHUNK).zip(points.par_chunks(GLUE_CHUNK)).for_each(|(out, ps)| {
        for (slot, p) in out.chunks_exact_mut(rec).zip(ps) {
            base_record(p, slot);
        }
    });
    image
}

impl<B: Bus> Coprocessor<B> {
    /// Validate `points` once (every one on the curve; points at infinity
    /// allowed) and copy them into a new card-memory buffer.
    pub fn load_bases(&mut self, points: &[G1Affine]) -> Result<(MsmBases, BasesProfile), DriverError> {
        let t0 = Instant::now();
        if points.len() > u32::MAX as usize {
            return Err(DriverError::OutOfRange { what: "MSM bases", value: points.len() as u64, range: format!("0..={}", u32::MAX) });
        }
        check_bases(points)?;
        let bytes = points.len() as u64 * MSM_BASE_BYTES;
        let buffer = self.alloc_buffer(bytes)?;
        let validate_s = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let image = pack_bases(points);
        let pack_s = t1.elapsed().as_secs_f64();
        let transfer = match self.write_buffer(&buffer, 0, &image) {
            Ok(t) => t,
            Err(e) => {
                self.free_buffer(buffer)?;
                return Err(e);
            }
        };
        let profile = BasesProfile {
            points: points.len() as u64,
            bytes,
            validate_s,
            pack_s,
            total_s: validate_s + pack_s + transfer.transfer_s,
            transfer,
        };
        Ok((MsmBases { buffer, len: points.len() }, profile))
    }

    /// Release a base set's card memory.
    pub fn free_bases(&mut self, bases: MsmBases) -> Result<(), DriverError> {
        self.free_buffer(bases.buffer)
    }

    /// sum_i scalars[i] * points[i], as arkworks' `G1Projective::msm`: loads
    /// the points, runs one MSM, frees them.
    pub fn msm(&mut self, points: &[G1Affine], scalars: &[Fr]) -> Result<G1Projective, DriverError> {
        self.msm_with(points, scalars, &MsmConfig::default()).map(|(r, _)| r)
    }

    /// `msm` with a configuration, returning the job's profile too (its
    /// `load_bases_s` holds the base load, outside `job.end_to_end_s`).
    pub fn msm_with(
        &mut self,
        points: &[G1Affine],
        scalars: &[Fr],
        config: &MsmConfig,
    ) -> Result<(G1Projective, MsmProfile), DriverError> {
        if points.len() != scalars.len() {
            return Err(DriverError::LengthMismatch { left: points.len(), right: scalars.len() });
        }
        if let Some(c) = config.window_bits {
            window_shape(c)?;
        }
        let (bases, load) = self.load_bases(points)?;
        let result = self.msm_resident_with(&bases, scalars, config);
        self.free_bases(bases)?;
        let (r, mut profile) = result?;
        profile.load_bases_s = load.total_s;
        Ok((r, profile))
    }

    /// sum_i scalars[i] * bases[i] over resident bases; `scalars` may be
    /// shorter than the base set (the first bases are used).
    pub fn msm_resident(&mut self, bases: &MsmBases, scalars: &[Fr]) -> Result<G1Projective, DriverError> {
        self.msm_resident_with(bases, scalars, &MsmConfig::default()).map(|(r, _)| r)
    }

    /// `msm_resident` with a configuration, returning the job's profile.
    pub fn msm_resident_with(
        &mut self,
        bases: &MsmBases,
        scalars: &[Fr],
        config: &MsmConfig,
    ) -> Result<(G1Projective, MsmProfile), DriverError> {
        let pending = self.start_msm_resident(bases, scalars, config)?;
        self.wait_msm(pending)
    }

    /// Starts an MSM over resident bases and returns at once (the job's
    /// registers written, ap_start set), so the host can work while the card
    /// computes; [`Coprocessor::wait_msm`] streams the scalars and returns
    /// the sum. Checks happen here, before the device is touched.
    pub fn start_msm_resident<'a>(
        &mut self,
        bases: &MsmBases,
        scalars: &'a [Fr],
        config: &MsmConfig,
    ) -> Result<PendingMsm<'a>, DriverError> {
        let t0 = Instant::now();
        if self.job_in_flight() {
            return Err(DriverError::Busy);
        }
        if scalars.len() > bases.len {
            return Err(DriverError::LengthMismatch { left: bases.len, right: scalars.len() });
        }
        self.check_buffer(&bases.buffer, 0, bases.len as u64 * MSM_BASE_BYTES)?;
        let n = scalars.len();
        let plan = match config.scalar_bits {
            None => plan_for(scalars, config.window_bits)?,
            Some(bits) => plan_for_small(n, bits, config.window_bits)?,
        };
        let (c, windows) = (plan.c, plan.windows);
        let split = match config.split {
            None => plan.split,
            Some(s) => check_split(c, windows, s)?,
        };
        let mut profile = MsmProfile {
            points: n as u64,
            window_bits: c as u64,
            windows: windows as u64,
            split: split as u64,
            ..Default::default()
        };
        if n == 0 {
            profile.validate_s = t0.elapsed().as_secs_f64();
            profile.job = JobProfile { clock_hz: self.clock_hz(), glue_s: profile.validate_s, ..Default::default() };
            profile.job.finish();
            return Ok(PendingMsm { job: None, profile });
        }
        profile.validate_s = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let beats = scalar_stream(scalars);
        profile.pack_s = t1.elapsed().as_secs_f64();

        // No beat moves while the pipeline drains, the buckets reduce and
        // the window sums combine.
        let buckets = (windows as u64) << (c - 1);
        let combine = (windows * c * combiner_cycles_per_step(MSM_LOOP_LATENCY)) as u64;
        let patience = 2 * (buckets * (5 + c as u64 / 2) + MSM_LOOP_LATENCY as u64 + combine) + 100_000;
        let job = DeviceJob {
            op: regmap::OP_MSM,
            field: FieldId::Fq.code(),
            count: n as u32,
            log_size: 0,
            msm: Some((c as u32, windows as u32, split as u32)),
            bases: Some((bases.buffer.addr(), bases.len as u32)),
            patience,
            ntt: None,
        };
        let engines = if split == 0 { 1 } else { MSM_ENGINES };
        let job = self.start_job(job, beats, engines * MSM_BEATS_PER_RESULT)?;
        Ok(PendingMsm { job: Some(job), profile })
    }

    /// Waits for a started MSM: the scalars stream, the engine's counters
    /// are read and the result point is checked (on the curve).
    pub fn wait_msm(&mut self, pending: PendingMsm<'_>) -> Result<(G1Projective, MsmProfile), DriverError> {
        let PendingMsm { job, mut profile } = pending;
        let Some(job) = job else {
            return Ok((G1Projective::zero(), profile));
        };
        let n = profile.points;
        let windows = profile.windows;
        let (out, mut job_profile) = self.wait_job(job)?;
        // Each engine's counters: MSM_SPLIT bit 8 shows engine 1's.
        let split = profile.split;
        let mut engines = Vec::with_capacity(MSM_ENGINES);
        for e in 0..if split == 0 { 1 } else { MSM_ENGINES } {
            if e > 0 {
                self.write_reg(regmap::MSM_SPLIT, split as u32 | regmap::MSM_SPLIT_VIEW_ENGINE1)?;
            }
            let accumulate_cycles = self.read_reg(regmap::PERF_MSM_ACCUM)? as u64;
            let idle_cycles = self.read_reg(regmap::PERF_MSM_IDLE)? as u64;
            let accumulate_additions = accumulate_cycles.saturating_sub(idle_cycles);
            engines.push(MsmEngineProfile {
                first_window: if e == 0 { 0 } else { split },
                end_window: if e == 0 && split != 0 { split } else { windows },
                accumulate_cycles,
                reduce_cycles: self.read_reg(regmap::PERF_MSM_REDUCE)? as u64,
                combine_cycles: self.read_reg(regmap::PERF_MSM_COMBINE)? as u64,
                accumulate_additions,
                reduce_additions: self.read_reg(regmap::PERF_MSM_REDUCE_ADDS)? as u64,
                idle_cycles,
                conflicts: self.read_reg(regmap::PERF_MSM_CONFLICTS)? as u64,
                efficiency: if accumulate_cycles > 0 { accumulate_additions as f64 / accumulate_cycles as f64 } else { 0.0 },
            });
        }
        if engines.len() > 1 {
            self.write_reg(regmap::MSM_SPLIT, split as u32)?;
        }

        // The MSM: the engines' points summed (engine 1's comes out weighted
        // by 2^(c s) already).
        let t2 = Instant::now();
        let mut total = G1Projective::zero();
        for e in 0..engines.len() {
            let (x, y, z) = result_point(&out, e)?;
            if !z.is_zero() {
                let zi = z.inverse().expect("nonzero");
                let p = G1Affine::new_unchecked(x * zi, y * zi);
                if !p.is_on_curve() {
                    return Err(DriverError::BadResult { index: MSM_BEATS_PER_RESULT * e });
                }
                total += p;
            }
        }
        profile.combine_s = t2.elapsed().as_secs_f64();

        job_profile.glue_s += profile.validate_s + profile.pack_s + profile.combine_s;
        job_profile.elements = n;
        job_profile.finish();
        let additions = job_profile.ops;
        profile.points_sent = job_profile.mem_reads;
        profile.bound = profile.points_sent * windows;
        profile.additions = additions;
        profile.reduce_additions = engines.iter().map(|e| e.reduce_additions).sum();
        profile.accumulate_additions = additions.saturating_sub(profile.reduce_additions);
        // The phases of the engine that finished last (the job's).
        let last = engines
            .iter()
            .max_by_key(|e| e.accumulate_cycles + e.reduce_cycles + e.combine_cycles)
            .expect("one engine at least");
        profile.accumulate_cycles = last.accumulate_cycles;
        profile.reduce_cycles = last.reduce_cycles;
        profile.combine_cycles = last.combine_cycles;
        profile.unload_cycles = job_profile
            .device_cycles
            .saturating_sub(last.accumulate_cycles + last.reduce_cycles + last.combine_cycles);
        profile.idle_cycles = engines.iter().map(|e| e.idle_cycles).sum();
        profile.conflicts = engines.iter().map(|e| e.conflicts).sum();
        let accumulate_sum: u64 = engines.iter().map(|e| e.accumulate_cycles).sum();
        profile.efficiency =
            if accumulate_sum > 0 { profile.accumulate_additions as f64 / accumulate_sum as f64 } else { 0.0 };
        profile.engines = engines;
        job_profile.efficiency = profile.efficiency;
        profile.job = job_profile;
        Ok((total, profile))
    }
}

/// An MSM started on the device and not yet waited for
/// ([`Coprocessor::start_msm_resident`]); the scalars stay borrowed.
#[must_use = "a started MSM keeps the device busy until it is waited for"]
pub struct PendingMsm<'a> {
    /// None: no scalars, nothing to run.
    job: Option<PendingJob<'a>>,
    profile: MsmProfile,
}
