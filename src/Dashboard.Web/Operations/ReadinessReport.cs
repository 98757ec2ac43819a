using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dashboard.Web.Operations;

/// <summary>
/// The body of <c>/readyz</c>: the overall status and each check's status and description, e.g.
/// <c>{"status":"Unhealthy","checks":[{"name":"database","status":"Unhealthy","description":"..."}, ...]}</c>.
/// </summary>
public static class ReadinessReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record CheckEntry(string Name, string Status, string? Description);

    public sealed record Body(string Status, IReadOnlyList<CheckEntry> Checks);

    public static Body Of(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new Body(
            report.Status.ToString(),
            [.. report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new CheckEntry(e.Key, e.Value.Status.ToString(), e.Value.Description))]);
    }

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsJsonAsync(Of(report), Json);
    }
}
