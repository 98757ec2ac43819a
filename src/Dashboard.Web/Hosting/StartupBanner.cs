namespace Dashboard.Web.Hosting;

/// <summary>The lines printed once the server listens, so whoever started it sees where to point a browser.</summary>
internal static class StartupBanner
{
    public static IReadOnlyList<string> Lines(IEnumerable<string> addresses, string contentRoot, string? jobIsolation = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var lines = addresses.Select(address => $"Compute Dashboard listening on {address}").ToList();
        lines.Add($"Settings from {Path.Combine(contentRoot, "appsettings.json")}");
        if (jobIsolation is not null)
        {
            lines.Add($"Local jobs: {jobIsolation}");
        }

        return lines;
    }
}
