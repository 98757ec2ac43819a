using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Dashboard.Data.Jobs;

/// <summary>
/// Where a page of the job list ended: the sort it belongs to, the last row's value in the sort column (text, a whole
/// number, or none for a job not yet started or ended) and its id. The next page starts right after that row in the
/// same order, however many jobs were added or changed meanwhile (keyset paging: served by the same index as the sort).
/// Handed out as an opaque <see cref="Token"/>.
/// </summary>
public sealed record JobCursor(JobSortColumn SortBy, bool Descending, string? Text, long? Number, long Id)
{
    private const string Version = "j1";

    /// <summary>True when the last row had no value in the sort column (started or ended, not yet set).</summary>
    public bool AtEmptyValue => Text is null && Number is null && SortBy != JobSortColumn.Id;

    /// <summary>The cursor just after <paramref name="last"/> in the order of <paramref name="sortBy"/>.</summary>
    public static JobCursor After(JobRecord last, JobSortColumn sortBy, bool descending)
    {
        ArgumentNullException.ThrowIfNull(last);
        var job = last.Job;
        var id = job.Id.Value;
        return sortBy switch
        {
            JobSortColumn.Name => new(sortBy, descending, job.Spec.Name, null, id),
            JobSortColumn.Owner => new(sortBy, descending, job.Spec.Owner, null, id),
            JobSortColumn.Team => new(sortBy, descending, job.Team, null, id),
            JobSortColumn.State => new(sortBy, descending, last.State.ToString(), null, id),
            JobSortColumn.Submitted => new(sortBy, descending, null, UtcTimestamp.ToStored(job.SubmittedAt), id),
            JobSortColumn.Started => new(sortBy, descending, null, UtcTimestamp.ToStored(last.StartedAt), id),
            JobSortColumn.Ended => new(sortBy, descending, null, UtcTimestamp.ToStored(last.EndedAt), id),
            JobSortColumn.Gpus => new(sortBy, descending, null, job.Request.Gpus, id),
            _ => new(JobSortColumn.Id, descending, null, null, id),
        };
    }

    /// <summary>The cursor as text that travels in an address (base64url, no padding).</summary>
    public string Token
    {
        get
        {
            var fields = new object?[] { Version, SortBy.ToString(), Descending, Text, Number, Id };
            return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(fields));
        }
    }

    /// <summary>Reads a <see cref="Token"/>; false for anything this server did not hand out (or cannot read any more).</summary>
    public static bool TryParse(string? token, out JobCursor? cursor)
    {
        cursor = null;
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2048)
        {
            return false;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(token.Trim());
            using var json = JsonDocument.Parse(bytes);
            var fields = json.RootElement;
            if (fields.ValueKind != JsonValueKind.Array || fields.GetArrayLength() != 6
                || fields[0].ValueKind != JsonValueKind.String || fields[0].GetString() != Version
                || fields[1].ValueKind != JsonValueKind.String || !JobQuery.TryParseSortColumn(fields[1].GetString(), out var column)
                || fields[2].ValueKind is not (JsonValueKind.True or JsonValueKind.False)
                || fields[3].ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
                || fields[4].ValueKind is not (JsonValueKind.Number or JsonValueKind.Null)
                || fields[5].ValueKind != JsonValueKind.Number || !fields[5].TryGetInt64(out var id) || id < 0)
            {
                return false;
            }

            long? number = fields[4].ValueKind == JsonValueKind.Number ? fields[4].GetInt64() : null;
            var text = fields[3].GetString();
            var textual = column is JobSortColumn.Name or JobSortColumn.Owner or JobSortColumn.Team or JobSortColumn.State;
            var numeric = column is JobSortColumn.Submitted or JobSortColumn.Gpus;
            var optional = column is JobSortColumn.Started or JobSortColumn.Ended;
            var fits = column == JobSortColumn.Id ? text is null && number is null
                : textual ? text is not null && number is null
                : numeric ? text is null && number is not null
                : optional && text is null;
            if (!fits)
            {
                return false;
            }

            cursor = new JobCursor(column, fields[2].GetBoolean(), text, number, id);
            return true;
        }
        catch (Exception error) when (error is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"after {SortBy} {(Descending ? "desc" : "asc")} {Text ?? Number?.ToString(CultureInfo.InvariantCulture) ?? "(empty)"} #{Id}");
}
