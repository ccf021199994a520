//! A tile whose 17-bit factor is a constant, multiplied in LUTs instead of a
//! DSP48E2: x * c mod 2^width as a sum of shifted copies of x, one per
//! nonzero digit of c's canonical signed-digit form (no two digits adjacent,
//! so at most 9 for 17 bits). A negative digit adds the complement of its
//! shifted x; the +1s that make those complements negations are one constant
//! operand. Carry-save 3:2 compressors (one LUT per bit each) cut the operands
//! to three, and one three-operand adder (a LUT and a carry chain) registers
//! the product: the same one-cycle latency as a DSP tile.
//!
//! The Montgomery multiplier moves its cheapest constant tiles here to fit its
//! DSP budget ([super::mont_mul_plan::tile_plan]).

use super::mont_mul_plan::{TILE_P_BITS, TILE_X_BITS, TILE_Y_BITS};
use std::fmt::Write as _;

/// One nonzero signed digit of a constant: +-2^shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digit {
    pub shift: usize,
    pub negative: bool,
}

/// The canonical signed-digit (non-adjacent) form of c, least significant first.
pub fn csd_digits(mut c: u64) -> Vec<Digit> {
    let mut digits = vec![];
    let mut shift = 0;
    while c != 0 {
        if c & 1 == 1 {
            // Digit +1 when c = 1 mod 4, -1 when c = 3 mod 4.
            let negative = c & 3 == 3;
            digits.push(Digit { shift, negative });
            c = if negative { c + 1 } else { c - 1 };
        }
        c >>= 1;
        shift += 1;
    }
    digits
}

/// The digits of `factor` that reach below 2^width (the others vanish mod 2^width).
pub fn digits_below(factor: u64, width: usize) -> Vec<Digit> {
    csd_digits(factor).into_iter().filter(|d| d.shift < width).collect()
}

/// Operands of the sum: one per digit, plus the constant when a digit is negative.
pub fn operands(factor: u64, width: usize) -> usize {
    let digits = digits_below(factor, width);
    digits.len() + digits.iter().any(|d| d.negative) as usize
}

/// Estimated LUTs of one constant tile: a LUT per bit for each 3:2 compressor
/// and for the final adder; a lone operand is wiring.
pub fn lut_estimate(factor: u64, width: usize) -> usize {
    match operands(factor, width) {
        0 | 1 => 0,
        n => width * (n.max(3) - 2),
    }
}

/// (x * factor) mod 2^width, as the tile computes it (its model).
pub fn product(x: u64, factor: u64, width: usize) -> u64 {
    debug_assert!(x < 1 << TILE_X_BITS && factor < 1 << TILE_Y_BITS && width <= TILE_P_BITS);
    (x * factor) & ((1u64 << width) - 1)
}

/// The Verilog body of a constant tile with ports `clock`, `x` (26 bits), `y`
/// (17 bits, unused: the factor is the constant) and the registered `p` (43).
pub fn verilog(factor: u64, width: usize) -> String {
    assert!((1..=TILE_P_BITS).contains(&width), "constant tile width {width}");
    let w = width;
    let mut v = String::new();
    let _ = writeln!(v, "// x * {factor} mod 2^{w}: LUTs, no DSP.");
    // The factor is a constant: y is wired for the same ports as a DSP tile.
    let _ = writeln!(v, "wire unused_y = &{{1'b0, y, 1'b0}};");
    if w < TILE_X_BITS {
        let _ = writeln!(v, "wire unused_x = &{{1'b0, x[{}:{w}], 1'b0}};", TILE_X_BITS - 1);
        let _ = writeln!(v, "wire [{}:0] xw = x[{}:0];", w - 1, w - 1);
    } else if w > TILE_X_BITS {
        let _ = writeln!(v, "wire [{}:0] xw = {{{}'d0, x}};", w - 1, w - TILE_X_BITS);
    } else {
        let _ = writeln!(v, "wire [{}:0] xw = x;", w - 1);
    }
    let digits = digits_below(factor, w);
    let mut terms: Vec<String> = vec![];
    for (k, d) in digits.iter().enumerate() {
        let name = format!("t{k}");
        let shifted = format!("(xw << {})", d.shift);
        let expr = if d.negative { format!("~{shifted}") } else { shifted };
        let _ = writeln!(v, "wire [{}:0] {name} = {expr};", w - 1);
        terms.push(name);
    }
    let negatives = digits.iter().filter(|d| d.negative).count();
    if negatives > 0 {
        let _ = writeln!(v, "wire [{}:0] t_ones = {w}'d{negatives};", w - 1);
        terms.push("t_ones".to_string());
    }
    // 3:2 compressors, level by level, until three operands remain.
    let mut level = 0;
    while terms.len() > 3 {
        let mut next = vec![];
        for (g, group) in terms.chunks(3).enumerate() {
            if let [a, b, c] = group {
                let s = format!("s{level}_{g}");
                let cy = format!("c{level}_{g}");
                let _ = writeln!(v, "wire [{}:0] {s} = {a} ^ {b} ^ {c};", w - 1);
                let _ = writeln!(
                    v,
                    "wire [{}:0] {cy} = (({a} & {b}) | ({a} & {c}) | ({b} & {c})) << 1;",
                    w - 1
                );
                next.push(s);
                next.push(cy);
            } else {
                next.extend(group.iter().cloned());
            }
        }
        terms = next;
        level += 1;
    }
    let sum = if terms.is_empty() { format!("{w}'d0") } else { terms.join(" + ") };
    let _ = writeln!(v, "wire [{}:0] sum = {sum};", w - 1);
    let _ = writeln!(v, "always @(posedge clock) begin");
    if w < TILE_P_BITS {
        let _ = writeln!(v, "    p <= {{{}'d0, sum}};", TILE_P_BITS - w);
    } else {
        let _ = writeln!(v, "    p <= sum;");
    }
    let _ = writeln!(v, "end");
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(digits: &[Digit]) -> i128 {
        digits
            .iter()
            .map(|d| if d.negative { -(1i128 << d.shift) } else { 1i128 << d.shift })
            .sum()
    }

    #[test]
    fn csd_is_exact_and_non_adjacent() {
        for c in (0..1u64 << 17).step_by(7).chain([0, 1, 3, 0x1ffff, 0x15555, 0x10001]) {
            let d = csd_digits(c);
            assert_eq!(value(&d), c as i128, "{c:#x}");
            for pair in d.windows(2) {
                assert!(pair[1].shift >= pair[0].shift + 2, "{c:#x}: adjacent digits");
            }
            assert!(d.len() <= 9);
        }
    }

    #[test]
    fn truncated_digits_are_exact_mod_width() {
        for (c, w) in [(0x1ffffu64, 9usize), (0x12345, 18), (0x0abcd, 26), (0x1fffe, 43)] {
            let v = value(&digits_below(c, w)).rem_euclid(1i128 << w);
            assert_eq!(v as u64, c & ((1 << w) - 1), "{c:#x} mod 2^{w}");
        }
    }

    #[test]
    fn verilog_names_every_operand_once() {
        let v = verilog(0x1b6db, 43);
        assert!(v.contains("always @(posedge clock)"));
        assert!(v.contains("wire [42:0] sum = "));
        // A zero factor is a constant zero product.
        assert!(verilog(0, 9).contains("sum = 9'd0"));
    }
}
