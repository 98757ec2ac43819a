using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// The cluster's totals now: Ready and Draining nodes count as capacity, Down nodes do not. CPU in cores, memory in GiB.
/// <see cref="At"/> is the time of the engine state it describes.
/// </summary>
public sealed record ClusterSummaryView(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("gpusTotal")] int GpusTotal,
    [property: JsonPropertyName("gpusUsed")] int GpusUsed,
    [property: JsonPropertyName("cpuTotal")] decimal CpuTotal,
    [property: JsonPropertyName("cpuUsed")] decimal CpuUsed,
    [property: JsonPropertyName("memoryTotal")] decimal MemoryTotal,
    [property: JsonPropertyName("memoryUsed")] decimal MemoryUsed,
    [property: JsonPropertyName("pendingJobs")] int PendingJobs,
    [property: JsonPropertyName("runningJobs")] int RunningJobs,
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("nodesReady")] int NodesReady,
    [property: JsonPropertyName("nodesDraining")] int NodesDraining,
    [property: JsonPropertyName("nodesDown")] int NodesDown,
    [property: JsonPropertyName("simulatedNodes")] int SimulatedNodes);

/// <summary>One node: state (<c>Ready</c>, <c>Draining</c>, <c>Down</c>), capacity and use (CPU in cores, memory in GiB), and each GPU.</summary>
public sealed record NodeView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("simulated")] bool Simulated,
    [property: JsonPropertyName("gpusTotal")] int GpusTotal,
    [property: JsonPropertyName("gpusUsed")] int GpusUsed,
    [property: JsonPropertyName("cpuTotal")] decimal CpuTotal,
    [property: JsonPropertyName("cpuUsed")] decimal CpuUsed,
    [property: JsonPropertyName("memoryTotal")] decimal MemoryTotal,
    [property: JsonPropertyName("memoryUsed")] decimal MemoryUsed,
    [property: JsonPropertyName("gpus")] IReadOnlyList<NodeGpuView> Gpus);

/// <summary>One GPU of a node and the job holding it (null when free). Job and team are shown to everyone, as on the Cluster page.</summary>
public sealed record NodeGpuView(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("memoryMiB")] long MemoryMiB,
    [property: JsonPropertyName("job")] long? Job,
    [property: JsonPropertyName("team")] string? Team);

/// <summary>GPUs, CPU cores and memory (GiB).</summary>
public sealed record ResourcesView(
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("cpu")] decimal Cpu,
    [property: JsonPropertyName("memory")] decimal Memory);

/// <summary>
/// A team's quota and use: <see cref="Nominal"/> is guaranteed, <see cref="BorrowingLimit"/> is how much idle capacity
/// beyond it the team may borrow; <see cref="Borrowed"/> is use above nominal (those jobs are preemptible),
/// <see cref="Lent"/> the team's idle nominal.
/// </summary>
public sealed record TeamQuotaView(
    [property: JsonPropertyName("team")] string Team,
    [property: JsonPropertyName("nominal")] ResourcesView Nominal,
    [property: JsonPropertyName("borrowingLimit")] ResourcesView BorrowingLimit,
    [property: JsonPropertyName("used")] ResourcesView Used,
    [property: JsonPropertyName("borrowed")] ResourcesView Borrowed,
    [property: JsonPropertyName("lent")] ResourcesView Lent,
    [property: JsonPropertyName("fairShareWeight")] double FairShareWeight,
    [property: JsonPropertyName("maxPriority")] int MaxPriority);

/// <summary>
/// <c>PUT /api/v1/teams/{team}/quota</c> (admins): the team's whole quota, the same fields and rules as the admin quota
/// page (CPU in cores, memory in GiB, decimals allowed; none negative; a changed amount may not exceed the cluster's
/// capacity). Every field is required. A team without a quota is created by its first one.
/// </summary>
public sealed record TeamQuotaUpdate
{
    [JsonPropertyName("nominalGpus")]
    public int NominalGpus { get; init; }

    [JsonPropertyName("nominalCpu")]
    public decimal NominalCpu { get; init; }

    [JsonPropertyName("nominalMemory")]
    public decimal NominalMemory { get; init; }

    [JsonPropertyName("borrowingLimitGpus")]
    public int BorrowingLimitGpus { get; init; }

    [JsonPropertyName("borrowingLimitCpu")]
    public decimal BorrowingLimitCpu { get; init; }

    [JsonPropertyName("borrowingLimitMemory")]
    public decimal BorrowingLimitMemory { get; init; }

    [JsonPropertyName("fairShareWeight")]
    public double FairShareWeight { get; init; } = 1;

    [JsonPropertyName("maxPriority")]
    public int MaxPriority { get; init; }
}

/// <summary>The caller as the API sees them: account name, role (<c>Member</c>, <c>TeamLead</c>, <c>Admin</c>) and teams.</summary>
public sealed record AccountView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("teams")] IReadOnlyList<string> Teams);

/// <summary>A personal API token as listed (never its secret): created and revoked on the /account/tokens page.</summary>
public sealed record TokenView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("prefix")] string Prefix,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("lastUsedAt")] DateTimeOffset? LastUsedAt,
    [property: JsonPropertyName("revokedAt")] DateTimeOffset? RevokedAt);
