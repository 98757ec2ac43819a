namespace Dashboard.Scheduling.Model;

/// <summary>
/// The rules a quota must meet before it reaches the engine: a team name of the strict form
/// (<see cref="TextRules.TeamNamePattern"/>), no negatives, a positive weight, a sane maximum priority. Its field names
/// are the quota's one vocabulary: the engine's errors, the admin page's form and the API's JSON all use them.
/// </summary>
public static class QuotaValidation
{
    public const string Team = "team";
    public const string NominalGpus = "nominalGpus";
    public const string NominalCpu = "nominalCpu";
    public const string NominalMemory = "nominalMemory";
    public const string BorrowingLimitGpus = "borrowingLimitGpus";
    public const string BorrowingLimitCpu = "borrowingLimitCpu";
    public const string BorrowingLimitMemory = "borrowingLimitMemory";
    public const string FairShareWeight = "fairShareWeight";
    public const string MaxPriority = "maxPriority";

    public static IReadOnlyList<FieldError> Validate(TeamQuota quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        var errors = new List<FieldError>();
        if (!TextRules.IsTeamName(quota.Team))
        {
            errors.Add(new(Team, TextRules.TeamNameRule));
        }

        Amount(errors, (NominalGpus, NominalCpu, NominalMemory), quota.Nominal);
        Amount(errors, (BorrowingLimitGpus, BorrowingLimitCpu, BorrowingLimitMemory), quota.BorrowingLimit);
        if (!double.IsFinite(quota.FairShareWeight) || quota.FairShareWeight <= 0)
        {
            errors.Add(new(FairShareWeight, "Fair-share weight must be a number above 0."));
        }

        if (quota.MaxPriority is < JobSpecValidation.MinPriority or > JobSpecValidation.MaxPriority)
        {
            errors.Add(new(MaxPriority, $"Maximum priority must be between {JobSpecValidation.MinPriority} and {JobSpecValidation.MaxPriority}."));
        }

        return errors;
    }

    private static void Amount(List<FieldError> errors, (string Gpus, string Cpu, string Memory) fields, ResourceAmount amount)
    {
        if (amount.Gpus < 0)
        {
            errors.Add(new(fields.Gpus, "GPUs must not be negative."));
        }

        if (amount.CpuMillicores < 0)
        {
            errors.Add(new(fields.Cpu, "CPU must not be negative."));
        }

        if (amount.MemoryMiB < 0)
        {
            errors.Add(new(fields.Memory, "Memory must not be negative."));
        }
    }
}
