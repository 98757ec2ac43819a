using System.Diagnostics;
using System.Text;
using Dapper;
using Dashboard.Data.Recovery;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests;

/// <summary>
/// A real process (Dashboard.Data.CrashHost) submits and starts jobs as fast as it can and is killed with SIGKILL
/// after a random number of acknowledgements, 20 times on the same database. After every kill, each id it had
/// acknowledged must be stored, and the reopened database must hold no GPU twice.
/// </summary>
public sealed class CrashTests
{
    private const int Rounds = 20;
    private static readonly TimeSpan RoundLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Every_acknowledged_submission_survives_sigkill_twenty_times_and_no_gpu_is_held_twice()
    {
        using var temp = new TempDatabase();
        Directory.CreateDirectory(temp.Options.DataFolder);
        var ackFile = Path.Combine(temp.Folder, "acks.txt");
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var output = TestContext.Current.TestOutputHelper!;
        output.WriteLine($"seed {seed}");
        var previouslyAcked = 0;

        for (var round = 1; round <= Rounds; round++)
        {
            var killAfter = random.Next(0, 1500);
            var printed = await RunUntilKilled(temp.FilePath, ackFile, killAfter);

            var acked = ReadAcknowledged(ackFile);
            acked.Count.Should().BeGreaterThanOrEqualTo(previouslyAcked + killAfter, "round {0} printed {1} acks", round, printed);
            previouslyAcked = acked.Count;
            using var database = Database.Open(temp.Options, TimeProvider.System);
            var recovered = ClusterRecovery.Load(database, SchedulerSettings.Default);
            using var connection = database.OpenConnection();
            var stored = connection.Query<long>("SELECT job_id FROM allocations").ToHashSet();

            connection.ExecuteScalar<string>("PRAGMA integrity_check").Should().Be("ok");
            acked.Except(stored).Should().BeEmpty("every acknowledged job (round {0}) must be stored with its allocation", round);
            recovered.Violations.Should().BeEmpty("round {0} must recover a sound state", round);
            recovered.Snapshot.Running.SelectMany(r => r.Allocation.GpuIndices.Select(i => (r.Allocation.Node, i)))
                .Should().OnlyHaveUniqueItems();
            output.WriteLine($"round {round}: killed after {printed} acks; {acked.Count} acknowledged in all, {recovered.Snapshot.Running.Length} running, next id {recovered.NextJobId}");
        }
    }

    /// <summary>Starts the host, reads its output until it has acknowledged <paramref name="killAfter"/> jobs, and kills it with SIGKILL.</summary>
    private static async Task<int> RunUntilKilled(string databaseFile, string ackFile, int killAfter)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dashboard.Data.CrashHost.dll"));
        start.ArgumentList.Add(databaseFile);
        start.ArgumentList.Add(ackFile);
        using var process = Process.Start(start)!;
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(RoundLimit);

        var ready = false;
        var acks = 0;
        try
        {
            while (!ready || acks < killAfter)
            {
                var line = await process.StandardOutput.ReadLineAsync(limit.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(limit.Token);
                    lock (errors)
                    {
                        throw new InvalidOperationException($"The crash host exited with {process.ExitCode} after {acks} acks: {errors}");
                    }
                }

                ready |= line.StartsWith("ready", StringComparison.Ordinal);
                acks += line.StartsWith("ack ", StringComparison.Ordinal) ? 1 : 0;
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        return acks;
    }

    /// <summary>The ids in the ack file; a last line the kill cut short (no newline yet) was never an acknowledgement.</summary>
    private static HashSet<long> ReadAcknowledged(string ackFile)
    {
        if (!File.Exists(ackFile))
        {
            return [];
        }

        var text = File.ReadAllText(ackFile);
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return [.. complete.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse)];
    }
}
