using System.Globalization;
using System.Text.Json;

namespace Dashboard.Bench.Browser;

/// <summary>
/// The DOM edits a page received between two readings of <see cref="DomWatch.Edits"/>, per update: mutation records,
/// nodes added and removed, attribute and text changes, and the regions that received most of them.
/// </summary>
public static class DomEdits
{
    // Playwright hands some numbers back as strings (e.g. "-0"); read either.
    private static double Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    public static string Describe(JsonElement before, JsonElement after, double updates)
    {
        double Per(string name) => (Number(after.GetProperty(name)) - Number(before.GetProperty(name))) / updates;
        var beforeWhere = before.GetProperty("where").EnumerateObject().ToDictionary(p => p.Name, p => Number(p.Value));
        var where = after.GetProperty("where").EnumerateObject()
            .Select(p => (p.Name, Count: (Number(p.Value) - beforeWhere.GetValueOrDefault(p.Name)) / updates))
            .Where(p => p.Count > 0)
            .OrderByDescending(p => p.Count)
            .Take(8)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Count:0.0}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Per("records"):0.0} records: {Per("added"):0.0} nodes added, {Per("removed"):0.0} removed, {Per("attributes"):0.0} attribute and {Per("text"):0.0} text changes; most: {string.Join(", ", where)}");
    }
}
