#!/usr/bin/env bash
# One command on a fresh machine: install the tools, build, run the main job
# (`zkcopro demo` on built-in defaults). Extra arguments go to `zkcopro demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release -q -p zkcopro-host --bin zkcopro -- demo "$@"
