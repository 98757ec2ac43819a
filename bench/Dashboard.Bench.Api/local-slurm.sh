#!/usr/bin/env bash
# A local Slurm cluster for the side-by-side sbatch figure (Debian 12: apt-get install -y slurm-wlm munge), shaped like
# the dashboard's benchmark cluster: 2 nodes x 4 GPUs (fake device files), 64 CPUs, 512 GiB each, on this one host.
#   bash bench/Dashboard.Bench.Api/local-slurm.sh start   # as root; then run the benchmark
#   bash bench/Dashboard.Bench.Api/local-slurm.sh stop
set -euo pipefail
action="${1:-start}"
run=/run/dash-bench-slurm

if [[ "$action" == stop ]]; then
  for pidfile in "$run"/*.pid; do [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
  exit 0
fi

command -v slurmctld >/dev/null || { echo "Slurm is not installed: apt-get install -y slurm-wlm munge" >&2; exit 1; }
mkdir -p "$run" /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
chown munge:munge /run/munge && chmod 0711 /run/munge
[[ -s /etc/munge/munge.key ]] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none; chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key; }
if [[ ! -S /run/munge/munge.socket.2 ]]; then
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
fi
for i in 0 1 2 3; do ln -sf /dev/null "/dev/dash-bench-gpu$i"; done

cat > /etc/slurm/slurm.conf <<CONF
ClusterName=dashbench
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=/run/munge/munge.socket.2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd/%n
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd-%n.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
GresTypes=gpu
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd-%n.log
NodeName=node[1-2] NodeHostname=localhost NodeAddr=127.0.0.1 Port=17001-17002 CPUs=64 RealMemory=524288 Gres=gpu:4 State=UNKNOWN
PartitionName=main Nodes=node[1-2] Default=YES MaxTime=INFINITE State=UP
CONF
cat > /etc/slurm/gres.conf <<CONF
NodeName=node[1-2] Name=gpu File=/dev/dash-bench-gpu[0-3]
CONF

slurmctld -i
for node in node1 node2; do slurmd -N "$node"; done
for _ in $(seq 1 30); do
  if sinfo -h -o '%T' 2>/dev/null | grep -q idle; then sinfo; exit 0; fi
  sleep 1
done
echo "Slurm did not come up; see /var/log/slurm/" >&2
exit 1
