using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>The rules a quota must meet before it reaches the engine: a team name of the strict form (<see cref="TextRules.TeamNamePattern"/>), no negatives, a positive weight, a sane maximum priority.</summary>
public static class QuotaValidation
{
    public static IReadOnlyList<FieldError> Validate(TeamQuota quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        var errors = new List<FieldError>();
        if (!TextRules.IsTeamName(quota.Team))
        {
            errors.Add(new("team", TextRules.TeamNameRule));
        }

        Amount(errors, "nominal", quota.Nominal);
        Amount(errors, "borrowingLimit", quota.BorrowingLimit);
        if (!double.IsFinite(quota.FairShareWeight) || quota.FairShareWeight <= 0)
        {
            errors.Add(new("fairShareWeight", "Fair-share weight must be a number above 0."));
        }

        if (quota.MaxPriority is < JobSpecValidation.MinPriority or > JobSpecValidation.MaxPriority)
        {
            errors.Add(new("maxPriority", $"Maximum priority must be between {JobSpecValidation.MinPriority} and {JobSpecValidation.MaxPriority}."));
        }

        return errors;
    }

    private static void Amount(List<FieldError> errors, string field, ResourceAmount amount)
    {
        if (amount.Gpus < 0)
        {
            errors.Add(new(field + "Gpus", "GPUs must not be negative."));
        }

        if (amount.CpuMillicores < 0)
        {
            errors.Add(new(field + "Cpu", "CPU must not be negative."));
        }

        if (amount.MemoryMiB < 0)
        {
            errors.Add(new(field + "Memory", "Memory must not be negative."));
        }
    }
}
