pragma circom 2.0.0;

include "square_chain.circom";

// 1,048,561 constraints: with snarkjs's two public-signal rows (and the
// one's) the QAP domain is exactly 2^20.
component main {public [c]} = SquareChain(1048560);
