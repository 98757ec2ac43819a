using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Recovery;

/// <summary>
/// Drives a <see cref="RecordingCluster"/> through random but legal steps (submit, start on free GPUs, end, requeue,
/// cancel, change a quota, change a node's state) from a seed, keeping within capacity and nominal quotas.
/// </summary>
internal sealed class RandomCluster(RecordingCluster cluster, Random random, DateTimeOffset start)
{
    private static readonly string[] Teams = ["audio", "vision"];
    private DateTimeOffset now = start;

    public long NextId { get; private set; } = 1;

    public void Setup()
    {
        cluster.UpsertNode(Node("gpu-01"), now);
        cluster.UpsertNode(Node("gpu-02", gpus: 4, model: "H100"), now);
        cluster.UpsertNode(Node("cpu-01", gpus: 0), now);
        cluster.SetQuota(Quota("audio", gpus: 3, borrowGpus: 6), now);
        cluster.SetQuota(Quota("vision", gpus: 5, borrowGpus: 6), now);
    }

    public void Step()
    {
        now = now.AddSeconds(random.Next(1, 600)).AddMilliseconds(random.Next(1000));
        var snapshot = cluster.Snapshot;
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                var team = Teams[random.Next(Teams.Length)];
                cluster.Submit(Job(NextId++, now, team, gpus: random.Next(0, 4), priority: random.Next(-3, 4)));
                break;
            case 3 or 4 or 5 when snapshot.Pending.Count > 0:
                TryStart(snapshot.Pending.AllJobs.ElementAt(random.Next(snapshot.Pending.Count)));
                break;
            case 6 when snapshot.Running.Length > 0:
                cluster.End(Pick(snapshot.Running).Job.Id, random.Next(2) == 0 ? JobState.Succeeded : JobState.Failed, now, random.Next(0, 3));
                break;
            case 7 when snapshot.Running.Length > 0:
                cluster.Requeue(Pick(snapshot.Running).Job.Id, now);
                break;
            case 8 when snapshot.Pending.Count > 0:
                cluster.Cancel(snapshot.Pending.AllJobs.ElementAt(random.Next(snapshot.Pending.Count)).Id, now);
                break;
            case 9:
                if (random.Next(2) == 0)
                {
                    cluster.SetQuota(Quota(Teams[random.Next(Teams.Length)], gpus: random.Next(0, 8), borrowGpus: 6), now);
                }
                else
                {
                    var node = Pick(snapshot.Nodes);
                    var state = random.Next(4) switch { 0 => NodeState.Draining, 1 => NodeState.Down, _ => NodeState.Ready };
                    cluster.SetNodeState(node.Name, state, "operator", now);
                }

                break;
        }
    }

    /// <summary>A closing scheduling pass, so the state to recover surely has running jobs as well as pending ones.</summary>
    public void ReadyEveryNodeAndStartWhatFits()
    {
        foreach (var node in cluster.Snapshot.Nodes.Where(n => n.State != NodeState.Ready))
        {
            cluster.SetNodeState(node.Name, NodeState.Ready, "back", now);
        }

        foreach (var job in cluster.Snapshot.Pending.AllJobs.ToList())
        {
            TryStart(job);
        }
    }

    private void TryStart(Job job)
    {
        var snapshot = cluster.Snapshot;
        var request = job.Request;
        foreach (var node in snapshot.Nodes.Where(n => n.IsSchedulable).OrderBy(_ => random.Next()))
        {
            var onNode = snapshot.Running.Where(r => r.Allocation.Node == node.Name).ToList();
            var held = onNode.SelectMany(r => r.Allocation.GpuIndices).ToHashSet();
            var free = node.Gpus.Select(g => g.Index).Where(i => !held.Contains(i)).ToList();
            var cpu = onNode.Sum(r => r.Allocation.CpuMillicores);
            var memory = onNode.Sum(r => r.Allocation.MemoryMiB);
            if (free.Count < request.Gpus || cpu + request.CpuMillicores > node.CpuMillicores || memory + request.MemoryMiB > node.MemoryMiB)
            {
                continue;
            }

            var quota = snapshot.Quotas.Single(q => q.Team == job.Team);
            var nominalUse = snapshot.Running.Where(r => r.Job.Team == job.Team && !r.Borrowing)
                .Aggregate(ResourceAmount.Zero, (sum, r) => sum + r.Allocation.Amount);
            var borrowing = !(nominalUse + request.Amount).FitsWithin(quota.Nominal);
            ImmutableArray<int> gpus = [.. free.OrderBy(_ => random.Next()).Take(request.Gpus)];
            var walltime = random.Next(2) == 0 ? (DateTimeOffset?)null : now.AddHours(random.Next(1, 5));
            cluster.Start(job.Id, new GpuAllocation(job.Id, node.Name, gpus, request.CpuMillicores, request.MemoryMiB, now, walltime), borrowing);
            return;
        }
    }

    private T Pick<T>(ImmutableArray<T> items) => items[random.Next(items.Length)];
}
