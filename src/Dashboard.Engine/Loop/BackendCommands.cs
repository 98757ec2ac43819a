using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>
/// Running jobs on <paramref name="Node"/> hold other GPUs than the plan gave them (a Slurm node binds its own): their
/// allocations take the <paramref name="Corrections"/>' indices, as many as before. Sent by an executor, never by a person.
/// </summary>
internal sealed record CorrectGpuAllocationCommand(string Node, ImmutableArray<(JobId Job, ImmutableArray<int> GpuIndices)> Corrections, string Actor) : EngineCommand;

/// <summary>What the backend says about a running job (Slurm keeps it pending: Resources); it becomes the job's reason and a row of its history.</summary>
internal sealed record NoteRunningJobCommand(JobId Job, string Note) : EngineCommand;
