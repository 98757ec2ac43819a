namespace Dashboard.Scheduling.Planning;

/// <summary>A job waiting for its team's quota in the start estimator's simulation: its place in the scheduling order and what it asks for.</summary>
internal readonly record struct QuotaWaiter(int Position, int Gpus, long CpuMillicores, long MemoryMiB);

/// <summary>
/// One team's jobs waiting for its quota in the start estimator, lowest position first. Most jobs join in order
/// (the simulation meets a team's jobs in scheduling order) and leave from the front (its team's ends re-admit them
/// in order), so those wait in a plain line: joining and leaving cost one step each, where a heap walked down its
/// levels for every job. Only a job that was re-admitted and is blocked again can belong before the back of the line;
/// such jobs wait in a small heap beside it, and the first job is the lower of the two fronts. Each entry carries
/// the job's request, so re-admitting reads no other array.
/// </summary>
internal sealed class QuotaWaitQueue
{
    private QuotaWaiter[] line = new QuotaWaiter[16];
    private int lineStart;
    private int lineEnd;
    private QuotaWaiter[] rejoined = new QuotaWaiter[16];
    private int rejoinedCount;

    public int Count => lineEnd - lineStart + rejoinedCount;

    /// <summary>The waiting job with the lowest position (the queue must not be empty).</summary>
    public ref readonly QuotaWaiter First => ref FirstIsRejoined ? ref rejoined[0] : ref line[lineStart];

    private bool FirstIsRejoined => rejoinedCount > 0 && (lineStart == lineEnd || rejoined[0].Position < line[lineStart].Position);

    public void RemoveFirst()
    {
        if (FirstIsRejoined)
        {
            RemoveFirstRejoined();
        }
        else
        {
            lineStart++;
        }
    }

    /// <summary>Adds a job at its place by position (positions are unique).</summary>
    public void Add(in QuotaWaiter waiter)
    {
        if (lineStart == lineEnd || line[lineEnd - 1].Position < waiter.Position)
        {
            AddToLine(waiter);
        }
        else
        {
            AddRejoined(waiter);
        }
    }

    /// <summary>Empties the queue, keeping its arrays.</summary>
    public void Clear()
    {
        lineStart = 0;
        lineEnd = 0;
        rejoinedCount = 0;
    }

    private void AddToLine(in QuotaWaiter waiter)
    {
        if (lineEnd == line.Length)
        {
            var waiting = lineEnd - lineStart;
            if (waiting > line.Length / 2)
            {
                Array.Resize(ref line, line.Length * 2);
            }

            Array.Copy(line, lineStart, line, 0, waiting);
            lineStart = 0;
            lineEnd = waiting;
        }

        line[lineEnd++] = waiter;
    }

    private void AddRejoined(in QuotaWaiter waiter)
    {
        if (rejoinedCount == rejoined.Length)
        {
            Array.Resize(ref rejoined, rejoined.Length * 2);
        }

        var at = rejoinedCount++;
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (rejoined[parent].Position <= waiter.Position)
            {
                break;
            }

            rejoined[at] = rejoined[parent];
            at = parent;
        }

        rejoined[at] = waiter;
    }

    private void RemoveFirstRejoined()
    {
        var last = rejoined[--rejoinedCount];
        var count = rejoinedCount;
        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && rejoined[child + 1].Position < rejoined[child].Position)
            {
                child++;
            }

            if (last.Position <= rejoined[child].Position)
            {
                break;
            }

            rejoined[at] = rejoined[child];
            at = child;
        }

        if (count > 0)
        {
            rejoined[at] = last;
        }
    }
}
