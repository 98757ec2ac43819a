using System.Globalization;
using System.Text;
using Dashboard.Web.Audit;

namespace Dashboard.Web.Usage;

/// <summary>
/// The usage table and the charts' series as CSV, with the audit export's rules (<see cref="AuditCsv.Cell"/>: RFC 4180
/// quoting, CRLF line ends, a leading apostrophe on text a spreadsheet would run as a formula). Numbers are written
/// invariantly with a dot. Reserved time is the team's: on the table's team rows, and in the series as the view's
/// reserved and reserved-idle GPUs per bucket (like the capacity, the same on each row of a bucket; empty in a
/// member's own view).
/// </summary>
public static class UsageCsv
{
    public const string TableHeader = "team,user,gpu_hours,cpu_core_hours,memory_gib_hours,jobs,mean_wait_minutes,p95_wait_minutes,mean_efficiency_pct,simulated,reserved_gpu_hours,reserved_idle_gpu_hours";

    public const string SeriesHeader = "bucket_start_utc,team,user,allocated_gpus,used_gpus,capacity_gpus,simulated,reserved_gpus,reserved_idle_gpus";

    public static string Table(UsageTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var csv = new StringBuilder(TableHeader).Append("\r\n");
        foreach (var row in table.Rows)
        {
            csv.AppendJoin(',',
                AuditCsv.Cell(row.Team), AuditCsv.Cell(row.User), Number(row.GpuHours), Number(row.CpuHours), Number(row.MemoryGiBHours),
                row.Jobs.ToString(CultureInfo.InvariantCulture), Number(row.MeanWaitMinutes), Number(row.P95WaitMinutes), Number(row.MeanEfficiencyPct),
                row.Simulated ? "true" : "false", Number(row.ReservedGpuHours), Number(row.ReservedIdleGpuHours)).Append("\r\n");
        }

        return csv.ToString();
    }

    public static string Series(UsageSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var csv = new StringBuilder(SeriesHeader).Append("\r\n");
        for (var i = 0; i < series.Buckets.Count; i++)
        {
            var at = series.Buckets[i].UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var (reserved, idle) = series.Reserved is { } r ? (Number(r.Reserved[i]), Number(r.Idle[i])) : ("", "");
            foreach (var subject in series.Subjects)
            {
                csv.AppendJoin(',',
                    at, AuditCsv.Cell(subject.Team), AuditCsv.Cell(subject.User), Number(subject.Allocated[i]),
                    subject.MeasuredGpuMinutes == 0 ? "" : Number(subject.Used[i]), series.CapacityGpus.ToString(CultureInfo.InvariantCulture),
                    subject.Simulated ? "true" : "false", reserved, idle).Append("\r\n");
            }
        }

        return csv.ToString();
    }

    private static string Number(double? value) => value is { } v ? Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture) : "";
}
