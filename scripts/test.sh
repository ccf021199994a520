#!/usr/bin/env bash
# The project's test command (README): lint the exported Verilog, prove the
# bus interfaces' properties (the short-depth subset of scripts/formal.sh),
# make the circom test circuits with circom 2 and snarkjs (reused when
# present), bring up the single-node Slurm cluster the sweep test submits to
# (scripts/cluster.sh; stopped again at the end), then run every test in
# release mode (the simulations need optimised code).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lint.sh
bash scripts/formal.sh --quick
bash scripts/circom_fixtures.sh
bash scripts/cluster.sh up
trap 'bash scripts/cluster.sh down' EXIT
eval "$(bash scripts/cluster.sh env)"
cargo test --release --workspace "$@"
