using System.Globalization;
using Dashboard.Bench.Scheduling;

namespace Dashboard.Bench.Browser;

/// <summary>
/// One measurement's samples, split: submit -> the engine's publish (the commit), publish -> the circuits' render
/// batches written to their SignalR connections (server: the feed's pumps, the dispatchers, the renders), and the DOM stamps of every page. A render batch
/// carries no circuit id, so the split compares distributions (the n-th batch with the n-th page) and each sample's
/// last batch with its last page.
/// </summary>
public sealed class Split
{
    public Samples Dom { get; } = new();

    private readonly Samples commit = new();
    private readonly Samples publishToDom = new();
    private readonly Samples publishToBatch = new();
    private readonly Samples publishToLastBatch = new();
    private readonly Samples lastBatchToLastDom = new();
    private readonly Samples batchToAcknowledged = new();
    private int batches;
    private int updates;

    public void Add(double start, double published, IReadOnlyList<double> appeared, IReadOnlyList<double> batchesAfterPublish, IReadOnlyList<double> acknowledged)
    {
        ArgumentNullException.ThrowIfNull(appeared);
        ArgumentNullException.ThrowIfNull(batchesAfterPublish);
        ArgumentNullException.ThrowIfNull(acknowledged);
        updates++;
        commit.Add(TimeSpan.FromMilliseconds(published - start));
        foreach (var at in appeared)
        {
            Dom.Add(TimeSpan.FromMilliseconds(Math.Max(0, at - start)));
            publishToDom.Add(TimeSpan.FromMilliseconds(Math.Max(0, at - published)));
        }

        foreach (var batch in batchesAfterPublish)
        {
            batches++;
            publishToBatch.Add(TimeSpan.FromMilliseconds(batch - published));
        }

        if (batchesAfterPublish.Count > 0)
        {
            publishToLastBatch.Add(TimeSpan.FromMilliseconds(batchesAfterPublish[^1] - published));
            lastBatchToLastDom.Add(TimeSpan.FromMilliseconds(appeared.Max() - batchesAfterPublish[^1]));
        }

        // The n-th batch written with the n-th acknowledgement read (batches are acknowledged in order per circuit;
        // across circuits this pairs distributions, not messages).
        for (var n = 0; n < Math.Min(batchesAfterPublish.Count, acknowledged.Count); n++)
        {
            batchToAcknowledged.Add(TimeSpan.FromMilliseconds(Math.Max(0, acknowledged[n] - batchesAfterPublish[n])));
        }
    }

    public void Print(string label, int pages)
    {
        static string Of(Samples s) => string.Create(CultureInfo.InvariantCulture, $"median {s.Median,6:0.0}, p95 {s.Percentile(95),6:0.0}, max {s.Max,6:0.0} ms");
        Console.WriteLine($"split, {label}:");
        Console.WriteLine($"  submit -> publish (commit)            : {Of(commit)} (n={commit.Count})");
        Console.WriteLine($"  publish -> render batch, every batch  : {Of(publishToBatch)} (n={publishToBatch.Count}; {batches / (double)Math.Max(1, updates * pages):0.0} batches per page per update)");
        Console.WriteLine($"  publish -> the update's last batch    : {Of(publishToLastBatch)} (server side, whole update)");
        Console.WriteLine($"  publish -> DOM, every page            : {Of(publishToDom)} (n={publishToDom.Count})");
        Console.WriteLine($"  last batch -> last page's DOM         : {Of(lastBatchToLastDom)} (SignalR + browser)");
        Console.WriteLine($"  n-th batch written -> n-th ack read   : {Of(batchToAcknowledged)} (SignalR + the browser applying the batch)");
    }
}
