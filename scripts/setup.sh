#!/usr/bin/env bash
# Installs the system tools zkcopro needs, only when missing: Verilator (to
# build the cycle-accurate models; zlib for their FST traces), Icarus Verilog
# (the tests' second simulator) and Yosys (for scripts/synth.sh).
# Idempotent; needs root (or sudo) only when something must be installed.
set -euo pipefail

missing=()
command -v verilator >/dev/null 2>&1 || missing+=(verilator)
command -v yosys >/dev/null 2>&1 || missing+=(yosys)
# Icarus Verilog: the second simulator the tests run the exported Verilog in.
command -v iverilog >/dev/null 2>&1 || missing+=(iverilog)
# Verilator's FST trace writer links zlib.
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: verilator $(verilator --version | awk '{print $2}'), yosys, iverilog and zlib already installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
else
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
