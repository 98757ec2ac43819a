using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>One entry of the "Teams" section: a team and its quota, created on the first start only.</summary>
public sealed class TeamSeedOptions
{
    public const string Section = "Teams";

    public string Name { get; set; } = string.Empty;

    public int NominalGpus { get; set; }

    public int NominalCpuCores { get; set; }

    public int NominalMemoryGiB { get; set; }

    public int BorrowGpus { get; set; }

    public int BorrowCpuCores { get; set; }

    public int BorrowMemoryGiB { get; set; }

    public double FairShareWeight { get; set; } = 1;

    public int MaxPriority { get; set; } = TeamQuota.DefaultMaxPriority;

    public TeamQuota ToQuota() => new(
        Name,
        new ResourceAmount(NominalGpus, NominalCpuCores * Units.MillicoresPerCore, NominalMemoryGiB * Units.MiBPerGiB),
        new ResourceAmount(BorrowGpus, BorrowCpuCores * Units.MillicoresPerCore, BorrowMemoryGiB * Units.MiBPerGiB),
        FairShareWeight,
        MaxPriority);
}
