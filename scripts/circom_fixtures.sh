#!/usr/bin/env bash
# Makes circom test circuits' artifacts with the real tools (circom 2 as
# WebAssembly, snarkjs, circomlib, pinned in testbenches/circom/package.json),
# nothing downloaded but the tools: compile, a local powers of tau, the
# Groth16 setup with one contribution, the verification key, a witness from
# a seeded input, checked against the constraints.
#
#   bash scripts/circom_fixtures.sh                 # the default tests' circuits (domain <= 2^12)
#   bash scripts/circom_fixtures.sh --large         # also merkle_40 (2^14) and sha256_512 (2^16)
#   bash scripts/circom_fixtures.sh NAME...         # those circuits (also chain_20: 2^20 constraints)
#
# Output: target/circom/NAME/{NAME.r1cs, NAME_js/, input.json, witness.wtns,
# NAME.zkey, verification_key.json}, and target/circom/ptau/. Reused when
# present and made from the same sources (a stamp holds their hash); safe to
# run from several processes at once (a lock per circuit and ceremony).
# The default circuits are keyed by snarkjs on a local 2^12 ceremony (about
# 75 s on 2 cores). The large ones are keyed by `zkcopro setup` (arkworks'
# Groth16 setup with snarkjs's reduction, written as a zkey; seconds): a 2^16
# ceremony's `prepare phase2` takes about 45 minutes here and 2^20 many
# hours. chain_20's compile takes about 20 CPU-minutes.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOOLS="$ROOT/testbenches/circom"
OUT="${ZKCOPRO_CIRCOM_DIR:-$ROOT/target/circom}"
DEFAULT=(multiply merkle_8)
LARGE=(merkle_40 sha256_512)

# The powers of tau each circuit needs (log2 of its QAP domain, rounded up
# to a shared ceremony: 12 for the small ones).
ptau_power() {
    case "$1" in
        multiply | merkle_8) echo 12 ;;
        merkle_40 | sha256_512 | chain_20) echo none ;;
        *) echo "circom_fixtures: unknown circuit $1" >&2; exit 2 ;;
    esac
}

names=()
for a in "$@"; do
    case "$a" in
        --large) names+=("${DEFAULT[@]}" "${LARGE[@]}") ;;
        -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "circom_fixtures: unknown option $a" >&2; exit 2 ;;
        *) names+=("$a") ;;
    esac
done
[ ${#names[@]} -gt 0 ] || names=("${DEFAULT[@]}")

if [ ! -x "$TOOLS/node_modules/.bin/snarkjs" ] || [ ! -x "$TOOLS/node_modules/.bin/circom2" ]; then
    echo "circom_fixtures: snarkjs and circom2 are not installed; run: bash scripts/setup.sh" >&2
    exit 1
fi
SNARKJS="$TOOLS/node_modules/.bin/snarkjs"
CIRCOM="$TOOLS/node_modules/.bin/circom2"

mkdir -p "$OUT/ptau"

# A local ceremony of 2^p: new, one contribution, phase 2 preparation.
make_ptau() {
    local p=$1 dir="$OUT/ptau"
    local final="$dir/pot${p}_final.ptau"
    exec 8>"$dir/.lock-$p"
    flock 8
    [ -s "$final" ] && { exec 8>&-; echo "$final"; return; }
    echo "circom_fixtures: powers of tau 2^$p (snarkjs; minutes above 2^14)" >&2
    "$SNARKJS" powersoftau new bn128 "$p" "$dir/pot${p}_0.ptau" >/dev/null
    "$SNARKJS" powersoftau contribute "$dir/pot${p}_0.ptau" "$dir/pot${p}_1.ptau" \
        --name=zkcopro-fixture -e="zkcopro fixture entropy $p" >/dev/null
    "$SNARKJS" powersoftau prepare phase2 "$dir/pot${p}_1.ptau" "$final.tmp" >/dev/null
    mv "$final.tmp" "$final"
    rm -f "$dir/pot${p}_0.ptau" "$dir/pot${p}_1.ptau"
    exec 8>&-
    echo "$final"
}

for name in "${names[@]}"; do
    power=$(ptau_power "$name")
    dir="$OUT/$name"
    # One maker per circuit at a time (tests may call this concurrently).
    exec 9>"$OUT/.lock-$name"
    flock 9
    stamp=$(cat "$TOOLS/circuits/$name.circom" "$TOOLS"/circuits/merkle_membership.circom "$TOOLS"/circuits/square_chain.circom \
        "$TOOLS/make_input.js" "$TOOLS/package-lock.json" "$0" | sha256sum | cut -c1-16)
    if [ -s "$dir/$name.zkey" ] && [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ]; then
        exec 9>&-
        continue
    fi
    [ "$power" = none ] || ptau=$(make_ptau "$power")
    echo "circom_fixtures: $name (compile, setup, witness)" >&2
    rm -rf "$dir" && mkdir -p "$dir"
    # circom2 runs under WASI: includes must lie below its working directory.
    (cd "$TOOLS" && "$CIRCOM" "circuits/$name.circom" --r1cs --wasm --O2 -l node_modules -o "$dir" >"$dir/compile.log")
    if [ "$power" = none ]; then
        zkcopro="$ROOT/target/release/zkcopro"
        [ -x "$zkcopro" ] || (cd "$ROOT" && cargo build --release -q -p zkcopro-host --bin zkcopro)
        "$zkcopro" setup --r1cs "$dir/$name.r1cs" --zkey-out "$dir/$name.zkey" --seed 1 >"$dir/setup.log"
    else
        "$SNARKJS" groth16 setup "$dir/$name.r1cs" "$ptau" "$dir/${name}_0.zkey" >/dev/null
        "$SNARKJS" zkey contribute "$dir/${name}_0.zkey" "$dir/$name.zkey" \
            --name=zkcopro-fixture -e="zkcopro fixture entropy $name" >/dev/null
        rm -f "$dir/${name}_0.zkey"
    fi
    "$SNARKJS" zkey export verificationkey "$dir/$name.zkey" "$dir/verification_key.json" >/dev/null
    node "$TOOLS/make_input.js" "$name" 1 >"$dir/input.json"
    "$SNARKJS" wtns calculate "$dir/${name}_js/$name.wasm" "$dir/input.json" "$dir/witness.wtns"
    "$SNARKJS" wtns check "$dir/$name.r1cs" "$dir/witness.wtns" >/dev/null
    echo "$stamp" >"$dir/stamp"
    exec 9>&-
done
