using System.Globalization;

namespace Dashboard.Web.Cluster;

/// <summary>How the dashboard writes amounts and instants.</summary>
public static class Display
{
    /// <summary>"1 core", "0.5 cores", "64 cores".</summary>
    public static string Cores(long millicores) => CoresValue(millicores) + (millicores == Dashboard.Scheduling.Model.Units.MillicoresPerCore ? " core" : " cores");

    public static string CoresValue(long millicores) => (millicores / 1000.0).ToString("0.#", CultureInfo.InvariantCulture);

    public static string GiB(long mebibytes) => GiBValue(mebibytes) + " GiB";

    public static string GiBValue(long mebibytes) => (mebibytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>When explanations were computed, to the second: "as of 14:02:05 UTC".</summary>
    public static string AsOf(DateTimeOffset at) =>
        "as of " + at.UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>UTC, to the minute ("2026-11-28 14:05 UTC"); "none" for a job without a walltime.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "none (no walltime)";

    /// <summary>UTC, to the second ("2026-11-28 14:05:09 UTC"): a job's history.</summary>
    public static string TimeToSecond(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
