pragma circom 2.0.0;

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/mux1.circom";

// Semaphore-style membership: a leaf (a secret's Poseidon hash) is in a
// Poseidon Merkle tree of the given depth; the root and a nullifier hash
// (Poseidon of the secret and a public external nullifier) are public.
template MerkleMembership(depth) {
    signal input secret;
    signal input externalNullifier;
    signal input pathElements[depth];
    signal input pathIndices[depth];
    signal output root;
    signal output nullifierHash;

    component leaf = Poseidon(1);
    leaf.inputs[0] <== secret;

    component hashers[depth];
    component left[depth];
    component right[depth];
    signal level[depth + 1];
    level[0] <== leaf.out;
    for (var i = 0; i < depth; i++) {
        pathIndices[i] * (1 - pathIndices[i]) === 0;
        left[i] = Mux1();
        left[i].c[0] <== level[i];
        left[i].c[1] <== pathElements[i];
        left[i].s <== pathIndices[i];
        right[i] = Mux1();
        right[i].c[0] <== pathElements[i];
        right[i].c[1] <== level[i];
        right[i].s <== pathIndices[i];
        hashers[i] = Poseidon(2);
        hashers[i].inputs[0] <== left[i].out;
        hashers[i].inputs[1] <== right[i].out;
        level[i + 1] <== hashers[i].out;
    }
    root <== level[depth];

    component nullifier = Poseidon(2);
    nullifier.inputs[0] <== secret;
    nullifier.inputs[1] <== externalNullifier;
    nullifierHash <== nullifier.out;
}
