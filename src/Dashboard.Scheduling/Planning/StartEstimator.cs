using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 6's clock: when each pending job is expected to start. Simulates the future from the state the plan
/// leaves: running jobs end at their expected end, and the pending jobs start in scheduling order, each as soon
/// as its team's quota and one node's capacity allow, and run for their walltime. A job whose start depends on
/// a job without a walltime has no estimate (null). Because every job ends by its walltime at the latest and the
/// real scheduler also backfills, an estimate is an upper bound when every job involved has a walltime.
/// A full-cluster pass runs this loop some 300,000 times, so its books are flat arrays: teams by number (not by
/// name), quota use as three numbers per team, ends grouped by instant (<see cref="EndCalendar"/>), each team's
/// quota-blocked jobs in a line by position (<see cref="QuotaWaitQueue"/>) and the re-admitted ones in a bit set
/// of positions (<see cref="PositionSet"/>). The test project keeps the first, dictionary-based version and checks
/// both agree on random clusters.
/// </summary>
internal sealed class StartEstimator
{
    private readonly SimulatedCapacity capacity;
    private readonly WaitingJobs jobs;
    private readonly DateTimeOffset?[] estimates;
    private readonly TeamBooks teams;
    private readonly EndCalendar ends;
    private readonly PositionSet admissible;

    /// <summary>How many jobs wait for their team's quota, all teams together.</summary>
    private int waitingForQuota;
    private DateTimeOffset clock;

    private StartEstimator(NodeCapacity nodes, QuotaLedger quota, IEnumerable<RunningJob> holding, WaitingJobs jobs, DateTimeOffset now, DateTimeOffset?[] estimates, Queues queues)
    {
        ends = queues.Ends;
        admissible = queues.Admissible;
        admissible.Reserve(jobs.Count);
        capacity = new SimulatedCapacity(nodes);
        this.jobs = jobs;
        this.estimates = estimates;
        clock = now;
        var numbers = new Dictionary<string, int>(jobs.TeamNames.Length, StringComparer.Ordinal);
        for (var i = 0; i < jobs.TeamNames.Length; i++)
        {
            numbers[jobs.TeamNames[i]] = i;
        }

        teams = new TeamBooks(jobs.TeamNames, quota, queues);
        foreach (var running in holding)
        {
            if (running.Allocation.ExpectedEnd is { } end && nodes.IndexOf(running.Allocation.Node) is var node and >= 0)
            {
                var at = end > now ? end : now;
                var amount = running.Allocation.Amount;
                var team = numbers.TryGetValue(running.Job.Team, out var number) ? number : -1;
                ends.Push(new SimulatedEnd(at, running.Job.Id.Value, node, team, NodeCapacity.MaskOf(running.Allocation.GpuIndices.AsSpan()), amount.Gpus, amount.CpuMillicores, amount.MemoryMiB));
            }
        }
    }

    /// <summary>
    /// Writes into <paramref name="estimates"/> the estimated starts of <paramref name="jobsInOrder"/> (pending jobs in
    /// scheduling order) given the capacity and quota use after the plan; <paramref name="holding"/> are all jobs that
    /// hold capacity (running and just started). Neither the capacity nor the ledger is changed.
    /// </summary>
    public static void Estimate(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, WaitingJobs jobsInOrder, DateTimeOffset now, DateTimeOffset?[] estimates) =>
        Estimate(capacity, quota, holding, jobsInOrder, now, estimates, decidedLast: -1);

    /// <summary>
    /// As <see cref="Estimate(NodeCapacity, QuotaLedger, IEnumerable{RunningJob}, WaitingJobs, DateTimeOffset, DateTimeOffset?[])"/>,
    /// but stops as soon as the job at position <paramref name="decidedLast"/> (-1: none) has its estimate or is known
    /// to have none (the what-if's one job): the simulation is sequential and never changes an estimate it wrote,
    /// so that job's estimate is the full run's; the other positions are left unfinished.
    /// </summary>
    public static void Estimate(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, WaitingJobs jobsInOrder, DateTimeOffset now, DateTimeOffset?[] estimates, int decidedLast)
    {
        Array.Clear(estimates, 0, jobsInOrder.Count);
        var queues = Queues.Take();
        try
        {
            new StartEstimator(capacity, quota, holding, jobsInOrder, now, estimates, queues).Run(decidedLast);
        }
        finally
        {
            queues.GiveBack();
        }
    }

    private void Run(int decidedLast)
    {
        var next = 0;
        var count = jobs.Count;
        while (true)
        {
            int index;
            var fromAdmissible = admissible.Count > 0 && (next >= count || admissible.Lowest < next);
            if (fromAdmissible)
            {
                index = admissible.Lowest;
            }
            else if (next < count)
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

            ref readonly var job = ref jobs.Demand(index);
            var team = job.Team;
            if (!teams.Admits(team, job.Gpus, job.CpuMillicores, job.MemoryMiB))
            {
                TakeFromSource(fromAdmissible, ref next);
                teams.Waiting(team).Add(new QuotaWaiter(index, job.Gpus, job.CpuMillicores, job.MemoryMiB));
                waitingForQuota++;
                continue;
            }

            var node = capacity.FirstFit(job.Gpus, job.CpuMillicores, job.MemoryMiB, job.GpuModel);
            if (node >= 0)
            {
                TakeFromSource(fromAdmissible, ref next);
                Start(index, in job, node);
                if (index == decidedLast)
                {
                    return;
                }

                continue;
            }

            if (!AdvanceToNextEnd())
            {
                // Nothing with a known end will ever free capacity for it: no estimate.
                TakeFromSource(fromAdmissible, ref next);
                if (index == decidedLast)
                {
                    return;
                }
            }
        }
    }

    private void TakeFromSource(bool fromAdmissible, ref int next)
    {
        if (fromAdmissible)
        {
            admissible.RemoveLowest();
        }
        else
        {
            next++;
        }
    }

    private void Start(int index, in JobDemand job, int node)
    {
        var gpus = capacity.Take(node, job.Gpus, job.CpuMillicores, job.MemoryMiB, job.GpuModel);
        teams.Charge(job.Team, job.Gpus, job.CpuMillicores, job.MemoryMiB);
        estimates[index] = clock;
        if (job.Walltime is { } walltime)
        {
            ends.Push(new SimulatedEnd(clock + walltime, job.Id, node, job.Team, gpus, job.Gpus, job.CpuMillicores, job.MemoryMiB));
        }
    }

    private bool AdvanceToNextEnd()
    {
        if (ends.Count == 0)
        {
            return false;
        }

        var end = ends.Pop();
        clock = end.At > clock ? end.At : clock;
        capacity.Give(end.Node, end.Gpus, end.CpuMillicores, end.MemoryMiB);
        var team = end.Team;
        if (team < 0)
        {
            return true;
        }

        teams.Charge(team, -end.GpuCount, -end.CpuMillicores, -end.MemoryMiB);
        if (teams.WaitingOrNull(team) is { Count: > 0 } waiting)
        {
            // The team has room again: as many of its quota-blocked jobs as now fit together rejoin the order at
            // their place.
            var gpus = 0;
            var cpu = 0L;
            var memory = 0L;
            while (waiting.Count > 0)
            {
                ref readonly var job = ref waiting.First;
                if (!teams.Admits(team, gpus + job.Gpus, cpu + job.CpuMillicores, memory + job.MemoryMiB))
                {
                    break;
                }

                gpus += job.Gpus;
                cpu += job.CpuMillicores;
                memory += job.MemoryMiB;
                admissible.Add(job.Position);
                waiting.RemoveFirst();
                waitingForQuota--;
            }
        }

        return true;
    }

    /// <summary>Quota books by team number: what each team may hold and holds now, and its quota-blocked jobs.</summary>
    private sealed class TeamBooks
    {
        private readonly bool[] hasQuota;
        private readonly ResourceAmount[] nominal;
        private readonly ResourceAmount[] ceiling;
        private readonly int[] gpusInUse;
        private readonly long[] cpuInUse;
        private readonly long[] memoryInUse;
        private readonly Queues queues;

        public TeamBooks(string[] names, QuotaLedger quota, Queues queues)
        {
            this.queues = queues;
            var count = names.Length;
            hasQuota = new bool[count];
            nominal = new ResourceAmount[count];
            ceiling = new ResourceAmount[count];
            gpusInUse = new int[count];
            cpuInUse = new long[count];
            memoryInUse = new long[count];
            for (var number = 0; number < count; number++)
            {
                var team = names[number];
                if (quota.QuotaOf(team) is { } teamQuota)
                {
                    hasQuota[number] = true;
                    nominal[number] = teamQuota.Nominal;
                    ceiling[number] = teamQuota.Ceiling;
                }

                var inUse = quota.InUse(team);
                gpusInUse[number] = inUse.Gpus;
                cpuInUse[number] = inUse.CpuMillicores;
                memoryInUse[number] = inUse.MemoryMiB;
            }
        }

        /// <summary><see cref="QuotaLedger.Admit"/> is not <see cref="Admission.Blocked"/>: within nominal quota or ceiling.</summary>
        public bool Admits(int team, int gpus, long cpu, long memory)
        {
            if (!hasQuota[team])
            {
                return false;
            }

            gpus += gpusInUse[team];
            cpu += cpuInUse[team];
            memory += memoryInUse[team];
            ref readonly var n = ref nominal[team];
            if (gpus <= n.Gpus && cpu <= n.CpuMillicores && memory <= n.MemoryMiB)
            {
                return true;
            }

            ref readonly var c = ref ceiling[team];
            return gpus <= c.Gpus && cpu <= c.CpuMillicores && memory <= c.MemoryMiB;
        }

        public void Charge(int team, int gpus, long cpu, long memory)
        {
            gpusInUse[team] += gpus;
            cpuInUse[team] += cpu;
            memoryInUse[team] += memory;
        }

        public QuotaWaitQueue Waiting(int team) => queues.WaitingOf(team);

        public QuotaWaitQueue? WaitingOrNull(int team) => queues.WaitingOrNull(team);
    }

    /// <summary>
    /// The simulation's queues: ends, admissible jobs and each team's quota-blocked jobs. Their arrays grow to a few
    /// hundred KB in a full-cluster pass, several of them large-object allocations that brought full collections
    /// closer, so one set is kept for the next pass (taken and given back atomically, as <see cref="WaitingJobs"/>
    /// keeps its arrays); a pass that finds it taken (passes on other threads) makes its own.
    /// </summary>
    private sealed class Queues
    {
        private static Queues? spare;

        private QuotaWaitQueue?[] waiting = [];

        public EndCalendar Ends { get; } = new();

        public PositionSet Admissible { get; } = new();

        public static Queues Take() => Interlocked.Exchange(ref spare, null) ?? new Queues();

        public QuotaWaitQueue WaitingOf(int team)
        {
            if (team >= waiting.Length)
            {
                Array.Resize(ref waiting, Math.Max(team + 1, waiting.Length * 2));
            }

            return waiting[team] ??= new QuotaWaitQueue();
        }

        public QuotaWaitQueue? WaitingOrNull(int team) => team < waiting.Length ? waiting[team] : null;

        /// <summary>Empties the queues (they hold no references) and keeps them for the next pass.</summary>
        public void GiveBack()
        {
            Ends.Clear();
            Admissible.Clear();
            foreach (var queue in waiting)
            {
                queue?.Clear();
            }

            Volatile.Write(ref spare, this);
        }
    }
}
