using Dashboard.Data.Sessions;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Extending a running job's walltime (a session's "extend"), re-checked like a submit by <see cref="WalltimeExtension"/>.</summary>
internal sealed partial class ClusterState
{
    public CommandResult ExtendWalltime(ExtendWalltimeCommand command, EngineBatch batch)
    {
        if (Stopping.ContainsKey(command.Job))
        {
            return CommandResult.Conflict($"job {command.Job} is stopping; it cannot be extended");
        }

        var (granted, refusal) = WalltimeExtension.Decide(Snapshot, command.Job, command.By, batch.Now);
        if (refusal is not null)
        {
            return refusal.Kind switch
            {
                ExtensionRefusalKind.Invalid => CommandResult.Invalid([new FieldError("by", refusal.Reason)]),
                _ => CommandResult.Conflict(refusal.Reason),
            };
        }

        var before = FindRunning(command.Job)!;
        Snapshot = Snapshot with { Running = Snapshot.Running.Replace(before, granted!.Extended) };
        batch.Changes.Add(new WalltimeExtended(command.Job, granted.Walltime, granted.End));
        batch.Extensions.Add((command.Job, granted.Walltime));
        batch.Changes.Add(Audit(
            batch.Now,
            command.Actor,
            "job.extend",
            Target(command.Job),
            new { Walltime = before.Job.Spec.Walltime, ExpectedEnd = before.Allocation.ExpectedEnd },
            new { granted.Walltime, ExpectedEnd = granted.End, command.By }));
        batch.NeedsPlan = true;
        return CommandResult.Done($"job {command.Job} now ends at {granted.End.UtcDateTime:yyyy-MM-dd HH:mm} UTC (walltime {Durations.Describe(granted.Walltime)})");
    }
}
