using Dapper;
using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Jobs;

/// <summary>
/// The job list's text index (FTS5, db/0009) is written in batches (db/0019): a transaction that adds a few jobs no
/// longer writes a new index segment; <see cref="ClusterWriter"/> indexes every job added since
/// <c>job_text_indexed.through_id</c> in one statement once <see cref="Batch"/> jobs wait (and when it starts), inside
/// one of its own transactions. The list finds a text in the index or, for the jobs after <c>through_id</c> (fewer than
/// <see cref="Batch"/>), by testing each of them (<see cref="JobPageQuery"/>), so a search is exact at every moment.
/// </summary>
internal sealed class JobTextIndex : StatementGroup
{
    /// <summary>How many jobs wait for the index before the writer indexes them (a segment per this many, not per commit).</summary>
    public const int Batch = 512;

    /// <summary>Every job with an id up to this one is in the index.</summary>
    public const string ThroughSql = "SELECT through_id FROM job_text_indexed";

    private const string IndexTailSql =
        "INSERT INTO jobs_text (rowid, name, command) SELECT id, name, command FROM jobs WHERE id > (SELECT through_id FROM job_text_indexed)";

    private const string MoveMarkSql =
        "UPDATE job_text_indexed SET through_id = (SELECT MAX(id) FROM jobs) WHERE through_id < (SELECT COALESCE(MAX(id), 0) FROM jobs)";

    private readonly PreparedStatement indexTail;
    private readonly PreparedStatement moveMark;

    public JobTextIndex(SqliteConnection connection)
        : base(connection)
    {
        indexTail = Prepare(IndexTailSql);
        moveMark = Prepare(MoveMarkSql);
        Waiting = connection.ExecuteScalar<long>("SELECT COUNT(*) FROM jobs WHERE id > (SELECT through_id FROM job_text_indexed)");
    }

    /// <summary>Jobs added (as far as this writer knows) and not yet in the index.</summary>
    public long Waiting { get; private set; }

    /// <summary>A job was added in the current transaction.</summary>
    public void Added() => Waiting++;

    /// <summary>After a transaction was rolled back: the count it started with.</summary>
    public void RolledBack(long waiting) => Waiting = waiting;

    /// <summary>Indexes every job not yet in the index, in the current transaction; returns how many.</summary>
    public int IndexWaiting()
    {
        var indexed = indexTail.Run();
        moveMark.Run();
        Waiting = 0;
        return indexed;
    }
}
