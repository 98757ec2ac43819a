namespace Dashboard.Scheduling.Model;

/// <summary>
/// A team's share of the cluster. <see cref="Nominal"/> is guaranteed (reclaimed by preemption when others
/// borrow it); beyond it the team may borrow idle capacity up to <see cref="BorrowingLimit"/> more, and jobs
/// running on borrowed capacity are preemptible. Fair share divides the team's decayed usage by
/// <see cref="FairShareWeight"/>.
/// </summary>
public sealed record TeamQuota(
    string Team,
    ResourceAmount Nominal,
    ResourceAmount BorrowingLimit,
    double FairShareWeight = 1.0,
    int MaxPriority = TeamQuota.DefaultMaxPriority)
{
    public const int DefaultMaxPriority = 1000;

    /// <summary>The most a team may ever hold at once: nominal plus borrowing limit.</summary>
    public ResourceAmount Ceiling => Nominal + BorrowingLimit;
}

/// <summary>A team's past consumption, already decayed to <see cref="AsOf"/>; feeds fair share.</summary>
public sealed record TeamUsage(string Team, double GpuSeconds, double CpuSeconds, DateTimeOffset AsOf);
