using System.Globalization;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Web.Jobs;

/// <summary>
/// What the what-if panel shows: <see cref="Outcome"/> is its <c>data-outcome</c> (starts, queued, never; or waiting,
/// invalid); <see cref="NeverFitsReason"/> is why it can never run, when it can't.
/// </summary>
public sealed record WhatIfView(string Outcome, string Headline, string? Detail, string? NeverFitsReason = null)
{
    public static readonly WhatIfView WaitingForEngine = new("waiting", "Waiting for the engine's view of the cluster…", null);

    public static readonly WhatIfView Invalid = new("invalid", "Fix the marked resource fields to see when the job would start.", null);

    public bool CanNeverRun => Outcome == "never";

    /// <summary>The core's answer this view shows (null while waiting or invalid): where and when, for the what-if timeline.</summary>
    public WhatIfOutcome? Answer { get; init; }

    /// <summary>"Starts now on gpu-02 (GPUs 4-5)", "Queued: estimated start 14:20 UTC", "Can never run: ...".</summary>
    public static WhatIfView Of(WhatIfOutcome outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        WhatIfView view = outcome switch
        {
            WhatIfOutcome.StartsNow starts => new("starts", starts.Describe(), null),
            WhatIfOutcome.Queued queued => new(
                "queued",
                queued.EstimatedStart is { } start ? $"Queued: estimated start {When(start, now)}" : "Queued: no estimated start (it waits for a job without a walltime, or for a node an elastic pool may add)",
                queued.Reason),
            WhatIfOutcome.NeverFits never => new("never", never.Describe(), "Change the request: the engine would refuse it.", never.Reason),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown what-if outcome"),
        };
        return view with { Answer = outcome };
    }

    /// <summary>"14:20 UTC" today, "2026-11-30 09:00 UTC" on another day, "now" when it is due already.</summary>
    private static string When(DateTimeOffset start, DateTimeOffset now)
    {
        if (start <= now)
        {
            return "now";
        }

        var utc = start.UtcDateTime;
        return utc.Date == now.UtcDateTime.Date
            ? utc.ToString("HH:mm 'UTC'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
    }
}
