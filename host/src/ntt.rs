//! NTT glue: ark-poly `Radix2EvaluationDomain` semantics on the device.
//! Sizes up to the on-chip maximum run as one job (small transforms are
//! batched several per job); larger ones by the four-step method: the device
//! runs the sub-transforms, the glue does the transposes and the twiddle
//! multiplication (cheap, irregular memory work).

use crate::bus::{Beat, Bus};
use crate::driver::{Coprocessor, DeviceJob, DriverError, JobProfile};
use crate::field::DeviceField;
use ark_bn254::Fr;
use ark_ff::{FftField, Field, One};
use rayon::prelude::*;
use zkcopro_hdl::FieldId;
use zkcopro_hdl::ntt::{NTT_LOG_MAX, NTT_MAX_POINTS};
use zkcopro_hdl::regmap;

/// Largest transform the glue accepts: 2^(2 * NTT_LOG_MAX) by four-step
/// (BN254 Fr's two-adicity, 28, is above it for NTT_LOG_MAX = 12).
pub const NTT_LOG_MAX_TOTAL: u32 = {
    let four_step = 2 * NTT_LOG_MAX as u32;
    if four_step < 28 { four_step } else { 28 }
};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Coefficients to evaluations (`fft_in_place`).
    Forward,
    /// Evaluations to coefficients, scaled by 1/n (`ifft_in_place`).
    Inverse,
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
        let log_n = log2_size(data.len())?;
        if log_n as usize <= NTT_LOG_MAX {
            self.ntt_batch(data, log_n, dir)
        } else {
            self.ntt_four_step(data, log_n, dir)
        }
    }

    /// In-place coset NTT: the semantics of
    /// `Radix2EvaluationDomain::new(n).get_coset(offset)` `fft_in_place` /
    /// `ifft_in_place` (evaluations over offset * <w>).
    pub fn coset_ntt(&mut self, data: &mut [Fr], offset: Fr, dir: Direction) -> Result<JobProfile, DriverError> {
        log2_size(data.len())?;
        let offset_inv = offset.inverse().ok_or(DriverError::ZeroCosetOffset)?;
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

    /// Independent transforms of 2^log_m points each, back to back in `data`,
    /// as few device jobs as fit on chip.
    fn ntt_batch(&mut self, data: &mut [Fr], log_m: u32, dir: Direction) -> Result<JobProfile, DriverError> {
        let t0 = std::time::Instant::now();
        let beats: Vec<Beat> = if data.len() < PARALLEL_MIN {
            data.iter().map(|x| x.to_beat()).collect()
        } else {
            data.par_iter().map(|x| x.to_beat()).collect()
        };
        let pack_s = t0.elapsed().as_secs_f64();
        let (out, mut profile) = self.ntt_beats(&beats, log_m, dir)?;
        let t1 = std::time::Instant::now();
        unpack_into(data, &out)?;
        profile.glue_s += pack_s + t1.elapsed().as_secs_f64();
        profile.finish();
        Ok(profile)
    }

    /// `ntt_batch` on packed beats: the device jobs only, results in order.
    fn ntt_beats(&mut self, beats: &[Beat], log_m: u32, dir: Direction) -> Result<(Vec<Beat>, JobProfile), DriverError> {
        let op = match dir {
            Direction::Forward => regmap::OP_NTT,
            Direction::Inverse => regmap::OP_INTT,
        };
        let per_job = NTT_MAX_POINTS.max(1 << log_m).min(beats.len());
        let mut profile = JobProfile { clock_hz: self.clock_hz(), ..Default::default() };
        let mut out = Vec::with_capacity(beats.len());
        for chunk in beats.chunks(per_job) {
            let job = DeviceJob {
                op,
                field: FieldId::Fr.code(),
                count: chunk.len() as u32,
                log_size: log_m,
                msm: None,
                bases: None,
                patience: 0,
            };
            let (results, p) = self.device_job(job, chunk, chunk.len())?;
            out.extend_from_slice(&results);
            profile.add(&p);
        }
        Ok((out, profile))
    }

    /// Four-step NTT of n = n1 * n2 points: n2 column transforms of size n1,
    /// twiddles w_n^(i2 * k1), n1 row transforms of size n2, with
    /// X[k1 + n1 * k2] the result. The glue's transposes and twiddles run on
    /// all cores and go straight from and to the stream beats.
    fn ntt_four_step(&mut self, data: &mut [Fr], log_n: u32, dir: Direction) -> Result<JobProfile, DriverError> {
        let log1 = log_n / 2;
        let log2 = log_n - log1;
        let (n1, n2) = (1usize << log1, 1usize << log2);
        let mut glue = 0.0;
        // Columns: col[i2][i1] = a[i1 * n2 + i2].
        let t0 = std::time::Instant::now();
        let mut cols = vec![[0u32; 8]; data.len()];
        {
            let data = &*data;
            cols.par_chunks_mut(n1).enumerate().for_each(|(i2, col)| {
                for (i1, b) in col.iter_mut().enumerate() {
                    *b = data[i1 * n2 + i2].to_beat();
                }
            });
        }
        glue += t0.elapsed().as_secs_f64();
        let (cols, mut profile) = self.ntt_beats(&cols, log1, dir)?;
        // Twiddles, then rows: row[k1][i2] = B[k1][i2] * w^(i2 * k1).
        let t1 = std::time::Instant::now();
        let w = Fr::get_root_of_unity(data.len() as u64).expect("size checked");
        let w = if dir == Direction::Forward { w } else { w.inverse().expect("root is nonzero") };
        let mut rows = vec![[0u32; 8]; data.len()];
        rows.par_chunks_mut(n2).enumerate().try_for_each(|(k1, row)| {
            let w_k1 = w.pow([k1 as u64]);
            let mut tw = Fr::one();
            for (i2, b) in row.iter_mut().enumerate() {
                let at = i2 * n1 + k1;
                let x = Fr::from_beat(&cols[at]).ok_or(DriverError::BadResult { index: at })?;
                *b = (x * tw).to_beat();
                tw *= w_k1;
            }
            Ok::<(), DriverError>(())
        })?;
        glue += t1.elapsed().as_secs_f64();
        let (rows, rows_profile) = self.ntt_beats(&rows, log2, dir)?;
        profile.add(&rows_profile);
        // X[k1 + n1 * k2] = row[k1][k2].
        let t2 = std::time::Instant::now();
        data.par_chunks_mut(n1).enumerate().try_for_each(|(k2, out)| {
            for (k1, x) in out.iter_mut().enumerate() {
                let at = k1 * n2 + k2;
                *x = Fr::from_beat(&rows[at]).ok_or(DriverError::BadResult { index: at })?;
            }
            Ok::<(), DriverError>(())
        })?;
        glue += t2.elapsed().as_secs_f64();
        profile.glue_s += glue;
        profile.elements = data.len() as u64;
        profile.finish();
        Ok(profile)
    }
}

/// Below this many elements the glue stays on the calling thread: handing
/// work to the thread pool costs more than it saves.
const PARALLEL_MIN: usize = 1 << 14;

/// Results back into field elements, checking each is reduced.
fn unpack_into(data: &mut [Fr], beats: &[Beat]) -> Result<(), DriverError> {
    if data.len() < PARALLEL_MIN {
        for (i, (x, b)) in data.iter_mut().zip(beats).enumerate() {
            *x = Fr::from_beat(b).ok_or(DriverError::BadResult { index: i })?;
        }
        return Ok(());
    }
    data.par_chunks_mut(4096).zip(beats.par_chunks(4096)).enumerate().try_for_each(|(k, (xs, bs))| {
        for (i, (x, b)) in xs.iter_mut().zip(bs).enumerate() {
            *x = Fr::from_beat(b).ok_or(DriverError::BadResult { index: k * 4096 + i })?;
        }
        Ok(())
    })
}

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
