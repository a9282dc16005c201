#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for tests and for trying
# `edu-tb regress --slurm` without a real cluster.  Everything it writes
# (configuration, state, spool, logs, pid files, munge's socket) stays in
# DIR.
#   scripts/slurm-local.sh start DIR   start a munged of its own (its socket
#                                      in DIR: a system munged or another
#                                      cluster's is left alone), slurmctld
#                                      and slurmd; wait until the
#                                      node takes jobs; print the SLURM_CONF
#                                      line to export.  On failure it says
#                                      why, stops what it started, exits 1
#   scripts/slurm-local.sh stop DIR    stop what start started (nothing
#                                      running there: nothing to do)
# The two daemons' ports are EDU_SLURMCTLD_PORT and EDU_SLURMD_PORT, or
# else the first free ones from 16817 up (a cluster a run left behind, or
# another one, keeps its own).
# Needs root (the daemons run as root, munged as its own user) and
# Debian's slurmctld, slurmd, slurm-client and munge (scripts/deps.sh test).
set -euo pipefail

usage() {
    echo "usage: $0 start|stop DIR" >&2
    exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$(mkdir -p "$2" && cd "$2" && pwd)
conf=$dir/slurm.conf
log() { echo "slurm-local: $*" >&2; }

# The cluster's own munged: its socket in DIR, so that two clusters (or a
# system munged) never share one, and stopping one stops nothing else's.
socket=$dir/munge/munge.socket
munge_answers() {
    munge -S "$socket" -n 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1
}

# Whether something has TCP port $1 (listening or not), from /proc.
port_used() {
    local hex
    hex=$(printf '%04X' "$1")
    awk -v p=":$hex" 'NR > 1 && substr($2, length($2) - 4) == p { found = 1 }
        END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# The first port from $1 up that nothing uses and that is not $2.
free_port() {
    local p
    for ((p = $1; p < $1 + 1000; p++)); do
        if [ "$p" != "${2:-}" ] && ! port_used "$p"; then
            echo "$p"
            return
        fi
    done
    log "no free TCP port from $1 to $(($1 + 999))"
    exit 1
}

start_munge() {
    [ -s /etc/munge/munge.key ] || {
        log "no /etc/munge/munge.key (reinstall the munge package)"
        exit 1
    }
    install -d -o munge -g munge -m 0755 "$dir/munge"
    runuser -u munge -- /usr/sbin/munged --socket="$socket" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed"
    for _ in $(seq 50); do
        munge_answers && return
        sleep 0.1
    done
    log "munged does not answer (see $dir/munge/munged.log)"
    exit 1
}

write_conf() {
    local host mem
    host=$(hostname -s)
    # MiB, a little under what the machine has.
    mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
    ctld_port=${EDU_SLURMCTLD_PORT:-$(free_port 16817)}
    slurmd_port=${EDU_SLURMD_PORT:-$(free_port $((ctld_port + 1)) "$ctld_port")}
    mkdir -p "$dir/state" "$dir/spool"
    cat >"$conf" <<CONF
# Written by scripts/slurm-local.sh: one node, no accounting, no cgroups.
ClusterName=edu-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
MaxArraySize=10001
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=edu Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

stop() {
    # scontrol shutdown deletes the pid files: read them first.
    local pids pid
    pids=$(cat "$dir"/slurmctld.pid "$dir"/slurmd.pid 2>/dev/null || true)
    if [ -f "$conf" ]; then
        SLURM_CONF=$conf scontrol shutdown >/dev/null 2>&1 || true
    fi
    for pid in $pids; do
        for _ in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [ -f "$dir/munge/munged.pid" ]; then
        kill "$(cat "$dir/munge/munged.pid")" 2>/dev/null || true
        rm -f "$dir/munge/munged.pid"
    fi
}

# A daemon whose pid file names a process gone: it did not start.
died() {
    local f=$dir/$1.pid
    [ -s "$f" ] && ! kill -0 "$(cat "$f")" 2>/dev/null
}

fail_start() {
    log "$*"
    local f
    for f in "$dir"/slurmctld.log "$dir"/slurmd.log; do
        [ -s "$f" ] && { echo "--- last lines of $f" >&2; tail -5 "$f" >&2; }
    done
    stop
    exit 1
}

case $action in
start)
    for tool in slurmctld slurmd sbatch squeue sinfo scontrol munged; do
        command -v "$tool" >/dev/null || {
            log "needs $tool: slurmctld, slurmd, slurm-client and munge" \
                "(scripts/deps.sh test installs them)"
            exit 1
        }
    done
    [ "$(id -u)" -eq 0 ] || {
        log "needs root to start the daemons"
        exit 1
    }
    # Whatever an earlier start left in DIR goes first.
    stop
    rm -f "$dir"/slurmctld.log "$dir"/slurmd.log
    start_munge
    write_conf
    export SLURM_CONF=$conf
    slurmctld -f "$conf" || fail_start "slurmctld did not start"
    slurmd -f "$conf" || fail_start "slurmd did not start"
    # The node takes jobs once slurmd has registered with slurmctld.
    state=
    for _ in $(seq 300); do
        if died slurmctld || died slurmd; then
            fail_start "a daemon exited (ports $ctld_port, $slurmd_port)"
        fi
        state=$(sinfo -h -o %T 2>/dev/null || true)
        case $state in
        idle* | mixed* | allocated*)
            log "node up: slurmctld on port $ctld_port, slurmd on" \
                "$slurmd_port"
            echo "export SLURM_CONF=$conf"
            exit 0
            ;;
        esac
        sleep 0.1
    done
    fail_start "the node did not come up (state '${state:-none}')"
    ;;
stop) stop ;;
*) usage ;;
esac
