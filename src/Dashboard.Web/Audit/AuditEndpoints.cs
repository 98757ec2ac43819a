using System.Text;
using Dashboard.Data.Audit;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Audit;

/// <summary><c>GET /admin/audit.csv</c>: the audit entries of the page's filters, as a CSV download, for admins only.</summary>
public static class AuditEndpoints
{
    public const string CsvPath = "/admin/audit.csv";

    public static void MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(CsvPath, async (HttpContext context, AuditStore audit, TimeProvider time, string? actor, string? action, string? target, string? from, string? to) =>
        {
            var (query, problems) = new AuditFilter(actor, action, target, from, to).Parse();
            if (query is null)
            {
                await Results.ValidationProblem(problems.ToDictionary(p => p.Key, p => new[] { p.Value })).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            response.ContentType = "text/csv; charset=utf-8";
            response.Headers.ContentDisposition = $"attachment; filename=\"audit-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
            response.Headers.CacheControl = "no-store";
            await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
            await AuditCsv.WriteAsync(writer, audit.Stream(query), context.RequestAborted).ConfigureAwait(false);
        }).RequireAuthorization(Permissions.AdminPolicy);
    }
}
