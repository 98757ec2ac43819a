using System.Text.Json.Serialization;

namespace Dashboard.Slurm.Rest;

// What slurmrestd's openapi/v0.0.38 plugin answers (Slurm 22.05), only the fields the dashboard reads. The names
// are the API's own (snake_case); see its schema at GET /openapi/v3.

public sealed record SlurmError(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_code")] int? ErrorCode,
    [property: JsonPropertyName("error_number")] int? ErrorNumber,
    [property: JsonPropertyName("description")] string? Description)
{
    public string Describe() => string.Join(": ", new[] { Error, Description }.Where(s => !string.IsNullOrWhiteSpace(s)));
}

public sealed record SlurmVersion(
    [property: JsonPropertyName("major")] int Major,
    [property: JsonPropertyName("minor")] int Minor,
    [property: JsonPropertyName("micro")] int Micro);

public sealed record SlurmRelease(
    [property: JsonPropertyName("version")] SlurmVersion? Version,
    [property: JsonPropertyName("release")] string? Release);

public sealed record SlurmMeta([property: JsonPropertyName("Slurm")] SlurmRelease? Slurm);

public sealed record SlurmNode(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("state")] string? State,
    [property: JsonPropertyName("state_flags")] IReadOnlyList<string>? StateFlags,
    [property: JsonPropertyName("cpus")] int Cpus,
    [property: JsonPropertyName("real_memory")] long RealMemory,
    [property: JsonPropertyName("gres")] string? Gres,
    [property: JsonPropertyName("partitions")] IReadOnlyList<string>? Partitions,
    [property: JsonPropertyName("reason")] string? Reason);

public sealed record SlurmNodesResponse(
    [property: JsonPropertyName("meta")] SlurmMeta? Meta,
    [property: JsonPropertyName("errors")] IReadOnlyList<SlurmError>? Errors,
    [property: JsonPropertyName("nodes")] IReadOnlyList<SlurmNode>? Nodes);

public sealed record SlurmJob(
    [property: JsonPropertyName("job_id")] long JobId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("job_state")] string? JobState,
    [property: JsonPropertyName("state_reason")] string? StateReason,
    [property: JsonPropertyName("exit_code")] int? ExitCode,
    [property: JsonPropertyName("user_name")] string? UserName,
    [property: JsonPropertyName("nodes")] string? Nodes,
    [property: JsonPropertyName("partition")] string? Partition,
    [property: JsonPropertyName("gres_detail")] IReadOnlyList<string>? GresDetail,
    [property: JsonPropertyName("tres_alloc_str")] string? TresAlloc,
    [property: JsonPropertyName("comment")] string? Comment,
    [property: JsonPropertyName("standard_output")] string? StandardOutput)
{
    /// <summary>Its time limit in minutes (null when Slurm gives none).</summary>
    [JsonPropertyName("time_limit")]
    public long? TimeLimit { get; init; }

    /// <summary>Where the job runs, node by node (what a job spanning several nodes holds on each).</summary>
    [JsonPropertyName("job_resources")]
    public SlurmJobResources? Resources { get; init; }
}

/// <summary>A running job's allocation, node by node, in the order of its node list (and of its gres_detail).</summary>
public sealed record SlurmJobResources(
    [property: JsonPropertyName("nodes")] string? Nodes,
    [property: JsonPropertyName("allocated_nodes")] IReadOnlyList<SlurmAllocatedNode>? AllocatedNodes);

/// <summary>What a job holds on one node: its cores (socket by socket, "allocated") and memory in MiB.</summary>
public sealed record SlurmAllocatedNode(
    [property: JsonPropertyName("nodename")] string Name,
    [property: JsonPropertyName("memory_allocated")] long? MemoryAllocated,
    [property: JsonPropertyName("sockets")] IReadOnlyDictionary<string, SlurmSocket>? Sockets)
{
    /// <summary>The cores the job holds on this node.</summary>
    public int AllocatedCores => (Sockets ?? new Dictionary<string, SlurmSocket>()).Values
        .Sum(s => (s.Cores ?? new Dictionary<string, string>()).Values.Count(c => c.StartsWith("allocated", StringComparison.OrdinalIgnoreCase)));
}

public sealed record SlurmSocket([property: JsonPropertyName("cores")] IReadOnlyDictionary<string, string>? Cores);

public sealed record SlurmJobsResponse(
    [property: JsonPropertyName("meta")] SlurmMeta? Meta,
    [property: JsonPropertyName("errors")] IReadOnlyList<SlurmError>? Errors,
    [property: JsonPropertyName("jobs")] IReadOnlyList<SlurmJob>? Jobs);

/// <summary>
/// The job properties of a submit (v0.0.38 job_properties). <see cref="NodeList"/> pins the job to the planned node
/// (its ReqNodeList; v0.0.38 refuses "required_nodes" but takes "nodelist"), so no scontrol runs per start.
/// <see cref="NoRequeue"/>: Slurm never requeues the job itself (on a node failure it ends NODE_FAIL and the dashboard
/// puts it back in its own queue); 22.05's v0.0.38 ignores its documented "requeue": false (the job shows Requeue=1,
/// and Slurm reruns it on its own) but honours "no_requeue", sbatch's --no-requeue.
/// </summary>
public sealed record SlurmJobProperties(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("partition")] string Partition,
    [property: JsonPropertyName("nodelist")] string NodeList,
    [property: JsonPropertyName("comment")] string Comment,
    [property: JsonPropertyName("cpus_per_task")] int CpusPerTask,
    [property: JsonPropertyName("memory_per_node")] long MemoryPerNode,
    [property: JsonPropertyName("time_limit")] int? TimeLimit,
    [property: JsonPropertyName("current_working_directory")] string CurrentWorkingDirectory,
    [property: JsonPropertyName("standard_output")] string StandardOutput,
    [property: JsonPropertyName("environment")] IReadOnlyDictionary<string, string> Environment,
    [property: JsonPropertyName("no_requeue")] bool NoRequeue = true)
{
    [JsonPropertyName("gres")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Gres { get; init; }
}

public sealed record SlurmSubmission(
    [property: JsonPropertyName("script")] string Script,
    [property: JsonPropertyName("job")] SlurmJobProperties Job);

public sealed record SlurmSubmitResponse(
    [property: JsonPropertyName("errors")] IReadOnlyList<SlurmError>? Errors,
    [property: JsonPropertyName("job_id")] long? JobId);

public sealed record SlurmPlainResponse(
    [property: JsonPropertyName("meta")] SlurmMeta? Meta,
    [property: JsonPropertyName("errors")] IReadOnlyList<SlurmError>? Errors);

/// <summary>A job update (v0.0.38 job_properties) that changes only the time limit, in minutes.</summary>
public sealed record SlurmTimeLimitUpdate([property: JsonPropertyName("time_limit")] int TimeLimit);
