using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>The disk one job's folder takes, as last measured.</summary>
public sealed record JobFolderSize(JobId Job, long Bytes);

/// <summary>A job to stop because of the disk, and the reason its owner reads.</summary>
public sealed record DiskStop(JobId Job, string Reason);

/// <summary>
/// The disk rules for running local jobs, as a pure decision over measured sizes: a job whose folder holds more than
/// <paramref name="MaxJobBytes"/> is stopped; while the free space is under <paramref name="MinFreeBytes"/>, the job
/// with the largest folder of the others is stopped too (one per check: the next check measures again). 0 turns either
/// rule off.
/// </summary>
public sealed record DiskLimits(long MaxJobBytes, long MinFreeBytes)
{
    public IReadOnlyList<DiskStop> Decide(IReadOnlyList<JobFolderSize> folders, long? freeBytes)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var stops = new List<DiskStop>();
        if (MaxJobBytes > 0)
        {
            stops.AddRange(folders
                .Where(f => f.Bytes > MaxJobBytes)
                .OrderBy(f => f.Job.Value)
                .Select(f => new DiskStop(f.Job, $"wrote {Bytes(f.Bytes)} into its folder, over the {Bytes(MaxJobBytes)} limit per job")));
        }

        if (MinFreeBytes > 0 && freeBytes is { } free && free < MinFreeBytes
            && folders.Where(f => stops.All(s => s.Job != f.Job)).OrderByDescending(f => f.Bytes).ThenBy(f => f.Job.Value).FirstOrDefault() is { } largest)
        {
            stops.Add(new DiskStop(largest.Job,
                $"stopped because the server's disk was nearly full ({Bytes(free)} free, under the {Bytes(MinFreeBytes)} kept free); its folder was the largest of the running jobs ({Bytes(largest.Bytes)})"));
        }

        return stops;
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
