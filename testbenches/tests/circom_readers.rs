//! The circom readers against snarkjs itself: every point, coefficient and
//! size of real zkeys (circuits compiled by circom 2, keyed by snarkjs)
//! equals snarkjs's own JSON export; witnesses satisfy the .r1cs; the r1cs
//! and the zkey agree; and arkworks' prover with snarkjs's reduction makes
//! proofs that verify under the zkey's verifying key.

use ark_bn254::{Bn254, Fr};
use ark_groth16::Groth16;
use ark_snark::SNARK;
use ark_std::UniformRand;
use serde_json::Value;
use std::process::Command;
use zkcopro_host::circom::snarkjs_json::{g1_strings, g2_strings};
use zkcopro_host::circom::{CircomReduction, R1csFile, Witness, Zkey};
use zkcopro_testbenches::circom::{fixture, snarkjs};
use zkcopro_testbenches::seeded_rng;

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("array").iter().map(|x| x.as_str().expect("decimal string").to_string()).collect()
}

fn g1_json(v: &Value) -> [String; 3] {
    strings(v).try_into().expect("three coordinates")
}

fn g2_json(v: &Value) -> [[String; 2]; 3] {
    let rows: Vec<[String; 2]> = v.as_array().expect("array").iter().map(|r| strings(r).try_into().expect("c0, c1")).collect();
    rows.try_into().expect("three rows")
}

/// Every field of the zkey as our reader has it, against `snarkjs zkey
/// export json`.
fn check_against_snarkjs_export(name: &str) {
    let f = fixture(name);
    let zkey = Zkey::read_file(f.zkey()).expect("zkey reads");
    let json_path = f.dir.join("zkey_export.json");
    let out = Command::new(snarkjs()).args(["zkey", "export", "json"]).arg(f.zkey()).arg(&json_path).output().expect("snarkjs");
    assert!(out.status.success(), "snarkjs zkey export json: {}", String::from_utf8_lossy(&out.stderr));
    let d: Value = serde_json::from_reader(std::fs::File::open(&json_path).expect("export")).expect("json");
    let pk = &zkey.pk;
    assert_eq!(d["nVars"].as_u64(), Some(zkey.n_vars as u64));
    assert_eq!(d["nPublic"].as_u64(), Some(zkey.n_public as u64));
    assert_eq!(d["domainSize"].as_u64(), Some(zkey.domain_size as u64));
    assert_eq!(g1_json(&d["vk_alpha_1"]), g1_strings(&pk.vk.alpha_g1));
    assert_eq!(g1_json(&d["vk_beta_1"]), g1_strings(&pk.beta_g1));
    assert_eq!(g1_json(&d["vk_delta_1"]), g1_strings(&pk.delta_g1));
    assert_eq!(g2_json(&d["vk_beta_2"]), g2_strings(&pk.vk.beta_g2));
    assert_eq!(g2_json(&d["vk_gamma_2"]), g2_strings(&pk.vk.gamma_g2));
    assert_eq!(g2_json(&d["vk_delta_2"]), g2_strings(&pk.vk.delta_g2));
    let g1_all = |key: &str, ours: &[ark_bn254::G1Affine], skip: usize| {
        let theirs = d[key].as_array().expect(key);
        assert_eq!(theirs.len() - skip, ours.len(), "{key} length");
        for (i, (t, o)) in theirs[skip..].iter().zip(ours).enumerate() {
            assert_eq!(g1_json(t), g1_strings(o), "{key}[{}]", i + skip);
        }
    };
    g1_all("IC", &pk.vk.gamma_abc_g1, 0);
    g1_all("A", &pk.a_query, 0);
    g1_all("B1", &pk.b_g1_query, 0);
    // snarkjs's C holds nulls for the public signals.
    g1_all("C", &pk.l_query, zkey.n_public + 1);
    g1_all("hExps", &pk.h_query, 0);
    let b2 = d["B2"].as_array().expect("B2");
    assert_eq!(b2.len(), pk.b_g2_query.len());
    for (i, (t, o)) in b2.iter().zip(&pk.b_g2_query).enumerate() {
        assert_eq!(g2_json(t), g2_strings(o), "B2[{i}]");
    }
    // Coefficients: the same multiset (we sort by row).
    let mut theirs: Vec<(u64, u64, u64, String)> = d["ccoefs"]
        .as_array()
        .expect("ccoefs")
        .iter()
        .map(|c| {
            let n = |k: &str| c[k].as_u64().expect(k);
            (n("matrix"), n("constraint"), n("signal"), c["value"].as_str().expect("value").to_string())
        })
        .collect();
    let mut ours: Vec<(u64, u64, u64, String)> = zkey
        .coefficients
        .iter()
        .map(|c| (c.matrix as u64, c.row as u64, c.signal as u64, c.value.to_string()))
        .collect();
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs, "{name}: coefficients");
    println!(
        "{name}: {} signals, {} public, {} constraints, domain {}, {} coefficients: equal to snarkjs's export",
        zkey.n_vars,
        zkey.n_public,
        zkey.num_constraints,
        zkey.domain_size,
        zkey.coefficients.len()
    );
}

#[test]
fn zkey_equals_snarkjs_export_multiply() {
    check_against_snarkjs_export("multiply");
}

#[test]
fn zkey_equals_snarkjs_export_merkle() {
    check_against_snarkjs_export("merkle_8");
}

/// The witness satisfies the r1cs, the r1cs and the zkey agree, and
/// arkworks' prover with snarkjs's reduction over the zkey's matrices makes
/// proofs that verify under the zkey's verifying key (and fail for a wrong
/// public input).
#[test]
fn r1cs_witness_and_arkworks_proof() {
    let mut rng = seeded_rng("r1cs_witness_and_arkworks_proof");
    for name in ["multiply", "merkle_8"] {
        let f = fixture(name);
        let zkey = Zkey::read_file(f.zkey()).expect("zkey");
        let r1cs = R1csFile::read_file(f.r1cs()).expect("r1cs");
        let w = Witness::read_file(f.wtns()).expect("wtns");
        r1cs.check_zkey(&zkey).expect("r1cs and zkey agree");
        r1cs.check_witness(&w).expect("witness satisfies the constraints");
        let mut bad = w.clone();
        let last = bad.values.len() - 1;
        bad.values[last] += Fr::from(1u64);
        assert!(r1cs.check_witness(&bad).is_err(), "{name}: a changed witness must fail its constraints");

        let matrices = zkey.ark_matrices();
        let (r, s) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
        let proof = Groth16::<Bn254, CircomReduction>::create_proof_with_reduction_and_matrices(
            &zkey.pk,
            r,
            s,
            &matrices,
            zkey.num_instance(),
            zkey.num_constraints,
            &w.values,
        )
        .expect("arkworks proves");
        let public = &w.values[1..zkey.num_instance()];
        let pvk = Groth16::<Bn254, CircomReduction>::process_vk(&zkey.pk.vk).expect("vk");
        assert!(Groth16::<Bn254, CircomReduction>::verify_with_processed_vk(&pvk, public, &proof).expect("verify"));
        let mut wrong = public.to_vec();
        wrong[0] += Fr::from(1u64);
        assert!(!Groth16::<Bn254, CircomReduction>::verify_with_processed_vk(&pvk, &wrong, &proof).expect("verify"));
        println!("{name}: arkworks + CircomReduction proof verifies under the zkey's verifying key");
    }
}

/// arkworks' own setup with this reduction (its h_query_scalars) and its
/// prover (witness map) agree: a key made by ark-groth16 proves and
/// verifies, so the two halves of the reduction match each other too.
#[test]
fn circom_reduction_setup_and_prove_with_arkworks() {
    use zkcopro_host::circuits::SquaringChain;
    let mut rng = seeded_rng("circom_reduction_setup_and_prove_with_arkworks");
    let x = Fr::rand(&mut rng);
    let circuit = SquaringChain::with_log_constraints(x, 6);
    let (pk, vk) = Groth16::<Bn254, CircomReduction>::circuit_specific_setup(circuit.clone(), &mut rng).expect("setup");
    let proof = Groth16::<Bn254, CircomReduction>::prove(&pk, circuit.clone(), &mut rng).expect("prove");
    let public = circuit.public_inputs();
    assert!(Groth16::<Bn254, CircomReduction>::verify(&vk, &public, &proof).expect("verify"));
}
