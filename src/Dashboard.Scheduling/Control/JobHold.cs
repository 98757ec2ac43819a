namespace Dashboard.Scheduling.Control;

/// <summary>
/// Whose authority a hold carries, lowest first: a hold is released only by someone with at least its authority, so an
/// admin's hold is one the owner cannot release.
/// </summary>
public enum HoldAuthority
{
    Owner,
    Lead,
    Admin,
}

/// <summary>A waiting job that must not start until released: who held it, and with whose authority.</summary>
public sealed record JobHold(string By, HoldAuthority Authority)
{
    /// <summary>The waiting reason a person reads: "held by admin root; only an admin can release it".</summary>
    public string Describe() => Authority switch
    {
        HoldAuthority.Admin => $"held by admin {By}; only an admin can release it",
        HoldAuthority.Lead => $"held by team lead {By}; its owner cannot release it",
        _ => $"held by its owner {By}",
    };
}
