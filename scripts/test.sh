#!/usr/bin/env bash
# The project's test command (README): lint the exported Verilog, then run
# every test in release mode (the simulations need optimised code).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lint.sh
cargo test --release --workspace "$@"
