namespace Dashboard.Web.Identity;

/// <summary>
/// The person using this browser session: whose jobs "my jobs" shows, who owns a submitted job, who a cancel is
/// recorded against. Until sign-in exists (roles and accounts come with their own issue) every session acts as the
/// one demo user named in appsettings.json (<c>Identity:DemoUser</c>), and may submit to any team.
/// </summary>
public interface ICurrentUser
{
    /// <summary>The account name, as stored in a job's owner and the audit log's actor.</summary>
    string Name { get; }
}

/// <summary>The single demo user every session acts as before sign-in exists.</summary>
public sealed record DemoCurrentUser(string Name) : ICurrentUser
{
    public const string SettingKey = "Identity:DemoUser";

    public const string DefaultName = "demo";
}
