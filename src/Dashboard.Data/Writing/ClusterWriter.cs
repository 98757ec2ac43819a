using Dashboard.Data.Allocations;
using Dashboard.Data.Audit;
using Dashboard.Data.Elastic;
using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Data.Nodes;
using Dashboard.Data.Notifications;
using Dashboard.Data.Quotas;
using Dashboard.Data.Sessions;
using Dashboard.Data.Usage;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Writing;

/// <summary>
/// Writes lists of <see cref="ClusterChange"/> in one transaction each, through statements prepared once on
/// one long-lived connection. All or nothing: when any change is refused (an illegal state change, a GPU
/// already held, a foreign key) the whole transaction is rolled back and the exception is rethrown.
/// One writer: not safe for concurrent use (the engine loop is its single caller; the persistence benchmark and the
/// crash test put their concurrent callers behind a group committer of their own).
/// </summary>
public sealed class ClusterWriter : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly JobWrites jobs;
    private readonly AllocationWrites allocations;
    private readonly NodeWrites nodes;
    private readonly QuotaWrites quotas;
    private readonly UsageWrites usage;
    private readonly AuditWrites audit;
    private readonly ElasticPoolWrites elasticPools;
    private readonly ScaleActionWrites scaleActions;
    private readonly JobControlWrites jobControls;
    private readonly NotificationWrites notifications;
    private readonly Reservations.ReservationWrites reservations;
    private readonly WalltimeWrites walltimes;
    private readonly JobTextIndex jobText;
    private readonly StatementGroup[] groups;

    /// <param name="database">The database to write.</param>
    /// <param name="backgroundCheckpoints">
    /// When given, this writer's commits leave WAL checkpoints to it (keeping their own only as a safety net at
    /// <see cref="WalCheckpointer.SafetyNetPages"/>); when null, SQLite checkpoints inside commits as usual.
    /// </param>
    public ClusterWriter(Database database, WalCheckpointer? backgroundCheckpoints = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        connection = database.OpenConnection();
        if (backgroundCheckpoints is not null)
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA wal_autocheckpoint = {WalCheckpointer.SafetyNetPages}";
            pragma.ExecuteNonQuery();
        }

        jobs = new JobWrites(connection);
        allocations = new AllocationWrites(connection);
        nodes = new NodeWrites(connection);
        quotas = new QuotaWrites(connection);
        usage = new UsageWrites(connection);
        audit = new AuditWrites(connection);
        elasticPools = new ElasticPoolWrites(connection);
        scaleActions = new ScaleActionWrites(connection);
        jobControls = new JobControlWrites(connection);
        notifications = new NotificationWrites(connection);
        reservations = new Reservations.ReservationWrites(connection);
        walltimes = new WalltimeWrites(connection);
        jobText = new JobTextIndex(connection);
        groups = [jobs, allocations, nodes, quotas, usage, audit, elasticPools, scaleActions, jobControls, notifications, reservations, walltimes, jobText];
        if (jobText.Waiting > 0)
        {
            // Jobs written before this writer started (a restart, or rows written around it) are indexed at once.
            IndexJobText();
        }
    }

    /// <summary>Jobs whose text is not yet in the job list's text index (fewer than <see cref="JobTextIndex.Batch"/> after every commit).</summary>
    public long JobTextWaiting => jobText.Waiting;

    /// <summary>Indexes the text of every job not yet in the job list's text index, in a transaction of its own; returns how many.</summary>
    public int IndexJobText()
    {
        using var transaction = connection.BeginTransaction();
        Enlist(transaction);
        var waiting = jobText.Waiting;
        try
        {
            var indexed = jobText.IndexWaiting();
            transaction.Commit();
            return indexed;
        }
        catch
        {
            jobText.RolledBack(waiting);
            throw;
        }
        finally
        {
            Enlist(null);
        }
    }

    /// <summary>Writes <paramref name="changes"/> in order, in one transaction; returns once it has committed.</summary>
    public void Write(IReadOnlyList<ClusterChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        WriteAll([changes]);
    }

    /// <summary>Writes several callers' lists, in order, in one transaction; returns once it has committed.</summary>
    public void WriteAll(IReadOnlyList<IReadOnlyList<ClusterChange>> changeLists)
    {
        ArgumentNullException.ThrowIfNull(changeLists);
        using var transaction = connection.BeginTransaction();
        Enlist(transaction);
        var textWaiting = jobText.Waiting;
        try
        {
            foreach (var changes in changeLists)
            {
                foreach (var change in changes)
                {
                    Apply(change);
                }
            }

            if (jobText.Waiting >= JobTextIndex.Batch)
            {
                // The text index gets a segment per batch of jobs, not per commit (db/0019).
                jobText.IndexWaiting();
            }

            transaction.Commit();
        }
        catch
        {
            jobText.RolledBack(textWaiting);
            throw;
        }
        finally
        {
            Enlist(null);
        }
    }

    /// <summary>This writer's automatic checkpoint threshold, in WAL pages.</summary>
    internal long WalAutocheckpointPages()
    {
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA wal_autocheckpoint";
        return (long)pragma.ExecuteScalar()!;
    }

    public void Dispose()
    {
        foreach (var group in groups)
        {
            group.Dispose();
        }

        connection.Dispose();
    }

    private void Enlist(SqliteTransaction? transaction)
    {
        foreach (var group in groups)
        {
            group.Enlist(transaction);
        }
    }

    private void Apply(ClusterChange change)
    {
        switch (change)
        {
            case JobSubmitted c:
                jobs.Insert(c.Job);
                jobText.Added();
                break;
            case JobStateChanged c:
                jobs.ChangeState(c);
                break;
            case AllocationMade c:
                allocations.Make(c.Allocation, c.Borrowing);
                break;
            case AllocationReleased c:
                allocations.Release(c.Job, c.At);
                break;
            case BorrowingChanged c:
                allocations.SetBorrowing(c.Job, c.Borrowing);
                break;
            case GpuIndicesCorrected c:
                allocations.Correct(c.Node, c.Corrections);
                break;
            case JobNoted c:
                jobs.Note(c);
                break;
            case QuotaSet c:
                quotas.Set(c.Quota, c.At);
                break;
            case NodeUpserted c:
                nodes.Upsert(c.Node, c.At);
                break;
            case NodeStateChanged c:
                nodes.ChangeState(c.Node, c.State, c.Reason, c.At);
                break;
            case NodeReleased c:
                nodes.Release(c.Node, c.Reason, c.At);
                break;
            case ElasticPoolPaused c:
                elasticPools.SetPaused(c.Pool, c.Paused, c.At);
                break;
            case ScaleActionRecorded c:
                scaleActions.Append(c.Action);
                break;
            case TeamUsageSet c:
                usage.SetTeam(c.Usage);
                break;
            case JobUsageRecorded c:
                usage.RecordJob(c.Usage);
                break;
            case TeamUtilisationSampled c:
                usage.SampleTeam(c.Sample);
                break;
            case UserUtilisationSampled c:
                usage.SampleUser(c.Sample);
                break;
            case AuditAppended c:
                audit.Append(c.Entry);
                break;
            case JobHoldChanged c:
                jobControls.Apply(c);
                break;
            case JobDependenciesSet c:
                jobControls.Apply(c);
                break;
            case SweepCreated c:
                jobControls.Apply(c);
                break;
            case SweepJobAdded c:
                jobControls.Apply(c);
                break;
            case JobEdited c:
                jobControls.Apply(c);
                break;
            case JobRequeuedFromEnd c:
                jobControls.Apply(c);
                break;
            case NotificationQueued c:
                notifications.Queue(c);
                break;
            case Reservations.ReservationWritten c:
                reservations.Write(c);
                break;
            case WalltimeExtended c:
                walltimes.Extend(c);
                break;
            case null:
                throw new ArgumentException("A change list holds a null change.", nameof(change));
            default:
                throw new ArgumentException($"{change.GetType().Name} is not a change the writer knows.", nameof(change));
        }
    }
}
