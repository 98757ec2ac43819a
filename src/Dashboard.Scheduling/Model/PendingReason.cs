using System.Globalization;
using System.Text;

namespace Dashboard.Scheduling.Model;

public enum PendingCause
{
    /// <summary>No Ready node has enough free capacity for the request right now.</summary>
    WaitingForCapacity,

    /// <summary>The team would exceed its nominal quota plus borrowing limit.</summary>
    TeamQuotaFull,

    /// <summary>Capacity exists, but using it would delay a higher job's backfill reservation.</summary>
    HeldForReservation,

    /// <summary>Borrowed capacity is being reclaimed (preempted) for this job.</summary>
    WaitingForReclaim,

    /// <summary>No node has room, and an elastic pool's node is being provisioned for this job.</summary>
    WaitingForProvisioning,

    /// <summary>Not given to the scheduler: held, waiting for a dependency, or its sweep at its limit (<see cref="PendingReason.Note"/> says which).</summary>
    NotEligible,
}

/// <summary>
/// A pending job's reason as data; <see cref="Describe"/> renders the sentence a person reads:
/// "waiting for 4 GPUs on one node; team quota 8/8 GPUs in use; 3 jobs ahead".
/// Kept as a value so a pass over 100,000 pending jobs builds no strings.
/// </summary>
public readonly record struct PendingReason(
    PendingCause Cause,
    ResourceRequest Request,
    int JobsAhead,
    ResourceAmount TeamInUse,
    ResourceAmount TeamCeiling,
    JobId? BlockingJob = null,
    string? Pool = null,
    string? Note = null)
{
    public string Describe()
    {
        var text = new StringBuilder();
        switch (Cause)
        {
            case PendingCause.NotEligible:
                text.Append(Note);
                break;
            case PendingCause.TeamQuotaFull:
                text.Append(CultureInfo.InvariantCulture, $"team quota {QuotaUse()} in use");
                break;
            case PendingCause.HeldForReservation:
                text.Append(CultureInfo.InvariantCulture, $"free capacity is held for job {BlockingJob} which starts first");
                break;
            case PendingCause.WaitingForReclaim:
                text.Append(CultureInfo.InvariantCulture, $"reclaiming borrowed capacity for {Need()}");
                break;
            case PendingCause.WaitingForProvisioning:
                text.Append(CultureInfo.InvariantCulture, $"waiting for {Need()}; a node is being provisioned for it in pool {Pool}");
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"waiting for {Need()}");
                if (Request.Gpus > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"; team quota {QuotaUse()} in use");
                }

                break;
        }

        if (JobsAhead > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {JobsAhead} {(JobsAhead == 1 ? "job" : "jobs")} ahead");
        }

        return text.ToString();
    }

    public override string ToString() => Describe();

    private string Need()
    {
        if (Request.Gpus == 0)
        {
            return $"{Units.Cores(Request.CpuMillicores)} CPU cores and {Units.Memory(Request.MemoryMiB)} on one node";
        }

        var model = Request.GpuModel is null ? string.Empty : " " + Request.GpuModel;
        return Request.Gpus == 1 ? $"1{model} GPU on one node" : $"{Request.Gpus}{model} GPUs on one node";
    }

    /// <summary>
    /// The quota dimension to show: for a job blocked by quota, the one it would exceed (a dimension the team has
    /// no quota of at all cannot be the one, as such a job is refused outright); otherwise GPUs, or CPU for a team
    /// without GPU quota running CPU-only work.
    /// </summary>
    private string QuotaUse()
    {
        var after = TeamInUse + Request.Amount;
        var gpus = $"{TeamInUse.Gpus}/{TeamCeiling.Gpus} GPUs";
        var cpu = $"{Units.Cores(TeamInUse.CpuMillicores)}/{Units.Cores(TeamCeiling.CpuMillicores)} CPU cores";
        var memory = $"{Units.Memory(TeamInUse.MemoryMiB)}/{Units.Memory(TeamCeiling.MemoryMiB)} memory";
        if (Cause == PendingCause.TeamQuotaFull)
        {
            if (TeamCeiling.Gpus > 0 && after.Gpus > TeamCeiling.Gpus)
            {
                return gpus;
            }

            if (TeamCeiling.CpuMillicores > 0 && after.CpuMillicores > TeamCeiling.CpuMillicores)
            {
                return cpu;
            }

            if (TeamCeiling.MemoryMiB > 0 && after.MemoryMiB > TeamCeiling.MemoryMiB)
            {
                return memory;
            }
        }

        return Request.Gpus > 0 || TeamCeiling.Gpus > 0 ? gpus : cpu;
    }
}
