//! NTT glue: ark-poly `Radix2EvaluationDomain` semantics on the device.
//!
//! Transforms over device buffers run entirely on the card: up to the
//! on-chip size as one job in place; larger ones by the four-step method in
//! two passes of jobs (three above 2^(2(L-1)), [`CardPlan`]), the transposes
//! made by the jobs' card-memory layouts and the twiddles by the engine's
//! twiddle scaler. The host only starts jobs. Slices are uploaded,
//! transformed and downloaded.

use crate::bus::Bus;
use crate::card_mem::DeviceBuffer;
use crate::driver::{Coprocessor, DeviceJob, DriverError, JobProfile};
use crate::field::DeviceField;
use zkcopro_hdl::ntt::reference::{Layout, POINT_BYTES};
use zkcopro_hdl::ntt::{NTT_DRAIN_CYCLES, NTT_UNITS};
use ark_bn254::Fr;
use ark_ff::{FftField, Field, One, Zero};
use rayon::prelude::*;
use zkcopro_hdl::FieldId;
use zkcopro_hdl::ntt::{NTT_LOG_MAX, NTT_MAX_POINTS};
use zkcopro_hdl::regmap;

/// Largest transform: BN254 Fr's two-adicity. Every size runs on the card
/// (where the card memory holds the buffer and its scratch).
pub const NTT_LOG_MAX_TOTAL: u32 = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Coefficients to evaluations (`fft_in_place`).
    Forward,
    /// Evaluations to coefficients, scaled by 1/n (`ifft_in_place`).
    Inverse,
}

/// Powers folded into a transform's last pass (`ntt_buffer_scaled`): result
/// j times x^j, at no extra pass or cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputPowers {
    /// Results as they are.
    None,
    /// Result j times g^j, g = `Fr::GENERATOR`.
    Coset,
    /// Result j times g^-j.
    InverseCoset,
    /// Result j times w^j, w the primitive 2^log_order-th root of unity
    /// (`Fr::get_root_of_unity(2^log_order)`, ark-poly's `group_gen` of
    /// `Radix2EvaluationDomain::new(2^log_order)`); log_order is 1..=28
    /// (else `DriverError::OutOfRange`). With log_order = log2 n + 1 after an
    /// inverse transform of n points, the coefficients a forward transform
    /// turns into evaluations on the odd coset w_2n <w_n> (snarkjs's QAP).
    Root { log_order: u32 },
}

/// Largest `OutputPowers::Root` order: 2^28, Fr's two-adicity.
pub const ROOT_LOG_ORDER_MAX: u32 = 28;

impl OutputPowers {
    /// The scaler's factor for a last pass whose q-th transform's output k
    /// is result q + 2^log_step k.
    fn factor(self, log_step: u32) -> Factor {
        let powers = |base| Factor::Powers { col: 0, log_step, base };
        match self {
            OutputPowers::None => Factor::One,
            OutputPowers::Coset => powers(PowerBase::Generator),
            OutputPowers::InverseCoset => powers(PowerBase::InverseGenerator),
            OutputPowers::Root { log_order } => powers(PowerBase::Root { log_order }),
        }
    }

    /// The typed error for powers the scaler cannot make.
    fn check(self) -> Result<(), DriverError> {
        match self {
            OutputPowers::Root { log_order } if !(1..=ROOT_LOG_ORDER_MAX).contains(&log_order) => {
                Err(DriverError::OutOfRange {
                    what: "OutputPowers::Root log2 of the root's order",
                    value: log_order as u64,
                    range: format!("1..={ROOT_LOG_ORDER_MAX}"),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Largest transform that runs on the card without the host: every size.
pub const NTT_LOG_MAX_CARD: u32 = NTT_LOG_MAX_TOTAL;

/// How a transform of 2^log_n points on the card splits into jobs of
/// on-chip transforms (L = NTT_LOG_MAX, the on-chip size). A card record is
/// two points, so every pass that writes or reads across transforms holds at
/// least two of them per batch: sub-transforms are at most 2^(L-1) points
/// in every pass that needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardPlan {
    /// One job in place (n <= 2^L).
    OneJob,
    /// Four-step: n = n1 x n2 (n1 = 2^log1). Pass 1 transforms the n2
    /// columns (n1 points, stride n2) with the twiddles w_n^(c k1); pass 2
    /// the n1 rows, writing X[k1 + n1 k2]. 1 <= log1, log2 <= L - 1.
    TwoPass { log1: u32 },
    /// Six-step with the row transforms split again: n = n1 x m, m = m1 x
    /// m2 (m2 = 2^(log_n - log1 - log_m1)). Pass 1 as the four-step's, over
    /// m columns; pass 2, one job per row of m points, transforms its m2
    /// columns of m1 points with the twiddles w_m^(c j1); pass 3, one job
    /// per j1, transforms the rows of m2 points at j1 m2 of every row, 2^(L
    /// - log m2) rows per batch, writing X[k1 + n1 j1 + n1 m1 k2]. Every
    /// log is 1..=L - 1.
    ThreePass { log1: u32, log_m1: u32 },
}

impl CardPlan {
    /// The plan the driver uses for 2^log_n points: one job, the four-step
    /// up to 2^(2(L - 1)), then three passes with rows of 2^(L - 1) points
    /// in the last (the fewest jobs, each as long as possible).
    pub fn for_size(log_n: u32) -> Self {
        let l = NTT_LOG_MAX as u32;
        if log_n <= l {
            CardPlan::OneJob
        } else if log_n <= 2 * (l - 1) {
            CardPlan::TwoPass { log1: log_n / 2 }
        } else {
            let outer = log_n - (l - 1);
            CardPlan::ThreePass { log1: outer / 2, log_m1: outer - outer / 2 }
        }
    }

    /// Whether this plan can run 2^log_n points.
    pub fn fits(self, log_n: u32) -> bool {
        let part = |log: u32| (1..NTT_LOG_MAX as u32).contains(&log);
        match self {
            CardPlan::OneJob => log_n <= NTT_LOG_MAX as u32,
            CardPlan::TwoPass { log1 } => part(log1) && log_n > log1 && part(log_n - log1),
            CardPlan::ThreePass { log1, log_m1 } => {
                part(log1) && part(log_m1) && log_n > log1 + log_m1 && part(log_n - log1 - log_m1)
            }
        }
    }
}

/// One NTT job over card memory: `count` points from `src` to `dst` (their
/// `batch_len`, when set, splits the job into batches the core overlaps),
/// transforms of 2^log_m points, 2^in_ilv / 2^out_ilv interleaved on each
/// side of a batch, and the factor the twiddle scaler multiplies each
/// result by.
#[derive(Clone, Copy, Debug)]
struct CardJob {
    count: u32,
    log_m: u32,
    in_ilv: u32,
    out_ilv: u32,
    src: Layout,
    dst: Layout,
    factor: Factor,
    /// The core's output factor in place of its 1 (NTT) or 1/2^log_m
    /// (INTT); None keeps those.
    scale: Option<Fr>,
}

/// The base x of the scaler's powers mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PowerBase {
    /// g = `Fr::GENERATOR`.
    Generator,
    /// g^-1.
    InverseGenerator,
    /// The primitive 2^log_order-th root of unity (NTT_MODE_POWERS_ROOT).
    Root { log_order: u32 },
}

/// What the twiddle scaler multiplies the results of a card job by.
#[derive(Clone, Copy, Debug)]
enum Factor {
    One,
    /// Four-step twiddles: first column, log2 of the whole transform.
    Twiddle { col: u32, log_n: u32 },
    /// Output k of the job's q-th transform times x^(col + q + 2^log_step k),
    /// x = `base`.
    Powers { col: u32, log_step: u32, base: PowerBase },
}

impl CardJob {
    fn params(&self) -> [u32; regmap::NTT_PARAM_COUNT] {
        let ilv = self.in_ilv << regmap::NTT_MODE_IN_ILV_SHIFT | self.out_ilv << regmap::NTT_MODE_OUT_ILV_SHIFT;
        let (mode, col, log_n) = match self.factor {
            Factor::One => (ilv, 0, 0),
            Factor::Twiddle { col, log_n } => (ilv | regmap::NTT_MODE_TWIDDLE, col, log_n),
            Factor::Powers { col, log_step, base } => {
                let base_bits = match base {
                    PowerBase::Generator => 0,
                    PowerBase::InverseGenerator => regmap::NTT_MODE_POWERS_INV,
                    PowerBase::Root { log_order } => {
                        regmap::NTT_MODE_POWERS_ROOT
                            | (log_order & regmap::NTT_MODE_ROOT_LOG_MASK) << regmap::NTT_MODE_ROOT_LOG_SHIFT
                    }
                };
                (ilv | regmap::NTT_MODE_POWERS | base_bits, col, log_step)
            }
        };
        let mut params = crate::driver::card_params(mode, self.src, self.dst, None, col, log_n);
        if let Some(s) = self.scale {
            params[0] |= regmap::NTT_MODE_SCALE;
            params[regmap::NTT_SCALE_INDEX..regmap::NTT_SCALE_INDEX + 8].copy_from_slice(&s.to_beat());
        }
        params
    }

    /// Cycles the job may take: twice its loads, stages, drains and
    /// unloads run one after another.
    fn patience(&self) -> u64 {
        let n = self.count as u64;
        let batches = match self.src.batch_len {
            0 => 1,
            len => n / len as u64,
        };
        let stages = self.log_m as u64 * ((n / 2).div_ceil(NTT_UNITS as u64) + batches * NTT_DRAIN_CYCLES as u64);
        2 * (2 * n + stages) + 10_000
    }
}

/// The core's output factor that multiplies a job's results by `factor`
/// (an INTT job's 1/2^log_m included), or None for factor 1.
fn core_scale(factor: Fr, log_m: u32, dir: Direction) -> Option<Fr> {
    if factor.is_one() {
        return None;
    }
    Some(match dir {
        Direction::Forward => factor,
        Direction::Inverse => factor * Fr::from(1u64 << log_m).inverse().expect("2^k is nonzero"),
    })
}

fn log2_size(n: usize) -> Result<u32, DriverError> {
    if n == 0 || !n.is_power_of_two() || n.trailing_zeros() > NTT_LOG_MAX_TOTAL {
        return Err(DriverError::NttSize { n, max_log: NTT_LOG_MAX_TOTAL });
    }
    Ok(n.trailing_zeros())
}

impl<B: Bus> Coprocessor<B> {
    /// In-place NTT with the semantics of ark-poly's
    /// `Radix2EvaluationDomain::new(n)` `fft_in_place` / `ifft_in_place`, for
    /// n a power of two. Unlike ark-poly, other sizes are an error, never
    /// padded or truncated.
    pub fn ntt(&mut self, data: &mut [Fr], dir: Direction) -> Result<JobProfile, DriverError> {
        log2_size(data.len())?;
        self.through_card(data, |dev, buf, n| dev.ntt_buffer(buf, n, dir))
    }

    /// `data` to a temporary device buffer, `transform` there, and back.
    fn through_card(
        &mut self,
        data: &mut [Fr],
        transform: impl FnOnce(&mut Self, &DeviceBuffer, usize) -> Result<JobProfile, DriverError>,
    ) -> Result<JobProfile, DriverError> {
        let t0 = std::time::Instant::now();
        let buf = self.alloc_buffer(data.len() as u64 * POINT_BYTES)?;
        let glue = t0.elapsed().as_secs_f64();
        let outcome = (|| {
            let mut p = self.upload_fr(&buf, data)?;
            p.add(&transform(self, &buf, data.len())?);
            p.add(&self.download_fr(&buf, data)?);
            Ok::<JobProfile, DriverError>(p)
        })();
        let t1 = std::time::Instant::now();
        self.free_buffer(buf)?;
        let mut profile = outcome?;
        profile.glue_s += glue + t1.elapsed().as_secs_f64();
        profile.elements = data.len() as u64;
        profile.finish();
        Ok(profile)
    }

    /// Copy `data` into `buf` (host to card): the glue packs, the transfer
    /// is accounted at the PCIe rate.
    pub fn upload_fr(&mut self, buf: &DeviceBuffer, data: &[Fr]) -> Result<JobProfile, DriverError> {
        let t0 = std::time::Instant::now();
        self.check_buffer(buf, 0, data.len() as u64 * POINT_BYTES)?;
        let mut bytes = std::mem::take(&mut self.staging);
        bytes.resize(data.len() * POINT_BYTES as usize, 0);
        // One thread: the copy runs at memory speed, which a second core
        // does not raise on this host, and the thread pool's hand-off costs.
        crate::field::frs_to_le_bytes(data, &mut bytes);
        let pack_s = t0.elapsed().as_secs_f64();
        let t = self.write_buffer(buf, 0, &bytes);
        self.staging = bytes;
        let t = t?;
        let mut p = JobProfile { clock_hz: self.clock_hz(), transfer_s: t.transfer_s, glue_s: pack_s, ..Default::default() };
        p.finish();
        Ok(p)
    }

    /// Copy `out.len()` points of `buf` back (card to host), checking each is
    /// a reduced field element.
    pub fn download_fr(&mut self, buf: &DeviceBuffer, out: &mut [Fr]) -> Result<JobProfile, DriverError> {
        // Little-endian hosts: the copy lands in `out` as it is (no staging,
        // no second copy), then each element is checked.
        #[cfg(target_endian = "little")]
        {
            let t = self.read_buffer(buf, 0, crate::field::frs_as_le_bytes_mut(out))?;
            let t0 = std::time::Instant::now();
            let bad = crate::field::first_unreduced(out);
            let mut p = JobProfile {
                clock_hz: self.clock_hz(),
                transfer_s: t.transfer_s,
                glue_s: t0.elapsed().as_secs_f64(),
                ..Default::default()
            };
            p.finish();
            match bad {
                Some(index) => Err(DriverError::BadResult { index }),
                None => Ok(p),
            }
        }
        #[cfg(not(target_endian = "little"))]
        self.download_fr_staged(buf, out)
    }

    /// [`Coprocessor::download_fr`] through the staging buffer, each element
    /// unpacked from its bytes (big-endian hosts).
    #[cfg(not(target_endian = "little"))]
    fn download_fr_staged(&mut self, buf: &DeviceBuffer, out: &mut [Fr]) -> Result<JobProfile, DriverError> {
        let t0 = std::time::Instant::now();
        let mut bytes = std::mem::take(&mut self.staging);
        bytes.resize(out.len() * POINT_BYTES as usize, 0);
        let mut glue = t0.elapsed().as_secs_f64();
        let t = self.read_buffer(buf, 0, &mut bytes);
        let t = match t {
            Ok(t) => t,
            Err(e) => {
                self.staging = bytes;
                return Err(e);
            }
        };
        let t0 = std::time::Instant::now();
        // Memory speed on one thread (as the upload's packing).
        let unpacked = crate::field::frs_from_le_bytes(out, &bytes).map_err(|index| DriverError::BadResult { index });
        self.staging = bytes;
        unpacked?;
        glue += t0.elapsed().as_secs_f64();
        let mut p = JobProfile {
            clock_hz: self.clock_hz(),
            transfer_s: t.transfer_s,
            glue_s: glue,
            ..Default::default()
        };
        p.finish();
        Ok(p)
    }

    /// In-place NTT of the first `n` points of a device buffer, entirely on
    /// the card: one job up to the on-chip size, else four-step in two
    /// passes through a scratch buffer of the same size. n is a power of two
    /// up to 2^NTT_LOG_MAX_CARD; checked, with the buffer, before any work.
    pub fn ntt_buffer(&mut self, buf: &DeviceBuffer, n: usize, dir: Direction) -> Result<JobProfile, DriverError> {
        self.ntt_buffer_scaled(buf, n, dir, OutputPowers::None, Fr::one())
    }

    /// `ntt_buffer`, with result j multiplied by `factor` x^j, x = g, g^-1
    /// (g = `Fr::GENERATOR`) or a primitive 2^L-th root of unity (see
    /// [`OutputPowers`]), at no extra pass: the powers in the transform's
    /// last pass, the constant in the core's output multiplier of its
    /// first. An inverse transform with `Coset` gives the coefficients a
    /// forward NTT turns into coset evaluations (ark-poly's `coset_fft` is
    /// `fft` of them); with `InverseCoset` it is ark-poly's `coset_ifft`;
    /// with a factor, that times a constant (Groth16's 1/Z_H). With
    /// `Root { log_order: log2 n + 1 }` an inverse transform gives the
    /// coefficients a forward NTT turns into evaluations on the coset
    /// w_2n <w_n> (snarkjs's / circom's QAP). A `Root` order outside
    /// 2^1..=2^28 is `DriverError::OutOfRange`, before any work.
    pub fn ntt_buffer_scaled(
        &mut self,
        buf: &DeviceBuffer,
        n: usize,
        dir: Direction,
        powers: OutputPowers,
        factor: Fr,
    ) -> Result<JobProfile, DriverError> {
        // ntt_buffer_planned checks n and the buffer before any work.
        self.ntt_buffer_planned(buf, n, dir, powers, factor, CardPlan::for_size(n.trailing_zeros()))
    }

    /// `ntt_buffer_scaled` with the decomposition given (any plan that fits
    /// the size gives the same result; tests run the large sizes' plans at
    /// small sizes).
    pub fn ntt_buffer_planned(
        &mut self,
        buf: &DeviceBuffer,
        n: usize,
        dir: Direction,
        powers: OutputPowers,
        factor: Fr,
        plan: CardPlan,
    ) -> Result<JobProfile, DriverError> {
        powers.check()?;
        let log_n = self.check_card_transform(buf, n)?;
        if !plan.fits(log_n) {
            return Err(DriverError::OutOfRange {
                what: "NTT plan for this size",
                value: log_n as u64,
                range: format!("sizes {plan:?} can split"),
            });
        }
        let mut profile = JobProfile { clock_hz: self.clock_hz(), elements: n as u64, ..Default::default() };
        if n == 1 {
            // A one-point transform (either way) is the identity, and a
            // card job moves at least a record of two points: the factor
            // (if any) is the glue's.
            if !factor.is_one() {
                profile.add(&self.scale_one_point(buf, factor)?);
            }
            profile.finish();
            return Ok(profile);
        }
        if plan == CardPlan::OneJob {
            let all = Layout::contiguous(buf.addr());
            let scale = core_scale(factor, log_n, dir);
            let job =
                CardJob { count: n as u32, log_m: log_n, in_ilv: 0, out_ilv: 0, src: all, dst: all, factor: powers.factor(0), scale };
            profile.add(&self.card_job(job, dir)?);
        } else {
            let t0 = std::time::Instant::now();
            let scratch = self.alloc_buffer(n as u64 * POINT_BYTES)?;
            profile.glue_s += t0.elapsed().as_secs_f64();
            let outcome = match plan {
                CardPlan::ThreePass { log1, log_m1 } => {
                    self.three_pass_on_card(buf.addr(), scratch.addr(), log_n, [log1, log_m1], dir, powers, factor)
                }
                CardPlan::TwoPass { log1 } => {
                    self.four_step_on_card(buf.addr(), scratch.addr(), log_n, log1, dir, powers, factor)
                }
                CardPlan::OneJob => unreachable!("handled above"),
            };
            let t1 = std::time::Instant::now();
            self.free_buffer(scratch)?;
            profile.glue_s += t1.elapsed().as_secs_f64();
            profile.add(&outcome?);
        }
        profile.elements = n as u64;
        profile.finish();
        Ok(profile)
    }

    /// log2 of a transform size the card runs on `buf`, or the typed error.
    fn check_card_transform(&self, buf: &DeviceBuffer, n: usize) -> Result<u32, DriverError> {
        if n == 0 || !n.is_power_of_two() || n.trailing_zeros() > NTT_LOG_MAX_CARD {
            return Err(DriverError::NttSize { n, max_log: NTT_LOG_MAX_CARD });
        }
        self.check_buffer(buf, 0, n as u64 * POINT_BYTES)?;
        Ok(n.trailing_zeros())
    }

    /// The four-step's first pass, a as an n1 x m row-major matrix at
    /// `src`: the m columns of n1 points, B of them per batch (B points of
    /// each row, interleaved), output k1 of column c times `factor`
    /// w_n^(c k1), written in the same layout at `dst`.
    fn column_pass(
        &mut self,
        src: u64,
        dst: u64,
        log_n: u32,
        log1: u32,
        dir: Direction,
        factor: Fr,
    ) -> Result<JobProfile, DriverError> {
        let log_m = log_n - log1;
        let b_log = (NTT_LOG_MAX as u32 - log1).min(log_m);
        let (b, m) = (1u32 << b_log, 1u32 << log_m);
        let columns = |base: u64| Layout::strided(base, b, m).batched(b << log1, b);
        let job = CardJob {
            count: 1 << log_n,
            log_m: log1,
            in_ilv: b_log,
            out_ilv: b_log,
            src: columns(src),
            dst: columns(dst),
            factor: Factor::Twiddle { col: 0, log_n },
            scale: core_scale(factor, log1, dir),
        };
        self.card_job(job, dir)
    }

    /// Four-step on the card, a as an n1 x n2 row-major matrix, in two
    /// jobs, each a pass of on-chip batches the core overlaps (the next
    /// batch loads and the last one unloads while one transforms): pass 1
    /// is [`Self::column_pass`] into `scratch`; pass 2 transforms B2 rows of
    /// `scratch` per batch and writes X[k1 + n1 k2] transposed into `data`.
    /// The second pass's scaler applies `powers` (result k1 + n1 k2 is its
    /// k2-th output of row k1); the first pass's core, `factor`.
    #[allow(clippy::too_many_arguments)]
    fn four_step_on_card(
        &mut self,
        data: u64,
        scratch: u64,
        log_n: u32,
        log1: u32,
        dir: Direction,
        powers: OutputPowers,
        factor: Fr,
    ) -> Result<JobProfile, DriverError> {
        let log2 = log_n - log1;
        let n1 = 1u32 << log1;
        let b2_log = (NTT_LOG_MAX as u32 - log2).min(log1);
        let (b2, batch) = (1u32 << b2_log, 1u32 << (b2_log + log2));
        let mut profile = self.column_pass(data, scratch, log_n, log1, dir, factor)?;
        let pass2 = CardJob {
            count: 1 << log_n,
            log_m: log2,
            in_ilv: 0,
            out_ilv: b2_log,
            src: Layout::contiguous(scratch).batched(batch, batch),
            dst: Layout::strided(data, b2, n1).batched(batch, b2),
            factor: powers.factor(log1),
            scale: None,
        };
        profile.add(&self.card_job(pass2, dir)?);
        Ok(profile)
    }

    /// Three passes on the card (see [`CardPlan::ThreePass`]): the column
    /// pass into `scratch`; per row of `scratch`, its m2 columns of m1
    /// points with the twiddles w_m^(c j1), in place; per j1, the rows of m2
    /// points at j1 m2 of every row, B rows per batch, into `data` at
    /// k1 + n1 j1 + n1 m1 k2 (with `powers` applied to that index).
    #[allow(clippy::too_many_arguments)]
    fn three_pass_on_card(
        &mut self,
        data: u64,
        scratch: u64,
        log_n: u32,
        [log1, log_m1]: [u32; 2],
        dir: Direction,
        powers: OutputPowers,
        factor: Fr,
    ) -> Result<JobProfile, DriverError> {
        let l = NTT_LOG_MAX as u32;
        let log_m = log_n - log1;
        let log_m2 = log_m - log_m1;
        let (n1, m1, m2, m) = (1u32 << log1, 1u32 << log_m1, 1u32 << log_m2, 1u64 << log_m);
        let mut profile = self.column_pass(data, scratch, log_n, log1, dir, factor)?;
        // Pass 2: each row its own job, so the twiddles' column restarts.
        let ba_log = (l - log_m1).min(log_m2);
        let ba = 1u32 << ba_log;
        for row in 0..n1 as u64 {
            let at = Layout::strided(scratch + row * m * POINT_BYTES, ba, m2).batched(ba << log_m1, ba);
            let job = CardJob {
                count: m as u32,
                log_m: log_m1,
                in_ilv: ba_log,
                out_ilv: ba_log,
                src: at,
                dst: at,
                factor: Factor::Twiddle { col: 0, log_n: log_m },
                scale: None,
            };
            profile.add(&self.card_job(job, dir)?);
        }
        // Pass 3: for each j1, B rows k1 .. k1 + B - 1 per batch, results
        // interleaved into X[k1 + n1 j1 + n1 m1 k2].
        let b_log = (l - log_m2).min(log1);
        let b = 1u32 << b_log;
        let batch = b << log_m2;
        // b rows of m points between batches: b <= n1, so at most n <= 2^28.
        let rows_step = b << log_m;
        for j1 in 0..m1 as u64 {
            let src = Layout::strided(scratch + j1 * m2 as u64 * POINT_BYTES, m2, m as u32).batched(batch, rows_step);
            let dst = Layout::strided(data + j1 * n1 as u64 * POINT_BYTES, b, n1 << log_m1).batched(batch, b);
            let factor = match powers.factor(log1 + log_m1) {
                Factor::Powers { log_step, base, .. } => Factor::Powers { col: (j1 as u32) << log1, log_step, base },
                other => other,
            };
            let job =
                CardJob { count: n1 << log_m2, log_m: log_m2, in_ilv: 0, out_ilv: b_log, src, dst, factor, scale: None };
            profile.add(&self.card_job(job, dir)?);
        }
        Ok(profile)
    }

    fn card_job(&mut self, job: CardJob, dir: Direction) -> Result<JobProfile, DriverError> {
        let op = match dir {
            Direction::Forward => regmap::OP_NTT,
            Direction::Inverse => regmap::OP_INTT,
        };
        let dj = DeviceJob {
            op,
            field: FieldId::Fr.code(),
            count: job.count,
            log_size: job.log_m,
            msm: None,
            bases: None,
            // Its own cycles, and card memory's at its latency and bandwidth
            // (a point read and written).
            patience: job.patience() + 2 * self.card_mem_cycles(job.count as u64 * POINT_BYTES, job.count as u64 * POINT_BYTES),
            ntt: Some(job.params()),
        };
        let (_, p) = self.device_job(dj, &[], 0)?;
        Ok(p)
    }

    /// In-place coset NTT: the semantics of
    /// `Radix2EvaluationDomain::new(n).get_coset(offset)` `fft_in_place` /
    /// `ifft_in_place` (evaluations over offset * <w>).
    ///
    /// With arkworks' generator as the offset (as Groth16 uses) and sizes up
    /// to 2^NTT_LOG_MAX_CARD, the coset scaling runs on the card too;
    /// other offsets are scaled by the glue.
    pub fn coset_ntt(&mut self, data: &mut [Fr], offset: Fr, dir: Direction) -> Result<JobProfile, DriverError> {
        let log_n = log2_size(data.len())?;
        let offset_inv = offset.inverse().ok_or(DriverError::ZeroCosetOffset)?;
        if offset == Fr::GENERATOR && log_n <= NTT_LOG_MAX_CARD {
            return self.through_card(data, |dev, buf, n| dev.coset_ntt_buffer(buf, n, dir));
        }
        let t0 = std::time::Instant::now();
        if dir == Direction::Forward {
            distribute_powers(data, offset);
        }
        let mut glue = t0.elapsed().as_secs_f64();
        let mut profile = self.ntt(data, dir)?;
        if dir == Direction::Inverse {
            let t1 = std::time::Instant::now();
            distribute_powers(data, offset_inv);
            glue += t1.elapsed().as_secs_f64();
        }
        profile.glue_s += glue;
        profile.finish();
        Ok(profile)
    }

    /// In-place coset NTT over g H (g = `Fr::GENERATOR`, as ark-poly's
    /// `get_coset(GENERATOR)`) of the first `n` points of a device buffer,
    /// entirely on the card: forward scales point i by g^i (a pass of
    /// one-point "transforms" whose results the twiddle scaler multiplies by
    /// the powers), then transforms; inverse transforms with the scaling by
    /// g^-i folded into its last pass.
    pub fn coset_ntt_buffer(&mut self, buf: &DeviceBuffer, n: usize, dir: Direction) -> Result<JobProfile, DriverError> {
        self.check_card_transform(buf, n)?;
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        match dir {
            Direction::Forward => {
                profile.add(&self.scale_by_powers(buf, n, dir)?);
                profile.add(&self.ntt_buffer(buf, n, dir)?);
            }
            Direction::Inverse => profile.add(&self.ntt_buffer_scaled(buf, n, dir, OutputPowers::InverseCoset, Fr::one())?),
        }
        profile.elements = n as u64;
        profile.finish();
        Ok(profile)
    }

    /// Point i of the buffer times g^i (forward) or g^-i (inverse), in place,
    /// by one job (in batches of the on-chip size above it).
    fn scale_by_powers(&mut self, buf: &DeviceBuffer, n: usize, dir: Direction) -> Result<JobProfile, DriverError> {
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        if n == 1 {
            // g^0 = 1; a record holds two points, so there is no one-point job.
            return Ok(profile);
        }
        let mut at = Layout::contiguous(buf.addr());
        if n > NTT_MAX_POINTS {
            at = at.batched(NTT_MAX_POINTS as u32, NTT_MAX_POINTS as u32);
        }
        let base = if dir == Direction::Inverse { PowerBase::InverseGenerator } else { PowerBase::Generator };
        let factor = Factor::Powers { col: 0, log_step: 0, base };
        let job = CardJob { count: n as u32, log_m: 0, in_ilv: 0, out_ilv: 0, src: at, dst: at, factor, scale: None };
        profile.add(&self.card_job(job, dir)?);
        Ok(profile)
    }

    /// The first `n` points of a device buffer times the constant `k`, in
    /// place, entirely on the card: one job of one-point transforms whose
    /// results the core's output multiplier scales (one read and one write
    /// per point, where a field-ALU job with a constant operand reads two),
    /// a job per power of two in n, in batches of the on-chip size. n is even
    /// (a card record is two points), 2..=2^NTT_LOG_MAX_CARD; checked with
    /// the buffer before any work.
    pub fn scale_buffer(&mut self, buf: &DeviceBuffer, n: usize, k: Fr) -> Result<JobProfile, DriverError> {
        if n == 0 || n % 2 != 0 || n > 1 << NTT_LOG_MAX_CARD {
            return Err(DriverError::OutOfRange {
                what: "points to scale",
                value: n as u64,
                range: format!("even, 2..={}", 1u64 << NTT_LOG_MAX_CARD),
            });
        }
        self.check_buffer(buf, 0, n as u64 * POINT_BYTES)?;
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        // NTT jobs hold a power of two of points: one job per set bit of n,
        // in batches of the on-chip size above it.
        let mut jobs = Vec::new();
        let mut start = 0usize;
        for bit in (1..=NTT_LOG_MAX_CARD).rev().filter(|b| n >> b & 1 == 1) {
            let count = 1usize << bit;
            let mut at = Layout::contiguous(buf.addr() + start as u64 * POINT_BYTES);
            if count > NTT_MAX_POINTS {
                at = at.batched(NTT_MAX_POINTS as u32, NTT_MAX_POINTS as u32);
            }
            jobs.push((count, at));
            start += count;
        }
        for (count, at) in jobs {
            let job = CardJob {
                count: count as u32,
                log_m: 0,
                in_ilv: 0,
                out_ilv: 0,
                src: at,
                dst: at,
                factor: Factor::One,
                scale: Some(k),
            };
            profile.add(&self.card_job(job, Direction::Forward)?);
        }
        profile.elements = n as u64;
        profile.finish();
        Ok(profile)
    }

    /// A one-point buffer's point times `k`: no card job moves less than a
    /// record, so the glue reads, multiplies and writes it back.
    fn scale_one_point(&mut self, buf: &DeviceBuffer, k: Fr) -> Result<JobProfile, DriverError> {
        let mut x = [Fr::zero()];
        let mut profile = self.download_fr(buf, &mut x)?;
        x[0] *= k;
        profile.add(&self.upload_fr(buf, &x)?);
        Ok(profile)
    }
}

/// Below this many elements the glue stays on the calling thread: handing
/// work to the thread pool costs more than it saves.
const PARALLEL_MIN: usize = 1 << 14;

/// Multiply element i by g^i (chunks on all cores, each from its own g^start).
fn distribute_powers(data: &mut [Fr], g: Fr) {
    const CHUNK: usize = 4096;
    let scale = |start: usize, xs: &mut [Fr]| {
        let mut pow = g.pow([start as u64]);
        for x in xs.iter_mut() {
            *x *= pow;
            pow *= g;
        }
    };
    if data.len() < PARALLEL_MIN {
        scale(0, data);
    } else {
        data.par_chunks_mut(CHUNK).enumerate().for_each(|(k, xs)| scale(k * CHUNK, xs));
    }
}

