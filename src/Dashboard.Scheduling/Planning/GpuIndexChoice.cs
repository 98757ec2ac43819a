using System.Collections.Immutable;
using System.Numerics;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Which GPU indices a job gets on its node: the shortest run of adjacent free indices that holds it (leftmost
/// on ties), so NVLink neighbours stay together and long runs stay open; otherwise the lowest free indices.
/// </summary>
internal static class GpuIndexChoice
{
    public static ImmutableArray<int> Choose(ulong freeMask, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        if (BitOperations.PopCount(freeMask) < count)
        {
            throw new InvalidOperationException($"Only {BitOperations.PopCount(freeMask)} GPUs are free; {count} were asked for.");
        }

        var bestStart = -1;
        var bestLength = int.MaxValue;
        var index = 0;
        while (index < 64)
        {
            if ((freeMask & (1UL << index)) == 0)
            {
                index++;
                continue;
            }

            var start = index;
            while (index < 64 && (freeMask & (1UL << index)) != 0)
            {
                index++;
            }

            var length = index - start;
            if (length >= count && length < bestLength)
            {
                bestStart = start;
                bestLength = length;
            }
        }

        var chosen = ImmutableArray.CreateBuilder<int>(count);
        if (bestStart >= 0)
        {
            for (var i = 0; i < count; i++)
            {
                chosen.Add(bestStart + i);
            }

            return chosen.MoveToImmutable();
        }

        for (var i = 0; i < 64 && chosen.Count < count; i++)
        {
            if ((freeMask & (1UL << i)) != 0)
            {
                chosen.Add(i);
            }
        }

        return chosen.MoveToImmutable();
    }
}
