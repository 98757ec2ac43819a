using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Replays;

namespace Dashboard.Web.Admin;

/// <summary>The finished jobs the quota replay runs again (the stored history in the product; a fixed list in tests).</summary>
public interface IRecordedJobs
{
    IReadOnlyList<ReplayJob> EndedSince(DateTimeOffset from);
}

/// <summary>The recorded jobs from the database.</summary>
public sealed class StoredRecordedJobs(RecordedJobStore store) : IRecordedJobs
{
    public IReadOnlyList<ReplayJob> EndedSince(DateTimeOffset from) => store.EndedSince(from);
}
