namespace Dashboard.Web.Hosting;

/// <summary>
/// Where the server listens. The conventional settings win, in ASP.NET Core's own order: <c>--urls</c> on the command
/// line, then <c>ASPNETCORE_URLS</c> / <c>DOTNET_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c> / <c>ASPNETCORE_HTTPS_PORTS</c>, a
/// <c>Urls</c> or <c>Kestrel:Endpoints</c> setting. Only when none of them is given does the dashboard listen on
/// <see cref="Default"/> (loopback only: nothing outside this machine reaches it until someone decides so).
/// </summary>
public static class ListenAddresses
{
    public const string Default = "http://127.0.0.1:5080";

    /// <summary>True when no setting says where to listen (so <see cref="Default"/> applies).</summary>
    public static bool NoneGiven(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrWhiteSpace(configuration["urls"])
            && string.IsNullOrWhiteSpace(configuration["http_ports"])
            && string.IsNullOrWhiteSpace(configuration["https_ports"])
            && !configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
    }

    /// <summary>Listens on <see cref="Default"/> unless a conventional setting says otherwise.</summary>
    public static void UseDefaultWhenNoneGiven(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (NoneGiven(builder.Configuration))
        {
            builder.WebHost.UseUrls(Default);
        }
    }
}
