using System.Text.Json;

namespace Dashboard.Web.Audit;

/// <summary>
/// A compact reading of an entry's before and after JSON for the audit page: for two objects, only the fields that
/// changed ("role: Member → Admin"); otherwise the values themselves ("∅" where there is none).
/// </summary>
public static class AuditChange
{
    public const string Nothing = "∅";

    public static IReadOnlyList<string> Describe(string? beforeJson, string? afterJson)
    {
        var before = Parse(beforeJson);
        var after = Parse(afterJson);
        if (before is { ValueKind: JsonValueKind.Object } b && after is { ValueKind: JsonValueKind.Object } a)
        {
            var beforeFields = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
            var afterFields = a.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
            var changes = beforeFields.Keys.Union(afterFields.Keys, StringComparer.Ordinal)
                .Where(k => beforeFields.GetValueOrDefault(k) != afterFields.GetValueOrDefault(k))
                .Select(k => $"{k}: {beforeFields.GetValueOrDefault(k) ?? Nothing} → {afterFields.GetValueOrDefault(k) ?? Nothing}")
                .ToList();
            return changes.Count == 0 ? ["no change"] : changes;
        }

        if (before is null && after is null)
        {
            return [];
        }

        return [$"{Compact(before)} → {Compact(after)}"];
    }

    private static string Compact(JsonElement? value) => value is { } v ? v.GetRawText() : Nothing;

    private static JsonElement? Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonDocument.Parse(JsonSerializer.Serialize(json)).RootElement.Clone();
        }
    }
}
