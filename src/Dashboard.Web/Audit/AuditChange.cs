using System.Globalization;
using System.Text.Json;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Audit;

/// <summary>
/// A reading of an entry's before and after JSON for people: for two objects, only the fields that changed, each by a
/// named field with its unit ("nominal GPUs 12 → 6", "nominal CPU 96 cores → 48 cores", "state Ready → Draining"),
/// and for a quota how its ceiling (nominal + borrowing limit) moves with it ("ceiling GPUs 20 → 14"); for one
/// object (a submit, a new account), its fields ("team vision"); otherwise the values themselves ("∅" where there is
/// none). Nested objects are read field by field ("request GPUs"); enum numbers in older records read as names.
/// </summary>
public static class AuditChange
{
    public const string Nothing = "∅";

    /// <summary>The change as lines; <paramref name="action"/> (e.g. "node.drain", "job.cancel") tells which states a number names.</summary>
    public static IReadOnlyList<string> Describe(string? beforeJson, string? afterJson, string? action = null)
    {
        var before = Parse(beforeJson);
        var after = Parse(afterJson);
        if (before is { ValueKind: JsonValueKind.Object } b && after is { ValueKind: JsonValueKind.Object } a)
        {
            var beforeFields = Fields(b, action);
            var afterFields = Fields(a, action);
            var changes = beforeFields.Keys.Union(afterFields.Keys, StringComparer.Ordinal)
                .Where(k => beforeFields.GetValueOrDefault(k) != afterFields.GetValueOrDefault(k))
                .Select(k => $"{k} {beforeFields.GetValueOrDefault(k) ?? Nothing} → {afterFields.GetValueOrDefault(k) ?? Nothing}")
                .ToList();
            return changes.Count == 0 ? ["no change"] : changes;
        }

        if (before is null && after is { ValueKind: JsonValueKind.Object } created)
        {
            return [.. Fields(created, action).Select(f => $"{f.Key} {f.Value}")];
        }

        if (before is null && after is null)
        {
            return [];
        }

        return [$"{Compact(before)} → {Compact(after)}"];
    }

    /// <summary>The fields of <paramref name="value"/>, nested ones flattened ("borrowing limit GPUs"), each with its value as people read it.</summary>
    private static Dictionary<string, string> Fields(JsonElement value, string? action)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(value, [], fields, action);
        AddCeiling(value, fields);
        return fields;
    }

    private static void Flatten(JsonElement value, List<string> path, Dictionary<string, string> fields, string? action)
    {
        foreach (var property in value.EnumerateObject())
        {
            // Computed properties that older records carried along ("IsNegative": false) say nothing.
            if (property.Name.StartsWith("Is", StringComparison.Ordinal) && property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                && property.Name.Length > 2 && char.IsUpper(property.Name[2]))
            {
                continue;
            }

            path.Add(property.Name);
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, path, fields, action);
            }
            else
            {
                fields[Label(path)] = Show(property.Name, property.Value, action);
            }

            path.RemoveAt(path.Count - 1);
        }
    }

    /// <summary>For a quota (nominal and borrowing limit both present): what the team may hold at most, per resource.</summary>
    private static void AddCeiling(JsonElement value, Dictionary<string, string> fields)
    {
        if (!value.TryGetProperty("Nominal", out var nominal) || !value.TryGetProperty("BorrowingLimit", out var borrowing)
            || nominal.ValueKind != JsonValueKind.Object || borrowing.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var resource in new[] { "Gpus", "CpuMillicores", "MemoryMiB" })
        {
            if (nominal.TryGetProperty(resource, out var n) && n.TryGetInt64(out var nominalAmount)
                && borrowing.TryGetProperty(resource, out var b) && b.TryGetInt64(out var borrowingAmount))
            {
                fields[$"ceiling {Word(resource)}"] = Number(resource, nominalAmount + borrowingAmount, null);
            }
        }
    }

    private static string Label(List<string> path) => string.Join(' ', path.Select(Word));

    private static string Word(string name) => name switch
    {
        "Gpus" or "gpus" => "GPUs",
        "CpuMillicores" => "CPU",
        "MemoryMiB" => "memory",
        "GpuModel" => "GPU model",
        "FairShareWeight" => "fair-share weight",
        "MaxPriority" => "max priority",
        "BorrowingLimit" => "borrowing limit",
        "DisplayName" => "display name",
        "FailedSignIns" => "failed sign-ins",
        "LockedUntil" => "locked until",
        "unixUser" => "Unix user",
        _ => SplitWords(name),
    };

    /// <summary>"ExitCode" → "exit code", "team" → "team".</summary>
    private static string SplitWords(string name)
    {
        var words = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && !char.IsUpper(name[i - 1]))
            {
                words.Append(' ');
            }

            words.Append(char.ToLowerInvariant(name[i]));
        }

        return words.ToString();
    }

    private static string Show(string name, JsonElement value, string? action) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Nothing,
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : "(empty)",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join(", ", value.EnumerateArray().Select(v => Show(name, v, action))),
        JsonValueKind.Number when value.TryGetInt64(out var number) => Number(name, number, action),
        _ => value.GetRawText(),
    };

    private static string Number(string name, long number, string? action) => name switch
    {
        "CpuMillicores" => Units.CoreCount(number),
        "MemoryMiB" => Units.Memory(number),
        "State" when action?.StartsWith("node.", StringComparison.Ordinal) == true && Enum.IsDefined(typeof(NodeState), (int)number) => ((NodeState)number).ToString(),
        "State" when Enum.IsDefined(typeof(JobState), (int)number) => ((JobState)number).ToString(),
        _ => number.ToString(CultureInfo.InvariantCulture),
    };

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
