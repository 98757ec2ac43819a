using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Usage;

/// <summary>
/// A year of history for 20 teams of 10 users on 250 nodes of 8 GPUs, as it stands after a year of running with the
/// default retention: every job (jobs, allocations, usage records), hour roll-ups for the last 100 days and day
/// roll-ups for the year (both the exact sums of the per-minute samples the jobs would have given), and the
/// per-minute samples of the last 8 days. Each user starts about one job a day.
/// </summary>
internal static class YearOfHistory
{
    public const int Teams = 20;
    public const int UsersPerTeam = 10;
    public const int Nodes = 250;
    public const int GpusPerNode = 8;

    private static readonly int[] JobSizes = [1, 1, 2, 4];

    public static string Team(int t) => $"team-{t:D2}";

    public static string User(int t, int u) => $"user-{t:D2}-{u}";

    public static ImmutableArray<Node> NodeList() =>
        [.. Enumerable.Range(0, Nodes).Select(n => new Node($"node-{n:D4}", [.. Enumerable.Range(0, GpusPerNode).Select(i => new Gpu(i, "H100", 81_920))], 128_000, 1024 * 1024, Simulated: true))];

    public static (int Jobs, long MinuteRows, long HourRows) Write(Database database, DateTimeOffset now)
    {
        var random = new Random(5);
        var nodes = NodeList();
        var end = UsageSplit.AlignDown(now, TimeSpan.FromMinutes(1));
        var start = end.AddDays(-365);
        var jobs = new List<DemoJob>();
        // Each user gets a GPU slot of their own on a node (20 x 10 users = 200 users, 2,000 GPUs): jobs of a user
        // follow one another on it, so nothing is held twice.
        for (var t = 0; t < Teams; t++)
        {
            for (var u = 0; u < UsersPerTeam; u++)
            {
                var userIndex = (t * UsersPerTeam) + u;
                var node = nodes[userIndex % Nodes];
                var firstGpu = userIndex / Nodes * 4 % GpusPerNode;
                var at = start.AddMinutes(random.Next(600));
                while (true)
                {
                    var submitted = at;
                    var startAt = submitted.AddMinutes(random.Next(0, 90));
                    var gpus = JobSizes[random.Next(JobSizes.Length)];
                    var runs = TimeSpan.FromMinutes(random.Next(20, 14 * 60));
                    var ends = startAt + runs;
                    if (ends > end)
                    {
                        break;
                    }

                    var id = new JobId(jobs.Count + 1);
                    var spec = new JobSpec("bench", User(t, u), Team(t), "python train.py", new ResourceRequest(gpus, gpus * 8_000L, gpus * 65_536L), Walltime: runs * 2);
                    var allocation = new GpuAllocation(id, node.Name, [.. Enumerable.Range(firstGpu, gpus)], gpus * 8_000L, gpus * 65_536L, startAt, startAt + (runs * 2));
                    jobs.Add(new DemoJob(new Job(id, spec, submitted), allocation, ends, JobState.Succeeded, null, 0));
                    at = ends.AddMinutes(random.Next(30, 24 * 60));
                }
            }
        }

        jobs = [.. jobs.OrderBy(j => j.Job.SubmittedAt).Select((j, i) => Renumber(j, i + 1))];
        using (var writer = new ClusterWriter(database))
        {
            var changes = new List<ClusterChange>(nodes.Length + (jobs.Count * 6));
            changes.AddRange(nodes.Select(n => new NodeUpserted(n, now)));
            foreach (var job in jobs)
            {
                var id = job.Job.Id;
                var run = (job.End - job.Allocation.Start).TotalSeconds;
                changes.Add(new JobSubmitted(job.Job));
                changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Running, job.Allocation.Start));
                changes.Add(new AllocationMade(job.Allocation, false));
                changes.Add(new AllocationReleased(id, job.End));
                changes.Add(new JobStateChanged(id, JobState.Running, JobState.Succeeded, job.End, null, 0));
                changes.Add(new JobUsageRecorded(new JobUsage(id, (job.Allocation.Start - job.Job.SubmittedAt).TotalSeconds, run, job.Allocation.GpuIndices.Length * run, job.Allocation.CpuMillicores / 1000.0 * run, job.Allocation.MemoryMiB * run, job.End)));
            }

            writer.Write(changes);
        }

        var store = new UsageHistoryStore(database);
        var hoursUntil = UsageSplit.AlignDown(end.AddDays(-8), TimeSpan.FromHours(1));
        var hours = DemoHistory.HourRollups(jobs, nodes, start, hoursUntil);
        store.WriteRollups(hours, new RollupProgress(hoursUntil, null));
        var minutes = DemoHistory.MinuteSamples(jobs, nodes, hoursUntil, end);
        store.WriteSamples(minutes);
        store.RollUp(now);
        store.ApplyRetention(now, new UsageRetention(TimeSpan.FromDays(8), TimeSpan.FromDays(100), null));
        return (jobs.Count, minutes.Sum(m => (long)m.Teams.Count + m.Members.Count), hours.Count);
    }

    private static DemoJob Renumber(DemoJob job, long id)
    {
        var jobId = new JobId(id);
        return job with { Job = job.Job with { Id = jobId }, Allocation = job.Allocation with { Job = jobId } };
    }
}
