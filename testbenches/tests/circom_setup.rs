//! Keys made by arkworks for circom circuits (`circom::setup`), written as
//! zkeys: they read back field for field, snarkjs exports their verifying
//! key and proves with them, and the coprocessor's proofs under them are
//! identical to arkworks' and accepted by snarkjs.

use ark_bn254::Fr;
use ark_ff::{One, UniformRand};
use std::process::Command;
use zkcopro_host::circom::prove::public_signals;
use zkcopro_host::circom::setup::setup_from_r1cs;
use zkcopro_host::circom::snarkjs_json::{ProofJson, public_json};
use zkcopro_host::circom::{R1csFile, Witness, Zkey};
use zkcopro_host::{Coprocessor, ModelBus};
use zkcopro_testbenches::circom::{fixture, snarkjs, snarkjs_verifies};
use zkcopro_testbenches::seeded_rng;

fn snarkjs_ok(args: &[&std::ffi::OsStr]) {
    let out = Command::new(snarkjs()).args(args).output().expect("snarkjs");
    assert!(out.status.success(), "snarkjs {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
}

#[test]
fn arkworks_made_zkeys_work_with_snarkjs_and_the_card() {
    let mut rng = seeded_rng("arkworks_made_zkeys_work_with_snarkjs_and_the_card");
    let mut dev = Coprocessor::new(ModelBus::new()).expect("model");
    for name in ["multiply", "merkle_8"] {
        let f = fixture(name);
        let r1cs = R1csFile::read_file(f.r1cs()).expect("r1cs");
        let witness = Witness::read_file(f.wtns()).expect("wtns");
        let zkey = setup_from_r1cs(&r1cs, &mut rng).expect("setup");
        let dir = f.dir.join("arkworks_setup");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.zkey"));
        zkey.write_file(&path).expect("write");
        let back = Zkey::read_file(&path).expect("read back");
        assert_eq!(back.pk, zkey.pk, "{name}: keys round-trip");
        assert_eq!(back.coefficients, zkey.coefficients, "{name}: coefficients round-trip");
        assert_eq!((back.n_vars, back.n_public, back.num_constraints, back.domain_size), (zkey.n_vars, zkey.n_public, zkey.num_constraints, zkey.domain_size));
        r1cs.check_zkey(&back).expect("the key is the r1cs's");
        let snarkjs_key = Zkey::read_file(f.zkey()).expect("snarkjs's key");
        assert_eq!(back.domain_size, snarkjs_key.domain_size, "{name}: snarkjs's domain");
        assert_eq!(back.coefficients.len(), snarkjs_key.coefficients.len(), "{name}: as many entries as snarkjs's key");

        // snarkjs takes the file: its verifying key, and its own proof under it.
        let vkey = dir.join("verification_key.json");
        snarkjs_ok(&["zkey".as_ref(), "export".as_ref(), "verificationkey".as_ref(), path.as_os_str(), vkey.as_os_str()]);
        let (sp, spub) = (dir.join("snarkjs_proof.json"), dir.join("snarkjs_public.json"));
        snarkjs_ok(&["groth16".as_ref(), "prove".as_ref(), path.as_os_str(), f.wtns().as_os_str(), sp.as_os_str(), spub.as_os_str()]);
        assert!(snarkjs_verifies(&vkey, &spub, &sp), "{name}: snarkjs proves and verifies with the arkworks-made key");

        // The card's proof under it.
        let (key, _) = dev.load_zkey(&back).expect("load");
        let (proof, _) = dev.prove_circom(&back, &key, &witness, Fr::rand(&mut rng), Fr::rand(&mut rng)).expect("prove");
        dev.free_proving_key(key).unwrap();
        let public = public_signals(&back, &witness);
        let (pp, ppub) = (dir.join("proof.json"), dir.join("public.json"));
        std::fs::write(&pp, ProofJson::new(&proof).to_string_pretty()).unwrap();
        std::fs::write(&ppub, public_json(public)).unwrap();
        assert!(snarkjs_verifies(&vkey, &ppub, &pp), "{name}: snarkjs accepts the card's proof");
        let mut wrong = public.to_vec();
        wrong[0] += Fr::one();
        std::fs::write(&ppub, public_json(&wrong)).unwrap();
        assert!(!snarkjs_verifies(&vkey, &ppub, &pp), "{name}: and rejects a wrong public signal");
        println!("{name}: arkworks-made zkey reads back, snarkjs proves with it, the card's proof verifies in snarkjs");
    }
}
