//! A seeded generator of mixed coprocessor jobs, each checked against
//! arkworks or against the error the device or the driver must give.
//!
//! Jobs: the field ALU on streams (Fq and Fr, every operation), NTTs and
//! coset NTTs on streams (on chip and four-step through card memory),
//! element-wise jobs and transforms on device buffers, scaling on the card,
//! MSMs over resident bases (every scalar distribution a prover gives,
//! chosen or automatic windows), bad requests the driver must refuse with a
//! typed error before any work, jobs the device must refuse with its error
//! code (written straight to the registers), and bursts of raw register
//! writes the driver must survive.

use ark_bn254::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{FftField, One, UniformRand, Zero};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::fmt;
use zkcopro_hdl::regmap;
use zkcopro_host::{Bus, Coprocessor, DeviceField, Direction, DriverError, FieldOp, MsmBases, MsmConfig, Operand};

use crate::{edge_values, expected_field_op};

/// Largest NTT in the mix: one past the on-chip size, so the card's
/// four-step runs too.
pub const MIX_NTT_LOG_MAX: u32 = zkcopro_hdl::ntt::NTT_LOG_MAX as u32 + 1;
/// Resident MSM bases loaded once per device.
pub const MIX_BASES: usize = 256;
/// Windows the mix asks for explicitly (the others are refused: too many
/// windows or buckets), besides the driver's automatic choice.
const MIX_WINDOWS: [usize; 6] = [8, 9, 10, 11, 12, 13];

/// Scalar distributions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalars {
    Uniform,
    /// Mostly 0 and 1 with a few full-size values, as circuit witnesses are.
    Witness,
    AllZero,
    AllOne,
    /// Every scalar the same full-size value (all bases hit one bucket per window).
    Equal,
    /// Below 2^16.
    Small,
    /// 0, 1, 2, -1, -2, (p-1)/2 ... in random order.
    Edge,
}

const SCALARS: [Scalars; 7] =
    [Scalars::Uniform, Scalars::Witness, Scalars::AllZero, Scalars::AllOne, Scalars::Equal, Scalars::Small, Scalars::Edge];

/// Bad requests the driver refuses with a typed error before any work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejected {
    LengthMismatch,
    EmptyInput,
    NttSize,
    PointOffCurve,
    MsmWindow,
    BufferRange,
    FreedBuffer,
}

const REJECTED: [Rejected; 7] = [
    Rejected::LengthMismatch,
    Rejected::EmptyInput,
    Rejected::NttSize,
    Rejected::PointOffCurve,
    Rejected::MsmWindow,
    Rejected::BufferRange,
    Rejected::FreedBuffer,
];

/// One job of the mix.
#[derive(Clone, Debug, PartialEq)]
pub enum Job {
    /// Field ALU over the streams: `n` operations in Fq (`fq`) or Fr.
    Alu { fq: bool, op: FieldOp, n: usize },
    /// An NTT of 2^log_n points over the streams, on a coset if `coset`.
    Ntt { log_n: u32, dir: Direction, coset: bool },
    /// dst = a op b on device buffers (b a buffer or a constant), n even.
    CardAlu { op: FieldOp, n: usize, constant: bool },
    /// An NTT of a device buffer in place.
    CardNtt { log_n: u32, dir: Direction },
    /// A device buffer times a constant, on the card.
    CardScale { n: usize },
    /// An MSM of the first `n` resident bases.
    Msm { n: usize, scalars: Scalars, window: Option<usize> },
    /// A request the driver must refuse.
    Rejected(Rejected),
    /// Job registers the device must refuse with `code`.
    Refused { op: u32, field: u32, count: u32, msm: (u32, u32), code: u32 },
    /// Random values written straight into the job registers.
    RawWrites { count: usize },
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// How a job ended, when it ended as it must.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Results equal arkworks' bit for bit.
    Exact,
    /// The driver refused it with the expected typed error.
    Rejected,
    /// The device refused it with the expected error code.
    Refused,
    /// Raw register writes done.
    Poked,
}

/// Counts over a run of the mix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MixTally {
    pub jobs: u64,
    pub exact: u64,
    pub rejected: u64,
    pub refused: u64,
    pub poked: u64,
}

impl MixTally {
    pub fn count(&mut self, o: Outcome) {
        self.jobs += 1;
        match o {
            Outcome::Exact => self.exact += 1,
            Outcome::Rejected => self.rejected += 1,
            Outcome::Refused => self.refused += 1,
            Outcome::Poked => self.poked += 1,
        }
    }
}

/// Draw one job. `raw`: include raw register writes and device refusals
/// (both go around the driver).
pub fn random_job(rng: &mut ChaCha8Rng, raw: bool) -> Job {
    let op = FieldOp::ALL[rng.gen_range(0..3)];
    let dir = if rng.gen_bool(0.5) { Direction::Forward } else { Direction::Inverse };
    let kinds = if raw { 10 } else { 8 };
    match rng.gen_range(0..kinds) {
        0 | 1 => Job::Alu { fq: rng.gen_bool(0.5), op, n: rng.gen_range(1..=300) },
        2 => Job::Ntt { log_n: rng.gen_range(1..=MIX_NTT_LOG_MAX), dir, coset: rng.gen_bool(0.3) },
        3 => Job::CardAlu { op, n: 2 * rng.gen_range(1..=256), constant: rng.gen_bool(0.3) },
        4 => Job::CardNtt { log_n: rng.gen_range(1..=MIX_NTT_LOG_MAX), dir },
        5 => Job::CardScale { n: 2 * rng.gen_range(1..=256) },
        6 => Job::Msm {
            n: rng.gen_range(1..=MIX_BASES),
            scalars: SCALARS[rng.gen_range(0..SCALARS.len())],
            window: if rng.gen_bool(0.5) { None } else { Some(MIX_WINDOWS[rng.gen_range(0..MIX_WINDOWS.len())]) },
        },
        7 => Job::Rejected(REJECTED[rng.gen_range(0..REJECTED.len())]),
        8 => random_refusal(rng),
        _ => Job::RawWrites { count: rng.gen_range(1..=40) },
    }
}

/// Job registers the device refuses at start (each check of the job shell).
fn random_refusal(rng: &mut ChaCha8Rng) -> Job {
    let ok_msm = (8, 32);
    match rng.gen_range(0..6) {
        0 => Job::Refused { op: rng.gen_range(6..16), field: 0, count: 4, msm: ok_msm, code: regmap::ERR_BAD_OP },
        1 => Job::Refused { op: regmap::OP_NTT, field: 0, count: 4, msm: ok_msm, code: regmap::ERR_BAD_FIELD },
        2 => Job::Refused { op: regmap::OP_MSM, field: 1, count: 4, msm: ok_msm, code: regmap::ERR_BAD_FIELD },
        3 => {
            // The field check comes before the count check: the field the operation needs.
            let op = rng.gen_range(0..=regmap::OP_MSM);
            let field = match op {
                regmap::OP_NTT | regmap::OP_INTT => 1,
                regmap::OP_MSM => 0,
                _ => rng.gen_range(0..=1),
            };
            Job::Refused { op, field, count: 0, msm: ok_msm, code: regmap::ERR_ZERO_COUNT }
        }
        4 => Job::Refused { op: regmap::OP_NTT, field: 1, count: 3 + 2 * rng.gen_range(0..100), msm: ok_msm, code: regmap::ERR_BAD_SIZE },
        _ => Job::Refused {
            op: regmap::OP_MSM,
            field: 0,
            count: 4,
            msm: [(1, 32), (8, 33), (8, 0), (14, 19), (17, 1)][rng.gen_range(0..5)],
            code: regmap::ERR_BAD_SIZE,
        },
    }
}

/// Resident state a mix keeps on one device: the MSM bases (random points
/// with the point at infinity, repeats and negations among them).
pub struct MixDevice {
    pub points: Vec<G1Affine>,
    pub bases: MsmBases,
}

impl MixDevice {
    pub fn new<B: Bus>(dev: &mut Coprocessor<B>, rng: &mut ChaCha8Rng) -> Result<Self, DriverError> {
        let mut proj: Vec<G1Projective> = (0..MIX_BASES).map(|_| G1Projective::rand(rng)).collect();
        // P + P, P + (-P) and infinity inside the buckets.
        proj[1] = proj[0];
        proj[2] = -proj[0];
        proj[3] = G1Projective::zero();
        proj[MIX_BASES - 1] = G1Projective::zero();
        let points = G1Projective::normalize_batch(&proj);
        let (bases, _) = dev.load_bases(&points)?;
        Ok(MixDevice { points, bases })
    }
}

fn random_fr(rng: &mut ChaCha8Rng, n: usize) -> Vec<Fr> {
    let edges = edge_values::<Fr>();
    (0..n).map(|_| if rng.gen_bool(0.1) { edges[rng.gen_range(0..edges.len())] } else { Fr::rand(rng) }).collect()
}

fn random_field<F: DeviceField + UniformRand>(rng: &mut ChaCha8Rng, n: usize) -> Vec<F> {
    let edges = edge_values::<F>();
    (0..n).map(|_| if rng.gen_bool(0.1) { edges[rng.gen_range(0..edges.len())] } else { F::rand(rng) }).collect()
}

fn scalars(rng: &mut ChaCha8Rng, kind: Scalars, n: usize) -> Vec<Fr> {
    let full = Fr::rand(rng);
    let edges = edge_values::<Fr>();
    (0..n)
        .map(|_| match kind {
            Scalars::Uniform => Fr::rand(rng),
            Scalars::Witness => match rng.gen_range(0..100) {
                0..57 => Fr::zero(),
                57..98 => Fr::one(),
                _ => Fr::rand(rng),
            },
            Scalars::AllZero => Fr::zero(),
            Scalars::AllOne => Fr::one(),
            Scalars::Equal => full,
            Scalars::Small => Fr::from(rng.gen_range(0u64..1 << 16)),
            Scalars::Edge => edges[rng.gen_range(0..edges.len())],
        })
        .collect()
}

fn ark_ntt(data: &[Fr], dir: Direction, coset: bool) -> Vec<Fr> {
    let mut d = Radix2EvaluationDomain::<Fr>::new(data.len()).unwrap();
    if coset {
        d = d.get_coset(Fr::GENERATOR).unwrap();
    }
    match dir {
        Direction::Forward => d.fft(data),
        Direction::Inverse => d.ifft(data),
    }
}

fn same<T: PartialEq + fmt::Debug>(got: &[T], want: &[T]) -> Result<Outcome, String> {
    match got.iter().zip(want).position(|(x, y)| x != y) {
        None if got.len() == want.len() => Ok(Outcome::Exact),
        None => Err(format!("{} results, expected {}", got.len(), want.len())),
        Some(i) => Err(format!("result {i} differs: {:?} vs arkworks {:?}", got[i], want[i])),
    }
}

fn expect_err<T: fmt::Debug>(got: Result<T, DriverError>, ok: impl Fn(&DriverError) -> bool) -> Result<Outcome, String> {
    match got {
        Err(e) if ok(&e) => Ok(Outcome::Rejected),
        other => Err(format!("expected a typed refusal, got {other:?}")),
    }
}

/// Run `job` on `dev` and check it. Err: the job did not end as it must
/// (a wrong result, a wrong or missing error); the message says how.
pub fn run_job<B: Bus>(dev: &mut Coprocessor<B>, mix: &MixDevice, job: &Job, rng: &mut ChaCha8Rng) -> Result<Outcome, String> {
    let e = |e: DriverError| format!("driver error {e}");
    match *job {
        Job::Alu { fq: true, op, n } => {
            let (a, b) = (random_field::<Fq>(rng, n), random_field::<Fq>(rng, n));
            same(&dev.field_op(op, &a, &b).map_err(e)?.0, &expected_field_op(op, &a, &b))
        }
        Job::Alu { fq: false, op, n } => {
            let (a, b) = (random_fr(rng, n), random_fr(rng, n));
            same(&dev.field_op(op, &a, &b).map_err(e)?.0, &expected_field_op(op, &a, &b))
        }
        Job::Ntt { log_n, dir, coset } => {
            let input = random_fr(rng, 1 << log_n);
            let mut data = input.clone();
            if coset {
                dev.coset_ntt(&mut data, Fr::GENERATOR, dir).map_err(e)?;
            } else {
                dev.ntt(&mut data, dir).map_err(e)?;
            }
            same(&data, &ark_ntt(&input, dir, coset))
        }
        Job::CardAlu { op, n, constant } => {
            let (a, b) = (random_fr(rng, n), random_fr(rng, n));
            let bytes = 32 * n as u64;
            let (ba, bb) = (dev.alloc_buffer(bytes).map_err(e)?, dev.alloc_buffer(bytes).map_err(e)?);
            let run = |dev: &mut Coprocessor<B>| -> Result<Vec<Fr>, DriverError> {
                dev.upload_fr(&ba, &a)?;
                dev.upload_fr(&bb, &b)?;
                let operand = if constant { Operand::Constant(b[0]) } else { Operand::Buffer(&bb) };
                dev.field_op_buffers(op, &ba, operand, &ba, n)?;
                let mut out = vec![Fr::zero(); n];
                dev.download_fr(&ba, &mut out)?;
                Ok(out)
            };
            let got = run(dev);
            dev.free_buffer(ba).map_err(e)?;
            dev.free_buffer(bb).map_err(e)?;
            let want = if constant { expected_field_op(op, &a, &vec![b[0]; n]) } else { expected_field_op(op, &a, &b) };
            same(&got.map_err(e)?, &want)
        }
        Job::CardNtt { log_n, dir } => {
            let input = random_fr(rng, 1 << log_n);
            let got = on_card(dev, &input, |dev, buf| dev.ntt_buffer(buf, input.len(), dir)).map_err(e)?;
            same(&got, &ark_ntt(&input, dir, false))
        }
        Job::CardScale { n } => {
            let input = random_fr(rng, n);
            let k = random_fr(rng, 1)[0];
            let got = on_card(dev, &input, |dev, buf| dev.scale_buffer(buf, n, k)).map_err(e)?;
            same(&got, &input.iter().map(|x| *x * k).collect::<Vec<_>>())
        }
        Job::Msm { n, scalars: kind, window } => {
            let s = scalars(rng, kind, n);
            let (got, _) = dev.msm_resident_with(&mix.bases, &s, &MsmConfig { window_bits: window, ..Default::default() }).map_err(e)?;
            let want = G1Projective::msm(&mix.points[..n], &s).unwrap();
            if got.into_affine() == want.into_affine() { Ok(Outcome::Exact) } else { Err(format!("MSM differs: {got} vs arkworks {want}")) }
        }
        Job::Rejected(kind) => run_rejected(dev, mix, kind, rng),
        Job::Refused { op, field, count, msm, code } => run_refused(dev, op, field, count, msm, code),
        Job::RawWrites { count } => {
            let writable: Vec<_> = regmap::ALL.iter().filter(|r| r.access == regmap::Access::ReadWrite).collect();
            let bus = dev.bus();
            for _ in 0..count {
                let r = writable[rng.gen_range(0..writable.len())];
                bus.write32(r.offset, rng.r#gen()).map_err(|err| format!("raw write to {}: {err}", r.name))?;
            }
            Ok(Outcome::Poked)
        }
    }
}

/// Upload `input` to a new buffer, run `f` on it, download, free.
fn on_card<B: Bus>(
    dev: &mut Coprocessor<B>,
    input: &[Fr],
    f: impl FnOnce(&mut Coprocessor<B>, &zkcopro_host::DeviceBuffer) -> Result<zkcopro_host::JobProfile, DriverError>,
) -> Result<Vec<Fr>, DriverError> {
    let buf = dev.alloc_buffer(32 * input.len() as u64)?;
    let run = |dev: &mut Coprocessor<B>| -> Result<Vec<Fr>, DriverError> {
        dev.upload_fr(&buf, input)?;
        f(dev, &buf)?;
        let mut out = vec![Fr::zero(); input.len()];
        dev.download_fr(&buf, &mut out)?;
        Ok(out)
    };
    let out = run(dev);
    dev.free_buffer(buf)?;
    out
}

fn run_rejected<B: Bus>(dev: &mut Coprocessor<B>, mix: &MixDevice, kind: Rejected, rng: &mut ChaCha8Rng) -> Result<Outcome, String> {
    let cycles = dev.bus_ref().cycles();
    let outcome = match kind {
        Rejected::LengthMismatch => {
            let n = rng.gen_range(1..50);
            let (a, b) = (random_fr(rng, n), random_fr(rng, n + 1));
            expect_err(dev.mul(&a, &b), |e| matches!(e, DriverError::LengthMismatch { .. }))
        }
        Rejected::EmptyInput => expect_err(dev.add::<Fq>(&[], &[]), |e| *e == DriverError::EmptyInput),
        Rejected::NttSize => {
            let n = [0usize, 3, 6, 100][rng.gen_range(0..4)];
            let mut data = random_fr(rng, n);
            expect_err(dev.ntt(&mut data, Direction::Forward), |e| matches!(e, DriverError::NttSize { .. }))
        }
        Rejected::PointOffCurve => {
            let mut pts = mix.points[..8].to_vec();
            let i = rng.gen_range(4..8);
            pts[i] = G1Affine::new_unchecked(pts[i].x, pts[i].y + Fq::one());
            expect_err(dev.msm(&pts, &random_fr(rng, 8)), |e| *e == DriverError::PointNotOnCurve { index: i })
        }
        Rejected::MsmWindow => {
            // Widths the engines cannot hold, and a split that leaves one
            // engine more windows than its bucket memory holds.
            let (c, split) = [(1usize, None), (7, None), (13, Some(4)), (14, None), (17, None), (40, None)][rng.gen_range(0..6)];
            let s = random_fr(rng, 4);
            expect_err(dev.msm_resident_with(&mix.bases, &s, &MsmConfig { window_bits: Some(c), split, ..Default::default() }), |e| {
                matches!(e, DriverError::MsmWindow(_))
            })
        }
        Rejected::BufferRange => {
            let buf = dev.alloc_buffer(256).map_err(|e| e.to_string())?;
            let got = dev.ntt_buffer(&buf, 16, Direction::Forward);
            dev.free_buffer(buf).map_err(|e| e.to_string())?;
            expect_err(got, |e| matches!(e, DriverError::BufferRange { .. }))
        }
        Rejected::FreedBuffer => {
            let buf = dev.alloc_buffer(1024).map_err(|e| e.to_string())?;
            dev.free_buffer(buf).map_err(|e| e.to_string())?;
            expect_err(dev.ntt_buffer(&buf, 16, Direction::Inverse), |e| *e == DriverError::InvalidBuffer)
        }
    }?;
    if dev.bus_ref().cycles() != cycles {
        return Err("the refusal ran device cycles: it was not caught before any work".into());
    }
    Ok(outcome)
}

/// Write a job's registers straight to the device, start it, and expect it
/// to end at once with `code`.
fn run_refused<B: Bus>(dev: &mut Coprocessor<B>, op: u32, field: u32, count: u32, msm: (u32, u32), code: u32) -> Result<Outcome, String> {
    let bus = dev.bus();
    let e = |err: zkcopro_host::BusError| format!("bus error {err}");
    for (reg, value) in [
        (regmap::JOB_OP, op),
        (regmap::JOB_FIELD, field),
        (regmap::JOB_COUNT, count),
        (regmap::JOB_LOG_SIZE, 0),
        (regmap::MSM_WINDOW_BITS, msm.0),
        (regmap::MSM_WINDOWS, msm.1),
        (regmap::MSM_BASES_COUNT, 1 << 20),
        (regmap::MSM_BASES_ADDR_LO, 0),
        (regmap::MSM_BASES_ADDR_HI, 0),
    ] {
        bus.write32(reg.offset, value).map_err(e)?;
    }
    for r in regmap::NTT_PARAMS {
        bus.write32(r.offset, 0).map_err(e)?;
    }
    bus.write32(regmap::CTRL.offset, regmap::CTRL_AP_START).map_err(e)?;
    bus.idle(8);
    let ctrl = bus.read32(regmap::CTRL.offset).map_err(e)?;
    if ctrl & regmap::CTRL_AP_DONE == 0 {
        return Err(format!("refused job did not end at once (CTRL 0x{ctrl:X})"));
    }
    match bus.read32(regmap::ERROR.offset).map_err(e)? {
        got if got == code => Ok(Outcome::Refused),
        got => Err(format!("ERROR {got} ({}), expected {code} ({})", regmap::error_name(got), regmap::error_name(code))),
    }
}

/// Run `jobs` random jobs on `dev`; the first failure stops the run with
/// the job's index, the job and what went wrong.
pub fn run_mix<B: Bus>(dev: &mut Coprocessor<B>, rng: &mut ChaCha8Rng, jobs: usize, raw: bool) -> Result<MixTally, String> {
    let mix = MixDevice::new(dev, rng).map_err(|e| format!("loading the bases: {e}"))?;
    let mut tally = MixTally::default();
    for i in 0..jobs {
        let job = random_job(rng, raw);
        let outcome = run_job(dev, &mix, &job, rng).map_err(|msg| format!("job {i}, {job}: {msg}"))?;
        tally.count(outcome);
    }
    Ok(tally)
}
