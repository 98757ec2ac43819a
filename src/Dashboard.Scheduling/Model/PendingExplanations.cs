using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// The explanations of a plan's waiting jobs, in scheduling order (position i has i jobs ahead). A full-cluster pass
/// leaves ~100,000 jobs waiting: the scheduler keeps their facts in a few flat arrays and builds each
/// <see cref="PendingExplanation"/> when it is read, instead of allocating 100,000 objects per pass that the garbage
/// collector then copies between generations. Reading the same position twice gives equal (not the same) records.
/// Reads like an immutable array (<see cref="Length"/>, an indexer, <c>foreach</c>, LINQ); converts to and from
/// <see cref="ImmutableArray{T}"/>, and <c>[]</c> builds one.
/// </summary>
[CollectionBuilder(typeof(PendingExplanations), nameof(Create))]
public sealed class PendingExplanations : IReadOnlyList<PendingExplanation>
{
    private readonly ImmutableArray<PendingExplanation> built;
    private readonly Source? source;

    private PendingExplanations(ImmutableArray<PendingExplanation> built, Source? source)
    {
        this.built = built.IsDefault ? [] : built;
        this.source = source;
    }

    public static PendingExplanations Empty { get; } = new([], null);

    public int Length => source?.Count ?? built.Length;

    public int Count => Length;

    public bool IsEmpty => Length == 0;

    public PendingExplanation this[int index]
    {
        get
        {
            if (source is null)
            {
                return built[index];
            }

            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, source.Count);
            return source.At(index);
        }
    }

    /// <summary>The explanation of <paramref name="job"/>, or null when it is not among them (builds only that one).</summary>
    public PendingExplanation? Find(JobId job)
    {
        if (source is null)
        {
            foreach (var explanation in built)
            {
                if (explanation.Job == job)
                {
                    return explanation;
                }
            }

            return null;
        }

        var at = source.IndexOf(job);
        return at < 0 ? null : source.At(at);
    }

    public static PendingExplanations Create(ReadOnlySpan<PendingExplanation> explanations) =>
        explanations.IsEmpty ? Empty : new([.. explanations], null);

    public static PendingExplanations From(ImmutableArray<PendingExplanation> explanations) =>
        explanations.IsDefaultOrEmpty ? Empty : new(explanations, null);

    public static implicit operator PendingExplanations(ImmutableArray<PendingExplanation> explanations) => From(explanations);

    public static implicit operator ImmutableArray<PendingExplanation>(PendingExplanations explanations) =>
        explanations is null ? default : explanations.ToImmutableArray();

    /// <summary>Every explanation, built now.</summary>
    public ImmutableArray<PendingExplanation> ToImmutableArray()
    {
        if (source is null)
        {
            return built;
        }

        var all = ImmutableArray.CreateBuilder<PendingExplanation>(source.Count);
        for (var i = 0; i < source.Count; i++)
        {
            all.Add(source.At(i));
        }

        return all.MoveToImmutable();
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<PendingExplanation> IEnumerable<PendingExplanation>.GetEnumerator()
    {
        for (var i = 0; i < Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<PendingExplanation>)this).GetEnumerator();

    /// <summary>Explanations built on reading, from the scheduler's flat arrays.</summary>
    internal static PendingExplanations Lazy(Source source) => source.Count == 0 ? Empty : new([], source);

    /// <summary>
    /// Explanations that <paramref name="compute"/> gives, computed on the first read of any of them (once, on the
    /// reader's thread), not now.
    /// </summary>
    internal static PendingExplanations Deferred(Func<PendingExplanations> compute) => new([], new DeferredSource(compute));

    private int IndexOf(JobId job)
    {
        if (source is not null)
        {
            return source.IndexOf(job);
        }

        for (var i = 0; i < built.Length; i++)
        {
            if (built[i].Job == job)
            {
                return i;
            }
        }

        return -1;
    }

    private sealed class DeferredSource(Func<PendingExplanations> compute) : Source
    {
        private readonly Lazy<PendingExplanations> computed = new(compute, LazyThreadSafetyMode.ExecutionAndPublication);

        public override int Count => computed.Value.Length;

        public override PendingExplanation At(int index) => computed.Value[index];

        public override int IndexOf(JobId job) => computed.Value.IndexOf(job);
    }

    /// <summary>Where lazily built explanations come from: a count, one by position, and a job's position.</summary>
    internal abstract class Source
    {
        public abstract int Count { get; }

        public abstract PendingExplanation At(int index);

        public abstract int IndexOf(JobId job);
    }

    public struct Enumerator
    {
        private readonly PendingExplanations list;
        private int index;

        internal Enumerator(PendingExplanations list)
        {
            this.list = list;
            index = -1;
        }

        public readonly PendingExplanation Current => list[index];

        public bool MoveNext() => ++index < list.Length;
    }
}
