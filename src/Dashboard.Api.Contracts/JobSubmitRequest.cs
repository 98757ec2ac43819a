using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// <c>POST /api/v1/jobs</c>: a job to run, with the same fields, units and rules as the Submit form. Field names are
/// the ones validation errors are keyed by. Required: <see cref="Name"/>, <see cref="Command"/>, <see cref="Team"/>,
/// <see cref="Cpu"/>, <see cref="Memory"/>. Fields not listed here are refused (a misspelt field is an error, not
/// silently ignored).
/// </summary>
public sealed record JobSubmitRequest
{
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>A shell command line, run with <c>sh -c</c> in the job's own folder.</summary>
    [JsonPropertyName("command")]
    public string Command { get; init; } = "";

    /// <summary>One of the caller's teams (admins: any team).</summary>
    [JsonPropertyName("team")]
    public string Team { get; init; } = "";

    /// <summary>Whole GPUs on one node; 0 for a CPU-only job (the default).</summary>
    [JsonPropertyName("gpus")]
    public int Gpus { get; init; }

    /// <summary>A GPU model ("NVIDIA H100 80GB HBM3"); null for any model.</summary>
    [JsonPropertyName("gpuModel")]
    public string? GpuModel { get; init; }

    /// <summary>CPU cores requested; decimals allowed (0.5).</summary>
    [JsonPropertyName("cpu")]
    public decimal Cpu { get; init; }

    /// <summary>CPU cores the job may burst to (at least <see cref="Cpu"/>); null for none.</summary>
    [JsonPropertyName("cpuLimit")]
    public decimal? CpuLimit { get; init; }

    /// <summary>Memory requested in GiB; decimals allowed (0.5 is 512 MiB).</summary>
    [JsonPropertyName("memory")]
    public decimal Memory { get; init; }

    /// <summary>Memory in GiB the job may grow to (at least <see cref="Memory"/>); null for none.</summary>
    [JsonPropertyName("memoryLimit")]
    public decimal? MemoryLimit { get; init; }

    /// <summary>The most time the job may run, as text: "2h30m", "90m", "1d 12h", "1:30" (hours:minutes), "3600s"; null for no limit.</summary>
    [JsonPropertyName("walltime")]
    public string? Walltime { get; init; }

    /// <summary>-1000 to 1000 (at most the team's maximum priority); higher runs first.</summary>
    [JsonPropertyName("priority")]
    public int Priority { get; init; }

    /// <summary>The number of one of the team's approved advance reservations to run in (see <c>GET /api/v1/reservations</c>); null for none. The job waits until its window opens.</summary>
    [JsonPropertyName("reservation")]
    public long? Reservation { get; init; }
}
