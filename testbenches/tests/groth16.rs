//! Groth16 proofs on the coprocessor (`zkcopro_host::groth16`) against
//! ark-groth16: with the same (r, s) the proof is identical to
//! `create_proof_with_reduction` (LibsnarkReduction), it verifies, a wrong
//! public input fails; an unsatisfied circuit, a proving key of another
//! circuit and a resident key of another setup are typed errors. The h(X)
//! chain on the card (`qap_h`) equals `LibsnarkReduction`'s h; the key's
//! matrices evaluate as ark-groth16's. The SHA-256 proof is behind `--ignored`.

use ark_bn254::{Bn254, Fr};
use ark_ff::{UniformRand, Zero};
use ark_groth16::{Groth16, ProvingKey};
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};
use ark_relations::lc;
use ark_snark::SNARK;
use rand::{RngCore, SeedableRng};
use zkcopro_host::circuits::{Sha256Preimage, SquaringChain};
use zkcopro_host::timeline::{LANES, Lane, Span, Timeline};
use zkcopro_host::{Bus, Coprocessor, ModelBus, ProveError, VerilatorBus};
use zkcopro_testbenches::{on_both_backends, seeded_rng};

fn setup<C: ConstraintSynthesizer<Fr>>(c: C, rng: &mut impl rand::Rng) -> ProvingKey<Bn254> {
    let mut rng = rand_chacha::ChaCha8Rng::from_rng(rng).unwrap();
    Groth16::<Bn254>::generate_random_parameters_with_reduction(c, &mut rng).unwrap()
}

/// Proves on the device and with ark-groth16 from the same (r, s); checks
/// identity, verification and that a wrong input fails.
fn prove_and_check<B: Bus, C: ConstraintSynthesizer<Fr> + Clone>(
    dev: &mut Coprocessor<B>,
    pk: &ProvingKey<Bn254>,
    circuit: C,
    inputs: &[Fr],
    r: Fr,
    s: Fr,
    what: &str,
) -> zkcopro_host::ProveProfile {
    let (key, _) = dev.load_proving_key(pk, circuit.clone()).unwrap();
    let (proof, profile) = dev.prove(pk, &key, circuit.clone(), r, s).unwrap_or_else(|e| panic!("{what}: {e}"));
    dev.free_proving_key(key).unwrap();
    let want = Groth16::<Bn254>::create_proof_with_reduction(circuit, pk, r, s).unwrap();
    assert_eq!(proof, want, "{what}: identical to ark-groth16's proof");
    let pvk = Groth16::<Bn254>::process_vk(&pk.vk).unwrap();
    assert!(Groth16::<Bn254>::verify_with_processed_vk(&pvk, inputs, &proof).unwrap(), "{what}: verifies");
    let mut wrong = inputs.to_vec();
    wrong[0] += Fr::from(1u64);
    assert!(!Groth16::<Bn254>::verify_with_processed_vk(&pvk, &wrong, &proof).unwrap(), "{what}: wrong input fails");
    assert!(profile.device_cycles > 0 && profile.steps.iter().any(|s| s.on == "device"), "{what}: work ran on the device");
    profile
}

fn check_chain_proofs<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    for log in [3u32, 6] {
        let circuit = SquaringChain::with_log_constraints(Fr::rand(&mut rng), log);
        let pk = setup(circuit.clone(), &mut rng);
        let inputs = circuit.public_inputs();
        // The larger proof times each host step as the fastest of two runs:
        // the proof is the same.
        dev.set_host_timing_runs(if log == 6 { 2 } else { 1 });
        let profile =
            prove_and_check(&mut dev, &pk, circuit.clone(), &inputs, Fr::rand(&mut rng), Fr::rand(&mut rng), &format!("{name} chain 2^{log}"));
        check_proof_dependencies(&profile.timeline, name);
        // Uniform witnesses: the card runs the whole witness MSMs windowed.
        assert!(!profile.steps.iter().any(|st| st.name.ends_with("(host)")), "{name}: no host share for uniform witnesses");
        // r = 0 skips B in G1, as ark-groth16 does; s = 0 too.
        prove_and_check(&mut dev, &pk, circuit, &inputs, Fr::zero(), Fr::zero(), &format!("{name} chain 2^{log}, r = s = 0"));
    }
}


/// Knowledge of `k` field elements and their bits (each bit boolean, the
/// bits summing to the element) whose sum is public: a witness of mostly 0/1
/// values and k + 1 full-size ones, as real circuits' are.
#[derive(Clone)]
struct BitDecompositions {
    xs: Vec<Fr>,
}

impl BitDecompositions {
    fn sum(&self) -> Fr {
        self.xs.iter().sum()
    }
}

impl ConstraintSynthesizer<Fr> for BitDecompositions {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        use ark_ff::{AdditiveGroup, BigInteger, PrimeField};
        use ark_relations::gr1cs::Variable;
        let y = cs.new_input_variable(|| Ok(self.sum()))?;
        let mut total = lc!();
        for x in &self.xs {
            let xv = cs.new_witness_variable(|| Ok(*x))?;
            let mut bits = lc!();
            let mut weight = Fr::from(1u64);
            for b in x.into_bigint().to_bits_le().into_iter().take(254) {
                let bv = cs.new_witness_variable(|| Ok(Fr::from(b as u64)))?;
                cs.enforce_r1cs_constraint(|| lc!() + bv, || lc!() + Variable::One - bv, || lc!())?;
                bits = bits + (weight, bv);
                weight.double_in_place();
            }
            cs.enforce_r1cs_constraint(|| bits, || lc!() + Variable::One, || lc!() + xv)?;
            total = total + xv;
        }
        cs.enforce_r1cs_constraint(|| total, || lc!() + Variable::One, || lc!() + y)
    }
}

/// A witness of mostly 0s and 1s: the card runs A, B and L's 0/1 part in
/// one window, stream-bound, the host their few full-size scalars while the
/// card runs MSM H; the proof is still ark-groth16's.
fn check_bit_witness_proofs<B: Bus>(bus: B, name: &str) {
    let mut rng = seeded_rng(name);
    let mut dev = Coprocessor::new(bus).unwrap();
    let circuit = BitDecompositions { xs: (0..4).map(|_| Fr::rand(&mut rng)).collect() };
    let pk = setup(circuit.clone(), &mut rng);
    let inputs = vec![circuit.sum()];
    let profile = prove_and_check(&mut dev, &pk, circuit, &inputs, Fr::rand(&mut rng), Fr::rand(&mut rng), name);
    let n = pk.a_query.len() as u64 - 1;
    for part in ["MSM A", "MSM B (G1)", "MSM L"] {
        let card = profile.steps.iter().find(|st| st.part == part && st.on == "device").unwrap();
        // A cycle per scalar, plus a fixed cost: the adder's pipeline, two
        // buckets to reduce, one window's c doublings.
        assert!(card.device_cycles < n + 1200, "{name}: {part} on the card: {} cycles for {n} scalars", card.device_cycles);
        assert!(profile.steps.iter().any(|st| st.part == part && st.name.ends_with("full-size scalars (host)")), "{name}: {part}'s host share");
    }
    let t = &profile.timeline;
    assert!(profile.end_to_end_s <= profile.serial_s && (t.end_s - profile.end_to_end_s).abs() < 1e-15);
    check_proof_dependencies(t, name);
}

/// The timeline keeps the program's order: the witness MSMs after the split,
/// h(X)'s chain after A, B, C are evaluated, its jobs one after another and
/// B's G2 MSM on the host beside them, MSM H after h is back and the proof
/// after MSM H. Each lane does one thing at a time.
fn check_proof_dependencies(t: &Timeline, name: &str) {
    let find = |lane: Lane, pred: &dyn Fn(&str) -> bool| -> Vec<&Span> {
        t.spans.iter().filter(|s| s.lane == lane && pred(s.name)).collect()
    };
    let one = |lane: Lane, pred: &dyn Fn(&str) -> bool, what: &str| -> &Span {
        let v = find(lane, pred);
        assert_eq!(v.len(), 1, "{name}: one {what} span on the {lane:?} lane");
        v[0]
    };
    let split = one(Lane::Host, &|n| n.starts_with("split the witness"), "split");
    let eval_a = one(Lane::Host, &|n| n == "evaluate A at the constraints", "A's evaluation");
    let eval_c = one(Lane::Host, &|n| n.starts_with("evaluate C at the constraints"), "C's evaluation");
    let g2 = one(Lane::Host, &|n| n.starts_with("MSM B (G2"), "G2 MSM");
    let chain: Vec<&Span> = find(Lane::Device, &|n| n.starts_with("h(X)"));
    assert_eq!(chain.len(), 6, "{name}: h(X)'s six stages on the card");
    let msm_h = one(Lane::Device, &|n| n == "MSM H (G1)", "MSM H");
    let last = one(Lane::Host, &|n| n == "add H's sum", "the proof");
    for m in find(Lane::Device, &|n| n == "MSM A (G1)" || n == "MSM L (G1)" || n == "MSM B (G1)") {
        assert!(m.start_s >= split.end_s, "{name}: {} after the split", m.name);
    }
    assert!(chain[0].start_s >= eval_a.end_s, "{name}: A's transform after A is evaluated");
    assert!(chain[2].start_s >= eval_c.end_s, "{name}: C's transform after C is evaluated");
    assert!(chain.windows(2).all(|w| w[1].start_s >= w[0].end_s), "{name}: the chain's jobs in turn");
    // The host computes the G2 MSM while the card runs the chain.
    assert!(g2.start_s < chain[5].end_s && g2.end_s > chain[0].start_s, "{name}: G2 MSM beside h(X)");
    let h_back = t.spans.iter().filter(|s| s.name.starts_with("h(X)")).map(|s| s.end_s).fold(0.0, f64::max);
    assert!(msm_h.start_s >= h_back, "{name}: MSM H after h is back");
    assert!(last.start_s >= msm_h.end_s, "{name}: the proof after MSM H");
    for lane in LANES {
        let mut on: Vec<&Span> = t.spans.iter().filter(|s| s.lane == lane && s.end_s > s.start_s).collect();
        on.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        assert!(on.windows(2).all(|w| w[0].end_s <= w[1].start_s + 1e-12), "{name}: {lane:?} does one thing at a time");
    }
}

on_both_backends! {
    chain_proofs(check_chain_proofs);
    bit_witness_proofs(check_bit_witness_proofs);
}

/// a * b = c with a wrong c: no satisfying witness.
#[derive(Clone)]
struct WrongProduct {
    a: Fr,
    b: Fr,
    c: Fr,
}

impl ConstraintSynthesizer<Fr> for WrongProduct {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        let c = cs.new_input_variable(|| Ok(self.c))?;
        let a = cs.new_witness_variable(|| Ok(self.a))?;
        let b = cs.new_witness_variable(|| Ok(self.b))?;
        cs.enforce_r1cs_constraint(|| lc!() + a, || lc!() + b, || lc!() + c)
    }
}

#[test]
fn unsatisfied_circuit_and_foreign_key_are_typed_errors() {
    let mut rng = seeded_rng("unsatisfied_circuit_and_foreign_key_are_typed_errors");
    let mut dev = Coprocessor::new(ModelBus::new()).unwrap();
    let (a, b) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
    let honest = WrongProduct { a, b, c: a * b };
    let pk = setup(honest.clone(), &mut rng);
    let (key, _) = dev.load_proving_key(&pk, honest).unwrap();
    let bad = WrongProduct { a, b, c: a * b + Fr::from(1u64) };
    match dev.prove(&pk, &key, bad, Fr::rand(&mut rng), Fr::rand(&mut rng)) {
        Err(ProveError::Unsatisfied(_)) => {}
        other => panic!("expected Unsatisfied, got {other:?}"),
    }
    dev.free_proving_key(key).unwrap();

    // A key for a 2^4 chain used for a 2^5 chain.
    let small = SquaringChain::with_log_constraints(Fr::rand(&mut rng), 4);
    let large = SquaringChain::with_log_constraints(Fr::rand(&mut rng), 5);
    let pk = setup(small.clone(), &mut rng);
    // Loading a key with a circuit it was not made for is refused first.
    match dev.load_proving_key(&pk, large.clone()) {
        Err(ProveError::KeyMismatch { .. }) => {}
        other => panic!("expected KeyMismatch at load, got {other:?}"),
    }
    assert_eq!(dev.card_mem_free(), dev.card_mem_capacity(), "nothing loaded for a refused key");
    let (key, _) = dev.load_proving_key(&pk, small).unwrap();
    match dev.prove(&pk, &key, large, Fr::rand(&mut rng), Fr::rand(&mut rng)) {
        Err(ProveError::KeyMismatch { .. }) => {}
        other => panic!("expected KeyMismatch, got {other:?}"),
    }
    // The resident key of one setup with the proving key of another setup
    // of the same circuit: same sizes, different key.
    let other = setup(SquaringChain::with_log_constraints(Fr::rand(&mut rng), 4), &mut rng);
    let circuit = SquaringChain::with_log_constraints(Fr::rand(&mut rng), 4);
    match dev.prove(&other, &key, circuit, Fr::rand(&mut rng), Fr::rand(&mut rng)) {
        Err(ProveError::ForeignKey) => {}
        other => panic!("expected ForeignKey, got {other:?}"),
    }
    dev.free_proving_key(key).unwrap();
    assert_eq!(dev.card_mem_free(), dev.card_mem_capacity(), "keys freed");
}

#[test]
#[ignore = "SHA-256 circuit (about 41k constraints): a few minutes in Verilator"]
fn sha256_preimage_proof_on_verilator() {
    let mut rng = seeded_rng("sha256_preimage_proof_on_verilator");
    let mut msg = vec![0u8; 32];
    rng.fill_bytes(&mut msg);
    let circuit = Sha256Preimage::new(msg);
    let pk = setup(circuit.clone(), &mut rng);
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).unwrap();
    let inputs = circuit.public_inputs();
    prove_and_check(&mut dev, &pk, circuit, &inputs, Fr::rand(&mut rng), Fr::rand(&mut rng), "sha256");
}

/// The key's compressed matrices evaluate every constraint exactly as
/// ark-groth16's `evaluate_constraint` does on the matrices its prover builds,
/// report the first unsatisfied constraint, and refuse a wrong-length assignment.
#[test]
fn key_matrices_evaluate_like_arkworks() {
    use ark_groth16::r1cs_to_qap::evaluate_constraint;
    use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL};
    use zkcopro_host::{R1csError, R1csMatrices};
    let mut rng = seeded_rng("key_matrices_evaluate_like_arkworks");
    let mut msg = vec![0u8; 8];
    rng.fill_bytes(&mut msg);
    let sha = Sha256Preimage::new(msg);
    let m = R1csMatrices::extract(sha.clone()).unwrap();
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
    sha.generate_constraints(cs.clone()).unwrap();
    cs.finalize();
    let want = cs.to_matrices().unwrap().remove(R1CS_PREDICATE_LABEL).unwrap();
    let mut z = cs.instance_assignment().unwrap();
    z.extend(cs.witness_assignment().unwrap());
    assert_eq!((m.num_instance, m.num_witness, m.num_constraints), (cs.num_instance_variables(), cs.num_witness_variables(), want[0].len()));
    let len = m.num_constraints + 5;
    let got = m.evaluate_packed(&z, len).unwrap().map(|bytes| {
        let mut v = vec![Fr::zero(); bytes.len() / 32];
        zkcopro_host::field::frs_from_le_bytes(&mut v, &bytes).unwrap();
        v
    });
    for (matrix, (rows, values)) in ["A", "B", "C"].iter().zip(want.iter().zip(&got)) {
        assert_eq!(values.len(), len);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(values[i], evaluate_constraint(row, &z), "{matrix} row {i}");
        }
        assert!(values[rows.len()..].iter().all(|v| v.is_zero()), "{matrix}: zero padding");
    }
    // One witness changed: the first constraint it breaks is the one reported.
    let mut bad = z.clone();
    let j = m.num_instance + m.num_witness / 2;
    bad[j] += Fr::from(1u64);
    let first = (0..m.num_constraints)
        .find(|&i| evaluate_constraint(&want[0][i], &bad) * evaluate_constraint(&want[1][i], &bad) != evaluate_constraint(&want[2][i], &bad))
        .expect("changing a witness breaks a constraint");
    match m.evaluate_packed(&bad, len) {
        Err(R1csError::Unsatisfied { row, rows }) => assert_eq!((row, rows), (first, m.num_constraints)),
        other => panic!("expected Unsatisfied, got {:?}", other.map(|_| ())),
    }
    match m.evaluate_packed(&z[1..], len) {
        Err(R1csError::AssignmentLength { .. }) => {}
        other => panic!("expected AssignmentLength, got {:?}", other.map(|_| ())),
    }
}

/// The h(X) chain on the card (`qap_h`: three inverse NTTs, two coset
/// NTTs, A B on the coset, one inverse coset NTT, 1/Z_H folded into two
/// of them, C's coefficients subtracted) against
/// ark-groth16's `LibsnarkReduction::witness_map_from_matrices` on the same
/// circuit, bit for bit; lengths and sizes refused before any work.
fn qap_h_matches_libsnark<B: Bus>(bus: B, name: &str, circuits: Vec<(&str, Box<dyn FnOnce(ConstraintSystemRef<Fr>)>)>) {
    use ark_groth16::r1cs_to_qap::{evaluate_constraint, LibsnarkReduction, R1CSToQAP};
    use ark_poly::GeneralEvaluationDomain;
    use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal, SynthesisMode, R1CS_PREDICATE_LABEL};
    let mut dev = Coprocessor::new(bus).unwrap();
    for (what, synthesize) in circuits {
        let cs = ConstraintSystem::<Fr>::new_ref();
        cs.set_optimization_goal(OptimizationGoal::Constraints);
        cs.set_mode(SynthesisMode::Prove { construct_matrices: true, generate_lc_assignments: false });
        synthesize(cs.clone());
        cs.finalize();
        let m = cs.to_matrices().unwrap().remove(R1CS_PREDICATE_LABEL).unwrap();
        let mut z = cs.instance_assignment().unwrap();
        z.extend(cs.witness_assignment().unwrap());
        let (k, inputs) = (cs.num_constraints(), cs.num_instance_variables());
        let want = LibsnarkReduction::witness_map_from_matrices::<Fr, GeneralEvaluationDomain<Fr>>(&m, inputs, k, &z).unwrap();
        let n = want.len();
        let eval = |mat: &Vec<Vec<(Fr, usize)>>| {
            let mut v = vec![Fr::zero(); n];
            for (out, row) in v.iter_mut().zip(mat) {
                *out = evaluate_constraint(row, &z);
            }
            v
        };
        let mut a = eval(&m[0]);
        a[k..k + inputs].copy_from_slice(&z[..inputs]);
        let (b, c) = (eval(&m[1]), eval(&m[2]));
        let (h, p) = dev.qap_h(&a, &b, &c).unwrap();
        assert_eq!(h, want, "{name} {what}: h(X) identical to LibsnarkReduction's");
        // Six transforms of at least one job each, A B, minus C's.
        assert!(p.device_cycles > 0 && p.jobs >= 8, "{name} {what}: the chain ran on the device");
        // Every butterfly of QAP_H_TRANSFORMS transforms once, and one ALU
        // operation per point in each of the two element-wise passes.
        let butterflies = zkcopro_host::groth16::QAP_H_TRANSFORMS as u64 * (n as u64 / 2) * n.trailing_zeros() as u64;
        assert_eq!(p.ops, butterflies + 2 * n as u64, "{name} {what}: six transforms and two passes");
    }
    let cycles = dev.bus_ref().cycles();
    let v = vec![Fr::from(1u64); 8];
    assert!(matches!(dev.qap_h(&v, &v, &v[..4]), Err(zkcopro_host::DriverError::LengthMismatch { .. })));
    let odd = vec![Fr::from(1u64); 6];
    assert!(matches!(dev.qap_h(&odd, &odd, &odd), Err(zkcopro_host::DriverError::NttSize { .. })));
    assert!(matches!(dev.qap_h(&v[..1], &v[..1], &v[..1]), Err(zkcopro_host::DriverError::NttSize { .. })));
    assert_eq!(dev.bus_ref().cycles(), cycles, "refused before any device work");
}

fn small_circuits(rng: &mut rand_chacha::ChaCha8Rng) -> Vec<(&'static str, Box<dyn FnOnce(ConstraintSystemRef<Fr>)>)> {
    let chain = SquaringChain::with_log_constraints(Fr::rand(rng), 10);
    let (a, b) = (Fr::rand(rng), Fr::rand(rng));
    let product = WrongProduct { a, b, c: a * b };
    vec![
        ("chain 2^10", Box::new(move |cs| chain.generate_constraints(cs).unwrap())),
        ("one product", Box::new(move |cs| product.generate_constraints(cs).unwrap())),
    ]
}

#[test]
fn qap_h_matches_libsnark_reduction_on_the_model() {
    let mut rng = seeded_rng("qap_h_matches_libsnark_reduction_on_the_model");
    let mut circuits = small_circuits(&mut rng);
    let mut msg = vec![0u8; 16];
    rng.fill_bytes(&mut msg);
    let sha = Sha256Preimage::new(msg);
    circuits.push(("sha256 (domain 2^16)", Box::new(move |cs| sha.generate_constraints(cs).unwrap())));
    qap_h_matches_libsnark(ModelBus::new(), "model", circuits);
}

#[test]
fn qap_h_matches_libsnark_reduction_on_verilator() {
    let mut rng = seeded_rng("qap_h_matches_libsnark_reduction_on_verilator");
    qap_h_matches_libsnark(VerilatorBus::new(None), "verilator", small_circuits(&mut rng));
}
