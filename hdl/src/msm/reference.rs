//! Pure-Rust reference model of the MSM bucket engine's function: signed
//! c-bit recoding (the glue's half) and the per-(window, bit) bucket sums the
//! device streams back. Generic over the point type, so the host's functional
//! model runs it on arkworks points and tests run it on [`crate::ec::reference`].

/// Bits of a BN254 Fr scalar (r < 2^254).
pub const SCALAR_BITS: usize = 254;

/// Windows of width `c` needed for signed digits of any scalar < 2^254: the
/// top window must stay below 2^(c-1) after the last carry, so c * W >= 256.
pub fn window_count(c: usize) -> usize {
    assert!((2..=16).contains(&c), "window width {c} outside 2..=16");
    (SCALAR_BITS + 2).div_ceil(c)
}

/// Signed c-bit digits of a scalar given as little-endian 64-bit limbs:
/// d_i in [-2^(c-1), 2^(c-1)), sum d_i 2^(c i) = scalar, `windows` digits.
pub fn signed_digits(limbs: &[u64; 4], c: usize, windows: usize) -> Vec<i32> {
    try_signed_digits(limbs, c, windows)
        .unwrap_or_else(|| panic!("{windows} windows of {c} bits cannot hold the scalar"))
}

/// [`signed_digits`], or `None` if `windows` windows cannot hold the scalar
/// (the device then skips the point and reports ERR_BAD_DIGIT).
pub fn try_signed_digits(limbs: &[u64; 4], c: usize, windows: usize) -> Option<Vec<i32>> {
    let bit = |i: usize| -> u64 { if i >= 256 { 0 } else { (limbs[i / 64] >> (i % 64)) & 1 } };
    let half = 1i64 << (c - 1);
    let mut carry = 0i64;
    let mut out = Vec::with_capacity(windows);
    for w in 0..windows {
        let mut raw = 0i64;
        for k in 0..c {
            raw |= (bit(w * c + k) as i64) << k;
        }
        raw += carry;
        if raw >= half {
            out.push((raw - (1 << c)) as i32);
            carry = 1;
        } else {
            out.push(raw as i32);
            carry = 0;
        }
    }
    let rest = (windows * c..256).any(|i| bit(i) == 1);
    (carry == 0 && !rest).then_some(out)
}

/// What the engine computes: for each window w and bit b < c, the sum of
/// sign(d) P over the items (P, d) of window w whose |d| has bit b set.
/// `points[i]` pairs with `digits[i]` (one digit per window).
pub fn bucket_bit_sums<P: Clone>(
    points: &[P],
    digits: &[Vec<i32>],
    c: usize,
    windows: usize,
    zero: &P,
    add: impl Fn(&P, &P) -> P,
    neg: impl Fn(&P) -> P,
) -> Vec<P> {
    assert_eq!(points.len(), digits.len());
    let buckets_per_window = 1usize << (c - 1);
    let mut out = Vec::with_capacity(windows * c);
    for w in 0..windows {
        let mut buckets: Vec<Option<P>> = vec![None; buckets_per_window];
        for (p, d) in points.iter().zip(digits) {
            let d = d[w];
            if d == 0 {
                continue;
            }
            let term = if d < 0 { neg(p) } else { p.clone() };
            let slot = &mut buckets[d.unsigned_abs() as usize - 1];
            *slot = Some(match slot.take() {
                Some(acc) => add(&acc, &term),
                None => term,
            });
        }
        for b in 0..c {
            let mut sum = zero.clone();
            for (j0, bucket) in buckets.iter().enumerate() {
                if let Some(v) = bucket
                    && ((j0 + 1) >> b) & 1 == 1
                {
                    sum = add(&sum, v);
                }
            }
            out.push(sum);
        }
    }
    out
}

/// Combines the engine's results, which come window-major and then by
/// bucket-index bit b < c, so result i = (w, b) has weight 2^(c w + b) = 2^i:
/// sum 2^i R_i, by double-and-add from the highest weight.
pub fn combine_results<P: Clone>(
    results: &[P],
    zero: &P,
    add: impl Fn(&P, &P) -> P,
    double: impl Fn(&P) -> P,
) -> P {
    let mut acc = zero.clone();
    for r in results.iter().rev() {
        acc = add(&double(&acc), r);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_recombine() {
        let limbs = [u64::MAX, 0x1234_5678_9abc_def0, u64::MAX, 0x3064_4e72_e131_a029];
        for c in 2..=16 {
            let w = window_count(c);
            let d = signed_digits(&limbs, c, w);
            let mut v = num_bigint::BigInt::from(0);
            for (i, di) in d.iter().enumerate() {
                v += num_bigint::BigInt::from(*di) << (c * i);
                assert!(*di >= -(1 << (c - 1)) && *di < (1 << (c - 1)));
            }
            let mut want = num_bigint::BigInt::from(0);
            for (i, l) in limbs.iter().enumerate() {
                want += num_bigint::BigInt::from(*l) << (64 * i);
            }
            assert_eq!(v, want, "c = {c}");
        }
    }

    #[test]
    fn bit_sums_weigh_each_point_by_its_scalar() {
        // Integers stand in for points: the result must be sum s_i x_i.
        let xs: Vec<i128> = vec![3, 5, 7, 11, 13];
        let scalars: [u64; 5] = [1, 255, 256, 1 << 20, 123_456_789];
        let c = 8;
        let w = window_count(c);
        let digits: Vec<Vec<i32>> = scalars.iter().map(|s| signed_digits(&[*s, 0, 0, 0], c, w)).collect();
        let res = bucket_bit_sums(&xs, &digits, c, w, &0, |a, b| a + b, |a| -a);
        let total = combine_results(&res, &0, |a, b| a + b, |a| 2 * a);
        let want: i128 = xs.iter().zip(scalars).map(|(x, s)| x * s as i128).sum();
        assert_eq!(total, want);
    }
}
