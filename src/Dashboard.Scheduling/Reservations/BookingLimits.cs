namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// What an admin allows teams to book: how far ahead a window may start, how long it may be, how many GPUs one booking
/// may hold, how many GPUs beyond its nominal quota a team may reserve (<see cref="AllowanceGpus"/>), and whether a
/// booking waits for an admin's approval before the scheduler honours it.
/// </summary>
public sealed record BookingLimits(TimeSpan MaxAhead, TimeSpan MaxLength, int MaxGpus, int AllowanceGpus, bool RequireApproval)
{
    /// <summary>Up to 30 days ahead, windows of at most 7 days, at most 64 GPUs, nothing beyond the nominal quota, no approval.</summary>
    public static BookingLimits Default { get; } = new(TimeSpan.FromDays(30), TimeSpan.FromDays(7), 64, 0, RequireApproval: false);
}
