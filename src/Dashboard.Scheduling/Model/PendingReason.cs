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
/// A pending job's reason as data; <see cref="Describe"/> renders the clauses a person reads, with the numbers they
/// act on: "needs 8 GPUs; team vision has 4 of its 20 GPUs free (16 in use); 3 jobs ahead". Clauses are separated by
/// "; " (a page may show each as its own sentence). Kept as a value so a pass over 100,000 pending jobs builds no
/// strings. <see cref="Team"/> names the team in the text (null: "the team").
/// </summary>
public readonly record struct PendingReason(
    PendingCause Cause,
    ResourceRequest Request,
    int JobsAhead,
    ResourceAmount TeamInUse,
    ResourceAmount TeamCeiling,
    JobId? BlockingJob = null,
    string? Pool = null,
    string? Team = null,
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
                text.Append(CultureInfo.InvariantCulture, $"needs {Amount(QuotaDimension())}; {TeamRoom(QuotaDimension())}");
                break;
            case PendingCause.HeldForReservation when BlockingJob is { Value: < 0 } hold:
                text.Append(CultureInfo.InvariantCulture, $"needs {NeedOnOneNode()}; the capacity free now is kept for advance reservation {-hold.Value}, whose window it would overlap");
                break;
            case PendingCause.HeldForReservation:
                text.Append(CultureInfo.InvariantCulture, $"needs {NeedOnOneNode()}; the capacity free now is held for job {BlockingJob}, which starts first");
                break;
            case PendingCause.WaitingForReclaim:
                text.Append(CultureInfo.InvariantCulture, $"needs {NeedOnOneNode()}; borrowed capacity is being taken back (preempted) for it");
                break;
            case PendingCause.WaitingForProvisioning:
                text.Append(CultureInfo.InvariantCulture, $"needs {NeedOnOneNode()}; a node is being provisioned for it in pool {Pool}");
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"needs {NeedOnOneNode()}; no node has that much free now");
                if (Request.Gpus > 0)
                {
                    text.Append(CultureInfo.InvariantCulture, $"; {TeamRoom(Dimension.Gpus)}");
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

    private enum Dimension
    {
        Gpus,
        Cpu,
        Memory,
    }

    /// <summary>"4 GPUs on one node", "1 A100 GPU on one node", "1.5 CPU cores and 512 MiB of memory on one node".</summary>
    private string NeedOnOneNode()
    {
        if (Request.Gpus == 0)
        {
            return $"{Units.CpuCores(Request.CpuMillicores)} and {Units.Memory(Request.MemoryMiB)} of memory on one node";
        }

        var model = Request.GpuModel is null ? string.Empty : " " + Request.GpuModel;
        return Request.Gpus == 1 ? $"1{model} GPU on one node" : $"{Request.Gpus}{model} GPUs on one node";
    }

    /// <summary>The job's own request in one dimension: "8 GPUs", "4 CPU cores", "32 GiB of memory".</summary>
    private string Amount(Dimension dimension) => dimension switch
    {
        Dimension.Gpus => Units.Gpus(Request.Gpus),
        Dimension.Cpu => Units.CpuCores(Request.CpuMillicores),
        _ => $"{Units.Memory(Request.MemoryMiB)} of memory",
    };

    /// <summary>"team vision has 4 of its 20 GPUs free (16 in use)": what the team may still start, out of its ceiling.</summary>
    private string TeamRoom(Dimension dimension)
    {
        var team = Team is null ? "the team" : $"team {Team}";
        return dimension switch
        {
            Dimension.Gpus => $"{team} has {Math.Max(0, TeamCeiling.Gpus - TeamInUse.Gpus)} of its {Units.Gpus(TeamCeiling.Gpus)} free ({TeamInUse.Gpus} in use)",
            Dimension.Cpu => $"{team} has {Units.Cores(Math.Max(0, TeamCeiling.CpuMillicores - TeamInUse.CpuMillicores))} of its {Units.CpuCores(TeamCeiling.CpuMillicores)} free ({Units.Cores(TeamInUse.CpuMillicores)} in use)",
            _ => $"{team} has {Units.Memory(Math.Max(0, TeamCeiling.MemoryMiB - TeamInUse.MemoryMiB))} of its {Units.Memory(TeamCeiling.MemoryMiB)} of memory free ({Units.Memory(TeamInUse.MemoryMiB)} in use)",
        };
    }

    /// <summary>
    /// The quota dimension a job blocked by quota would exceed (a dimension the team has no quota of at all cannot be
    /// the one, as such a job is refused outright); GPUs when none is exceeded, or CPU for a team without GPU quota
    /// running CPU-only work.
    /// </summary>
    private Dimension QuotaDimension()
    {
        var after = TeamInUse + Request.Amount;
        if (TeamCeiling.Gpus > 0 && after.Gpus > TeamCeiling.Gpus)
        {
            return Dimension.Gpus;
        }

        if (TeamCeiling.CpuMillicores > 0 && after.CpuMillicores > TeamCeiling.CpuMillicores)
        {
            return Dimension.Cpu;
        }

        if (TeamCeiling.MemoryMiB > 0 && after.MemoryMiB > TeamCeiling.MemoryMiB)
        {
            return Dimension.Memory;
        }

        return Request.Gpus > 0 || TeamCeiling.Gpus > 0 ? Dimension.Gpus : Dimension.Cpu;
    }
}
