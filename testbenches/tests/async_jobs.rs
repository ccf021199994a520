//! Jobs started and waited for later (the host works in between), on both
//! backends: the result and the cycle counts are those of the same job run
//! at once; one job is in flight at a time (any other job is refused with a
//! typed error and the one in flight still completes exactly); a reset
//! loses the job in flight, and waiting for it (or for a job of another
//! coprocessor) is a typed error; bad input is refused before the device is
//! touched. A job queue runs its jobs in submission order at its wait, and
//! stops at the first failure.

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::UniformRand;
use rand_chacha::ChaCha8Rng;
use zkcopro_host::job_queue::JobQueue;
use zkcopro_host::msm::random_points;
use zkcopro_host::{Bus, Coprocessor, Direction, DriverError, ModelBus, MsmBases, MsmConfig, VerilatorBus};
use zkcopro_testbenches::{on_both_backends, seeded_rng};

fn random_scalars(rng: &mut ChaCha8Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

fn ark_msm(points: &[G1Affine], scalars: &[Fr]) -> G1Affine {
    G1Projective::msm(points, scalars).unwrap().into_affine()
}

/// A coprocessor with `n` random bases resident.
fn with_bases<B: Bus>(bus: B, name: &str, n: usize) -> (Coprocessor<B>, ChaCha8Rng, Vec<G1Affine>, MsmBases) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let points = random_points(&mut rng, n);
    let (bases, _) = dev.load_bases(&points).unwrap();
    (dev, rng, points, bases)
}

fn check_started_equals_at_once<B: Bus>(bus: B, name: &str) {
    let (mut dev, mut rng, points, bases) = with_bases(bus, name, 600);
    let config = MsmConfig::default();
    for n in [1usize, 77, 600] {
        let scalars = random_scalars(&mut rng, n);
        let pending = dev.start_msm_resident(&bases, &scalars, &config).unwrap();
        assert!(dev.job_in_flight());
        // Host work while the card computes: arkworks' own MSM.
        let want = ark_msm(&points[..n], &scalars);
        let (got, started) = dev.wait_msm(pending).unwrap();
        assert!(!dev.job_in_flight());
        assert_eq!(got.into_affine(), want, "{name}: n = {n}, started then waited for");
        let (again, at_once) = dev.msm_resident_with(&bases, &scalars, &config).unwrap();
        assert_eq!(again.into_affine(), want);
        assert_eq!(started.job.device_cycles, at_once.job.device_cycles, "n = {n}: the same cycles");
        assert_eq!(started.additions, at_once.additions);
        assert_eq!(started.job.beats_in, n as u64);
    }
    // No scalars: nothing runs, nothing is in flight.
    let pending = dev.start_msm_resident(&bases, &[], &config).unwrap();
    assert!(!dev.job_in_flight());
    assert_eq!(dev.wait_msm(pending).unwrap().0, G1Projective::default());
}

fn check_one_job_in_flight<B: Bus>(bus: B, name: &str) {
    let (mut dev, mut rng, points, bases) = with_bases(bus, name, 300);
    let config = MsmConfig::default();
    let scalars = random_scalars(&mut rng, 300);
    let other = random_scalars(&mut rng, 300);
    let pending = dev.start_msm_resident(&bases, &scalars, &config).unwrap();
    assert_eq!(dev.start_msm_resident(&bases, &other, &config).err(), Some(DriverError::Busy));
    assert_eq!(dev.msm_resident(&bases, &other).err(), Some(DriverError::Busy));
    let mut x = random_scalars(&mut rng, 64);
    assert_eq!(dev.ntt(&mut x, Direction::Forward).err(), Some(DriverError::Busy));
    assert_eq!(dev.add(&x, &x).err(), Some(DriverError::Busy));
    let (got, _) = dev.wait_msm(pending).unwrap();
    assert_eq!(got.into_affine(), ark_msm(&points, &scalars), "{name}: the job in flight is exact");
    assert_eq!(dev.msm_resident(&bases, &other).unwrap().into_affine(), ark_msm(&points, &other), "and the next one");
}

fn check_reset_loses_the_job<B: Bus>(bus: B, name: &str) {
    let (mut dev, mut rng, points, bases) = with_bases(bus, name, 200);
    let config = MsmConfig::default();
    let scalars = random_scalars(&mut rng, 200);
    let pending = dev.start_msm_resident(&bases, &scalars, &config).unwrap();
    dev.reset();
    assert!(!dev.job_in_flight());
    assert_eq!(dev.wait_msm(pending).err(), Some(DriverError::StaleJob));
    assert_eq!(dev.msm_resident(&bases, &scalars).unwrap().into_affine(), ark_msm(&points, &scalars), "{name}: exact after the reset");
    // Bad input: refused before anything starts.
    let long = random_scalars(&mut rng, 201);
    assert!(matches!(dev.start_msm_resident(&bases, &long, &config).err(), Some(DriverError::LengthMismatch { .. })));
    let wide = MsmConfig { window_bits: Some(40), ..Default::default() };
    assert!(matches!(dev.start_msm_resident(&bases, &scalars, &wide).err(), Some(DriverError::MsmWindow(_))));
    assert!(!dev.job_in_flight());
}

/// A job waited for on another coprocessor than it started on is refused,
/// and both devices go on exactly.
#[test]
fn a_job_belongs_to_its_coprocessor() {
    let mut rng = seeded_rng("a_job_belongs_to_its_coprocessor");
    let mut one = Coprocessor::new(ModelBus::new()).unwrap();
    let mut two = Coprocessor::new(ModelBus::new()).unwrap();
    let points = random_points(&mut rng, 100);
    let (b1, _) = one.load_bases(&points).unwrap();
    let (b2, _) = two.load_bases(&points).unwrap();
    let scalars = random_scalars(&mut rng, 100);
    let config = MsmConfig::default();
    let p1 = one.start_msm_resident(&b1, &scalars, &config).unwrap();
    let p2 = two.start_msm_resident(&b2, &scalars, &config).unwrap();
    assert_eq!(two.wait_msm(p1).err(), Some(DriverError::StaleJob));
    let want = ark_msm(&points, &scalars);
    assert_eq!(two.wait_msm(p2).unwrap().0.into_affine(), want);
    // `one` still holds its job (its handle was spent on `two`): a reset frees it.
    assert_eq!(one.msm_resident(&b1, &scalars).err(), Some(DriverError::Busy));
    one.reset();
    assert_eq!(one.msm_resident(&b1, &scalars).unwrap().into_affine(), want);
}

/// Queued jobs run at the wait, in order, each result where its job says;
/// a failed job ends the wait with its error and the jobs behind it do not
/// run; the device works afterwards.
fn check_queue_runs_in_order_and_stops_at_a_failure<B: Bus>(bus: B, name: &str) {
    let (mut dev, mut rng, points, bases) = with_bases(bus, name, 300);
    let config = MsmConfig::default();
    let scalars: Vec<Vec<Fr>> = (0..3).map(|_| random_scalars(&mut rng, 300)).collect();
    let mut sums = vec![None; 3];
    let mut order = Vec::new();
    {
        let order = std::cell::RefCell::new(&mut order);
        let mut queue = JobQueue::new();
        for ((i, s), out) in scalars.iter().enumerate().zip(sums.iter_mut()) {
            let (bases, config, order) = (&bases, &config, &order);
            queue.submit(move |dev: &mut Coprocessor<B>| {
                *out = Some(dev.msm_resident_with(bases, s, config)?.0.into_affine());
                order.borrow_mut().push(i);
                Ok(())
            });
        }
        assert_eq!(queue.len(), 3);
        assert!(!dev.job_in_flight(), "nothing runs before the wait");
        queue.wait(&mut dev).unwrap();
    }
    assert_eq!(order, [0, 1, 2]);
    for (s, got) in scalars.iter().zip(&sums) {
        assert_eq!(got.unwrap(), ark_msm(&points, s));
    }
    // A failure in the middle: more scalars than bases.
    let too_many = random_scalars(&mut rng, 301);
    let mut ran_after = false;
    {
        let mut queue = JobQueue::new();
        queue.submit(|dev: &mut Coprocessor<B>| dev.msm_resident(&bases, &scalars[0]).map(|_| ()));
        queue.submit(|dev: &mut Coprocessor<B>| dev.msm_resident(&bases, &too_many).map(|_| ()));
        queue.submit(|_: &mut Coprocessor<B>| {
            ran_after = true;
            Ok(())
        });
        assert_eq!(queue.wait(&mut dev), Err(DriverError::LengthMismatch { left: 300, right: 301 }));
    }
    assert!(!ran_after, "the jobs behind a failure do not run");
    assert_eq!(dev.msm_resident(&bases, &scalars[2]).unwrap().into_affine(), ark_msm(&points, &scalars[2]));
}

on_both_backends! {
    queue_runs_in_order_and_stops_at_a_failure(check_queue_runs_in_order_and_stops_at_a_failure);
    started_equals_at_once(check_started_equals_at_once);
    one_job_in_flight(check_one_job_in_flight);
    reset_loses_the_job(check_reset_loses_the_job);
}
