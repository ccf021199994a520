#!/usr/bin/env bash
# bench.sh: the performance targets in one run, on this machine.
#
# Runs the CLI's --json reports (exact device cycles, projected device time,
# measured glue time, arkworks timed in the same process) and the criterion
# bench of the host side, and writes everything under target/bench/:
#   msm_<K>_<scalars>.json   zkcopro msm --log-size K --scalars S --seed SEED --json
#   ntt_<K>.json             zkcopro ntt --log-size K --seed SEED --json
#   criterion.txt            cargo bench -p zkcopro-host --bench glue
# then prints a summary table.
#
# Usage: scripts/bench.sh [--quick] [--seed S]
#   --quick   skip the 2^16 runs (about a minute instead of three)
set -euo pipefail
cd "$(dirname "$0")/.."

SEED=1
QUICK=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --seed) SEED="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

out=target/bench
mkdir -p "$out"
cargo build --release -q -p zkcopro-host --bin zkcopro
bin=./target/release/zkcopro

msm_sizes=(12)
ntt_sizes=(10 12)
if [[ $QUICK -eq 0 ]]; then
    msm_sizes+=(16)
    ntt_sizes+=(16)
fi

for k in "${msm_sizes[@]}"; do
    kinds=(uniform witness)
    [[ $k -eq 12 ]] && kinds=(uniform equal small ones witness)
    for s in "${kinds[@]}"; do
        echo "== msm 2^$k $s"
        "$bin" msm --log-size "$k" --scalars "$s" --seed "$SEED" --json >"$out/msm_${k}_${s}.json"
    done
done
for k in "${ntt_sizes[@]}"; do
    echo "== ntt 2^$k"
    "$bin" ntt --log-size "$k" --seed "$SEED" --json >"$out/ntt_${k}.json"
done
echo "== criterion (host side)"
cargo bench -q -p zkcopro-host --bench glue 2>/dev/null | grep -E 'time:' | tee "$out/criterion.txt" || true

python3 - "$out" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print(f"\n{'job':<22} {'verified':>8} {'cycles':>10} {'eff':>6} {'glue ms':>8} {'device ms':>9} {'e2e ms':>8} {'ark ms':>8} {'speed-up':>8} {'glue %':>6}")
for f in sorted(out.glob("*.json")):
    r = json.loads(f.read_text())
    print(f"{f.stem:<22} {str(r['verified']):>8} {r['device_cycles']:>10} {r['efficiency']:>6.3f} "
          f"{r['glue_s']*1e3:>8.2f} {r['projected_device_s']*1e3:>9.2f} {r['end_to_end_s']*1e3:>8.2f} "
          f"{r['arkworks_s']*1e3:>8.2f} {r['speedup_vs_arkworks']:>7.1f}x {100*r['glue_s']/r['end_to_end_s']:>5.0f}%")
PY
