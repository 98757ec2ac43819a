using System.Globalization;

namespace Dashboard.Api.Contracts;

/// <summary>The REST API's paths (all under <see cref="Prefix"/>), for the server's route table and for clients.</summary>
public static class ApiRoutes
{
    public const string Prefix = "/api/v1";

    public const string Jobs = Prefix + "/jobs";

    public const string Cluster = Prefix + "/cluster";

    public const string Nodes = Prefix + "/nodes";

    public const string Teams = Prefix + "/teams";

    public const string Me = Prefix + "/me";

    public const string Sessions = Prefix + "/sessions";

    public const string SessionTypes = Sessions + "/types";

    /// <summary>The OpenAPI document (JSON).</summary>
    public const string OpenApiDocument = "/openapi/v1.json";

    /// <summary>The interactive API reference page.</summary>
    public const string Reference = "/scalar/v1";

    /// <summary>The header a log read answers with: the byte offset to ask for next (<c>?offset=</c>).</summary>
    public const string LogOffsetHeader = "X-Log-Offset";

    public static string Job(long id) => Jobs + "/" + id.ToString(CultureInfo.InvariantCulture);

    public static string Cancel(long id) => Job(id) + "/cancel";

    public static string Logs(long id) => Job(id) + "/logs";

    public static string TeamQuota(string team) => Teams + "/" + Uri.EscapeDataString(team) + "/quota";
}
