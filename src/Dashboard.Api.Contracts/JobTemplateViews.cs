using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// A saved submit (<c>/api/v1/templates</c>): its name, who saved it, the team its jobs go to, whether the whole team
/// sees it (team-wide) or only its owner, and the submit body it starts from.
/// </summary>
public sealed record JobTemplateView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("team")] string Team,
    [property: JsonPropertyName("teamWide")] bool TeamWide,
    [property: JsonPropertyName("request")] JobSubmitRequest Request);

/// <summary>The template paths, beside <see cref="ApiRoutes"/>.</summary>
public static class JobTemplateRoutes
{
    public const string Templates = "/api/v1/templates";

    /// <summary>Query parameter of the save: the template's name.</summary>
    public const string NameParameter = "name";

    /// <summary>Query parameter of the save: "true" for a team-wide template (team leads of its team and admins).</summary>
    public const string TeamWideParameter = "teamWide";

    public static string Save(string name, bool teamWide) =>
        $"{Templates}?{NameParameter}={Uri.EscapeDataString(name)}{(teamWide ? $"&{TeamWideParameter}=true" : string.Empty)}";

    public static string Template(long id) => $"{Templates}/{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
