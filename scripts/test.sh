#!/usr/bin/env bash
# The project's test command (README): lint the exported Verilog, prove the
# bus interfaces' properties (the short-depth subset of scripts/formal.sh),
# then run every test in release mode (the simulations need optimised code).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lint.sh
bash scripts/formal.sh --quick
cargo test --release --workspace "$@"
