using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

/// <summary>
/// A Chrome trace (DevTools' timeline categories, every process) taken through a browser-level CDP session while
/// a measurement runs, summarised per update: the self time of each kind of event on the renderers' main threads
/// (script, style recalculation with the elements it touched, layout with its dirty and total objects, paint, ...)
/// and the busiest events of the GPU and browser processes. It says where one update's renderer time goes, which the
/// DevTools counters of <see cref="PageMetrics"/> only total.
/// </summary>
public sealed class RendererTrace
{
    private const string Categories = "devtools.timeline,disabled-by-default-devtools.timeline,v8.execute,blink,cc,gpu,viz,toplevel";

    private readonly ICDPSession session;
    private readonly List<JsonElement> events = [];
    private readonly TaskCompletionSource complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RendererTrace(ICDPSession session)
    {
        this.session = session;
        session.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data is { } value)
            {
                lock (events)
                {
                    events.AddRange(value.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
                }
            }
        };
        session.Event("Tracing.tracingComplete").OnEvent += (_, _) => complete.TrySetResult();
    }

    /// <summary>
    /// Runs <paramref name="measure"/> (<paramref name="updates"/> updates) under a trace, keeps the trace in the temporary
    /// folder (dashboard-<paramref name="name"/>-trace.json) and prints its summary.
    /// </summary>
    public static async Task TraceAsync(IBrowser browser, string name, double updates, Func<Task> measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        var trace = await StartAsync(browser);
        await measure();
        var events = await trace.StopAsync();
        var file = Path.Combine(Path.GetTempPath(), $"dashboard-{name}-trace.json");
        await SaveAsync(file, events);
        Console.WriteLine($"trace file: {file}");
        Summarise(Console.Out, events, updates);
    }

    public static async Task<RendererTrace> StartAsync(IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var trace = new RendererTrace(await browser.NewBrowserCDPSessionAsync());
        await trace.session.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["categories"] = Categories,
            ["transferMode"] = "ReportEvents",
        });
        return trace;
    }

    public async Task<IReadOnlyList<JsonElement>> StopAsync()
    {
        await session.SendAsync("Tracing.end");
        await complete.Task.WaitAsync(TimeSpan.FromMinutes(2));
        lock (events)
        {
            return [.. events];
        }
    }

    /// <summary>Writes the events as a trace file that chrome://tracing and Perfetto open.</summary>
    public static async Task SaveAsync(string path, IReadOnlyList<JsonElement> events)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { traceEvents = events });
    }

    /// <summary>Self time per event name and thread kind, per update, the busiest first.</summary>
    public static void Summarise(TextWriter output, IReadOnlyList<JsonElement> events, double updates)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(events);
        var processNames = new Dictionary<long, string>();
        var threadNames = new Dictionary<(long, long), string>();
        foreach (var e in events.Where(e => e.GetProperty("ph").GetString() == "M"))
        {
            var name = e.GetProperty("name").GetString();
            var value = e.TryGetProperty("args", out var args) && args.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : "?";
            var pid = e.GetProperty("pid").GetInt64();
            if (name == "process_name")
            {
                processNames[pid] = value;
            }
            else if (name == "thread_name")
            {
                threadNames[(pid, e.GetProperty("tid").GetInt64())] = value;
            }
        }

        var self = new Dictionary<(string Thread, string Name), (double Ms, int Count)>();
        double styleElements = 0, layoutDirty = 0, layoutTotal = 0;
        var byThread = events
            .Where(e => e.GetProperty("ph").GetString() == "X" && e.TryGetProperty("dur", out _))
            .GroupBy(e => (e.GetProperty("pid").GetInt64(), e.GetProperty("tid").GetInt64()));
        foreach (var thread in byThread)
        {
            var process = processNames.GetValueOrDefault(thread.Key.Item1, "?");
            var threadName = threadNames.GetValueOrDefault(thread.Key, "?");
            var kind = $"{process}/{threadName}";
            // Self time: an event's duration less its direct children's (events nest by time on one thread).
            var stack = new Stack<(double End, string Name, double Children, double Duration)>();
            void Pop()
            {
                var done = stack.Pop();
                var key = (kind, done.Name);
                var sum = self.GetValueOrDefault(key);
                self[key] = (sum.Ms + ((done.Duration - done.Children) / 1000.0), sum.Count + 1);
                if (stack.Count > 0)
                {
                    var parent = stack.Pop();
                    stack.Push(parent with { Children = parent.Children + done.Duration });
                }
            }

            foreach (var e in thread.OrderBy(e => e.GetProperty("ts").GetDouble()).ThenByDescending(e => e.GetProperty("dur").GetDouble()))
            {
                var ts = e.GetProperty("ts").GetDouble();
                var duration = e.GetProperty("dur").GetDouble();
                while (stack.Count > 0 && stack.Peek().End <= ts)
                {
                    Pop();
                }

                var name = e.GetProperty("name").GetString() ?? "?";
                stack.Push((ts + duration, name, 0, duration));
                if (name == "UpdateLayoutTree" && e.TryGetProperty("args", out var a) && a.TryGetProperty("elementCount", out var count))
                {
                    styleElements += count.GetDouble();
                }

                if (name == "Layout" && e.TryGetProperty("args", out var la) && la.TryGetProperty("beginData", out var begin))
                {
                    layoutDirty += begin.TryGetProperty("dirtyObjects", out var d) ? d.GetDouble() : 0;
                    layoutTotal += begin.TryGetProperty("totalObjects", out var t) ? t.GetDouble() : 0;
                }
            }

            while (stack.Count > 0)
            {
                Pop();
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trace ({events.Count} events, {updates} updates): style recalculation touched {styleElements / updates:0.0} elements per update; layout {layoutDirty / updates:0.0} dirty of {layoutTotal / updates:0.0} objects per update"));
        foreach (var group in self.GroupBy(s => s.Key.Thread).OrderByDescending(g => g.Sum(s => s.Value.Ms)).Take(6))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {group.Key}: {group.Sum(s => s.Value.Ms) / updates:0.00} ms self per update"));
            foreach (var entry in group.OrderByDescending(s => s.Value.Ms).Take(14))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {entry.Key.Name,-44} {entry.Value.Ms / updates,7:0.000} ms  x{entry.Value.Count / updates:0.0}"));
            }
        }
    }
}
