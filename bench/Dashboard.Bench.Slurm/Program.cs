using System.Diagnostics;
using System.Globalization;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Bench.Slurm;

// Jobs started per second onto a real Slurm: through the dashboard (its engine's front door, the path every submit
// takes after the API) side by side with the same jobs sent straight with sbatch, same cluster, same run, in
// alternating rounds (sbatch, dashboard, sbatch, dashboard, ...) so both see the same load; and the delay from a
// Slurm job's end to its GPUs showing free in the dashboard's published state.
// Needs the cluster .ci/slurm/start.sh starts: export the lines of SCRATCH/env, then run as root:
//   dotnet run -c Release --project bench/Dashboard.Bench.Slurm -- [jobs] [rounds] [poll ms] [quick look jobs, 0: off]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SlurmBench
{
    public static async Task Main(string[] args)
    {
        var jobs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 48;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var pollMs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 250;
        var quickLook = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 32;
        var url = Environment.GetEnvironmentVariable("DASHBOARD_TEST_SLURM_URL") ?? throw new InvalidOperationException("start a cluster with .ci/slurm/start.sh and export SCRATCH/env first");
        var key = Environment.GetEnvironmentVariable("DASHBOARD_TEST_SLURM_JWT_KEY")!;
        var conf = Environment.GetEnvironmentVariable("DASHBOARD_TEST_SLURM_CONF")!;
        var cli = new SlurmCli(conf);
        await cli.RunAsync("useradd", "--system", "--no-create-home", "dashslurm").ContinueWith(_ => { }, TaskScheduler.Default);

        Console.WriteLine($"Slurm start rate: {jobs} jobs of `true`, 1 GPU, 1 CPU, 1 GiB each, on 2 nodes x 8 GPUs ({Environment.ProcessorCount} cores), {rounds} alternating rounds, dashboard polling every {pollMs} ms, quick look at {(quickLook == 0 ? "no job (off)" : $"up to {quickLook} new jobs")}");
        var folder = Directory.CreateTempSubdirectory("dashboard-bench-slurm-").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0x1C9);
        var sbatchRates = new List<double>();
        var dashboardRates = new List<double>();
        await using (var dashboard = new BenchHost(folder, url, key, conf, TimeSpan.FromMilliseconds(pollMs), quickLook))
        {
            dashboard.StartServer();
            var engine = dashboard.Services.GetRequiredService<ClusterEngine>();
            await dashboard.Services.GetRequiredService<EngineLoop>().Started;
            await engine.Feed.WaitForAsync(u => u.Snapshot.Nodes.Count(n => n.Name is "node1" or "node2" && n.State == NodeState.Ready) == 2);
            JobSpec Spec(string name, string command) => new(name, "alice", "vision", command, new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));

            for (var round = 1; round <= rounds; round++)
            {
                var load = LoadAverage();

                // 1. sbatch, one process per submit as a script would, each pinned to a node like the dashboard's.
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < jobs; i++)
                {
                    await cli.RunAsync("sbatch", "--parsable", "-p", "dash", "-w", i % 2 == 0 ? "node1" : "node2", "--gres=gpu:1", "-c", "1", "--mem=1G", "-J", $"bench-sbatch-{round}-{i}", "-o", "/dev/null", "--wrap", "true");
                }

                var submitted = watch.Elapsed;
                while ((await cli.RunAsync("squeue", "-h", "-o", "%j")).Split('\n').Any(l => l.StartsWith("bench-sbatch-", StringComparison.Ordinal)))
                {
                    await Task.Delay(50);
                }

                var sbatchTime = watch.Elapsed;
                sbatchRates.Add(jobs / sbatchTime.TotalSeconds);
                Console.WriteLine($"round {round} (load {load}) sbatch:    {jobs} submitted in {submitted.TotalSeconds:F2} s, all ended after {sbatchTime.TotalSeconds:F2} s: {jobs / sbatchTime.TotalSeconds:F1} jobs/s");

                // 2. The same jobs through the dashboard, Cluster:Slurm on this cluster, once its view shows sbatch's jobs
                // gone (their GPUs count as held outside the dashboard until a poll sees them end; a 1-GPU job would
                // then be refused as never fitting).
                // A poll of its own after squeue shows them gone, so the view is not one from before they ended (that
                // view may show them holding every core of a node: a submit was refused as never fitting in one run).
                var sync = dashboard.Services.GetRequiredService<Dashboard.Slurm.SlurmSync>();
                do
                {
                    await sync.PollAsync(CancellationToken.None);
                }
                while (engine.Feed.Current!.Snapshot.Nodes.Count(n => n.Name is "node1" or "node2" && n.Gpus.Length == 8 && n.CpuMillicores == 8000) != 2);
                watch.Restart();
                var ids = new List<long>();
                for (var i = 0; i < jobs; i++)
                {
                    var result = await engine.SubmitAsync(Spec($"bench-{round}-{i}", "true"), "alice");
                    ids.Add(result.Job?.Value ?? throw new InvalidOperationException($"submit {i} of round {round} refused: {result.Outcome} {result.Reason}"));
                }

                submitted = watch.Elapsed;
                await engine.Feed.WaitForAsync(u => ids.All(id => u.Snapshot.Pending.Find(new JobId(id)) is null && !u.Snapshot.Running.Any(r => r.Job.Id.Value == id)));
                var dashboardTime = watch.Elapsed;
                dashboardRates.Add(jobs / dashboardTime.TotalSeconds);
                Console.WriteLine($"round {round} (load {LoadAverage()}) dashboard: {jobs} submitted in {submitted.TotalSeconds:F2} s, all ended after {dashboardTime.TotalSeconds:F2} s: {jobs / dashboardTime.TotalSeconds:F1} jobs/s ({(dashboardTime / sbatchTime - 1) * 100:+0;-0;0}% time vs this round's sbatch)");
            }

            var sbatchMedian = Median(sbatchRates);
            var dashboardMedian = Median(dashboardRates);
            Console.WriteLine($"median of {rounds} rounds: sbatch {sbatchMedian:F1} jobs/s, dashboard {dashboardMedian:F1} jobs/s ({(sbatchMedian / dashboardMedian - 1) * 100:+0;-0;0}% time vs sbatch)");

            // 3. End to free: the job prints the time as its last act; the delay runs to the update that shows its GPU free.
            var delays = new List<double>();
            var logs = dashboard.Services.GetRequiredService<JobLogs>();
            for (var i = 0; i < 5; i++)
            {
                var id = (await engine.SubmitAsync(Spec($"bench-end-{i}", "sleep 1; date +%s.%N"), "alice")).Job!.Value;
                var free = await engine.Feed.WaitForAsync(u => u.Events.OfType<AllocationReleasedEvent>().Any(e => e.Job == id));
                var at = free.Events.OfType<AllocationReleasedEvent>().First(e => e.Job == id).At;
                var printed = decimal.Parse(logs.Tail(id).Lines[^1], CultureInfo.InvariantCulture);
                delays.Add((double)((decimal)at.ToUnixTimeMilliseconds() / 1000m - printed));
            }

            delays.Sort();
            Console.WriteLine($"end to free (5 jobs): median {delays[2]:F2} s, max {delays[^1]:F2} s (poll interval {pollMs / 1000.0:F2} s; load {LoadAverage()})");
        }

        Directory.Delete(folder, recursive: true);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The 1-minute load average (/proc/loadavg), to note beside each figure.</summary>
    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
