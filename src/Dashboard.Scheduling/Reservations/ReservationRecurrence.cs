using Cronos;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// A reservation's windows: its first (<see cref="AdvanceReservation.Start"/> to <see cref="AdvanceReservation.End"/>)
/// and, with a recurrence, one more at each occurrence of its cron rule (parsed by Cronos, five fields, UTC) after
/// the first start, each as long as the first.
/// </summary>
public static class ReservationRecurrence
{
    /// <summary>The problem with <paramref name="rule"/> in words a person can act on; null when it parses.</summary>
    public static string? Problem(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        try
        {
            var expression = CronExpression.Parse(rule);
            return expression.GetNextOccurrence(DateTime.SpecifyKind(new DateTime(2000, 1, 1), DateTimeKind.Utc)) is null
                ? "The recurrence never occurs."
                : null;
        }
        catch (CronFormatException e)
        {
            return $"The recurrence is not a cron rule of five fields (minute hour day month weekday): {e.Message}";
        }
    }

    public static ReservationWindow? WindowAt(AdvanceReservation reservation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var first = new ReservationWindow(reservation.Start, reservation.End);
        if (first.End > now || reservation.Recurrence is null)
        {
            return first.End > now ? first : null;
        }

        // The first occurrence whose window still runs at now: it starts after now - length.
        var next = Next(reservation.Recurrence, Max(now - reservation.Length, reservation.Start));
        return next is { } start ? new ReservationWindow(start, start + reservation.Length) : null;
    }

    public static IEnumerable<ReservationWindow> Windows(AdvanceReservation reservation, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var window = WindowAt(reservation, from);
        while (window is { } current && current.Start < until)
        {
            yield return current;
            if (reservation.Recurrence is null || Next(reservation.Recurrence, current.Start) is not { } start)
            {
                yield break;
            }

            window = new ReservationWindow(start, start + reservation.Length);
        }
    }

    private static DateTimeOffset? Next(string rule, DateTimeOffset after) =>
        CronExpression.Parse(rule).GetNextOccurrence(after, TimeZoneInfo.Utc, inclusive: false);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
