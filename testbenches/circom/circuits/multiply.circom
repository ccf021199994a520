pragma circom 2.0.0;

// The smallest useful circuit: out = a * b + c with c public, and a chain
// of squarings so the QAP has more than a handful of rows.
template Multiply(squarings) {
    signal input a;
    signal input b;
    signal input c;
    signal output out;
    signal sq[squarings + 1];
    sq[0] <== a * b;
    for (var i = 0; i < squarings; i++) {
        sq[i + 1] <== sq[i] * sq[i];
    }
    out <== sq[squarings] + c;
}

component main {public [c]} = Multiply(12);
