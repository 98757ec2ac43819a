using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Planning.Reference;

/// <summary>
/// The start estimator as it was before it was rewritten for speed (string-keyed quota books, the framework's
/// priority queues, <see cref="ReferenceSimulatedCapacity"/>): kept verbatim as the reference the fast
/// <see cref="StartEstimator"/> must agree with, estimate for estimate.
/// Step 6's clock: when each pending job is expected to start. Simulates the future from the state the plan
/// leaves: running jobs end at their expected end, and the pending jobs start in scheduling order, each as soon
/// as its team's quota and one node's capacity allow, and run for their walltime. A job whose start depends on
/// a job without a walltime has no estimate (null). Because every job ends by its walltime at the latest and the
/// real scheduler also backfills, an estimate is an upper bound when every job involved has a walltime.
/// </summary>
internal sealed class ReferenceStartEstimator
{
    private readonly NodeCapacity nodes;
    private readonly ReferenceSimulatedCapacity capacity;
    private readonly QuotaLedger quota;
    private readonly PriorityQueue<SimulatedEnd, (DateTimeOffset At, long Job)> ends = new();
    private readonly Dictionary<string, PriorityQueue<int, int>> quotaWaiting = new(StringComparer.Ordinal);
    private readonly PriorityQueue<int, int> admissible = new();

    /// <summary>How many jobs wait in <see cref="quotaWaiting"/>, all teams together.</summary>
    private int waitingForQuota;
    private readonly IReadOnlyList<Job> jobs;
    private readonly DateTimeOffset?[] estimates;
    private DateTimeOffset clock;

    private ReferenceStartEstimator(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, IReadOnlyList<Job> jobs, DateTimeOffset now)
    {
        nodes = capacity;
        this.capacity = new ReferenceSimulatedCapacity(capacity);
        this.quota = quota;
        this.jobs = jobs;
        estimates = new DateTimeOffset?[jobs.Count];
        clock = now;
        foreach (var running in holding)
        {
            if (running.Allocation.ExpectedEnd is { } end && nodes.IndexOf(running.Allocation.Node) is var node and >= 0)
            {
                var at = end > now ? end : now;
                ends.Enqueue(new SimulatedEnd(node, NodeCapacity.MaskOf(running.Allocation.GpuIndices.AsSpan()), running.Allocation.Amount, running.Job.Team), (at, running.Job.Id.Value));
            }
        }
    }

    /// <summary>
    /// Estimated starts for <paramref name="jobsInOrder"/> (pending jobs in scheduling order) given the capacity and
    /// quota use after the plan; <paramref name="holding"/> are all jobs that hold capacity (running and just started).
    /// The ledger passed in is consumed: pass a clone; the capacity is only read.
    /// </summary>
    public static DateTimeOffset?[] Estimate(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, IReadOnlyList<Job> jobsInOrder, DateTimeOffset now)
    {
        var estimator = new ReferenceStartEstimator(capacity, quota, holding, jobsInOrder, now);
        estimator.Run();
        return estimator.estimates;
    }

    /// <summary>The reference estimates written into <paramref name="estimates"/>, as the scheduler's step 6 takes them.</summary>
    public static void Into(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, WaitingJobs jobsInOrder, DateTimeOffset now, DateTimeOffset?[] estimates)
    {
        // Each waiting job runs, in the simulation, for the time the pass expects (its run-time prediction, capped by its walltime).
        var jobs = new List<Job>(jobsInOrder.Count);
        var index = 0;
        foreach (var job in jobsInOrder)
        {
            var expected = jobsInOrder.Demand(index++).Walltime;
            jobs.Add(expected == job.Spec.Walltime ? job : job with { Spec = job.Spec with { Walltime = expected } });
        }

        Estimate(capacity, quota, holding, jobs, now).CopyTo(estimates, 0);
    }

    private void Run()
    {
        var next = 0;
        while (true)
        {
            int index;
            var fromAdmissible = admissible.TryPeek(out var waiting, out _) && (next >= jobs.Count || waiting < next);
            if (fromAdmissible)
            {
                index = waiting;
            }
            else if (next < jobs.Count)
            {
                index = next;
            }
            else if (waitingForQuota > 0 && AdvanceToNextEnd())
            {
                // Only jobs waiting for their team's quota are left: let time run until their team frees some.
                continue;
            }
            else
            {
                break;
            }

            var job = jobs[index];
            if (quota.Admit(job.Team, job.Request.Amount) == Admission.Blocked)
            {
                TakeFromSource(fromAdmissible, ref next);
                WaitForQuota(job.Team, index);
                continue;
            }

            var node = capacity.FirstFit(job.Request);
            if (node >= 0)
            {
                TakeFromSource(fromAdmissible, ref next);
                Start(index, node);
                continue;
            }

            if (!AdvanceToNextEnd())
            {
                // Nothing with a known end will ever free capacity for it: no estimate.
                TakeFromSource(fromAdmissible, ref next);
            }
        }
    }

    private void TakeFromSource(bool fromAdmissible, ref int next)
    {
        if (fromAdmissible)
        {
            admissible.Dequeue();
        }
        else
        {
            next++;
        }
    }

    private void WaitForQuota(string team, int index)
    {
        if (!quotaWaiting.TryGetValue(team, out var waiting))
        {
            waiting = new PriorityQueue<int, int>();
            quotaWaiting[team] = waiting;
        }

        waiting.Enqueue(index, index);
        waitingForQuota++;
    }

    private void Start(int index, int node)
    {
        var job = jobs[index];
        var gpus = capacity.Take(node, job.Request);
        quota.Charge(job.Team, job.Request.Amount);
        estimates[index] = clock;
        if (job.Spec.Walltime is { } walltime)
        {
            ends.Enqueue(new SimulatedEnd(node, gpus, job.Request.Amount, job.Team), (clock + walltime, job.Id.Value));
        }
    }

    private bool AdvanceToNextEnd()
    {
        if (!ends.TryDequeue(out var end, out var key))
        {
            return false;
        }

        clock = key.At > clock ? key.At : clock;
        capacity.Give(end.Node, end.Gpus, end.Amount.CpuMillicores, end.Amount.MemoryMiB);
        quota.Refund(end.Team, end.Amount);
        if (quotaWaiting.TryGetValue(end.Team, out var waiting))
        {
            // The team has room again: as many of its quota-blocked jobs as now fit together rejoin the order at
            // their place.
            var joining = ResourceAmount.Zero;
            while (waiting.TryPeek(out var index, out _) && quota.Admit(end.Team, joining + jobs[index].Request.Amount) != Admission.Blocked)
            {
                joining += jobs[index].Request.Amount;
                admissible.Enqueue(waiting.Dequeue(), index);
                waitingForQuota--;
            }
        }

        return true;
    }

    private readonly record struct SimulatedEnd(int Node, ulong Gpus, ResourceAmount Amount, string Team);
}
