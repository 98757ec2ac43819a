using System.Runtime.InteropServices;
using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Usage;

/// <summary>
/// One minute's samples from a published snapshot: per team and per team member, the GPUs, CPU and memory their
/// running jobs hold, and, where the node reports it, mean GPU utilisation and GPU memory in use. Jobs on simulated
/// (demo) nodes get simulated readings and their samples are marked simulated. Each allocated GPU with a reading also
/// gives one per-job sample (the job page's utilisation over time), and each team with an open reservation window its
/// reserved and reserved-but-idle GPUs (<see cref="ReservationSampling"/>). Reads only the snapshot; no I/O.
/// </summary>
public static class UtilisationSampling
{
    public static MinuteSamples Sample(ClusterSnapshot snapshot, DateTimeOffset minute, IReadOnlyDictionary<(string Node, int Index), GpuReading> measured)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(measured);
        var nodes = new Dictionary<string, Node>(snapshot.Nodes.Length, StringComparer.Ordinal);
        foreach (var node in snapshot.Nodes)
        {
            nodes[node.Name] = node;
        }

        var teams = new Dictionary<(string Team, bool Simulated), Tally>();
        var members = new Dictionary<(string Team, string User, bool Simulated), Tally>();
        var jobSamples = new List<JobUtilisationSample>();
        foreach (var running in snapshot.Running)
        {
            var allocation = running.Allocation;
            var simulated = nodes.TryGetValue(allocation.Node, out var node) && node.Simulated;
            var job = new Tally { Gpus = allocation.GpuIndices.Length, CpuMillicores = allocation.CpuMillicores, MemoryMiB = allocation.MemoryMiB };
            foreach (var index in allocation.GpuIndices)
            {
                GpuReading reading;
                if (simulated)
                {
                    reading = SimulatedGpuReadings.For(running.Job.Id.Value, index, minute, GpuMemory(node!, index));
                }
                else if (!measured.TryGetValue((allocation.Node, index), out reading))
                {
                    continue;
                }

                jobSamples.Add(new JobUtilisationSample(running.Job.Id.Value, minute, index, reading.UtilisationPct, reading.MemoryUsedMiB, node is null ? 0 : GpuMemory(node, index), simulated));
                job.Readings++;
                job.UtilisationSum += reading.UtilisationPct;
                job.MemoryUsedMiB += reading.MemoryUsedMiB;
            }

            CollectionsMarshal.GetValueRefOrAddDefault(teams, (running.Job.Team, simulated), out _).Add(job);
            CollectionsMarshal.GetValueRefOrAddDefault(members, (running.Job.Team, running.Job.Spec.Owner, simulated), out _).Add(job);
        }

        var teamSamples = new List<UtilisationSample>(teams.Count);
        foreach (var ((team, simulated), t) in teams)
        {
            teamSamples.Add(new UtilisationSample(team, minute, t.Gpus, t.CpuMillicores, t.MemoryMiB, t.Utilisation, t.MemoryUsed, simulated));
        }

        var memberSamples = new List<MemberUtilisationSample>(members.Count);
        foreach (var ((team, user, simulated), t) in members)
        {
            memberSamples.Add(new MemberUtilisationSample(team, user, minute, t.Gpus, t.CpuMillicores, t.MemoryMiB, t.Utilisation, t.MemoryUsed, simulated));
        }

        return new MinuteSamples(teamSamples, memberSamples, jobSamples, ReservationSampling.Sample(snapshot, minute));
    }

    /// <summary>The same samples stamped with another minute (a sample interval longer than a minute fills every minute).</summary>
    public static MinuteSamples At(MinuteSamples samples, DateTimeOffset minute)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return new MinuteSamples(
            [.. samples.Teams.Select(s => s with { Minute = minute })],
            [.. samples.Members.Select(s => s with { Minute = minute })],
            samples.Jobs is null ? null : [.. samples.Jobs.Select(s => s with { Minute = minute })],
            samples.Reservations is null ? null : [.. samples.Reservations.Select(s => s with { Minute = minute })]);
    }

    private static long GpuMemory(Node node, int index)
    {
        foreach (var gpu in node.Gpus)
        {
            if (gpu.Index == index)
            {
                return gpu.MemoryMiB;
            }
        }

        return 0;
    }

    private struct Tally
    {
        public int Gpus;
        public long CpuMillicores;
        public long MemoryMiB;
        public int Readings;
        public double UtilisationSum;
        public long MemoryUsedMiB;

        public readonly double? Utilisation => Readings == 0 ? null : Math.Round(UtilisationSum / Readings, 2);

        public readonly long? MemoryUsed => Readings == 0 ? null : MemoryUsedMiB;

        public void Add(Tally other)
        {
            Gpus += other.Gpus;
            CpuMillicores += other.CpuMillicores;
            MemoryMiB += other.MemoryMiB;
            Readings += other.Readings;
            UtilisationSum += other.UtilisationSum;
            MemoryUsedMiB += other.MemoryUsedMiB;
        }
    }
}
