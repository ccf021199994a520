#!/usr/bin/env bash
# synth.sh: FPGA resource estimate for zkcopro with Yosys (synth_xilinx, UltraScale+).
#
# Generates the Verilog, synthesizes it out of context with Yosys and prints a
# resource table; the same numbers go to <out>/resources.json.
#
#   tile   one 26x17 DSP tile (top module zkcopro_dsp_tile): shows it maps to
#        exactly one DSP48E2
#   piece  one 52x52 piece product: six tiles and the LUT correction
#   mul  one tiled Montgomery multiplier for Fq (top module zkcopro_mont_mul),
#        from `cargo run -p zkcopro-hdl --example export_block`
#   mul_fr  the same for Fr
#   top  the whole coprocessor (top module zkcopro_top), from `zkcopro verilog`:
#        flattened with its Montgomery multipliers as black boxes (flattening
#        all 21 does not finish on a 2-core machine), large memories to URAM
#        (-uram); then hdl/examples/synth_report.rs adds each multiplier from
#        `mul` / `mul_fr` per instance and prints the per-block table, the
#        total and which parts (VU9P, U55C, U250) it fits. `--only top` runs
#        mul and mul_fr first.
#   ntt  the NTT core alone (top module zkcopro_ntt_core): U butterfly units,
#        banks, twiddle ROMs, output scaler
#   flags  the MSM's bucket occupancy flags alone (top module
#        zkcopro_bucket_flags): shows they map to block RAM
#   ram  the MSM's bucket memory alone (top module zkcopro_bucket_ram), with
#        -uram: shows it maps to UltraRAM
#   adder  the BN254 G1 point adder without its 12 multipliers (they are
#        black boxes): the adder's total is this plus 12 x `mul`
#
# Usage: scripts/synth.sh [--only tile|piece|mul|mul_fr|adder|ntt|flags|ram|top] [--out DIR]
#                         [--timeout SECS] [--clock-mhz F] [--abc9] [--no-gen] [-h]
#   --only DESIGN    synthesize one design (default: mul, mul_fr, then top)
#   --clock-mhz F    clock the logic-depth report checks against (default 250)
#   --out DIR        build output directory (default: target/synth)
#   --timeout SECS   give up on a Yosys run after SECS seconds (default: none)
#   --abc9           use Yosys's ABC9 mapping flow (off by default: slower)
#   --no-gen         reuse the Verilog already in DIR instead of regenerating
#
# Yosys command (per design):
#   yosys -q -l <out>/<design>/yosys.log -p 'read_verilog <file>.v;
#     synth_xilinx -family xcup -flatten -noiopad -noclkbuf -top <name>;
#     tee -q -o stat.json stat -json; tee -q -o stat.txt stat;
#     write_json netlist.json'
# Then the logic-depth report (hdl/examples/logic_depth.rs) reads netlist.json:
# the deepest register-to-register path per block in LUT levels and carry
# bits, priced by a first-order UltraScale+ -2 delay model against the clock
# budget; it writes <out>/<design>/depth.txt and depth.json.
# -noiopad/-noclkbuf: both designs are IP blocks (the top is an AXI kernel whose
# ports go to a shell, not to pins), so no I/O or clock buffers are inserted.
#
# Table columns (cell counts after synth_xilinx):
#   DSP     DSP48E2 (+ DSP48E1)      LUT     LUT1..LUT6
#   FF      FDRE/FDSE/FDCE/FDPE      CARRY   CARRY4 + CARRY8
#   BRAM36, BRAM18   RAMB36E2/RAMB18E2 (+ E1)
#   LUTRAM  RAM32M/RAM64M/RAM*X1* etc. (distributed RAM cells)
#   SRL     SRL16E/SRLC32E            MUXF   MUXF7/MUXF8/MUXF9
#   INV     INV cells (Vivado folds these into neighbouring LUTs or makes LUT1s)
# Notes:
#   - Yosys 0.23 maps adders to CARRY4 even for xcup; Vivado packs those into
#     CARRY8 (about half as many).
#   - These are Yosys's numbers, not Vivado's: expect Vivado to differ, mostly
#     in LUTs (better LUT packing and constant propagation).
#   - resources.json holds the designs of this run only; every design also
#     keeps its own <out>/<design>/resources.json.
#
# Run time (2-core / 24 GB development machine, Yosys 0.23, default options;
# each run's own numbers are in <out>/<design>/time.txt):
#   mul, mul_fr  Yosys ~2 min wall, ~1.0 GB peak RSS each
#   top  Yosys 11-15 min wall, ~2.9 GB peak RSS (plus building zkcopro-host once)
#
# Needs: yosys (run scripts/setup.sh), cargo; /usr/bin/time for peak memory.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$ROOT"

ONLY=""
OUT="target/synth"
TIMEOUT=""
ABC9=""
GEN=1
CLOCK_MHZ=250

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
die() { echo "synth.sh: error: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --only) [[ $# -ge 2 ]] || die "--only needs a design"; ONLY="$2"; shift 2 ;;
        --only=*) ONLY="${1#*=}"; shift ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a directory"; OUT="$2"; shift 2 ;;
        --out=*) OUT="${1#*=}"; shift ;;
        --timeout) [[ $# -ge 2 ]] || die "--timeout needs seconds"; TIMEOUT="$2"; shift 2 ;;
        --timeout=*) TIMEOUT="${1#*=}"; shift ;;
        --clock-mhz) [[ $# -ge 2 ]] || die "--clock-mhz needs a value"; CLOCK_MHZ="$2"; shift 2 ;;
        --clock-mhz=*) CLOCK_MHZ="${1#*=}"; shift ;;
        --abc9) ABC9=" -abc9"; shift ;;
        --no-gen) GEN=0; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done

case "$ONLY" in
    ""|top) DESIGNS=(mul mul_fr top) ;;
    tile|piece|mul|mul_fr|adder|ntt|flags|ram) DESIGNS=("$ONLY") ;;
    *) die "--only takes tile, piece, mul, mul_fr, adder, ntt, flags, ram or top, not '$ONLY'" ;;
esac
[[ -z "$TIMEOUT" || "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout takes whole seconds"
[[ "$CLOCK_MHZ" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--clock-mhz takes a number of MHz"

if ! command -v yosys >/dev/null 2>&1; then
    die "yosys not found on PATH: run scripts/setup.sh (or install Yosys >= 0.23)"
fi
command -v cargo >/dev/null 2>&1 || [[ $GEN -eq 0 ]] || die "cargo not found on PATH"
if [[ -n "$TIMEOUT" ]] && ! command -v timeout >/dev/null 2>&1; then
    die "--timeout needs the 'timeout' command (coreutils)"
fi
TIME_BIN=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    TIME_BIN=/usr/bin/time
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
YOSYS_VERSION="$(yosys -V | head -n1)"

# Top module name and Verilog file of each design.
top_name() { case "$1" in tile) echo zkcopro_dsp_tile ;; piece) echo zkcopro_piece_mul ;; mul|mul_fr) echo zkcopro_mont_mul ;; adder) echo zkcopro_point_add ;; ntt) echo zkcopro_ntt_core ;; flags) echo zkcopro_bucket_flags ;; ram) echo zkcopro_bucket_ram ;; top) echo zkcopro_top ;; esac; }
verilog_of() { echo "$OUT/$1/$(top_name "$1").v"; }

generate() {
    local d="$1" dir="$OUT/$1"
    mkdir -p "$dir"
    echo "== $d: generating Verilog"
    case "$d" in
        tile) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 dsp_tile "$(verilog_of tile)" ;;
        piece) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 piece_mul "$(verilog_of piece)" ;;
        mul) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 mont_mul_tiled_fq "$(verilog_of mul)" ;;
        mul_fr) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 mont_mul_tiled_fr "$(verilog_of mul_fr)" ;;
        adder) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 point_add_fq "$(verilog_of adder)" ;;
        ntt) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 ntt_core_fr "$(verilog_of ntt)" ;;
        flags) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 bucket_flags "$(verilog_of flags)" ;;
        ram) cargo run --release --quiet -p zkcopro-hdl --example export_block -- \
                 bucket_ram "$(verilog_of ram)" ;;
        top) cargo run --release --quiet -p zkcopro-host --bin zkcopro -- \
                 verilog --out "$dir" --top-name zkcopro_top ;;
    esac
}

# Sum the counts of the cell types (from stat.txt) matching an extended regex.
count() {
    awk -v re="$2" '
        /Number of cells:/ { on = 1; next }
        on && NF == 2 && $2 ~ /^[0-9]+$/ && $1 ~ ("^(" re ")$") { n += $2 }
        on && NF == 0 { on = 0 }
        END { print n + 0 }' "$1"
}

# All cells as a JSON object {"TYPE": n, ...}.
cells_json() {
    awk '
        /Number of cells:/ { on = 1; next }
        on && NF == 2 && $2 ~ /^[0-9]+$/ { c[$1] += $2 }
        on && NF == 0 { on = 0 }
        END { s = ""; for (k in c) { s = s sep "\"" k "\": " c[k]; sep = ", " } print "{" s "}" }' "$1"
}

RESULT_FILES=()
TABLE_ROWS=()

synth() {
    local d="$1" dir="$OUT/$1" name v
    name="$(top_name "$d")"
    v="$(verilog_of "$d")"
    [[ -f "$v" ]] || die "$v missing (run without --no-gen)"
    rm -f "$dir/stat.txt" "$dir/stat.json" "$dir/time.txt" "$dir/resources.json" \
          "$dir/netlist.json" "$dir/depth.txt" "$dir/depth.json" \
          "$dir/multipliers.txt" "$dir/left_out.txt"

    local blackboxes="" options=""
    if [[ $d == top ]]; then
        # Every Montgomery multiplier (the module with a pm_ab__0 piece product
        # inside) is a black box, listed with its field and engine.
        local roots
        roots="$(grep -oE '^module [A-Za-z0-9_]+__pm_ab__0\b' "$v" | sed 's/^module //; s/__pm_ab__0$//')"
        : >"$dir/multipliers.txt"
        for r in $roots; do
            local field=fr
            # The Fq modulus ends ...d87cfd47; the Fr one ...f0000001.
            if awk -v m="module $r(" 'index($0, m) == 1 { on = 1 } on && /d87cfd47/ { found = 1; exit } on && /^endmodule/ { exit } END { exit !found }' "$v"; then
                field=fq
            fi
            local block="${r#zkcopro_top__}"
            echo "$r $field ${block%%__*}" >>"$dir/multipliers.txt"
        done
        blackboxes="blackbox $(echo $roots); "
        options=" -uram"
    fi
    [[ $d == ram ]] && options=" -uram"
    if [[ $d == adder ]]; then
        # The adder's multipliers are black boxes: count them from `mul`.
        blackboxes="blackbox $(grep -oE '^module zkcopro_point_add__mul_[a-z0-9]+\b' "$v" | sed 's/^module //' | tr '\n' ' '); "
    fi
    local script="read_verilog $v; ${blackboxes}synth_xilinx -family xcup -flatten -noiopad -noclkbuf${options}${ABC9} -top $name; tee -q -o $dir/stat.json stat -json; tee -q -o $dir/stat.txt stat; write_json $dir/netlist.json"
    local cmd=(yosys -q -l "$dir/yosys.log" -p "$script")
    [[ -n "$TIMEOUT" ]] && cmd=(timeout "$TIMEOUT" "${cmd[@]}")
    [[ -n "$TIME_BIN" ]] && cmd=("$TIME_BIN" -v -o "$dir/time.txt" "${cmd[@]}")
    printf '%s\n' "$script" >"$dir/yosys.ys"

    echo "== $d: yosys synth_xilinx (log: ${dir#"$ROOT"/}/yosys.log)"
    local start=$SECONDS rc=0
    "${cmd[@]}" || rc=$?
    local wall=$((SECONDS - start)) rss_kb=0
    if [[ -f "$dir/time.txt" ]]; then
        rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time.txt")"
        rss_kb="${rss_kb:-0}"
    fi
    local rss_mb=$(((rss_kb + 512) / 1024))

    local status=ok
    if [[ $rc -ne 0 ]]; then
        if [[ $rc -eq 124 ]]; then status=timeout; else status="failed"; fi
        local last
        last="$(grep -E '^[0-9.]+ Executing|^ERROR' "$dir/yosys.log" 2>/dev/null | tail -n 3 || true)"
        echo "synth.sh: $d: yosys $status (exit $rc) after ${wall}s; last steps in the log:" >&2
        printf '    %s\n' "$last" >&2
    fi

    local dsp=0 lut=0 ff=0 carry=0 b36=0 b18=0 uram=0 lutram=0 srl=0 muxf=0 inv=0 cells="{}"
    if [[ $status == ok ]]; then
        local s="$dir/stat.txt"
        dsp=$(count "$s" 'DSP48E[12]')
        lut=$(count "$s" 'LUT[1-6]')
        ff=$(count "$s" 'FD(RE|SE|CE|PE|RE_1|SE_1|CE_1|PE_1)')
        carry=$(count "$s" 'CARRY[48]')
        b36=$(count "$s" 'RAMB36E[12]')
        b18=$(count "$s" 'RAMB18E[12]')
        uram=$(count "$s" 'URAM288(_BASE)?')
        lutram=$(count "$s" 'RAM(16|32|64|128|256|512)[A-Z0-9_]*')
        srl=$(count "$s" 'SRL(C)?(16|32)E?')
        muxf=$(count "$s" 'MUXF[789]')
        inv=$(count "$s" 'INV')
        cells="$(cells_json "$s")"
    fi

    # Where each memory went: memory_libmap's choice (block RAM, UltraRAM,
    # LUT RAM), or memory_map's logic for small constant ROMs.
    if [[ $status == ok ]]; then
        sed -nE 's/^mapping memory ([^ ]+) via \$__XILINX_([A-Z]+)_?([A-Z]*)_?$/\1 \2 \3/p;
                 s/^Mapping memory \\([^ ]+) in module .*/\1 LUT_ROM/p' \
            "$dir/yosys.log" | sed 's/^[a-z_]*_top\.//' | sort -u >"$dir/memories.txt"
    fi
    cat >"$dir/resources.json" <<EOF
{"design": "$d", "top": "$name", "verilog": "${v#"$ROOT"/}", "status": "$status",
 "yosys": "$YOSYS_VERSION", "script": "$script",
 "wall_s": $wall, "peak_rss_mb": $rss_mb,
 "DSP48E2": $dsp, "LUT": $lut, "FF": $ff, "CARRY": $carry,
 "BRAM36": $b36, "BRAM18": $b18, "URAM": $uram, "LUTRAM": $lutram, "SRL": $srl, "MUXF": $muxf, "INV": $inv,
 "cells": $cells}
EOF
    RESULT_FILES+=("$dir/resources.json")
    TABLE_ROWS+=("$(printf '%-6s %-8s %8s %9s %9s %8s %6s %6s %5s %7s %6s %6s %7s %8s %8s' \
        "$d" "$status" "$dsp" "$lut" "$ff" "$carry" "$b36" "$b18" "$uram" "$lutram" "$srl" "$muxf" "$inv" \
        "${wall}s" "${rss_mb}MB")")
    return 0
}

if [[ $GEN -eq 1 ]]; then
    for d in "${DESIGNS[@]}"; do generate "$d"; done
fi
for d in "${DESIGNS[@]}"; do synth "$d"; done

{
    echo "["
    for i in "${!RESULT_FILES[@]}"; do
        [[ $i -gt 0 ]] && echo ","
        cat "${RESULT_FILES[$i]}"
    done
    echo "]"
} >"$OUT/resources.json"

echo
echo "Yosys synth_xilinx -family xcup resources ($YOSYS_VERSION$ABC9)"
printf '%-6s %-8s %8s %9s %9s %8s %6s %6s %5s %7s %6s %6s %7s %8s %8s\n' \
    design status DSP48E2 LUT FF CARRY BRAM36 BRAM18 URAM LUTRAM SRL MUXF INV wall peak_mem
for row in "${TABLE_ROWS[@]}"; do echo "$row"; done
echo "JSON: ${OUT#"$ROOT"/}/resources.json"

# The whole coprocessor: the top plus its multipliers, per block, and the fit.
if [[ " ${DESIGNS[*]} " == *" top "* ]] && grep -q '"status": "ok"' "$OUT/top/resources.json"; then
    cargo run --release --quiet -p zkcopro-hdl --example synth_report -- "$OUT" | tee "$OUT/coprocessor.txt"
fi

# Where the top's memories went.
if [[ -s "$OUT/top/memories.txt" ]]; then
    echo
    echo "== top: memories (${OUT#"$ROOT"/}/top/memories.txt)"
    column -t "$OUT/top/memories.txt"
fi

# Logic depth of every design that synthesized, against the clock budget.
for d in "${DESIGNS[@]}"; do
    [[ -f "$OUT/$d/netlist.json" ]] || continue
    echo
    echo "== $d: logic depth (${OUT#"$ROOT"/}/$d/depth.txt)"
    cargo run --release --quiet -p zkcopro-hdl --example logic_depth -- \
        "$OUT/$d/netlist.json" "$(top_name "$d")" --clock-mhz "$CLOCK_MHZ" \
        --levels "$([[ $d == top ]] && echo 2 || echo 1)" \
        --json "$OUT/$d/depth.json" | tee "$OUT/$d/depth.txt"
done

for f in "${RESULT_FILES[@]}"; do
    grep -q '"status": "ok"' "$f" || exit 1
done
