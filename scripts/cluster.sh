#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, to try `zkcopro sweep
# --engine slurm` without a real one: munged, slurmctld and slurmd from
# Debian's packages (scripts/setup.sh installs them), started
# directly (no systemd), with a slurm.conf for this host (no cgroups:
# proctrack/linuxproc, task/none, select/cons_tres).
#
#   scripts/cluster.sh up       write the config, start the daemons, wait until the node is idle
#   scripts/cluster.sh status   daemons, node and queue
#   scripts/cluster.sh down     stop the daemons (state and logs stay in the directory)
#   scripts/cluster.sh env      print the export line for SLURM_CONF
#
# Everything lives in $ZKCOPRO_CLUSTER_DIR (default /tmp/zkcopro-slurm):
# slurm.conf, state, spool, logs and pid files. Slurm's commands find the
# config through SLURM_CONF (`eval "$(scripts/cluster.sh env)"`); `up` also
# links /etc/slurm/slurm.conf to it when that file does not exist, so plain
# sbatch works, and `down` removes only that link. Needs root (the daemons
# run as root, munged as its own user).
set -euo pipefail

DIR="${ZKCOPRO_CLUSTER_DIR:-/tmp/zkcopro-slurm}"
CONF="$DIR/slurm.conf"
MUNGE_SOCKET=/run/munge/munge.socket.2
# Seconds `up` waits for the node to be idle.
UP_TIMEOUT_S=30

die() { echo "cluster: $*" >&2; exit 1; }

need_tools() {
    local t
    for t in munged slurmctld slurmd sinfo sbatch scontrol; do
        command -v "$t" >/dev/null 2>&1 \
            || die "$t is missing; install Slurm and munge with 'sudo bash scripts/setup.sh'"
    done
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_conf() {
    local cpus mem_mib host
    host="$(hostname -s)"
    cpus="$(nproc)"
    # RealMemory a little under what the node reports, so slurmd accepts it.
    mem_mib="$(awk '/MemTotal/ {printf "%d", $2 / 1024 * 0.95}' /proc/meminfo)"
    mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
    cat >"$CONF" <<EOF
# Written by zkcopro scripts/cluster.sh: one node, this host.
ClusterName=zkcopro
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# No systemd, no cgroups: plain process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Quick turnaround for short tasks.
SchedulerParameters=defer_batch=0
MinJobAge=300
KillWait=5
DefMemPerCPU=1024
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mib State=UNKNOWN
PartitionName=zkcopro Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

start_munge() {
    if [ -S "$MUNGE_SOCKET" ] && munge -n </dev/null | unmunge >/dev/null 2>&1; then
        return 0
    fi
    [ -f /etc/munge/munge.key ] || die "/etc/munge/munge.key is missing (the munge package makes it)"
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    runuser -u munge -- /usr/sbin/munged
    touch "$DIR/state/.munge-ours"
    local i
    for i in $(seq 50); do
        munge -n </dev/null | unmunge >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    die "munged did not start"
}

up() {
    need_tools
    [ "$(id -u)" -eq 0 ] || die "up needs root (the daemons run as root)"
    local t0=$SECONDS
    write_conf
    if [ ! -e /etc/slurm/slurm.conf ]; then
        mkdir -p /etc/slurm
        ln -s "$CONF" /etc/slurm/slurm.conf
    fi
    export SLURM_CONF="$CONF"
    start_munge
    pid_alive "$DIR/slurmctld.pid" || slurmctld -i
    pid_alive "$DIR/slurmd.pid" || slurmd -N "$(hostname -s)"
    local state=""
    while [ $((SECONDS - t0)) -le "$UP_TIMEOUT_S" ]; do
        state="$(sinfo -h -N -o '%T' 2>/dev/null | head -1 || true)"
        case "$state" in
            idle|mixed|allocated) break ;;
            down*|drain*) scontrol update nodename="$(hostname -s)" state=resume 2>/dev/null || true ;;
        esac
        sleep 0.5
    done
    case "$state" in
        idle|mixed|allocated) ;;
        *) die "node not ready after ${UP_TIMEOUT_S} s (state '${state:-none}'); logs in $DIR/log" ;;
    esac
    echo "cluster: up in $((SECONDS - t0)) s: node $(hostname -s) ($(nproc) CPUs), partition zkcopro; config $CONF"
    echo "cluster: export SLURM_CONF=$CONF"
}

down() {
    local f
    for f in slurmd slurmctld; do
        if pid_alive "$DIR/$f.pid"; then
            kill "$(cat "$DIR/$f.pid")" 2>/dev/null || true
        fi
    done
    for f in slurmd slurmctld; do
        local i
        for i in $(seq 50); do
            pid_alive "$DIR/$f.pid" || break
            sleep 0.1
        done
        rm -f "$DIR/$f.pid"
    done
    if [ -L /etc/slurm/slurm.conf ] && [ "$(readlink /etc/slurm/slurm.conf)" = "$CONF" ]; then
        rm -f /etc/slurm/slurm.conf
    fi
    # munged is shared with anything else on the host that uses it: stop it
    # only if we started it (its pid file is the package's default).
    if [ -f /run/munge/munged.pid ] && [ -f "$DIR/state/.munge-ours" ]; then
        kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
        rm -f "$DIR/state/.munge-ours"
    fi
    echo "cluster: down (state and logs kept in $DIR)"
}

status() {
    export SLURM_CONF="$CONF"
    local f ok=0
    for f in slurmctld slurmd; do
        if pid_alive "$DIR/$f.pid"; then echo "$f: running (pid $(cat "$DIR/$f.pid"))"; else echo "$f: stopped"; ok=1; fi
    done
    if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then echo "munged: running"; else echo "munged: stopped"; ok=1; fi
    if [ $ok -eq 0 ]; then
        sinfo -N -o '%N %T %c %m' || ok=1
        squeue -o '%i %j %T %M %R' || ok=1
    fi
    return $ok
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    env) echo "export SLURM_CONF=$CONF" ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
