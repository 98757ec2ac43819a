using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>A job as the API shows it: what was asked for, where it stands, where it runs, and why it waits.</summary>
/// <param name="State">One of <c>Pending</c>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c>, <c>Cancelled</c>, <c>TimedOut</c>.</param>
/// <param name="EndReason">Why the job ended (once it has), e.g. "exited with code 1" or "cancelled by alice".</param>
/// <param name="Allocation">Where the job runs (or last ran); null when it never started.</param>
/// <param name="Pending">Why the job waits and when it should start; null unless it is pending.</param>
/// <param name="Simulated">True when the job runs (or ran) on a simulated demo node: nothing was executed.</param>
public sealed record JobView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("team")] string Team,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("request")] JobRequestView Request,
    [property: JsonPropertyName("submittedAt")] DateTimeOffset SubmittedAt,
    [property: JsonPropertyName("startedAt")] DateTimeOffset? StartedAt,
    [property: JsonPropertyName("endedAt")] DateTimeOffset? EndedAt,
    [property: JsonPropertyName("exitCode")] int? ExitCode,
    [property: JsonPropertyName("endReason")] string? EndReason,
    [property: JsonPropertyName("allocation")] JobAllocationView? Allocation,
    [property: JsonPropertyName("pending")] JobPendingView? Pending,
    [property: JsonPropertyName("simulated")] bool Simulated)
{
    /// <summary>
    /// While the job runs: what its backend last said about the run (e.g. "Slurm keeps Slurm job 12 pending:
    /// Resources ..." for a job started on a Slurm node that Slurm has not started yet); null when nothing was said.
    /// </summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }
}

/// <summary>What a job asked for, in the units of <see cref="JobSubmitRequest"/> (cores, GiB), so it can be submitted again as it is.</summary>
/// <param name="Walltime">As <see cref="JobSubmitRequest.Walltime"/> reads it ("2h30m"); null for no limit.</param>
/// <param name="WalltimeSeconds">The same walltime in seconds; null for no limit.</param>
public sealed record JobRequestView(
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("gpuModel")] string? GpuModel,
    [property: JsonPropertyName("cpu")] decimal Cpu,
    [property: JsonPropertyName("cpuLimit")] decimal? CpuLimit,
    [property: JsonPropertyName("memory")] decimal Memory,
    [property: JsonPropertyName("memoryLimit")] decimal? MemoryLimit,
    [property: JsonPropertyName("walltime")] string? Walltime,
    [property: JsonPropertyName("walltimeSeconds")] long? WalltimeSeconds,
    [property: JsonPropertyName("priority")] int Priority);

/// <summary>Where a job runs or ran: one node, exact GPU indices, CPU cores and memory (GiB).</summary>
/// <param name="Borrowing">True when the job uses idle capacity beyond its team's quota and so may be preempted.</param>
/// <param name="Current">True while the job holds it; false once released.</param>
public sealed record JobAllocationView(
    [property: JsonPropertyName("node")] string Node,
    [property: JsonPropertyName("gpuIndices")] IReadOnlyList<int> GpuIndices,
    [property: JsonPropertyName("cpu")] decimal Cpu,
    [property: JsonPropertyName("memory")] decimal Memory,
    [property: JsonPropertyName("borrowing")] bool Borrowing,
    [property: JsonPropertyName("current")] bool Current);

/// <summary>
/// Why a pending job waits, in plain words, and when the scheduler expects it to start (null: unknown);
/// <see cref="ExplainedAsOf"/> is the time of the cluster state they were computed from (null: not explained yet).
/// </summary>
public sealed record JobPendingView(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("estimatedStart")] DateTimeOffset? EstimatedStart,
    [property: JsonPropertyName("explainedAsOf")] DateTimeOffset? ExplainedAsOf = null);

/// <summary>
/// One page of a job list: <see cref="Total"/> jobs match in all, counted up to 10,000 (1,000 with a text; when more match,
/// <see cref="TotalIsLowerBound"/> is true and the total says "at least"); <see cref="Page"/> counts from 1 (0 for a
/// page read with a cursor). <see cref="Next"/> is the cursor of the page after this one (pass it as <c>after</c>; it
/// reaches past the counted jobs too); null when this page was not full.
/// </summary>
public sealed record JobPage(
    [property: JsonPropertyName("items")] IReadOnlyList<JobView> Items,
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("page")] int Page,
    [property: JsonPropertyName("pageSize")] int PageSize,
    [property: JsonPropertyName("next")] string? Next = null,
    [property: JsonPropertyName("totalIsLowerBound")] bool TotalIsLowerBound = false);

/// <summary>The answer to a cancel: the job as it is now, and whether it is still stopping (a running job gets SIGTERM first).</summary>
public sealed record JobCancelResult(
    [property: JsonPropertyName("job")] JobView Job,
    [property: JsonPropertyName("stopping")] bool Stopping,
    [property: JsonPropertyName("message")] string Message);
