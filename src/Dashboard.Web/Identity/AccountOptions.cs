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

    /// <summary>
    /// How often open hub connections are checked against their account and token: a connection whose account was
    /// disabled or removed, whose role or teams changed, or whose token was revoked is closed at the next check.
    /// </summary>
    public TimeSpan LiveConnectionRecheck { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Optional single sign-on through an OpenID Connect provider; off while <see cref="OpenIdConnectOptions.Authority"/> is empty.</summary>
    public OpenIdConnectOptions OpenIdConnect { get; init; } = new();
}

/// <summary>
/// <c>Identity:OpenIdConnect</c>: a provider people may sign in with instead of a password. The provider proves who
/// someone is; what they may do still comes from their account here (role, teams), found by <see cref="NameClaim"/>.
/// Someone the provider knows but who has no enabled account here is refused.
/// </summary>
public sealed record OpenIdConnectOptions
{
    public const string Scheme = "oidc";

    public string Authority { get; init; } = "";

    public string ClientId { get; init; } = "";

    public string ClientSecret { get; init; } = "";

    /// <summary>The claim of the provider's token that holds the account name here.</summary>
    public string NameClaim { get; init; } = "preferred_username";

    /// <summary>The sign-in page's button text.</summary>
    public string DisplayName { get; init; } = "Single sign-on";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
