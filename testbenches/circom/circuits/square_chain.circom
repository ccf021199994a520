pragma circom 2.0.0;

// out = (a b)^(2^squarings) + c, c public: one constraint per squaring, so
// the constraint count is chosen exactly; every witness value is full-size.
template SquareChain(squarings) {
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
