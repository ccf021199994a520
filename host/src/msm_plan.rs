//! MSM job planning: the window width c, the window count W and the split of
//! the windows between the device's two MSM engines (engine 0 adds windows
//! 0..s, engine 1 windows s..W), by estimated cycles.

use crate::driver::DriverError;
use ark_bn254::Fr;
use ark_ff::{BigInteger, PrimeField};
use zkcopro_hdl::ec::POINT_ADD_LATENCY;
use zkcopro_hdl::msm::reference::window_count;
use zkcopro_hdl::msm::{
    MSM_BUCKET_CAPACITY, MSM_ENGINES, MSM_LOOP_LATENCY, MSM_MAX_WINDOW_BITS, MSM_MAX_WINDOWS, MSM_MIN_WINDOW_BITS,
    combiner_cycles_per_step, max_windows_of, pair_windows_fit,
};

/// A job's shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MsmPlan {
    /// Window width in bits.
    pub c: usize,
    /// Windows W.
    pub windows: usize,
    /// Engine 1's first window (MSM_SPLIT); 0: engine 0 alone.
    pub split: usize,
    /// Estimated device cycles.
    pub cycles: u64,
}

/// Windows for width c over scalars below 2^scalar_bits (all of Fr if
/// `None`), if the device can hold them on its engines: signed digits need
/// the top window's digit below 2^(c-1), and each engine's windows must fit
/// its bucket memory (keys count from the engine's own first window).
pub fn window_shape_for(c: usize, scalar_bits: Option<u32>) -> Result<usize, DriverError> {
    if !(MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS).contains(&c) {
        return Err(DriverError::MsmWindow(format!(
            "width {c} outside {MSM_MIN_WINDOW_BITS}..={MSM_MAX_WINDOW_BITS}"
        )));
    }
    let w = match scalar_bits {
        Some(0) => return Err(DriverError::MsmWindow("scalar_bits must be at least 1".into())),
        Some(b) => (b as usize + 1).div_ceil(c).min(window_count(c)),
        None => window_count(c),
    };
    if w > MSM_MAX_WINDOWS {
        return Err(DriverError::MsmWindow(format!(
            "width {c} needs {w} windows, the device has {MSM_MAX_WINDOWS} digit lanes"
        )));
    }
    if !pair_windows_fit(c, w, w / 2) {
        return Err(DriverError::MsmWindow(format!(
            "width {c} needs {w} windows of {} buckets; each of the {MSM_ENGINES} engines holds {} ({MSM_BUCKET_CAPACITY} keys)",
            1usize << (c - 1),
            max_windows_of(c)
        )));
    }
    Ok(w)
}

/// Windows for width c over full-size scalars, if the device can hold them.
pub fn window_shape(c: usize) -> Result<usize, DriverError> {
    window_shape_for(c, None)
}

/// Estimated cycles of one engine owning windows a..b of width c, with
/// `items[w]` nonzero digits in window w, over `n` nonzero points:
/// accumulation at one item a cycle (at least a point a cycle: every
/// engine sees every point), the reduction walk over its buckets (about 2
/// cycles a bucket, plus 1 + c/2 per nonempty one: the fetch and one
/// addition per set index bit), and the combination (Horner's rule from
/// window b - 1 down to 0: a doubling and an addition per bit).
pub fn engine_cycles(n: u64, items: &[u64], c: usize, a: usize, b: usize) -> u64 {
    let own: u64 = items[a..b].iter().sum();
    let buckets = ((b - a) as u64) << (c - 1);
    let accumulate = own.max(n) + POINT_ADD_LATENCY as u64;
    let reduce = buckets * 2 + buckets.min(own) * (1 + c as u64 / 2);
    let combine = (b * c * combiner_cycles_per_step(MSM_LOOP_LATENCY)) as u64;
    accumulate + reduce + combine
}

/// The job's estimated cycles at split s (0: engine 0 alone): the later engine's.
pub fn split_cycles(n: u64, items: &[u64], c: usize, s: usize) -> u64 {
    let w = items.len();
    if s == 0 || s >= w {
        return engine_cycles(n, items, c, 0, w);
    }
    engine_cycles(n, items, c, 0, s).max(engine_cycles(n, items, c, s, w))
}

/// The split whose engines' windows fit their bucket memory with the
/// fewest estimated cycles: (cycles, s); `None` if no split fits.
pub fn best_split(n: u64, items: &[u64], c: usize) -> Option<(u64, usize)> {
    let w = items.len();
    (0..w.max(1)).filter(|&s| pair_windows_fit(c, w, s)).map(|s| (split_cycles(n, items, c, s), s)).min()
}

/// `split` if the engines' windows fit their bucket memory at width c over
/// W windows, else a typed error.
pub fn check_split(c: usize, windows: usize, split: usize) -> Result<usize, DriverError> {
    if split >= windows {
        return Err(DriverError::MsmWindow(format!("split {split}: engine 1's first window must be below W = {windows}")));
    }
    if !pair_windows_fit(c, windows, split) {
        return Err(DriverError::MsmWindow(format!(
            "split {split} of {windows} windows: an engine would own more than the {} windows of width {c} its bucket memory holds",
            max_windows_of(c)
        )));
    }
    Ok(split)
}

/// The scalars' mix from a fixed sample (at most 256, evenly spaced, so no
/// per-scalar work): the shares of small (below 2^16) and full-size ones.
pub fn sample_mix(scalars: &[Fr]) -> (f64, f64) {
    let n = scalars.len().max(1);
    let step = n.div_ceil(256).max(1);
    let (mut zero, mut small, mut full) = (0u64, 0u64, 0u64);
    for s in scalars.iter().step_by(step) {
        let b = s.into_bigint();
        if b.is_zero() {
            zero += 1;
        } else if b.0[1..].iter().all(|l| *l == 0) && b.0[0] < 1 << 16 {
            small += 1;
        } else {
            full += 1;
        }
    }
    let sampled = (zero + small + full).max(1) as f64;
    (small as f64 / sampled, full as f64 / sampled)
}

/// Estimated nonzero digits per window: a full-size scalar has one in every
/// window, a small one in each of the windows its 16 bits span.
pub fn items_per_window(n: usize, (f_small, f_full): (f64, f64), c: usize, windows: usize) -> Vec<u64> {
    let small_windows = 16usize.div_ceil(c);
    (0..windows)
        .map(|w| (n as f64 * (f_full + if w < small_windows { f_small } else { 0.0 })) as u64)
        .collect()
}

/// The plan for `scalars` at width c (full-size windows), or the best width.
pub fn plan_for(scalars: &[Fr], c: Option<usize>) -> Result<MsmPlan, DriverError> {
    let n = scalars.len();
    let mix = sample_mix(scalars);
    let plan_at = |c: usize| -> Result<MsmPlan, DriverError> {
        let windows = window_shape(c)?;
        let items = items_per_window(n, mix, c, windows);
        let (cycles, split) = best_split(n as u64, &items, c).ok_or_else(|| no_split(c, windows))?;
        Ok(MsmPlan { c, windows, split, cycles })
    };
    best_plan(c, plan_at, || DriverError::MsmWindow(format!("no window width fits {n} full-size scalars")))
}

/// The plan for `n` scalars below 2^bits (each at most one nonzero digit
/// per window it spans) at width c, or the best width.
pub fn plan_for_small(n: usize, bits: u32, c: Option<usize>) -> Result<MsmPlan, DriverError> {
    let plan_at = |c: usize| -> Result<MsmPlan, DriverError> {
        let windows = window_shape_for(c, Some(bits))?;
        let items = vec![n as u64; windows];
        let (cycles, split) = best_split(n as u64, &items, c).ok_or_else(|| no_split(c, windows))?;
        Ok(MsmPlan { c, windows, split, cycles })
    };
    best_plan(c, plan_at, || DriverError::MsmWindow(format!("no window width holds {bits}-bit scalars")))
}

fn no_split(c: usize, windows: usize) -> DriverError {
    DriverError::MsmWindow(format!("no split of {windows} windows of width {c} fits the engines' bucket memory"))
}

/// The plan at width `c` if given, else at the width the device holds with
/// the fewest estimated cycles (the narrower on a tie), or `none_fits`.
fn best_plan(
    c: Option<usize>,
    plan_at: impl Fn(usize) -> Result<MsmPlan, DriverError>,
    none_fits: impl FnOnce() -> DriverError,
) -> Result<MsmPlan, DriverError> {
    match c {
        Some(c) => plan_at(c),
        None => (MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS)
            .filter_map(|c| plan_at(c).ok())
            .min_by_key(|p| (p.cycles, p.c))
            .ok_or_else(none_fits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_scalars_split_their_windows_about_evenly() {
        let n = 1 << 16;
        let items = vec![n as u64; 22];
        let (two, s) = best_split(n, &items, 12).unwrap();
        let one = split_cycles(n, &items, 12, 0);
        assert!((9..=13).contains(&s), "split {s}");
        assert!((two as f64) < 0.6 * one as f64, "{two} against {one}");
    }

    #[test]
    fn a_single_window_runs_on_one_engine() {
        assert_eq!(best_split(1000, &[1000], 8).unwrap().1, 0);
        assert_eq!(split_cycles(1000, &[1000], 8, 5), split_cycles(1000, &[1000], 8, 0));
    }

    /// Keys count from each engine's first window, so at c = 13 the 20
    /// windows of full-size scalars fit as long as neither engine owns more
    /// than 15 of them.
    #[test]
    fn wide_windows_fit_when_split() {
        assert_eq!(max_windows_of(13), 15);
        assert_eq!(window_shape(13).unwrap(), 20);
        let items = vec![1u64 << 20; 20];
        let (_, s) = best_split(1 << 20, &items, 13).unwrap();
        assert_eq!(s, 10);
        assert!(best_split(1 << 20, &items, 13).is_some());
        assert!(check_split(13, 20, 4).is_err() && check_split(13, 20, 16).is_err() && check_split(13, 20, 0).is_err());
        assert_eq!(check_split(13, 20, 5).unwrap(), 5);
        // c = 14 needs 19 windows, 10 + 9, and an engine holds 7.
        assert!(window_shape(14).is_err());
        assert_eq!(plan_for(&vec![-Fr::from(3u64); 64], Some(13)).unwrap().windows, 20);
    }

    /// From 2^18 points up, the width the planner picks for full-size
    /// scalars is the one with the fewest estimated cycles over every width
    /// the engines support, bucket memory or not: the memory holds the
    /// cycle-minimising window.
    #[test]
    fn large_sizes_get_the_width_that_minimises_cycles() {
        for log_n in 18..=20 {
            let n = 1usize << log_n;
            let unbounded = (MSM_MIN_WINDOW_BITS..=MSM_MAX_WINDOW_BITS)
                .filter(|&c| window_count(c) <= MSM_MAX_WINDOWS)
                .map(|c| {
                    let items = vec![n as u64; window_count(c)];
                    let best = (0..items.len()).map(|s| split_cycles(n as u64, &items, c, s)).min().unwrap();
                    (best, c)
                })
                .min()
                .unwrap();
            let plan = plan_for(&vec![-Fr::from(1u64); n], None).unwrap();
            assert_eq!((plan.cycles, plan.c), unbounded, "2^{log_n}");
        }
    }

    #[test]
    fn small_scalars_keep_their_windows() {
        let p = plan_for_small(4096, 1, None).unwrap();
        assert_eq!(p.windows, 1);
        assert_eq!(p.split, 0);
    }
}
