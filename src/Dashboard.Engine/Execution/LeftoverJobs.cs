using System.Globalization;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// Jobs outlive the server by design (a restarted server adopts them from their launch records). Where a server's data
/// folder is removed for good (a test's temporary server, a host being taken out of use), its jobs must end with it:
/// this ends every job that has a launch record under a records folder, its whole cgroup and its process group.
/// </summary>
public static class LeftoverJobs
{
    /// <summary>
    /// Ends every job recorded under <paramref name="recordsRoot"/> that still runs (only the process the record names,
    /// checked by its start time, so a reused pid is left alone) and removes its cgroups; returns how many were running.
    /// </summary>
    public static async Task<int> EndAllAsync(string recordsRoot, TimeSpan patience)
    {
        if (!Directory.Exists(recordsRoot))
        {
            return 0;
        }

        var ended = 0;
        foreach (var folder in Directory.EnumerateDirectories(recordsRoot))
        {
            if (!long.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || new JobRecordsFolder(recordsRoot, new JobId(id)).ReadLaunch() is not { } launch)
            {
                continue;
            }

            var running = ProcessSignals.ProcessAlive(launch.Pid) && ProcessSignals.StartTicks(launch.Pid) == launch.StartTicks;
            if (running)
            {
                ProcessSignals.SignalGroup(launch.Pid, ProcessSignals.SigKill);
            }

            var killed = 0;
            if (launch.Cgroups is { Count: > 0 } cgroups)
            {
                var cgroup = new JobCgroup(cgroups);
                killed = await cgroup.KillAllAsync(patience, CancellationToken.None).ConfigureAwait(false);
                // An emptied cgroup may refuse its removal for a moment (busy while its last process is collected):
                // look again until the job's folders are gone.
                var removeBy = Environment.TickCount64 + (long)patience.TotalMilliseconds;
                cgroup.Remove();
                while (cgroup.Folders.Any(Directory.Exists) && Environment.TickCount64 < removeBy)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(5)).ConfigureAwait(false);
                    cgroup.Remove();
                }
            }

            // A killed process is gone once the kernel has ended it (it may wait as a zombie for its parent: not living).
            var deadline = Environment.TickCount64 + (long)patience.TotalMilliseconds;
            while (running && ProcessSignals.ProcessAlive(launch.Pid) && Environment.TickCount64 < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5)).ConfigureAwait(false);
            }

            if (running || killed > 0)
            {
                ended++;
            }
        }

        return ended;
    }
}
