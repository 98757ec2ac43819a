using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// The disk one job's folder takes, as last measured; <paramref name="Stopping"/>: the job is already being stopped;
/// <paramref name="Unreadable"/>: part of the folder could not be read by the server (a folder without read or search
/// permission), so <paramref name="Bytes"/> may leave out what is in it.
/// </summary>
public sealed record JobFolderSize(JobId Job, long Bytes, bool Stopping = false, bool Unreadable = false);

/// <summary>One check's measurements: the free space (null when it could not be read) and the jobs' folders.</summary>
public sealed record DiskReading(long? FreeBytes, IReadOnlyList<JobFolderSize> Folders);

/// <summary>A job to stop because of the disk, and the reason its owner reads.</summary>
public sealed record DiskStop(JobId Job, string Reason);

/// <summary>
/// The disk rules for running local jobs, as a pure decision over measured sizes: a job whose folder holds more than
/// <paramref name="MaxJobBytes"/> is stopped; while the free space is under <paramref name="MinFreeBytes"/> and still
/// falling since the previous check, the running job whose folder grew the most since then (the one writing) is
/// stopped too, one per check. Stopping a job does not free its folder, so once nobody writes any more (the free
/// space no longer falls, or no running job's folder grew) nobody more is stopped: the jobs go on, and the node stays
/// drained (<see cref="DiskFloorDrain"/>) until space comes back. Only at the first check under the floor, when no
/// growth is known yet, is the job with the largest folder stopped instead. 0 turns either rule off.
/// </summary>
public sealed record DiskLimits(long MaxJobBytes, long MinFreeBytes)
{
    /// <param name="folders">This check's folder sizes, those of jobs already being stopped included (marked).</param>
    /// <param name="freeBytes">This check's free space; null when it could not be read.</param>
    /// <param name="previous">The previous check's reading; null at the first check.</param>
    public IReadOnlyList<DiskStop> Decide(IReadOnlyList<JobFolderSize> folders, long? freeBytes, DiskReading? previous = null)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var stops = new List<DiskStop>();
        if (MaxJobBytes > 0)
        {
            // A folder the server may not read could hide any amount: the limit cannot be kept, so the job is stopped.
            stops.AddRange(folders
                .Where(f => !f.Stopping && (f.Bytes > MaxJobBytes || f.Unreadable))
                .OrderBy(f => f.Job.Value)
                .Select(f => new DiskStop(f.Job, f.Bytes > MaxJobBytes
                    ? $"wrote {Bytes(f.Bytes)} into its folder, over the {Bytes(MaxJobBytes)} limit per job"
                    : $"made part of its folder unreadable to the server (a folder without read or search permission), so its disk use cannot be checked against the {Bytes(MaxJobBytes)} limit per job")));
        }

        if (MinFreeBytes > 0 && freeBytes is { } free && free < MinFreeBytes && FloorStop(folders, free, previous, stops) is { } stop)
        {
            stops.Add(stop);
        }

        return stops;
    }

    private DiskStop? FloorStop(IReadOnlyList<JobFolderSize> folders, long free, DiskReading? previous, List<DiskStop> stops)
    {
        var nearlyFull = $"stopped because the server's disk was nearly full ({Bytes(free)} free, under the {Bytes(MinFreeBytes)} kept free)";
        if (previous?.FreeBytes is not { } before)
        {
            // No growth is known yet: the largest folder is the likeliest writer.
            return folders.Where(f => !f.Stopping && stops.All(s => s.Job != f.Job))
                .OrderByDescending(f => f.Bytes).ThenBy(f => f.Job.Value).FirstOrDefault() is { } largest
                ? new DiskStop(largest.Job, $"{nearlyFull}; its folder was the largest of the running jobs ({Bytes(largest.Bytes)})")
                : null;
        }

        if (free >= before)
        {
            // Nobody is filling the disk any more: stopping a job would not give its folder back.
            return null;
        }

        var was = previous.Folders.ToDictionary(f => f.Job, f => f.Bytes);
        var writer = folders
            .Select(f => (Folder: f, Growth: f.Bytes - was.GetValueOrDefault(f.Job)))
            .Where(g => g.Growth > 0)
            .OrderByDescending(g => g.Growth).ThenBy(g => g.Folder.Job.Value)
            .FirstOrDefault();
        // No job's folder grew (someone else fills the disk), or the one writing most is already being stopped.
        return writer.Folder is { Stopping: false } grew && stops.All(s => s.Job != grew.Job)
            ? new DiskStop(grew.Job, $"{nearlyFull}; its folder grew the most of the running jobs ({Bytes(writer.Growth)} since the last check, {Bytes(grew.Bytes)} in all)")
            : null;
    }

    /// <summary>A size as people read it: "21.3 GiB", "20 GiB", "512 KiB", "12 B".</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var rounded = Math.Round(value, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{rounded:0.#} {units[unit]}");
    }
}
