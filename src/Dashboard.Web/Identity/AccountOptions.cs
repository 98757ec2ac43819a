namespace Dashboard.Web.Identity;

/// <summary>Sign-in settings (<c>Identity</c> in appsettings.json).</summary>
public sealed record AccountOptions
{
    public const string Section = "Identity";

    /// <summary>Seed the demo accounts listed in the README on first run. Turn off for a real deployment.</summary>
    public bool DemoAccounts { get; init; } = true;

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int MaxFailedSignIns { get; init; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a sign-in lasts without activity.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);
}
