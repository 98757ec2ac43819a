using System.Collections.Immutable;
using System.Text.Json;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Corrections an executor that runs jobs elsewhere (Slurm) sends: the GPUs really bound, and notes on a run.</summary>
internal sealed partial class ClusterState
{
    public CommandResult CorrectGpuAllocation(CorrectGpuAllocationCommand command, EngineBatch batch)
    {
        var byJob = new Dictionary<JobId, ImmutableArray<int>>();
        foreach (var (job, indices) in command.Corrections)
        {
            if (FindRunning(job) is not { } running || running.Allocation.Node != command.Node)
            {
                return CommandResult.Conflict($"job {job} is not running on {command.Node}");
            }

            if (indices.Length != running.Allocation.GpuIndices.Length || indices.Distinct().Count() != indices.Length
                || indices.Any(i => i < 0 || i >= Node.MaxGpusPerNode))
            {
                return CommandResult.Conflict($"job {job} holds {running.Allocation.GpuIndices.Length} GPUs; {string.Join(",", indices)} cannot replace them");
            }

            byJob[job] = [.. indices.Order()];
        }

        var changed = byJob.Where(c => !FindRunning(c.Key)!.Allocation.GpuIndices.Order().SequenceEqual(c.Value)).ToList();
        if (changed.Count == 0)
        {
            return CommandResult.Done("unchanged");
        }

        var holders = new Dictionary<int, JobId>();
        foreach (var running in Snapshot.Running.Where(r => r.Allocation.Node == command.Node))
        {
            foreach (var index in byJob.GetValueOrDefault(running.Job.Id, running.Allocation.GpuIndices))
            {
                if (!holders.TryAdd(index, running.Job.Id))
                {
                    return CommandResult.Conflict($"GPU {index} on {command.Node} would be held by jobs {holders[index]} and {running.Job.Id}");
                }
            }
        }

        var runningJobs = Snapshot.Running.ToBuilder();
        for (var i = 0; i < runningJobs.Count; i++)
        {
            if (byJob.TryGetValue(runningJobs[i].Job.Id, out var indices))
            {
                runningJobs[i] = runningJobs[i] with { Allocation = runningJobs[i].Allocation with { GpuIndices = indices } };
            }
        }

        var before = changed.ToDictionary(c => c.Key, c => FindRunning(c.Key)!.Allocation.GpuIndices);
        Snapshot = Snapshot with { Running = runningJobs.ToImmutable() };
        batch.Changes.Add(new GpuIndicesCorrected(command.Node, [.. changed.Select(c => (c.Key, c.Value))]));
        foreach (var (job, indices) in changed)
        {
            batch.Changes.Add(new AuditAppended(new Data.Audit.AuditEntry(
                batch.Now,
                command.Actor,
                "job.gpus.correct",
                $"job:{job}",
                JsonSerializer.Serialize(new { Node = command.Node, GpuIndices = before[job] }),
                JsonSerializer.Serialize(new { Node = command.Node, GpuIndices = indices }))));
        }

        batch.NeedsPlan = true;
        return CommandResult.Done();
    }

    public CommandResult NoteRunningJob(NoteRunningJobCommand command, EngineBatch batch)
    {
        if (FindRunning(command.Job) is null)
        {
            return CommandResult.Conflict($"job {command.Job} is not running");
        }

        batch.Changes.Add(new JobNoted(command.Job, batch.Now, command.Note));
        return CommandResult.Done();
    }
}
