namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Whether any node has a free CPU, asked again of <see cref="NodeCapacity"/> only after its
/// <see cref="NodeCapacity.Version"/> changed (the scan walks every node).
/// </summary>
internal sealed class FreeCpuSeen
{
    private int version = -1;
    private bool anyFree = true;

    public bool AnyFree(NodeCapacity capacity)
    {
        if (version != capacity.Version)
        {
            version = capacity.Version;
            anyFree = capacity.AnyFreeCpu();
        }

        return anyFree;
    }
}
