using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Advance reservations in the backfill's books: each holds its GPUs on a node from its window's start, as a blocked
/// job's reservation does, so a job outside it starts on that node only if it ends before the window opens or leaves
/// the reserved GPUs free; the jobs of the reservation itself (<see cref="Member"/>) are not held back by it. A hold's
/// job id is the reservation's id, negated (see <see cref="Reservations.AdvanceHolds"/>).
/// </summary>
internal sealed partial class ReservationBook
{
    private int holds;

    /// <summary>The advance reservation the job being decided runs in (null: none); its holds do not apply to it.</summary>
    public long? Member { get; set; }

    /// <summary>Whether any advance reservation holds GPUs in the book (only then does <see cref="Member"/> matter).</summary>
    public bool HasHolds => holds > 0;

    /// <summary>Holds <paramref name="hold"/> on <paramref name="node"/> for an advance reservation.</summary>
    public void Hold(int node, BackfillReservation hold)
    {
        var list = reserved[node] ??= [];
        var at = list.Count;
        while (at > 0 && list[at - 1].Start > hold.Start)
        {
            at--;
        }

        list.Insert(at, hold);
        holds++;
    }

    /// <summary>Whether <paramref name="reservation"/> is a hold of the advance reservation the job being decided runs in.</summary>
    private bool IsMembersHold(BackfillReservation reservation) => Member is { } member && reservation.Job.Value == -member;
}
