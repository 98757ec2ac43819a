using System.Numerics;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// A set of positions in the scheduling order that gives the lowest first: the start estimator's re-admitted jobs.
/// One bit per position, and above that one bit per non-empty 64-bit word of the level below, up to a single word:
/// adding and taking the lowest are a few bit operations per level (three levels hold 262,144 positions), where a heap
/// made a data-dependent comparison per child on every level. The lowest position is kept at hand, because the
/// estimator asks for it at every step. <see cref="Clear"/> keeps the words for the next pass.
/// </summary>
internal sealed class PositionSet
{
    private const int WordShift = 6;

    /// <summary>levels[0] has a bit per position; levels[k + 1] a bit per word of levels[k]; the last has one word.</summary>
    private ulong[][] levels = [[0]];
    private int lowest;

    public int Count { get; private set; }

    /// <summary>The lowest position in the set (the set must not be empty).</summary>
    public int Lowest => lowest;

    /// <summary>Makes room for positions below <paramref name="capacity"/>; the set must be empty.</summary>
    public void Reserve(int capacity)
    {
        if (capacity <= levels[0].Length << WordShift)
        {
            return;
        }

        var built = new List<ulong[]>();
        var words = Math.Max(1, (capacity + 63) >> WordShift);
        while (true)
        {
            built.Add(new ulong[words]);
            if (words == 1)
            {
                break;
            }

            words = (words + 63) >> WordShift;
        }

        levels = [.. built];
    }

    /// <summary>Adds a position that is not in the set.</summary>
    public void Add(int position)
    {
        lowest = Count == 0 || position < lowest ? position : lowest;
        Count++;
        var at = position;
        foreach (var level in levels)
        {
            var word = at >> WordShift;
            var wasEmpty = level[word] == 0;
            level[word] |= 1UL << (at & 63);
            if (!wasEmpty)
            {
                // The levels above already mark this word.
                return;
            }

            at = word;
        }
    }

    /// <summary>Takes out the lowest position (the set must not be empty).</summary>
    public void RemoveLowest()
    {
        var at = lowest;
        foreach (var level in levels)
        {
            var word = at >> WordShift;
            level[word] &= ~(1UL << (at & 63));
            if (level[word] != 0)
            {
                break;
            }

            at = word;
        }

        Count--;
        if (Count > 0)
        {
            lowest = FindLowest();
        }
    }

    /// <summary>Empties the set, keeping its words.</summary>
    public void Clear()
    {
        if (Count > 0)
        {
            foreach (var level in levels)
            {
                Array.Clear(level);
            }
        }

        Count = 0;
    }

    /// <summary>From the top word down: the lowest set bit of each level names the word to look at in the level below.</summary>
    private int FindLowest()
    {
        var at = 0;
        for (var k = levels.Length - 1; k >= 0; k--)
        {
            at = (at << WordShift) + BitOperations.TrailingZeroCount(levels[k][at]);
        }

        return at;
    }
}
