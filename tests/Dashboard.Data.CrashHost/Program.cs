using Dashboard.Data;
using Dashboard.Data.CrashHost;
using Dashboard.Data.Recovery;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

// The crash test's victim: submits and starts jobs as fast as it can from several concurrent producers through
// one GroupCommitter, and after each commit appends the job's id to the ack file and prints "ack <id>".
// It runs until it is killed. Usage: Dashboard.Data.CrashHost <database file> <ack file> [producers]
if (args.Length < 2)
{
    await Console.Error.WriteLineAsync("usage: Dashboard.Data.CrashHost <database file> <ack file> [producers]");
    return 64;
}

var databaseFile = Path.GetFullPath(args[0]);
var ackFile = Path.GetFullPath(args[1]);
var producers = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8;
var time = TimeProvider.System;
var options = new DatabaseOptions { DataFolder = Path.GetDirectoryName(databaseFile)!, FileName = Path.GetFileName(databaseFile) };

using var database = Database.Open(options, time);
var recovered = ClusterRecovery.Load(database, SchedulerSettings.Default);
if (recovered.Violations.Count > 0)
{
    await Console.Error.WriteLineAsync("recovered state is unsound: " + string.Join("; ", recovered.Violations));
    return 2;
}

await using var checkpointer = new WalCheckpointer(database, time, TimeSpan.FromMilliseconds(50));
using var writer = new ClusterWriter(database, checkpointer);
var nodes = SyntheticLoad.Nodes(count: 16, gpusPerNode: 8);
if (recovered.Snapshot.Nodes.IsEmpty)
{
    writer.Write(SyntheticLoad.Setup(nodes, time.GetUtcNow()));
}

var load = new SyntheticLoad(nodes, recovered.Snapshot.Running, recovered.NextJobId, () => Random.Shared.Next(1, 5));
await using var committer = new GroupCommitter(writer, time);
await using var acks = new StreamWriter(ackFile, append: true) { AutoFlush = true };
var planning = new Lock();
var acknowledging = new Lock();
Console.WriteLine($"ready next={recovered.NextJobId} running={recovered.Snapshot.Running.Length}");

await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
{
    while (true)
    {
        JobId job;
        Task commit;
        lock (planning)
        {
            // Queue while planning, so lists reach the committer in the order their GPUs were chosen.
            (job, var changes) = load.Next(time.GetUtcNow());
            commit = committer.CommitAsync(changes);
        }

        await commit;
        lock (acknowledging)
        {
            acks.WriteLine(job.ToString());
            Console.WriteLine($"ack {job}");
        }
    }
})));
return 0;
