using System.Security.Claims;
using Dashboard.Data.Users;

namespace Dashboard.Web.Identity;

/// <summary>Turns an identity proven by the OpenID Connect provider into the account it names here, or null.</summary>
public static class SingleSignOn
{
    public static SignedInUser? AccountFor(UserStore users, ClaimsPrincipal? provided, string nameClaim)
    {
        ArgumentNullException.ThrowIfNull(users);
        var name = provided?.FindFirst(nameClaim)?.Value;
        if (string.IsNullOrWhiteSpace(name) || name.Length > AccountService.MaxNameLength)
        {
            return null;
        }

        return users.Find(name) is { Enabled: true } account ? SignedInUser.Of(account) : null;
    }
}
