using Dashboard.Web.Identity;

namespace Dashboard.Web.Api;

/// <summary>The signed-in caller of an API request (cookie or personal token; both carry the same claims).</summary>
public static class ApiCaller
{
    /// <summary>Every API endpoint requires sign-in, so a request without a user never reaches a handler.</summary>
    public static SignedInUser Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SignedInUser.From(context.User)
            ?? throw new InvalidOperationException("An API endpoint ran without a signed-in user; every API endpoint requires sign-in.");
    }
}
