#!/usr/bin/env bash
# Stops the Slurm cluster .ci/slurm/start.sh started in SCRATCH (every daemon it started: slurmrestd, slurmd,
# slurmctld, munged, and any job step left behind) and removes the folder. Safe to run twice.
#   .ci/slurm/stop.sh SCRATCH
set -uo pipefail
scratch="${1:?usage: stop.sh SCRATCH}"
[ -d "$scratch" ] || exit 0
scratch=$(cd "$scratch" && pwd)
export PATH="$PATH:/usr/sbin"

# Jobs first (so no slurmstepd outlives its slurmd), while slurmctld still answers.
if [ -f "$scratch/slurm.conf" ]; then
    SLURM_CONF="$scratch/slurm.conf" timeout 5 scancel --quiet --full --partition=dash,other 2>/dev/null || true
fi

# Every daemon is asked at once (each takes a second or two to finish), then killed if it has not after 5 s.
pids=()
for pidfile in "$scratch/slurmrestd.pid" "$scratch"/slurmd-*.pid "$scratch/slurmctld.pid" "$scratch/munge/munged.pid"; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
        pids+=("$pid")
    fi
done
for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
done
for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
# A job step left behind (a slurmstepd or a job's process whose slurmd is gone): any process whose current
# directory is inside the scratch folder (slurmstepd works in its node's spool folder there).
for proc in /proc/[0-9]*; do
    cwd=$(readlink "$proc/cwd" 2>/dev/null) || continue
    case "$cwd" in "$scratch"/*|"$scratch") kill -KILL "${proc#/proc/}" 2>/dev/null || true ;; esac
done
rm -rf "$scratch"
