//! Proving circom circuits on the coprocessor: a zkey's G1 queries loaded
//! into card memory once, then proofs from `.wtns` witnesses, identical to
//! arkworks' prover with snarkjs's reduction for the same (r, s).

use super::{CircomError, CircomReduction, Witness, Zkey};
use crate::driver::{Coprocessor, DriverError};
use crate::prover::groth16::{
    DeviceProvingKey, KeyLoadProfile, ProveError, ProveProfile, ProveStep, Qap, arkworks_parts_from_matrices,
};
use crate::Bus;
use ark_bn254::{Bn254, Fr};
use ark_groth16::Proof;
use std::time::Instant;
use zkcopro_hdl::msm::msm_engine::MSM_BASE_BYTES;

/// Card memory a zkey needs: its four G1 query sets, and h(X)'s three
/// buffers of n points with an NTT's scratch of n more.
pub fn card_bytes_needed(zkey: &Zkey) -> u64 {
    let pk = &zkey.pk;
    let bases = (pk.a_query.len() - 1 + pk.b_g1_query.len() - 1 + pk.l_query.len() + pk.h_query.len()) as u64;
    bases * MSM_BASE_BYTES + 4 * 32 * zkey.domain_size as u64
}

impl<B: Bus> Coprocessor<B> {
    /// Loads a zkey for any number of proofs: its A and B matrices (host
    /// memory) and its G1 queries into card memory, each point checked. A
    /// key the card cannot hold with h(X)'s working buffers is refused
    /// before anything is loaded.
    pub fn load_zkey(&mut self, zkey: &Zkey) -> Result<(DeviceProvingKey, KeyLoadProfile), ProveError> {
        let need = card_bytes_needed(zkey);
        if need > self.card_mem_free() {
            return Err(ProveError::Device(DriverError::OutOfCardMemory {
                requested: need,
                largest_free: self.card_mem_free(),
            }));
        }
        let t = Instant::now();
        let matrices = zkey.matrices()?;
        let matrices_s = t.elapsed().as_secs_f64();
        let (key, mut profile) = self.load_proving_key_with_matrices(&zkey.pk, matrices, Qap::Snarkjs)?;
        profile.matrices_s += matrices_s;
        profile.total_s += matrices_s;
        Ok((key, profile))
    }

    /// A proof of `witness` under `zkey` (loaded as `key`) with randomness
    /// (r, s). The witness must fit the key (its length; its public signals
    /// are whatever it holds). Nothing here checks the constraints (a zkey
    /// has no C): [`super::R1csFile::check_witness`] does, and a proof
    /// from a bad witness does not verify.
    pub fn prove_circom(
        &mut self,
        zkey: &Zkey,
        key: &DeviceProvingKey,
        witness: &Witness,
        r: Fr,
        s: Fr,
    ) -> Result<(Proof<Bn254>, ProveProfile), ProveError> {
        let t = Instant::now();
        check_witness(zkey, witness)?;
        let step = ProveStep::host("synthesis", "witness from the .wtns (checked against the key)", t.elapsed().as_secs_f64());
        self.prove_with_assignment(&zkey.pk, key, &witness.values, zkey.num_instance(), r, s, step)
    }
}

/// The witness's length must be the key's signal count.
pub fn check_witness(zkey: &Zkey, witness: &Witness) -> Result<(), CircomError> {
    if witness.values.len() != zkey.n_vars {
        return Err(CircomError::WitnessLength { got: witness.values.len(), want: zkey.n_vars });
    }
    Ok(())
}

/// The public signals a proof of `witness` states (outputs, then public
/// inputs): `public.json`'s values.
pub fn public_signals<'a>(zkey: &Zkey, witness: &'a Witness) -> &'a [Fr] {
    &witness.values[1..zkey.num_instance()]
}

/// arkworks' prover (ark-groth16 with snarkjs's reduction, as ark-circom
/// proves zkeys) on the same input, part by part, over matrices made
/// beforehand (as ark-circom reads them with the key).
pub fn arkworks_circom_parts(
    zkey: &Zkey,
    matrices: &[Vec<Vec<(Fr, usize)>>],
    witness: &Witness,
    r: Fr,
    s: Fr,
) -> Result<([f64; 8], Proof<Bn254>), ProveError> {
    check_witness(zkey, witness)?;
    arkworks_parts_from_matrices::<CircomReduction>(
        &zkey.pk,
        matrices,
        zkey.num_instance(),
        zkey.num_constraints,
        &witness.values,
        r,
        s,
    )
}
