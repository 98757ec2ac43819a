using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>What an executor that runs jobs elsewhere (Slurm) tells the engine about them, through the single writer.</summary>
public sealed partial class ClusterEngine
{
    /// <summary>
    /// Corrects the GPU indices of running jobs on <paramref name="node"/> to the ones really bound. Refused (and nothing
    /// changes) when a job is not running there, a count differs, or two jobs would hold one GPU.
    /// </summary>
    public Task<CommandResult> CorrectGpuAllocationAsync(string node, IReadOnlyList<(JobId Job, ImmutableArray<int> GpuIndices)> corrections, string actor) =>
        Send(new CorrectGpuAllocationCommand(node, [.. corrections], actor) { Completion = NewCompletion() });

    /// <summary>Records what the backend says about a running job (e.g. why Slurm keeps it pending): its reason and a row of its history.</summary>
    public Task<CommandResult> NoteRunningJobAsync(JobId job, string note) =>
        Send(new NoteRunningJobCommand(job, note) { Completion = NewCompletion() });
}
