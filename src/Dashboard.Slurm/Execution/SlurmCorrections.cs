using System.Collections.Immutable;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Slurm.Execution;

/// <summary>
/// After each poll, tells the engine (its single writer) what Slurm did with the jobs it started: the GPU indices
/// Slurm really bound replace the planned ones in their allocations (so the tiles show the truth), and a job Slurm
/// keeps pending gets Slurm's reason as its note (job page history, the API's note), then a note when it runs.
/// </summary>
public sealed partial class SlurmCorrections(ClusterEngine engine, ILogger<SlurmCorrections> logger)
{
    /// <summary>Slurm's reasons that say nothing yet: the job was just released and waits for Slurm's next scheduling pass.</summary>
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal) { "None", "JobHeldUser", "JobHeldAdmin", "BeginTime" };

    private readonly Dictionary<JobId, string> noted = [];

    public async Task ApplyAsync(IReadOnlyList<SlurmRun> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var snapshot = engine.Feed.Current?.Snapshot;
        if (snapshot is null)
        {
            return;
        }

        var running = snapshot.Running.ToDictionary(r => r.Job.Id);
        foreach (var gone in noted.Keys.Where(j => !running.ContainsKey(j)).ToList())
        {
            noted.Remove(gone);
        }

        var corrections = new List<(string Node, JobId Job, ImmutableArray<int> Indices)>();
        foreach (var run in runs)
        {
            if (!running.TryGetValue(run.Job, out var held) || run.SlurmJobId is not { } slurmId)
            {
                continue;
            }

            if (run.WaitingReason is { Length: > 0 } reason && !Transient.Contains(reason))
            {
                await NoteAsync(run.Job, $"Slurm keeps Slurm job {slurmId} pending: {SlurmReasons.Describe(reason)}").ConfigureAwait(false);
            }
            else if (run.BoundGpus is { } bound)
            {
                if (noted.ContainsKey(run.Job))
                {
                    await NoteAsync(run.Job, $"Slurm job {slurmId} runs now on {held.Allocation.Node}").ConfigureAwait(false);
                }

                if (bound.Count == held.Allocation.GpuIndices.Length && bound.Count > 0 && !bound.Order().SequenceEqual(held.Allocation.GpuIndices.Order()))
                {
                    corrections.Add((held.Allocation.Node, run.Job, [.. bound]));
                }
            }
        }

        foreach (var node in corrections.GroupBy(c => c.Node))
        {
            var result = await engine.CorrectGpuAllocationAsync(node.Key, [.. node.Select(c => (c.Job, c.Indices))], "slurm").ConfigureAwait(false);
            if (result.Outcome == CommandOutcome.Accepted)
            {
                var described = string.Join("; ", node.Select(c => $"job {c.Job}: GPUs {string.Join(",", c.Indices)}"));
                SlurmCorrectionsLog.Corrected(logger, node.Key, described);
            }
            else if (result.Outcome != CommandOutcome.Accepted)
            {
                // Another job's binding is not known yet, say: the next poll tries again with everything it then knows.
                SlurmCorrectionsLog.NotYet(logger, node.Key, result.Reason ?? "refused");
            }
        }
    }

    private async Task NoteAsync(JobId job, string note)
    {
        if (noted.TryGetValue(job, out var last) && last == note)
        {
            return;
        }

        if ((await engine.NoteRunningJobAsync(job, note).ConfigureAwait(false)).Outcome == CommandOutcome.Accepted)
        {
            noted[job] = note;
        }
    }
}

/// <summary>Slurm's pending reasons in words.</summary>
public static class SlurmReasons
{
    public static string Describe(string reason) => reason switch
    {
        "Resources" => "Resources (another job, perhaps one sent outside the dashboard, holds the room on its node)",
        "Priority" => "Priority (Slurm runs jobs of higher priority first)",
        "ReqNodeNotAvail" => "ReqNodeNotAvail (its node is drained, down or reserved)",
        "Reservation" => "Reservation (a Slurm reservation holds its node)",
        "PartitionDown" or "PartitionInactive" => reason + " (its partition takes no jobs)",
        _ => reason,
    };
}

internal static partial class SlurmCorrectionsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Slurm bound other GPUs than planned on {Node}; allocations corrected: {Corrections}")]
    public static partial void Corrected(ILogger logger, string node, string corrections);

    [LoggerMessage(Level = LogLevel.Debug, Message = "GPU corrections on {Node} wait for the next poll: {Reason}")]
    public static partial void NotYet(ILogger logger, string node, string reason);
}
