using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Admin;

/// <summary>A real SQLite file with the teams nlp and vision, and the stores and services the admin pages use on it.</summary>
public sealed class AdminData : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-admin-").FullName;

    public AdminData()
    {
        Database = Database.Open(new DatabaseOptions { DataFolder = folder }, Time);
        using (var connection = Database.OpenConnection())
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO teams (name, created_at) VALUES ('nlp', 0), ('vision', 0)";
            insert.ExecuteNonQuery();
        }

        Users = new UserStore(Database);
        Audit = new AuditStore(Database);
        Accounts = new AccountService(Users, new AccountOptions(), Time, NullLogger<AccountService>.Instance);
        Administration = new UserAdministration(Users, Accounts, Time);
        UnixUsers = new UnixUserAdministration(new UnixUserStore(Database), Users, Time, name => HostUnixUsers.GetValueOrDefault(name));
    }

    /// <summary>The Unix users of the pretend host the Users page checks names against.</summary>
    public static Dictionary<string, Dashboard.Engine.Execution.Isolation.UnixAccount> HostUnixUsers { get; } = new()
    {
        ["carol-hpc"] = new("carol-hpc", 1003, 1003),
        ["toor"] = new("toor", 0, 0),
    };

    public UnixUserAdministration UnixUsers { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public Database Database { get; }

    public UserStore Users { get; }

    public AuditStore Audit { get; }

    public AccountService Accounts { get; }

    public UserAdministration Administration { get; }

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Users);
        services.AddSingleton(Audit);
        services.AddSingleton(Accounts);
        services.AddSingleton(Administration);
        services.AddSingleton(UnixUsers);
    }

    /// <summary>Creates an account directly (as the system), the way the demo accounts are.</summary>
    public void Account(string name, UserRole role, params string[] teams) =>
        Accounts.Create(new UserAccount(name, name.ToUpperInvariant(), role, [.. teams], true, 0, null, Time.GetUtcNow()), name + "-password", "system")
            .Should().BeNull();

    private bool disposed;

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Database.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A pooled connection still holds the file; the OS cleans temp folders.
        }
    }
}
