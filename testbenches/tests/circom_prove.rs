//! circom circuits proved on the coprocessor: snarkjs's QAP chain on the
//! card bit for bit against its CPU reference (every NTT plan, edge
//! values), and whole proofs from real zkeys and witnesses identical to
//! arkworks' prover with snarkjs's reduction, accepted by `snarkjs groth16
//! verify`, with a wrong public signal rejected by it.

use ark_bn254::{Bn254, Fr};
use ark_ff::{One, UniformRand, Zero};
use ark_groth16::Groth16;
use ark_poly::Radix2EvaluationDomain;
use zkcopro_host::circom::prove::{arkworks_circom_parts, public_signals};
use zkcopro_host::circom::reduction::circom_h_reference;
use zkcopro_host::circom::snarkjs_json::{ProofJson, public_json};
use zkcopro_host::circom::{CircomReduction, Witness, Zkey};
use zkcopro_host::{Bus, Coprocessor, ModelBus, VerilatorBus};
use zkcopro_testbenches::circom::{fixture, snarkjs_verifies};
use zkcopro_testbenches::seeded_rng;

fn chain_matches<B: Bus>(dev: &mut Coprocessor<B>, rng: &mut rand_chacha::ChaCha8Rng, log_n: u32, what: &str) {
    let n = 1usize << log_n;
    let rows = n - n / 4; // the padding rows above, as a real key has them
    let cases: Vec<(&str, Vec<Fr>, Vec<Fr>)> = vec![
        ("random", (0..rows).map(|_| Fr::rand(rng)).collect(), (0..rows).map(|_| Fr::rand(rng)).collect()),
        ("witness-like 0/1", (0..rows).map(|i| Fr::from((i % 3 == 0) as u64)).collect(), (0..rows).map(|i| Fr::from((i % 2) as u64)).collect()),
        ("zero", vec![Fr::zero(); rows], vec![Fr::zero(); rows]),
        ("one and p-1", vec![Fr::one(); rows], vec![-Fr::one(); rows]),
    ];
    for (case, a_rows, b_rows) in cases {
        let want = circom_h_reference::<Fr, Radix2EvaluationDomain<Fr>>(&a_rows, &b_rows, n).expect("reference");
        let pad = |v: &[Fr]| {
            let mut v = v.to_vec();
            v.resize(n, Fr::zero());
            v
        };
        let (a, b) = (pad(&a_rows), pad(&b_rows));
        let c: Vec<Fr> = a.iter().zip(&b).map(|(x, y)| *x * y).collect();
        let (h, p) = dev.qap_h_circom(&a, &b, &c).expect("qap_h_circom");
        assert_eq!(h, want, "{what}: 2^{log_n} {case}");
        assert!(p.device_cycles > 0);
    }
}

/// Model backend: one on-chip job up to 2^12, the four-step above it.
#[test]
fn snarkjs_qap_on_the_card_model() {
    let mut rng = seeded_rng("snarkjs_qap_on_the_card_model");
    let mut dev = Coprocessor::new(ModelBus::new()).expect("model");
    for log_n in [1, 2, 5, 10, 12, 13, 15] {
        chain_matches(&mut dev, &mut rng, log_n, "model");
    }
}

/// Verilator: the same chain, cycle-accurate, one-job and four-step sizes.
#[test]
fn snarkjs_qap_on_the_card_verilator() {
    let mut rng = seeded_rng("snarkjs_qap_on_the_card_verilator");
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).expect("verilator");
    for log_n in [1, 4, 8, 13] {
        chain_matches(&mut dev, &mut rng, log_n, "verilator");
    }
}

#[test]
fn size_and_length_errors_come_first() {
    let mut dev = Coprocessor::new(ModelBus::new()).expect("model");
    let v = vec![Fr::one(); 8];
    assert!(dev.qap_h_circom(&v, &v[..4], &v).is_err());
    assert!(dev.qap_h_circom(&v[..6], &v[..6], &v[..6]).is_err());
    assert!(dev.qap_h_circom(&v[..1], &v[..1], &v[..1]).is_err());
    assert_eq!(dev.card_mem_free(), dev.card_mem_capacity(), "nothing left allocated");
}

/// A proof on `dev` equal to arkworks' for the same (r, s), verified by
/// arkworks and by snarkjs, a wrong public signal rejected by snarkjs.
fn prove_and_verify<B: Bus>(dev: &mut Coprocessor<B>, name: &str, what: &str, rounds: usize) {
    let mut rng = seeded_rng(&format!("circom_prove_{name}_{what}"));
    let f = fixture(name);
    let zkey = Zkey::read_file(f.zkey()).expect("zkey");
    let witness = Witness::read_file(f.wtns()).expect("wtns");
    let (key, _) = dev.load_zkey(&zkey).expect("load");
    let free_after_load = dev.card_mem_free();
    let matrices = zkey.ark_matrices();
    for round in 0..rounds {
        let (r, s) = if round == 0 { (Fr::rand(&mut rng), Fr::rand(&mut rng)) } else { (Fr::zero(), Fr::zero()) };
        let (proof, profile) = dev.prove_circom(&zkey, &key, &witness, r, s).expect("prove");
        let ark = Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
            &zkey.pk,
            r,
            s,
            &matrices,
            zkey.num_instance(),
            zkey.num_constraints,
            &witness.values,
        )
        .expect("arkworks");
        assert_eq!(proof, ark, "{what} {name} round {round}: identical to arkworks' proof");
        let (_, parts_proof) = arkworks_circom_parts(&zkey, &matrices, &witness, r, s).expect("parts");
        assert_eq!(parts_proof, ark, "the timed parts are arkworks' prover");
        assert_eq!(profile.domain_size, zkey.domain_size);
        assert_eq!(dev.card_mem_free(), free_after_load, "the proof freed its buffers");

        let dir = f.dir.join(format!("proof-{what}-{round}"));
        std::fs::create_dir_all(&dir).unwrap();
        let public = public_signals(&zkey, &witness);
        let (proof_path, public_path) = (dir.join("proof.json"), dir.join("public.json"));
        std::fs::write(&proof_path, ProofJson::new(&proof).to_string_pretty()).unwrap();
        std::fs::write(&public_path, public_json(public)).unwrap();
        assert!(snarkjs_verifies(&f.vkey(), &public_path, &proof_path), "{what} {name}: snarkjs accepts the proof");
        let mut wrong = public.to_vec();
        wrong[0] += Fr::one();
        let wrong_path = dir.join("public_wrong.json");
        std::fs::write(&wrong_path, public_json(&wrong)).unwrap();
        assert!(!snarkjs_verifies(&f.vkey(), &wrong_path, &proof_path), "{what} {name}: snarkjs rejects a wrong public signal");
        println!("{what} {name} round {round}: identical to arkworks, snarkjs verifies; wrong public signal rejected");
    }
    dev.free_proving_key(key).expect("free");
}

#[test]
fn circom_proofs_model() {
    let mut dev = Coprocessor::new(ModelBus::new()).expect("model");
    for name in ["multiply", "merkle_8"] {
        prove_and_verify(&mut dev, name, "model", 2);
    }
}

#[test]
fn circom_proofs_verilator() {
    let mut dev = Coprocessor::new(VerilatorBus::new(None)).expect("verilator");
    for name in ["multiply", "merkle_8"] {
        prove_and_verify(&mut dev, name, "verilator", 2);
    }
}

/// Poseidon Merkle membership of depth 40 (10k constraints, domain 2^14)
/// and circomlib's SHA-256 of 512 bits (60k constraints, 2^16), on the
/// model backend: `bash scripts/circom_fixtures.sh --large` makes them
/// (the 2^16 ceremony takes about 45 minutes on 2 cores).
#[test]
#[ignore]
fn circom_proofs_large_model() {
    let mut dev = Coprocessor::new(ModelBus::new()).expect("model");
    for name in ["merkle_40", "sha256_512"] {
        prove_and_verify(&mut dev, name, "model", 2);
    }
}

/// chain_20: 1,048,561 constraints, domain 2^20, keyed by `zkcopro setup`
/// (its circom compile takes about 30 minutes here; made once into
/// target/circom/chain_20 by `bash scripts/circom_fixtures.sh chain_20`).
#[test]
#[ignore]
fn circom_proof_2_20_model() {
    let mut dev = Coprocessor::new(ModelBus::new()).expect("model");
    prove_and_verify(&mut dev, "chain_20", "model", 1);
}
