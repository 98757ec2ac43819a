using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>Chooses which host cores a job is pinned to: the least used ones, so jobs spread over the machine.</summary>
internal sealed class CpuPinning(int coreCount)
{
    private readonly int[] jobsPerCore = new int[Math.Max(1, coreCount)];
    private readonly Dictionary<JobId, int[]> byJob = [];
    private readonly Lock gate = new();

    public IReadOnlyList<int> Take(JobId job, int cores)
    {
        lock (gate)
        {
            var chosen = Enumerable.Range(0, jobsPerCore.Length)
                .OrderBy(core => jobsPerCore[core])
                .ThenBy(core => core)
                .Take(Math.Clamp(cores, 0, jobsPerCore.Length))
                .Order()
                .ToArray();
            foreach (var core in chosen)
            {
                jobsPerCore[core]++;
            }

            byJob[job] = chosen;
            return chosen;
        }
    }

    /// <summary>Books the cores an adopted job already runs on.</summary>
    public void Adopt(JobId job, IReadOnlyList<int> cores)
    {
        lock (gate)
        {
            var valid = cores.Where(core => core >= 0 && core < jobsPerCore.Length).ToArray();
            foreach (var core in valid)
            {
                jobsPerCore[core]++;
            }

            byJob[job] = valid;
        }
    }

    public void Release(JobId job)
    {
        lock (gate)
        {
            if (byJob.Remove(job, out var cores))
            {
                foreach (var core in cores)
                {
                    jobsPerCore[core]--;
                }
            }
        }
    }
}
