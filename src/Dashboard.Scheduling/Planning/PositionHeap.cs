namespace Dashboard.Scheduling.Planning;

/// <summary>A min-heap of positions in the scheduling order (lowest first), four children per entry (half the levels of a binary heap).</summary>
internal sealed class PositionHeap
{
    private int[] items = new int[16];

    public int Count { get; private set; }

    public int Peek() => items[0];

    /// <summary>Empties the heap, keeping its array.</summary>
    public void Clear() => Count = 0;

    public void Push(int position)
    {
        if (Count == items.Length)
        {
            Array.Resize(ref items, items.Length * 2);
        }

        var at = Count++;
        while (at > 0)
        {
            var parent = (at - 1) >> 2;
            if (items[parent] <= position)
            {
                break;
            }

            items[at] = items[parent];
            at = parent;
        }

        items[at] = position;
    }

    public int Pop()
    {
        var top = items[0];
        var last = items[--Count];
        var count = Count;
        var at = 0;
        while (true)
        {
            var first = (4 * at) + 1;
            if (first >= count)
            {
                break;
            }

            var best = first;
            var end = Math.Min(first + 4, count);
            for (var child = first + 1; child < end; child++)
            {
                if (items[child] < items[best])
                {
                    best = child;
                }
            }

            if (last <= items[best])
            {
                break;
            }

            items[at] = items[best];
            at = best;
        }

        items[at] = last;
        return top;
    }
}
