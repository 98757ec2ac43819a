using System.Globalization;
using System.Runtime.InteropServices;
using Dapper;
using Dashboard.Bench.Persistence;
using Dashboard.Data;
using Dashboard.Data.CrashHost;
using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

// Persistence benchmark. Run: dotnet run -c Release --project bench/Dashboard.Bench.Persistence
// Options: --data <folder> (default: a temporary folder, removed afterwards), --seconds <measured seconds per run, default 5>,
// --submitters <concurrent submitters, default 256>; --small-commits [--finished N] [--commits N] [--rounds N] [--each-index] runs only
// the cost of a 4-submit commit by part (SmallCommits; keep its database with --data).
// Prints durable allocations per second and job lifecycles per second through group commit with synchronous=FULL and
// NORMAL (commit and acknowledgement latencies as median/p99/max), and the recovery time of 100,000 pending +
// 8,000 running jobs.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var folder = Argument("--data") ?? Path.Combine(Path.GetTempPath(), "dashboard-bench-persistence", Guid.NewGuid().ToString("N"));
var submitters = int.Parse(Argument("--submitters") ?? "256", CultureInfo.InvariantCulture);
var measure = TimeSpan.FromSeconds(double.Parse(Argument("--seconds") ?? "5", CultureInfo.InvariantCulture));
var warmUp = TimeSpan.FromSeconds(1);
Directory.CreateDirectory(folder);

if (args.Contains("--small-commits"))
{
    // What one small commit (4 submits) costs by part, at a million finished jobs (see SmallCommits).
    SmallCommits.Run(
        folder,
        int.Parse(Argument("--finished") ?? "1000000", CultureInfo.InvariantCulture),
        int.Parse(Argument("--commits") ?? "300", CultureInfo.InvariantCulture),
        int.Parse(Argument("--rounds") ?? "3", CultureInfo.InvariantCulture),
        args.Contains("--each-index"));
    return 0;
}

Console.WriteLine("Compute Dashboard persistence benchmark");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, SQLite {SqliteVersion(folder)}");
Console.WriteLine($"data folder: {folder}; {submitters} concurrent submitters, each waiting for its acknowledgement; {measure.TotalSeconds:0} s measured after {warmUp.TotalSeconds:0} s warm-up");
Console.WriteLine($"group commit: at most {GroupCommitter.DefaultMaxChangesPerTransaction} changes per transaction; WAL checkpoints in the background (WalCheckpointer)");
Console.WriteLine();

var startCapacity = (int)((warmUp + measure).TotalSeconds * 80_000);
var runs = new (string Name, Func<ClusterWriter, DateTimeOffset, IWorkload> Prepare)[]
{
    ("allocations", (writer, now) => StartWorkload.Prepare(writer, startCapacity, now)),
    ("lifecycles", LifecycleWorkload.Prepare),
};
foreach (var (name, prepare) in runs)
{
    foreach (var synchronous in new[] { SqliteSynchronous.Full, SqliteSynchronous.Normal })
    {
        IWorkload? described = null;
        var result = await AllocationThroughput.Run(folder, name, synchronous, submitters, warmUp, measure, (w, now) => described = prepare(w, now));
        if (synchronous == SqliteSynchronous.Full)
        {
            Console.WriteLine($"{name}: {described!.Describe()}");
        }

        Console.WriteLine(
            $"  WAL + synchronous={synchronous.ToString().ToUpperInvariant()} + group commit: {result.PerSecond:N0} durable {name}/s "
            + $"({result.Steps:N0} in {result.Elapsed.TotalSeconds:0.0} s; {result.Transactions:N0} transactions of {result.MeanListsPerTransaction:0.0} on average)");
        Console.WriteLine($"      commit (BEGIN..COMMIT incl. fsync): {result.Commit.Describe()}");
        Console.WriteLine($"      acknowledgement seen by a submitter: {result.Ack.Describe()}");
    }
}

var single = SingleRowCommits.Run(folder, SqliteSynchronous.Full, TimeSpan.FromSeconds(3));
Console.WriteLine(
    $"for scale, one transaction per allocation, synchronous=FULL, no group commit: {single.Allocations / single.Elapsed.TotalSeconds:N0} allocations/s; "
    + $"commit {single.Commit.Describe()}");

var (load, last, build) = RecoveryTime.Run(folder, repeats: 5);
Console.WriteLine(
    $"recovery of {RecoveryTime.Pending:N0} pending + {RecoveryTime.Running:N0} running jobs (open + schema check + rebuild + invariants): "
    + $"{load.Describe()}; rebuilt {last.Snapshot.Pending.Count:N0} pending, {last.Snapshot.Running.Length:N0} running, "
    + $"{last.Violations.Count} violations (database built in {build.TotalSeconds:0.0} s)");

if (Argument("--data") is null)
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

return 0;

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string SqliteVersion(string folder)
{
    using var database = Database.Open(new DatabaseOptions { DataFolder = folder, FileName = "version.db" }, TimeProvider.System);
    using var connection = database.OpenConnection();
    return connection.ExecuteScalar<string>("SELECT sqlite_version()")!;
}
