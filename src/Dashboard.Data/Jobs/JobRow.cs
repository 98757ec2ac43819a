using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Jobs;

/// <summary>A jobs row as Dapper reads it (SQLite integers arrive as long), turned into the domain's types.</summary>
internal class JobRow
{
    /// <summary>The columns this row reads, for a query on the jobs table aliased as <c>j</c>.</summary>
    public const string Columns = """
        j.id, j.name, j.owner, j.team, j.command, j.gpus, j.cpu_millicores, j.memory_mib, j.gpu_model,
        j.cpu_limit_millicores, j.memory_limit_mib, j.walltime_ms, j.priority, j.state,
        j.submitted_at, j.started_at, j.ended_at, j.exit_code, j.reason, j.session_type,
        j.reservation_id, j.times_preempted
        """;

    public long Id { get; set; }

    public string Name { get; set; } = "";

    public string Owner { get; set; } = "";

    public string Team { get; set; } = "";

    public string Command { get; set; } = "";

    public long Gpus { get; set; }

    public long CpuMillicores { get; set; }

    public long MemoryMiB { get; set; }

    public string? GpuModel { get; set; }

    public long? CpuLimitMillicores { get; set; }

    public long? MemoryLimitMiB { get; set; }

    public long? WalltimeMs { get; set; }

    public long Priority { get; set; }

    public string State { get; set; } = "";

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public long? ExitCode { get; set; }

    public string? Reason { get; set; }

    public string? SessionType { get; set; }

    public long? ReservationId { get; set; }

    public long TimesPreempted { get; set; }

    /// <summary>Limits come back as null when neither limit is set.</summary>
    public Job ToJob()
    {
        var limits = CpuLimitMillicores is null && MemoryLimitMiB is null ? null : new ResourceLimits(CpuLimitMillicores, MemoryLimitMiB);
        var spec = new JobSpec(
            Name,
            Owner,
            Team,
            Command,
            new ResourceRequest(checked((int)Gpus), CpuMillicores, MemoryMiB, GpuModel),
            limits,
            WalltimeMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
            checked((int)Priority),
            SessionType is { } type ? new SessionRequest(type) : null,
            ReservationId);
        return new Job(new JobId(Id), spec, SubmittedAt) { TimesPreempted = checked((int)TimesPreempted) };
    }

    public JobRecord ToRecord() =>
        new(ToJob(), Enum.Parse<JobState>(State), StartedAt, EndedAt, ExitCode is { } code ? checked((int)code) : null, Reason);
}
