using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>What <c>POST /api/v1/sessions</c> takes: a session type, a team, and optionally GPUs and a walltime ("2h") instead of the type's defaults.</summary>
public sealed record SessionStartRequest(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("team")] string? Team,
    [property: JsonPropertyName("gpus")] int? Gpus = null,
    [property: JsonPropertyName("walltime")] string? Walltime = null,
    [property: JsonPropertyName("command")] string? Command = null);

/// <summary>An interactive session: its job, and where it stands as a session.</summary>
/// <param name="Status">queued, starting, ready, simulated (a demo node: nothing to connect to) or ended.</param>
/// <param name="Url">Where the browser opens it (through the dashboard's proxy), once <see cref="Status"/> is ready.</param>
/// <param name="EndsAt">When its walltime runs out, while it runs.</param>
/// <param name="LastTraffic">The last time its owner's browser sent something through the proxy.</param>
public sealed record SessionView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("readyAt")] DateTimeOffset? ReadyAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset? EndsAt,
    [property: JsonPropertyName("lastTraffic")] DateTimeOffset? LastTraffic,
    [property: JsonPropertyName("job")] JobView Job);

/// <summary>A session type the caller may start.</summary>
public sealed record SessionTypeView(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("walltimeHours")] double WalltimeHours,
    [property: JsonPropertyName("commandFromUser")] bool CommandFromUser);

/// <summary>A message the dashboard gave a job's owner: kind is IdleWarning, IdleStop or IdleFlag.</summary>
public sealed record JobNoticeView(
    [property: JsonPropertyName("job")] long Job,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("message")] string Message);

/// <summary>What <c>POST /api/v1/sessions/{id}/extend</c> takes: how much more walltime ("1h", "30m").</summary>
public sealed record SessionExtendRequest([property: JsonPropertyName("by")] string? By);
