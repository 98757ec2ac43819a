using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// A booking is checked like a submit, before it changes anything: its fields; the admin's limits (how far ahead,
/// how long, how large; an admin booking is not bound by them); whether it could ever be honoured (more GPUs of the
/// model than the cluster has, or than the team's nominal quota plus the admin's allowance); the reservations it
/// conflicts with (named); and the running jobs that must end first (and whether their walltimes end in time). Pure:
/// a function of the snapshot, the limits and the instant. Field names are the API's.
/// </summary>
public static class BookingCheck
{
    public const int MaxNameLength = 200;
    public const int MaxReasonLength = 2_000;
    public const int MaxGpus = 100_000;

    /// <summary>How many windows of a recurring booking are checked for conflicts.</summary>
    public const int WindowsChecked = 60;

    /// <summary>
    /// Checks <paramref name="proposed"/> (id 0 for a new booking; an edit keeps its id and is checked as if the old
    /// one were gone) against <paramref name="snapshot"/> at <paramref name="now"/>.
    /// </summary>
    public static BookingVerdict Check(AdvanceReservation proposed, ClusterSnapshot snapshot, BookingLimits limits, DateTimeOffset now, bool byAdmin)
    {
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(limits);
        var problems = new List<FieldError>();
        Fields(proposed, snapshot, now, problems);
        if (problems.Count > 0)
        {
            return new BookingVerdict([.. problems], [], [], [], false);
        }

        if (!byAdmin)
        {
            Limits(proposed, limits, now, problems);
        }

        Never(proposed, snapshot, limits, problems);
        if (problems.Count > 0)
        {
            return new BookingVerdict([.. problems], [], [], [], false);
        }

        var others = snapshot.Reservations.Where(r => r.Id != proposed.Id && r.State != ReservationState.Cancelled).ToList();
        var conflicts = Conflicts(proposed, others, snapshot.Nodes, now);
        if (conflicts.Count > 0)
        {
            var names = string.Join("; ", conflicts.Select(c => $"{c.Describe()} {c.WindowAt(now)}"));
            problems.Add(new("start", $"Not enough {proposed.GpuModel} GPUs are free of other reservations during this window: it conflicts with {names}."));
            return new BookingVerdict([.. problems], [.. conflicts], [], [], false);
        }

        var first = proposed.WindowAt(now)!.Value;
        var layout = ReservationPins.Lay(snapshot.Nodes, [.. others, proposed], first.Start);
        var pins = layout.Of(proposed.Id).ToImmutableArray();
        return new BookingVerdict([], [], JobsInTheWay(proposed, first, pins, layout, snapshot), pins, limits.RequireApproval && !byAdmin);
    }

    private static void Fields(AdvanceReservation r, ClusterSnapshot snapshot, DateTimeOffset now, List<FieldError> problems)
    {
        Text(problems, "name", "Name", r.Name, MaxNameLength, multiLine: false);
        Text(problems, "reason", "Reason", r.Reason, MaxReasonLength, multiLine: true);
        if (!TextRules.IsTeamName(r.Team))
        {
            problems.Add(new("team", "Team must be a team name."));
        }

        Text(problems, "gpuModel", "GPU model", r.GpuModel, MaxNameLength, multiLine: false);
        if (r.Gpus is < 1 or > MaxGpus)
        {
            problems.Add(new("gpus", $"GPUs must be between 1 and {MaxGpus}."));
        }

        if (r.CpuMillicores is < 0 or > JobSpecValidation.MaxCpuMillicores * 1_000)
        {
            problems.Add(new("cpu", "CPU must be 0 or more cores."));
        }

        if (r.MemoryMiB is < 0 or > JobSpecValidation.MaxMemoryMiB * 1_000)
        {
            problems.Add(new("memory", "Memory must be 0 or more."));
        }

        if (r.End <= r.Start)
        {
            problems.Add(new("end", "The window must end after it starts."));
        }

        var unchangedStart = snapshot.Reservations.Any(o => o.Id == r.Id && r.Id != 0 && o.Start == r.Start);
        if (r.Start < now && !unchangedStart)
        {
            problems.Add(new("start", "The window cannot start in the past."));
        }

        if (r.End <= now)
        {
            problems.Add(new("end", "The window has already ended."));
        }

        if (r.Recurrence is { } rule && ReservationRecurrence.Problem(rule) is { } ruleProblem)
        {
            problems.Add(new("recurrence", ruleProblem));
        }
    }

    private static void Text(List<FieldError> problems, string field, string label, string? value, int maxLength, bool multiLine)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(new(field, $"{label} is required."));
        }
        else if (value.Length > maxLength)
        {
            problems.Add(new(field, $"{label} must be at most {maxLength} characters."));
        }
        else if ((multiLine ? TextRules.MultiLineProblem(label, value) : TextRules.OneLineProblem(label, value)) is { } problem)
        {
            problems.Add(new(field, problem));
        }
    }

    private static void Limits(AdvanceReservation r, BookingLimits limits, DateTimeOffset now, List<FieldError> problems)
    {
        if (r.Start - now > limits.MaxAhead)
        {
            problems.Add(new("start", $"Teams may book at most {Days(limits.MaxAhead)} ahead; this window starts in {Days(r.Start - now)}."));
        }

        if (r.Length > limits.MaxLength)
        {
            problems.Add(new("end", $"A window may last at most {Days(limits.MaxLength)}; this one lasts {Days(r.Length)}."));
        }

        if (r.Gpus > limits.MaxGpus)
        {
            problems.Add(new("gpus", $"A team may book at most {limits.MaxGpus} GPUs at once; this booking asks for {r.Gpus}."));
        }
    }

    private static void Never(AdvanceReservation r, ClusterSnapshot snapshot, BookingLimits limits, List<FieldError> problems)
    {
        var exist = snapshot.Nodes.Where(n => n.State is NodeState.Ready or NodeState.Draining).Sum(n => n.CountGpus(r.GpuModel));
        if (exist < r.Gpus)
        {
            problems.Add(new("gpus", $"The cluster has {exist} {r.GpuModel} GPUs in service; a booking of {r.Gpus} can never be honoured."));
        }

        var nominal = snapshot.Quotas.FirstOrDefault(q => q.Team == r.Team)?.Nominal.Gpus ?? 0;
        if (nominal + limits.AllowanceGpus < r.Gpus)
        {
            problems.Add(new("gpus", $"Team {r.Team}'s nominal quota is {nominal} GPUs and an admin allows {limits.AllowanceGpus} more for reservations; a booking of {r.Gpus} can never be honoured."));
        }
    }

    /// <summary>
    /// The other bookings (honoured or awaiting approval) whose windows overlap one of the proposal's and that share its
    /// GPU model, when laying the proposal out beside them leaves it, or one of them, short of GPUs.
    /// </summary>
    private static List<AdvanceReservation> Conflicts(AdvanceReservation proposed, List<AdvanceReservation> others, ImmutableArray<Node> nodes, DateTimeOffset now)
    {
        var conflicts = new List<AdvanceReservation>();
        foreach (var window in proposed.Windows(now, DateTimeOffset.MaxValue).Take(WindowsChecked))
        {
            var overlapping = others.Where(o => GpuModels.Match(o.GpuModel, proposed.GpuModel) && o.Windows(window.Start, window.End).Any(w => w.Overlaps(window))).ToList();
            if (overlapping.Count == 0)
            {
                continue;
            }

            var occurrence = proposed with { Start = window.Start, End = window.End, Recurrence = null };
            if (!LeavesShort(nodes, overlapping, occurrence, window.Start))
            {
                continue;
            }

            // Name the bookings whose absence would let this one fit; when no single one would, all of them.
            var named = overlapping.Where(o => !LeavesShort(nodes, [.. overlapping.Where(x => x != o)], occurrence, window.Start)).ToList();
            conflicts.AddRange((named.Count > 0 ? named : overlapping).Where(o => !conflicts.Contains(o)));
        }

        return conflicts;
    }

    /// <summary>Whether laying <paramref name="proposed"/> out beside <paramref name="others"/> leaves it, or one of them that fitted before, short of GPUs.</summary>
    private static bool LeavesShort(ImmutableArray<Node> nodes, List<AdvanceReservation> others, AdvanceReservation proposed, DateTimeOffset at)
    {
        var without = ReservationPins.Lay(nodes, others, at);
        var with = ReservationPins.Lay(nodes, [.. others, proposed], at);
        return with.Shortfalls.Keys.Any(id => id == proposed.Id || !without.Shortfalls.ContainsKey(id));
    }

    private static ImmutableArray<JobInTheWay> JobsInTheWay(AdvanceReservation proposed, ReservationWindow window, ImmutableArray<ReservationPin> pins, ReservationLayout layout, ClusterSnapshot snapshot)
    {
        var inTheWay = ImmutableArray.CreateBuilder<JobInTheWay>();
        foreach (var pin in pins)
        {
            var node = snapshot.Nodes.First(n => n.Name == pin.Node);
            var model = node.Gpus.Where(g => GpuModels.Match(g.Model, proposed.GpuModel)).Select(g => g.Index).ToHashSet();
            var others = layout.Pins.Where(p => p.Node == pin.Node && p.Reservation != proposed.Id).Sum(p => p.Gpus);
            var holding = snapshot.Running
                .Where(j => j.Allocation.Node == pin.Node)
                .Select(j => (Job: j, Gpus: j.Allocation.GpuIndices.Count(model.Contains)))
                .Where(x => x.Gpus > 0)
                .OrderBy(x => x.Job.Job.Id)
                .ToList();
            if (model.Count - others - holding.Sum(x => x.Gpus) >= pin.Gpus)
            {
                continue;
            }

            foreach (var (job, gpus) in holding)
            {
                var end = job.Allocation.ExpectedEnd;
                inTheWay.Add(new JobInTheWay(job.Job.Id, job.Job.Team, pin.Node, gpus, end, end is { } e && e <= window.Start));
            }
        }

        return inTheWay.ToImmutable();
    }

    private static string Days(TimeSpan span) =>
        span.TotalDays >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalDays:0.#} days")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#} hours");
}
