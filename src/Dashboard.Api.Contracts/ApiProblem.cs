using System.Text.Json.Serialization;

namespace Dashboard.Api.Contracts;

/// <summary>
/// Every error the API answers (RFC 7807, <c>application/problem+json</c>): <see cref="Status"/> and a
/// <see cref="Title"/>, a <see cref="Detail"/> a person can act on, and for invalid fields <see cref="Errors"/>
/// (field name, as in the request, to its messages). 429 answers also carry a <c>Retry-After</c> header.
/// </summary>
public sealed record ApiProblem
{
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("status")]
    public int? Status { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    [JsonPropertyName("errors")]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
}
