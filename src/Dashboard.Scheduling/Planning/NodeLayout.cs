using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// What a pass needs to know about the nodes themselves, apart from what is free on them: their order (by name),
/// index by name, all-GPU masks, which take new jobs, and per-model GPU masks. It depends only on the immutable
/// node list, which most passes share with the previous one (jobs come and go, nodes rarely change), so it is
/// built once per list and shared, read-only, by every pass over it.
/// </summary>
internal sealed class NodeLayout
{
    private static readonly ConditionalWeakTable<Node[], NodeLayout> ByNodeList = new();

    private readonly ConcurrentDictionary<string, ulong[]> modelMasks = new(StringComparer.OrdinalIgnoreCase);

    private NodeLayout(Node[] unordered)
    {
        Nodes = [.. unordered.OrderBy(n => n.Name, StringComparer.Ordinal)];
        AllMask = new ulong[Nodes.Length];
        Schedulable = new bool[Nodes.Length];
        IndexByName = new Dictionary<string, int>(Nodes.Length, StringComparer.Ordinal);
        for (var i = 0; i < Nodes.Length; i++)
        {
            var node = Nodes[i];
            if (node.Gpus.Length > Node.MaxGpusPerNode)
            {
                throw new ArgumentException($"Node {node.Name} has {node.Gpus.Length} GPUs; at most {Node.MaxGpusPerNode} are supported.", nameof(unordered));
            }

            IndexByName.Add(node.Name, i);
            foreach (var gpu in node.Gpus)
            {
                AllMask[i] |= NodeCapacity.Bit(gpu.Index);
            }

            Schedulable[i] = node.IsSchedulable;
        }
    }

    public Node[] Nodes { get; }

    public ulong[] AllMask { get; }

    public bool[] Schedulable { get; }

    public Dictionary<string, int> IndexByName { get; }

    public static NodeLayout Of(ImmutableArray<Node> nodes) =>
        ByNodeList.GetValue(ImmutableCollectionsMarshal.AsArray(nodes) ?? [], static list => new NodeLayout(list));

    /// <summary>The GPUs of each node that satisfy <paramref name="model"/>, as masks by node index.</summary>
    public ulong[] ModelMasks(string model) => modelMasks.GetOrAdd(model, static (key, layout) =>
    {
        var masks = new ulong[layout.Nodes.Length];
        for (var i = 0; i < layout.Nodes.Length; i++)
        {
            foreach (var gpu in layout.Nodes[i].Gpus)
            {
                if (GpuModels.Match(gpu.Model, key))
                {
                    masks[i] |= NodeCapacity.Bit(gpu.Index);
                }
            }
        }

        return masks;
    }, this);
}
