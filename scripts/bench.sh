#!/usr/bin/env bash
# bench.sh: the performance targets in one run, on this machine.
#
#   zkcopro bench --out target/bench ...   MSM (uniform and witness-like
#       scalars) and NTT from 2^8 up, Verilator to 2^16 and the functional
#       model to 2^20, each against arkworks in the same process; writes
#       target/bench/bench.json, speedup.svg and time_split.svg
#   cargo bench -p zkcopro-host --bench glue   the host side (criterion),
#       saved as target/bench/criterion.txt
#
# Usage: scripts/bench.sh [--quick] [--seed S] [other zkcopro bench flags]
#   --quick   Verilator to 2^12, the model to 2^16 (well under a minute)
set -euo pipefail
cd "$(dirname "$0")/.."

# Defaults the caller's own flags replace: seed 1, output target/bench.
seed=(--seed 1)
out=target/bench
prev=""
for a in "$@"; do
    case "$a" in
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        --seed|--seed=*) seed=() ;;
        --out=*) out="${a#--out=}" ;;
    esac
    [[ "$prev" == --out ]] && out="$a"
    prev="$a"
done
outarg=(--out "$out")
[[ " $* " == *" --out "* || " $* " == *" --out="* ]] && outarg=()

mkdir -p "$out"
cargo build --release -q -p zkcopro-host --bin zkcopro
./target/release/zkcopro bench "${outarg[@]}" "${seed[@]}" "$@"
echo "== criterion (host side)"
cargo bench -q -p zkcopro-host --bench glue 2>/dev/null | grep -E 'time:' | tee "$out/criterion.txt" || true
