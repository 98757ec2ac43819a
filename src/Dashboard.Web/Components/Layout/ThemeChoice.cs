using Microsoft.AspNetCore.Http;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The light or dark choice, kept in the browser as a cookie (<see cref="CookieName"/>) so that it survives a reload
/// and the server renders the first, prerendered page in the chosen theme (no flash of the other one). The app reads it
/// from the request (<see cref="IsDark"/>) and hands it to the layout as a cascading value (<see cref="StoredTheme"/>); wwwroot/shell.js writes it
/// when the person switches.
/// </summary>
public static class ThemeChoice
{
    /// <summary>The cookie's name; its value is <see cref="Dark"/> or <see cref="Light"/>.</summary>
    public const string CookieName = "dashboard-theme";

    /// <summary>The name of the cascading value that carries the stored choice down to the layout.</summary>
    public const string CascadeName = "StoredDarkMode";

    public const string Dark = "dark";

    public const string Light = "light";

    /// <summary>True when the request carries the dark choice; light otherwise (also for an unknown value).</summary>
    public static bool IsDark(HttpRequest? request) =>
        request is not null && request.Cookies.TryGetValue(CookieName, out var value) && string.Equals(value, Dark, StringComparison.Ordinal);

    /// <summary>The cookie value for a choice.</summary>
    public static string ValueOf(bool dark) => dark ? Dark : Light;
}
