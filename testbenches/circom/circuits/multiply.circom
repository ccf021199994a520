pragma circom 2.0.0;

include "square_chain.circom";

// The smallest useful circuit: a product, 12 squarings and a public sum.
component main {public [c]} = SquareChain(12);
