using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Jobs;

/// <summary>The columns a job list may be sorted by: each maps to one fixed SQL expression, nothing else reaches the SQL.</summary>
public enum JobSortColumn
{
    Id,
    Name,
    Owner,
    Team,
    State,
    Submitted,
    Started,
    Ended,
    Gpus,
}

/// <summary>
/// One page of the job list: filters that all must hold (an empty <see cref="States"/> means every state; a null or
/// blank <see cref="Team"/>, <see cref="Owner"/> or <see cref="Text"/> means no filter), the sort, and the window.
/// <see cref="Text"/> matches, case-insensitively and literally (no wildcards), a part of the name or the command, or
/// the id when it is a number ("42" or "#42"). With <see cref="After"/> the page starts right after that row (keyset
/// paging: stable under inserts, served by the sort's index) instead of at <see cref="Offset"/>. <see cref="Sweep"/>
/// lists only that sweep's jobs; <see cref="FoldSweeps"/> lists a sweep as one row (its first job's, whose id is the
/// sweep's) that any of its jobs brings in by passing the state and text filters, so a page counts a sweep once.
/// </summary>
public sealed record JobQuery(
    IReadOnlySet<JobState>? States = null,
    string? Team = null,
    string? Owner = null,
    string? Text = null,
    JobSortColumn SortBy = JobSortColumn.Id,
    bool Descending = true,
    int Offset = 0,
    int PageSize = JobQuery.DefaultPageSize,
    JobVisibility? VisibleTo = null,
    JobCursor? After = null,
    long? Sweep = null,
    bool FoldSweeps = false)
{
    public const int DefaultPageSize = 25;

    public const int MaxPageSize = 500;

    private static readonly HashSet<JobState> EmptyStates = [];

    /// <summary>What is wrong with this query, in words a person can act on; empty when it may run.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enum.IsDefined(SortBy))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"jobs cannot be sorted by column {(int)SortBy}; use one of {string.Join(", ", Enum.GetNames<JobSortColumn>())}"));
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"page size must be between 1 and {MaxPageSize}; it was {PageSize}"));
        }

        if (Offset < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"offset must not be negative; it was {Offset}"));
        }

        if (After is { } after)
        {
            if (Offset != 0)
            {
                problems.Add("a page starts either after a cursor or at an offset, not both");
            }

            if (after.SortBy != SortBy || after.Descending != Descending)
            {
                problems.Add($"the cursor belongs to the list sorted by {after.SortBy.ToString().ToLowerInvariant()} {(after.Descending ? "desc" : "asc")}; ask with that sort or start from the first page");
            }
        }

        if (Sweep is <= 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"a sweep id is a positive whole number; it was {Sweep}"));
        }

        foreach (var state in States ?? EmptyStates)
        {
            if (!Enum.IsDefined(state))
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{(int)state} is not a job state"));
            }
        }

        return problems;
    }

    /// <summary>Reads a sort column by name ("submitted", "Gpus"), case-insensitively; false for anything else (numbers too).</summary>
    public static bool TryParseSortColumn(string? name, out JobSortColumn column)
    {
        column = JobSortColumn.Id;
        return !string.IsNullOrWhiteSpace(name)
            && !name.Trim().All(char.IsAsciiDigit)
            && Enum.TryParse(name.Trim(), ignoreCase: true, out column)
            && Enum.IsDefined(column);
    }
}

/// <summary>
/// One page of jobs and how many jobs match the query in all; <see cref="Next"/> continues after its last row (null when
/// the page was not full: there is nothing after it). In a list that folds sweeps, <see cref="Sweeps"/> holds the
/// sweep of each row that stands for one, by its id (the row's job id).
/// </summary>
public sealed record JobPage(IReadOnlyList<JobRecord> Items, int TotalCount, JobCursor? Next = null, IReadOnlyDictionary<long, SweepSummary>? Sweeps = null)
{
    /// <summary>More jobs match than were counted (<see cref="JobStore.DefaultCountLimit"/>): <see cref="TotalCount"/> is "at least".</summary>
    public bool TotalIsLowerBound { get; init; }

    /// <summary>The sweep the row of <paramref name="job"/> stands for, or null for a job on its own.</summary>
    public SweepSummary? SweepOf(JobId job) => Sweeps is { } sweeps && sweeps.TryGetValue(job.Value, out var sweep) ? sweep : null;
}

/// <summary>
/// Which jobs a person may list, whatever their filters say: their own (<see cref="Owner"/>) and those of the teams
/// they lead (<see cref="Teams"/>). Null on a query means every job (admins).
/// </summary>
public sealed record JobVisibility(string Owner, IReadOnlyList<string> Teams);
