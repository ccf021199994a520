pragma circom 2.0.0;
include "merkle_membership.circom";
component main {public [externalNullifier]} = MerkleMembership(8);
