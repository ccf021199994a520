#!/usr/bin/env bash
# The project's test command (README): lint the exported Verilog, prove the
# bus interfaces' properties (the short-depth subset of scripts/formal.sh),
# make the circom test circuits with circom 2 and snarkjs (reused when
# present), then run every test in release mode (the simulations need
# optimised code).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lint.sh
bash scripts/formal.sh --quick
bash scripts/circom_fixtures.sh
cargo test --release --workspace "$@"
