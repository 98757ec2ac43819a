using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

/// <summary>
/// Where a page's renderer main thread spends its time, from Chrome DevTools' own counters (Performance.getMetrics:
/// task, script, style recalculation and layout durations, in seconds, and layout/style counts), read before and after
/// a measurement on a few of the pages.
/// </summary>
public sealed class PageMetrics
{
    private static readonly string[] Names = ["TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "RecalcStyleCount", "LayoutCount"];

    private readonly List<ICDPSession> sessions = [];

    public static async Task<PageMetrics> StartAsync(IEnumerable<IPage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var metrics = new PageMetrics();
        foreach (var page in pages)
        {
            var session = await page.Context.NewCDPSessionAsync(page);
            await session.SendAsync("Performance.enable");
            metrics.sessions.Add(session);
        }

        return metrics;
    }

    public async Task<IReadOnlyDictionary<string, double>> ReadAsync()
    {
        var sums = Names.ToDictionary(n => n, _ => 0.0);
        foreach (var session in sessions)
        {
            var answer = await session.SendAsync("Performance.getMetrics");
            foreach (var metric in answer!.Value.GetProperty("metrics").EnumerateArray())
            {
                var name = metric.GetProperty("name").GetString()!;
                if (sums.ContainsKey(name))
                {
                    sums[name] += metric.GetProperty("value").GetDouble();
                }
            }
        }

        return sums;
    }

    /// <summary>Per page and update: the main thread's milliseconds (task, script, style, layout) and style/layout passes.</summary>
    public string Describe(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, double updates)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        double PerPageUpdate(string name) => (after[name] - before[name]) / sessions.Count / updates;
        return $"per page per update ({sessions.Count} pages watched): main-thread tasks {PerPageUpdate("TaskDuration") * 1000:0.0} ms, of which script " +
            $"{PerPageUpdate("ScriptDuration") * 1000:0.0} ms, style {PerPageUpdate("RecalcStyleDuration") * 1000:0.0} ms, layout {PerPageUpdate("LayoutDuration") * 1000:0.0} ms; " +
            $"{PerPageUpdate("RecalcStyleCount"):0.0} style and {PerPageUpdate("LayoutCount"):0.0} layout passes";
    }

    /// <summary>How many of <paramref name="pages"/> the browser counts visible (document.visibilityState).</summary>
    public static async Task<int> VisibleAsync(IEnumerable<IPage> pages)
    {
        var states = await Task.WhenAll(pages.Select(p => p.EvaluateAsync<string>("() => document.visibilityState")));
        return states.Count(s => s == "visible");
    }
}
