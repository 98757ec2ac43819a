using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>
/// One row of the Jobs grid. Its property names are the grid's sort keys and read as <see cref="JobSortColumn"/>
/// names (see <see cref="JobsFilter.ToQuery"/>). A row that stands for a sweep carries it (<see cref="Sweep"/>); rows
/// are equal when their ids are, so the grid keeps a sweep open while the list reloads around it.
/// </summary>
public sealed record JobListRow(
    long Id,
    string Name,
    string Owner,
    string Team,
    JobState State,
    DateTimeOffset Submitted,
    DateTimeOffset? Started,
    DateTimeOffset? Ended,
    int Gpus,
    string Command,
    int? ExitCode = null,
    SweepSummary? Sweep = null)
{
    /// <summary>A job of its own that may still be cancelled (a sweep row has its own actions).</summary>
    public bool IsActive => Sweep is null && State is JobState.Pending or JobState.Running;

    public bool Equals(JobListRow? other) => other is not null && other.Id == Id;

    public override int GetHashCode() => Id.GetHashCode();

    /// <summary>How long it ran: start to end, or to <paramref name="now"/> while it runs; empty before it starts.</summary>
    public string DurationAt(DateTimeOffset now) => Started is not { } started
        ? ""
        : WalltimeText.Format(((Ended ?? now) - started) is var span && span > TimeSpan.Zero ? span : TimeSpan.Zero);

    public static JobListRow Of(JobRecord record, SweepSummary? sweep = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var job = record.Job;
        return new JobListRow(
            job.Id.Value, job.Spec.Name, job.Spec.Owner, job.Team, record.State, job.SubmittedAt, record.StartedAt, record.EndedAt, job.Request.Gpus, job.Spec.Command, record.ExitCode, sweep);
    }
}

/// <summary>
/// What the Jobs page filters on. With <see cref="MineOnly"/> (the default) the owner is the current user and
/// <see cref="Owner"/> is ignored.
/// With <see cref="Sweep"/> the list shows that sweep's jobs one by one; without it a sweep is one row.
/// </summary>
public sealed record JobsFilter(bool MineOnly, IReadOnlySet<JobState> States, string? Team, string? Owner, string? Text, long? Sweep = null)
{
    public static JobsFilter Default { get; } = new(true, new HashSet<JobState>(), null, null, null);

    /// <summary>
    /// The filter as the query parameters of the page's address (the API's names: state, team, owner, text, mine), so a
    /// link reproduces the view; a parameter at its default is left out (null removes it from the address).
    /// </summary>
    public IReadOnlyDictionary<string, object?> QueryParameters() => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["state"] = States.Count == 0 ? null : string.Join(",", States.Order().Select(s => s.ToString())),
        ["team"] = Team,
        ["owner"] = MineOnly ? null : Owner,
        ["text"] = Text,
        ["mine"] = MineOnly ? null : "false",
        ["sweep"] = Sweep?.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Two filters that show the same jobs (the states compared as a set).</summary>
    public bool SameAs(JobsFilter other) =>
        other is not null && MineOnly == other.MineOnly && States.SetEquals(other.States)
        && Team == other.Team && Text == other.Text && Sweep == other.Sweep && (MineOnly || Owner == other.Owner);

    /// <summary>
    /// The store query for the grid's <paramref name="page"/> (0-based) of <paramref name="pageSize"/> rows (kept
    /// within 1..<see cref="JobQuery.MaxPageSize"/>), sorted by the grid column <paramref name="sortBy"/>; an unknown or
    /// missing column sorts by id, newest first.
    /// </summary>
    public JobQuery ToQuery(string currentUser, int page, int pageSize, string? sortBy, bool descending)
    {
        var size = Math.Clamp(pageSize, 1, JobQuery.MaxPageSize);
        var sorted = JobQuery.TryParseSortColumn(sortBy, out var column);
        return new JobQuery(
            States,
            Team,
            MineOnly ? currentUser : Owner,
            Text,
            sorted ? column : JobSortColumn.Id,
            sorted ? descending : true,
            checked(Math.Max(0, page) * size),
            size,
            Sweep: Sweep);
    }
}
