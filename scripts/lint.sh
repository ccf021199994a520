#!/usr/bin/env bash
# Exports the coprocessor's Verilog (both multiplier variants) and lints it
# with `verilator --lint-only -Wall`; waivers live in hdl/lint/zkcopro.vlt.
# Fails on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/lint
cargo build --release -q -p zkcopro-host --bin zkcopro
total=0
for mul in tiled fast; do
    rm -rf "$out/$mul"
    ./target/release/zkcopro verilog --mul "$mul" --out "$out/$mul" >/dev/null
    n=$( (verilator --lint-only -Wall "$out/$mul/zkcopro_top.vlt" "$out/$mul/zkcopro_top.v" 2>&1 || true) | grep -cE '^%(Warning|Error)' || true)
    echo "lint: zkcopro_top ($mul multiplier): $n warnings/errors"
    if [ "$n" -ne 0 ]; then
        verilator --lint-only -Wall "$out/$mul/zkcopro_top.vlt" "$out/$mul/zkcopro_top.v" 2>&1 | head -40 >&2 || true
    fi
    total=$((total + n))
done
[ "$total" -eq 0 ]
