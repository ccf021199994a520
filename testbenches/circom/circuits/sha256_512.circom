pragma circom 2.0.0;

include "circomlib/circuits/sha256/sha256.circom";

// circomlib's SHA-256 of one 512-bit message (given as bits); the digest's
// 256 bits are public.
template Sha256Of512() {
    signal input in[512];
    signal output out[256];
    component h = Sha256(512);
    for (var i = 0; i < 512; i++) {
        in[i] * (1 - in[i]) === 0;
        h.in[i] <== in[i];
    }
    for (var i = 0; i < 256; i++) {
        out[i] <== h.out[i];
    }
}

component main = Sha256Of512();
