using System.Globalization;
using Dashboard.Data.Audit;

namespace Dashboard.Web.Audit;

/// <summary>
/// The audit log as CSV (RFC 4180: CRLF line ends; a cell with a quote, comma, CR or LF is quoted and its quotes
/// doubled). A cell that a spreadsheet would read as a formula (starting with =, +, -, @, tab or CR) gets a leading
/// apostrophe, so opening the export never runs what someone typed.
/// </summary>
public static class AuditCsv
{
    public const string Header = "time_utc,actor,action,target,before,after";

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny("\",\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string Line(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var e = record.Entry;
        return string.Join(',',
            Cell(e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
            Cell(e.Actor), Cell(e.Action), Cell(e.Target), Cell(e.BeforeJson), Cell(e.AfterJson));
    }

    /// <summary>Writes the header and one line per record, flushing every so often so a long export streams.</summary>
    public static async Task WriteAsync(TextWriter writer, IEnumerable<AuditRecord> records, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(records);
        await writer.WriteAsync(Header + "\r\n").ConfigureAwait(false);
        var count = 0;
        foreach (var record in records)
        {
            cancel.ThrowIfCancellationRequested();
            await writer.WriteAsync(Line(record) + "\r\n").ConfigureAwait(false);
            if (++count % 500 == 0)
            {
                await writer.FlushAsync(cancel).ConfigureAwait(false);
            }
        }

        await writer.FlushAsync(cancel).ConfigureAwait(false);
    }
}
