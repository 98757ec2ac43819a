using Dashboard.Data.Users;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Admin;

/// <summary>What the new-account form holds while the admin types.</summary>
public sealed class NewAccountForm
{
    public string? Name { get; set; }

    public string? DisplayName { get; set; }

    public string? Password { get; set; }

    public UserRole Role { get; set; } = UserRole.Member;

    public SortedSet<string> Teams { get; } = new(StringComparer.Ordinal);

    public NewAccount ToProposal() => new(Name ?? "", DisplayName ?? "", Role, [.. Teams], Password ?? "");
}

/// <summary>What the edit form holds for one account.</summary>
public sealed class EditAccountForm
{
    public required string Name { get; init; }

    public string? DisplayName { get; set; }

    public UserRole Role { get; set; }

    public bool Enabled { get; set; }

    public string? NewPassword { get; set; }

    public SortedSet<string> Teams { get; } = new(StringComparer.Ordinal);

    public static EditAccountForm Of(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var form = new EditAccountForm { Name = account.Name, DisplayName = account.DisplayName, Role = account.Role, Enabled = account.Enabled };
        form.Teams.UnionWith(account.Teams);
        return form;
    }

    public AccountChange ToChange() => new(DisplayName ?? "", Role, [.. Teams], Enabled);
}
