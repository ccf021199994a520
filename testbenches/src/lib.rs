//! Shared helpers for zkcopro's testbenches: seeds, random and edge-case
//! field elements, and conversions.

use ark_ff::UniformRand;
use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use zkcopro_host::{Beat, Bus, BusError, BusStats, DeviceField};

pub mod circom;
pub mod job_mix;

/// Compiles `tb.v` (top module `tb`) with `sources` in `dir` with Icarus
/// Verilog (`iverilog -g2012`, installed by scripts/setup.sh) and runs it
/// there; panics with the tool's message if either step fails.
pub fn run_icarus_tb(dir: &std::path::Path, sources: &[&std::path::Path]) {
    let run = |cmd: &str, args: &mut dyn Iterator<Item = &std::ffi::OsStr>| {
        let out = std::process::Command::new(cmd)
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap_or_else(|_| panic!("{cmd} not found: run `sudo bash scripts/setup.sh` (installs Debian's iverilog)"));
        assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let fixed = ["-g2012", "-o", "sim.vvp", "-s", "tb", "tb.v"].map(std::ffi::OsStr::new);
    run("iverilog", &mut fixed.into_iter().chain(sources.iter().map(|s| s.as_os_str())));
    run("vvp", &mut ["-n", "sim.vvp"].map(std::ffi::OsStr::new).into_iter());
}

/// A seeded RNG: `ZKCOPRO_SEED` if set, else random. The seed is printed so
/// a failure can be replayed.
pub fn seeded_rng(test: &str) -> ChaCha8Rng {
    let seed = std::env::var("ZKCOPRO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random::<u64>);
    println!("{test}: seed {seed} (replay with ZKCOPRO_SEED={seed})");
    ChaCha8Rng::seed_from_u64(seed)
}

/// Edge values: 0, 1, 2, p-1, p-2, (p-1)/2, and the largest values with the
/// top bits set (as near 2^254 as a residue gets).
pub fn edge_values<F: DeviceField>() -> Vec<F> {
    let half = F::from_bigint(F::MODULUS_MINUS_ONE_DIV_TWO).expect("(p-1)/2 < p");
    vec![
        F::zero(),
        F::one(),
        F::one() + F::one(),
        -F::one(),
        -F::one() - F::one(),
        half,
        half + F::one(),
        -F::from(1u64 << 32),
    ]
}

/// What the device's field ALU must give: `a[i] op b[i]` in arkworks.
pub fn expected_field_op<F: DeviceField>(op: zkcopro_host::FieldOp, a: &[F], b: &[F]) -> Vec<F> {
    use zkcopro_host::FieldOp;
    a.iter()
        .zip(b)
        .map(|(x, y)| match op {
            FieldOp::Add => *x + y,
            FieldOp::Sub => *x - y,
            FieldOp::Mul => *x * y,
        })
        .collect()
}

/// The registers that do not read their reset value now, as "NAME = 0xV"
/// (CAPS reads the build's word, `caps`). Empty right after a reset.
pub fn registers_off_reset<B: Bus>(dev: &mut zkcopro_host::Coprocessor<B>, caps: u32) -> Vec<String> {
    use zkcopro_hdl::regmap;
    regmap::ALL
        .iter()
        .filter_map(|r| {
            let want = if r.name == regmap::CAPS.name { caps } else { r.reset };
            let got = dev.read_reg(*r).unwrap();
            (got != want).then(|| format!("{} = 0x{got:X}", r.name))
        })
        .collect()
}

/// Every ordered pair of edge values, then `n` random pairs.
pub fn operand_pairs<F: DeviceField + UniformRand>(rng: &mut ChaCha8Rng, n: usize) -> (Vec<F>, Vec<F>) {
    let edges = edge_values::<F>();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for x in &edges {
        for y in &edges {
            a.push(*x);
            b.push(*y);
        }
    }
    for _ in 0..n {
        a.push(F::rand(rng));
        b.push(F::rand(rng));
    }
    (a, b)
}

/// The Montgomery-form bits of an element as a big integer.
pub fn mont_repr<F: DeviceField>(x: &F) -> BigUint {
    zkcopro_host::field::beat_to_biguint(&x.to_beat())
}

/// Defines each listed check as two tests, `verilator::name` and
/// `model::name`, so one suite runs on both backends. Each check is called as
/// `f(bus, test_name)`; the calling file imports `VerilatorBus` and `ModelBus`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident($f:expr);)*) => {
        mod verilator {
            use super::*;
            $(#[test] fn $name() { $f(VerilatorBus::new(None), concat!("verilator::", stringify!($name))); })*
        }
        mod model {
            use super::*;
            $(#[test] fn $name() { $f(ModelBus::new(), concat!("model::", stringify!($name))); })*
        }
    };
}

/// A bus whose host-to-card stream is cut: the device waits forever.
pub struct CutStream<B: Bus>(pub B);

impl<B: Bus> Bus for CutStream<B> {
    fn name(&self) -> &'static str {
        "cut-stream"
    }
    fn cycle_accurate(&self) -> bool {
        self.0.cycle_accurate()
    }
    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        self.0.read32(addr)
    }
    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        self.0.write32(addr, value)
    }
    fn stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError> {
        // Only half the operands arrive.
        self.0.stream(&input[..input.len() / 2], expect_out)
    }
    fn idle(&mut self, cycles: u64) {
        self.0.idle(cycles)
    }
    fn reset(&mut self) {
        self.0.reset()
    }
    fn cycles(&self) -> u64 {
        self.0.cycles()
    }
    fn stats(&self) -> BusStats {
        self.0.stats()
    }
    fn mem_capacity(&self) -> u64 {
        self.0.mem_capacity()
    }
    fn mem_write(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError> {
        self.0.mem_write(addr, data)
    }
    fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), BusError> {
        self.0.mem_read(addr, out)
    }
    fn set_mem_timing(&mut self, timing: &zkcopro_host::bus::CardMemTiming) {
        self.0.set_mem_timing(timing)
    }
    fn set_mem_delays(&mut self, seed: u64, extra_delay_max: u32, beat_stall_pct: u32) {
        self.0.set_mem_delays(seed, extra_delay_max, beat_stall_pct)
    }
}

/// A bus whose register writes fail from the `fail_at`-th on (counting from
/// 0, while `failing` is set), as a link that drops in the middle of
/// programming a job: the writes before it land, the rest do not.
pub struct FlakyWrites<B: Bus> {
    pub inner: B,
    pub writes: u64,
    pub fail_at: Option<u64>,
}

impl<B: Bus> FlakyWrites<B> {
    pub fn new(inner: B) -> Self {
        FlakyWrites { inner, writes: 0, fail_at: None }
    }
}

impl<B: Bus> Bus for FlakyWrites<B> {
    fn name(&self) -> &'static str {
        "flaky-writes"
    }
    fn cycle_accurate(&self) -> bool {
        self.inner.cycle_accurate()
    }
    fn read32(&mut self, addr: u32) -> Result<u32, BusError> {
        self.inner.read32(addr)
    }
    fn write32(&mut self, addr: u32, value: u32) -> Result<(), BusError> {
        let n = self.writes;
        self.writes += 1;
        if self.fail_at.is_some_and(|k| n >= k) {
            return Err(BusError::Refused { addr });
        }
        self.inner.write32(addr, value)
    }
    fn stream(&mut self, input: &[Beat], expect_out: usize) -> Result<Vec<Beat>, BusError> {
        self.inner.stream(input, expect_out)
    }
    fn stream_patient(&mut self, input: &[Beat], expect_out: usize, patience: u64) -> Result<Vec<Beat>, BusError> {
        self.inner.stream_patient(input, expect_out, patience)
    }
    fn idle(&mut self, cycles: u64) {
        self.inner.idle(cycles)
    }
    fn reset(&mut self) {
        self.inner.reset()
    }
    fn cycles(&self) -> u64 {
        self.inner.cycles()
    }
    fn stats(&self) -> BusStats {
        self.inner.stats()
    }
    fn mem_capacity(&self) -> u64 {
        self.inner.mem_capacity()
    }
    fn mem_write(&mut self, addr: u64, data: &[u8]) -> Result<(), BusError> {
        self.inner.mem_write(addr, data)
    }
    fn mem_read(&mut self, addr: u64, out: &mut [u8]) -> Result<(), BusError> {
        self.inner.mem_read(addr, out)
    }
    fn set_mem_timing(&mut self, timing: &zkcopro_host::bus::CardMemTiming) {
        self.inner.set_mem_timing(timing)
    }
    fn set_mem_delays(&mut self, seed: u64, extra_delay_max: u32, beat_stall_pct: u32) {
        self.inner.set_mem_delays(seed, extra_delay_max, beat_stall_pct)
    }
}

/// An Fq element's Montgomery form (arkworks' internal limbs) as a number.
pub fn fq_mont(x: &ark_bn254::Fq) -> BigUint {
    BigUint::from_slice(&x.0.0.iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect::<Vec<_>>())
}

/// The Fq element whose Montgomery form is `x` (< p).
pub fn fq_from_mont(x: &BigUint) -> ark_bn254::Fq {
    let mut limbs = [0u64; 4];
    for (i, d) in x.to_u64_digits().iter().enumerate() {
        limbs[i] = *d;
    }
    ark_bn254::Fq::new_unchecked(ark_ff::BigInt(limbs))
}
