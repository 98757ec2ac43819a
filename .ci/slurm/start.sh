#!/usr/bin/env bash
# Starts a real single-host Slurm cluster (Debian's slurm-wlm, slurmrestd and munge, 22.05) in a scratch folder:
# its own munged, slurmctld, two slurmd (node1: 8 GPUs typed a100, node2: 8 untyped GPUs; device files are links
# to /dev/null) and slurmrestd with auth/jwt, all on free loopback ports, so several clusters can run side by side
# on one machine. Memory is enforced through cgroup v1 where the host has it (a job past its --mem ends OUT_OF_MEMORY).
# Runs as root. Usage:
#   .ci/slurm/start.sh [SCRATCH]     # SCRATCH defaults to a new folder under /tmp
# Prints the scratch folder on its last line and writes SCRATCH/env, lines of NAME=value:
#   DASHBOARD_TEST_SLURM_URL      slurmrestd's base address (http://127.0.0.1:PORT)
#   DASHBOARD_TEST_SLURM_JWT_KEY  the JWT key file tokens are signed with (HS256)
#   DASHBOARD_TEST_SLURM_CONF     slurm.conf, for the CLI (export SLURM_CONF=... before sbatch, scontrol)
#   DASHBOARD_TEST_SLURM_SCRATCH  the scratch folder (what stop.sh takes)
# .ci/slurm/stop.sh SCRATCH stops every daemon it started and removes the folder.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then
    echo "slurm: start.sh must run as root (slurmd starts jobs as their owners)" >&2
    exit 1
fi
for program in slurmctld slurmd slurmrestd munged; do
    if ! command -v "$program" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$program" ]; then
        echo "slurm: $program is missing; install Slurm with: apt-get install -y slurm-wlm slurmrestd munge" >&2
        exit 1
    fi
done
export PATH="$PATH:/usr/sbin"

scratch="${1:-}"
if [ -z "$scratch" ]; then
    scratch=$(mktemp -d /tmp/dash-slurm.XXXXXX)
fi
mkdir -p "$scratch"
scratch=$(cd "$scratch" && pwd)
chmod 0755 "$scratch"
cd "$scratch"
mkdir -p state spool log dev munge-etc jobs
chmod 1777 jobs

# ---- free ports: random ones nobody listens on (slurmctld, one per slurmd, slurmrestd) -----------------------
declare -A taken=()
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 30000))
        [ -n "${taken[$port]:-}" ] && continue
        if ! ss -Htanl "sport = :$port" | grep -q .; then
            taken[$port]=1
            echo "$port"
            return
        fi
    done
}
ctld_port=$(free_port)
node1_port=$(free_port)
node2_port=$(free_port)
rest_port=$(free_port)

# ---- munge: its own key and socket, run as user munge -------------------------------------------------------
mkdir -p munge
chown munge:munge munge munge-etc
chmod 0711 munge
chmod 0700 munge-etc
dd if=/dev/urandom of=munge-etc/munge.key bs=1024 count=1 status=none
chown munge:munge munge-etc/munge.key
chmod 0400 munge-etc/munge.key
runuser -u munge -- munged --force --socket="$scratch/munge/munge.socket" --key-file="$scratch/munge-etc/munge.key" \
    --pid-file="$scratch/munge/munged.pid" --log-file="$scratch/munge-etc/munged.log" --seed-file="$scratch/munge-etc/munged.seed"

# ---- the JWT key slurmctld checks tokens with (the dashboard mints its tokens from the same file) -------------
dd if=/dev/urandom of=jwt.key bs=32 count=1 status=none
chmod 0600 jwt.key

for i in 0 1 2 3 4 5 6 7; do ln -sf /dev/null "dev/gpu$i"; done

cluster="dash$(basename "$scratch" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z' | tail -c 8)"

# Memory is enforced where this host has cgroup v1's memory controller (the CI machines do): task/cgroup puts each job
# step in a memory cgroup of its --mem, so a job past it is killed by the kernel and ends OUT_OF_MEMORY in Slurm, as
# on a real cluster. Elsewhere task/none (nothing enforced). The cgroups are named by node and job id
# (slurm_node1/uid_N/job_M), which clusters side by side on one host share: each cluster numbers its jobs from a
# random first id, so their job ids do not meet.
if [ -d /sys/fs/cgroup/memory ] && [ -w /sys/fs/cgroup/memory ]; then
    task_plugin=task/cgroup
else
    task_plugin=task/none
fi
first_job_id=$(( (RANDOM * 32768 + RANDOM) % 60000000 + 1000 ))
cat > cgroup.conf <<CONF
CgroupPlugin=cgroup/v1
CgroupMountpoint=/sys/fs/cgroup
ConstrainRAMSpace=yes
ConstrainCores=no
ConstrainDevices=no
CONF
cat > slurm.conf <<CONF
ClusterName=$cluster
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$scratch/munge/munge.socket
CredType=cred/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$scratch/jwt.key
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool/%n
SlurmctldPidFile=$scratch/slurmctld.pid
SlurmdPidFile=$scratch/slurmd-%n.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=$task_plugin
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
GresTypes=gpu
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
KillWait=5
MinJobAge=300
FirstJobId=$first_job_id
SchedulerParameters=sched_interval=2
SlurmctldTimeout=10
SlurmdTimeout=30
InactiveLimit=0
NodeName=node1 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$node1_port CPUs=8 RealMemory=16384 Gres=gpu:a100:8 State=UNKNOWN
NodeName=node2 NodeHostname=localhost NodeAddr=127.0.0.1 Port=$node2_port CPUs=8 RealMemory=16384 Gres=gpu:8 State=UNKNOWN
PartitionName=dash Nodes=node1,node2 Default=YES MaxTime=INFINITE State=UP
PartitionName=other Nodes=node1,node2 MaxTime=INFINITE State=UP
CONF
cat > gres.conf <<CONF
NodeName=node1 Name=gpu Type=a100 File=$scratch/dev/gpu[0-7]
NodeName=node2 Name=gpu File=$scratch/dev/gpu[0-7]
CONF
chmod 0644 slurm.conf gres.conf cgroup.conf
export SLURM_CONF="$scratch/slurm.conf"

fail() {
    echo "slurm: $1; logs in $scratch/log" >&2
    tail -n 20 "$scratch"/log/*.log >&2 2>/dev/null || true
    exit 1
}

slurmctld -i -f "$SLURM_CONF" || fail "slurmctld did not start"
for node in node1 node2; do
    slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd $node did not start"
done

# slurmrestd refuses to run as root: it drops to nobody once its socket is open. SLURM_JWT=daemon makes it pass each
# caller's token on to slurmctld.
SLURM_JWT=daemon setsid slurmrestd -f "$SLURM_CONF" -a rest_auth/jwt -s openapi/v0.0.38 -u nobody "127.0.0.1:$rest_port" \
    >"$scratch/log/slurmrestd.log" 2>&1 </dev/null &
echo $! > slurmrestd.pid

cat > env <<ENV
DASHBOARD_TEST_SLURM_URL=http://127.0.0.1:$rest_port
DASHBOARD_TEST_SLURM_JWT_KEY=$scratch/jwt.key
DASHBOARD_TEST_SLURM_CONF=$scratch/slurm.conf
DASHBOARD_TEST_SLURM_SCRATCH=$scratch
ENV

# Ready when both nodes are idle and slurmrestd answers.
for _ in $(seq 1 60); do
    idle=$(sinfo -h -p dash -o '%T %D' 2>/dev/null | awk '$1 == "idle" { n += $2 } END { print n + 0 }')
    if [ "$idle" -ge 2 ] && ss -Htanl "sport = :$rest_port" | grep -q .; then
        echo "slurm: cluster $cluster up (slurmctld :$ctld_port, slurmrestd :$rest_port)" >&2
        echo "$scratch"
        exit 0
    fi
    sleep 0.5
done
fail "the cluster did not come up within 30 s"
