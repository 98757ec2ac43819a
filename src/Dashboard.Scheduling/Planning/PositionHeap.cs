namespace Dashboard.Scheduling.Planning;

/// <summary>A min-heap of positions in the scheduling order (lowest first).</summary>
internal sealed class PositionHeap
{
    private int[] items = new int[16];

    public int Count { get; private set; }

    public int Peek() => items[0];

    public void Push(int position)
    {
        if (Count == items.Length)
        {
            Array.Resize(ref items, items.Length * 2);
        }

        var at = Count++;
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
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
            var child = (2 * at) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && items[child + 1] < items[child])
            {
                child++;
            }

            if (last <= items[child])
            {
                break;
            }

            items[at] = items[child];
            at = child;
        }

        items[at] = last;
        return top;
    }
}
