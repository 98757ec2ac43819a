using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// Keeps new jobs off the local node while its disk is nearly full: under the free-space floor a Ready node is drained
/// (Draining: running jobs go on, nothing new is placed, and a job only this node could hold waits instead of being
/// refused), with the free space as its reason; once the free space is back a tenth over the floor, the node is made
/// Ready again, but only if this drained it (it remembers so, and a marker in the records folder says so across
/// restarts, with the reason it gave; one that could not be written, on a full disk, is written at a later check) and
/// the drain is still this one's: the node still Draining with that reason. A node an admin took Down, or resumed and
/// drained again meanwhile, is left to the admin.
/// </summary>
public sealed class DiskFloorDrain(ILocalNodeState nodes, string node, string markerPath, long floorBytes)
{
    public const string MarkerFileName = "disk-floor-drained";

    /// <summary>
    /// The reason this drained the node with, kept in memory too: on a disk full to the last block the marker cannot be
    /// written (ENOSPC), and the drain must still be lifted once there is room. Null when this has not drained it since
    /// it started (a drain of an earlier run is known by the marker alone).
    /// </summary>
    private string? drainedWith;

    /// <summary>Whether this drained the node (and has not made it Ready again yet).</summary>
    public bool Drained => drainedWith is not null || File.Exists(markerPath);

    /// <summary>The free space back over which a drained node is made Ready: a tenth over the floor, so it does not flap.</summary>
    public long ResumeAtBytes => floorBytes + (floorBytes / 10);

    public async Task UpdateAsync(long? freeBytes, CancellationToken cancellationToken)
    {
        if (floorBytes <= 0 || freeBytes is not { } free)
        {
            return;
        }

        if (free < floorBytes)
        {
            var reason = DrainReason(free);
            if (!Drained && nodes.StateOf(node) == NodeState.Ready
                && await nodes.SetAsync(node, NodeState.Draining, reason, cancellationToken).ConfigureAwait(false))
            {
                drainedWith = reason;
                await WriteMarkerAsync(reason, cancellationToken).ConfigureAwait(false);
            }
            else if (drainedWith is { } ours && !File.Exists(markerPath))
            {
                // The marker could not be written when the node was drained: tried again, so a restart knows the drain too.
                await WriteMarkerAsync(ours, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (Drained && free >= ResumeAtBytes)
        {
            var ours = drainedWith ?? await File.ReadAllTextAsync(markerPath, cancellationToken).ConfigureAwait(false);
            // The drain is still this one's only if nobody changed the node since: same state, same reason.
            if (nodes.StateOf(node) == NodeState.Draining && nodes.ReasonOf(node) == ours)
            {
                await nodes.SetAsync(node, NodeState.Ready, $"the disk has room again ({DiskLimits.Bytes(free)} free)", cancellationToken).ConfigureAwait(false);
            }

            drainedWith = null;
            if (File.Exists(markerPath))
            {
                File.Delete(markerPath);
            }
        }
    }

    private async Task WriteMarkerAsync(string reason, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(markerPath)!;
        if (!Directory.Exists(folder))
        {
            // The records folder, before any job made it: the server's own, as JobRecordsFolder makes it.
            Directory.CreateDirectory(folder);
            UnixFiles.SetMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await File.WriteAllTextAsync(markerPath, reason, cancellationToken).ConfigureAwait(false);
    }

    private string DrainReason(long free) =>
        $"disk nearly full: {DiskLimits.Bytes(free)} free, under the {DiskLimits.Bytes(floorBytes)} kept free (Executor:MinFreeDiskBytes); running jobs go on, new ones wait";
}
