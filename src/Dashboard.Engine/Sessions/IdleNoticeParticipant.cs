using Dashboard.Data.Notifications;
using Dashboard.Data.Sessions;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Notifications;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Sessions;

/// <summary>The idle policy told a job's owner something (<see cref="IdleWatch"/>): put it in the notification outbox.</summary>
internal sealed record IdleNoticeCommand(JobId Job, string Owner, JobNoticeKind Kind, string Message, DateTimeOffset At) : EngineCommand;

/// <summary>
/// The idle policy's warnings, stops and flags as notifications of kind <see cref="NotificationKind.SessionIdle"/>: each
/// <see cref="IdleNoticeCommand"/> becomes a <see cref="NotificationQueued"/> written in the engine's batch (the outbox),
/// for the channels the owner chose on their notification preferences (the bell by default; email and webhooks when
/// turned on), and the delivery worker is woken after the commit, as for every other notification.
/// </summary>
public sealed class IdleNoticeParticipant(NotificationDirectory directory, NotificationOptions options, Action? delivered = null) : EngineParticipant
{
    private bool queuedInBatch;

    internal override IEnumerable<EngineCommand> Attach(ClusterState cluster, RecoveredState recovered) => [];

    internal override CommandResult? Apply(ClusterState cluster, EngineCommand command, EngineBatch batch)
    {
        if (command is not IdleNoticeCommand notice)
        {
            return null;
        }

        var title = notice.Kind switch
        {
            JobNoticeKind.IdleWarning => $"Job {notice.Job} is idle: it stops soon unless you use it",
            JobNoticeKind.IdleStop => $"Job {notice.Job} was stopped: it was idle",
            _ => $"Job {notice.Job} holds GPUs idle",
        };
        var key = $"job:{notice.Job}:{NotificationNames.Of(NotificationKind.SessionIdle)}:{notice.At.ToUnixTimeMilliseconds()}";
        var link = $"{options.PublicUrl.TrimEnd('/')}/sessions/{notice.Job}";
        var notification = new NewNotification(key, notice.Owner, NotificationKind.SessionIdle, notice.Job.Value, title, notice.Message, link, notice.At, InDashboard: false);
        if (!OutboxRouting.TryQueue(directory, notification, batch))
        {
            return CommandResult.Done("not wanted anywhere");
        }

        batch.Events.Add(new NotificationsQueuedEvent([notice.Owner], batch.Now));
        queuedInBatch = true;
        return CommandResult.Done();
    }

    internal override void AfterPlan(ClusterState cluster, EngineBatch batch)
    {
    }

    internal override ClusterUpdate Describe(ClusterUpdate update, ClusterState cluster, DateTimeOffset now) => update;

    internal override void AfterCommit(EngineBatch batch, CancellationToken cancellationToken)
    {
        if (queuedInBatch)
        {
            queuedInBatch = false;
            delivered?.Invoke();
        }
    }
}
