using System.Globalization;
using Dashboard.Bench.Engine;
using Dashboard.Bench.Scheduling;
using Dashboard.Scheduling.Model;

// End-to-end engine benchmark (issue 4): jobs submitted through ClusterEngine.SubmitAsync, committed to SQLite,
// placed by the scheduler and started as real processes (`true`) on the local node. Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Engine
//   ... -- --jobs 2000 --gpus 8 --submitters 16 --latency-jobs 200
//   ... -- --explainer [--samples N]   (the waiting explanations' computation, issue 19)
//   ... -- --whatif [--rounds N]       (the submit form's what-if, issue 19)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var output = Console.Out;

int Option(string name, int fallback, int min, int max)
{
    var i = Array.IndexOf(args, name);
    if (i < 0)
    {
        return fallback;
    }

    if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
    {
        throw new ArgumentException($"{name} needs a whole number from {min} to {max}");
    }

    return value;
}

var jobs = Option("--jobs", 2_000, 1, 1_000_000);
var gpus = Option("--gpus", 8, 1, Node.MaxGpusPerNode);
var submitters = Option("--submitters", 16, 1, 1_024);
var latencyJobs = Option("--latency-jobs", 200, 1, 100_000);
const int WarmUpJobs = 100;

foreach (var line in MachineDescription.Lines())
{
    output.WriteLine(line);
}

if (args.Contains("--explainer"))
{
    ExplainerCost.Run(output, Option("--samples", 15, 1, 1_000));
    return 0;
}

if (args.Contains("--whatif"))
{
    WhatIfCost.Run(output, Option("--rounds", 8, 1, 1_000));
    return 0;
}

output.WriteLine(MachineDescription.Load());
output.WriteLine($"setup   : node \"local\" (not simulated) with {gpus} GPUs, 64 cores, 256 GiB; each job runs `true` asking 1 GPU, 100 millicores, 64 MiB, 10 min;");
output.WriteLine("          SQLite synchronous=FULL (the default), LocalProcessExecutor without CPU pinning, one feed subscriber, engine on TimeProvider.System");

var timeline = new JobTimeline();
var host = await EngineOnLocalHost.StartAsync(gpus, timeline);
var folder = host.Folder;
PhaseResult flood, oneAtATime;
long commitsBefore, changesBefore, feedBefore;
int leftovers;
try
{
    output.WriteLine($"warm-up : {WarmUpJobs} jobs (JIT, SQLite cache), not counted");
    await Phases.FloodAsync(host, WarmUpJobs, submitters);

    output.WriteLine($"run 1   : {jobs} jobs from {submitters} concurrent submitters, as fast as acknowledgements come back ...");
    commitsBefore = timeline.Commits;
    changesBefore = timeline.ChangesCommitted;
    feedBefore = host.FeedDeliveries;
    var startingBefore = timeline.ProcessStart.Total;
    var committingBefore = timeline.Commit.Total;
    flood = await Phases.FloodAsync(host, jobs, submitters);
    var floodCommits = timeline.Commits - commitsBefore;
    var floodChanges = timeline.ChangesCommitted - changesBefore;
    var floodFeed = host.FeedDeliveries - feedBefore;
    var floodStartingMs = timeline.ProcessStart.Total - startingBefore;
    var floodCommittingMs = timeline.Commit.Total - committingBefore;

    output.WriteLine($"run 2   : {latencyJobs} jobs one at a time (next submit once the previous job's process started) ...");
    oneAtATime = await Phases.OneAtATimeAsync(host, latencyJobs);

    output.WriteLine(MachineDescription.Load());
    output.WriteLine();
    output.WriteLine($"(1) throughput, {jobs} jobs, {submitters} submitters, {gpus} GPUs (at most {gpus} jobs run at once):");
    output.WriteLine($"    first submit -> last job started : {flood.SubmitToLastStart.TotalSeconds,7:0.000} s = {flood.StartsPerSecond,7:N0} jobs/s");
    output.WriteLine($"    first submit -> last job released: {flood.SubmitToLastRelease.TotalSeconds,7:0.000} s = {flood.ReleasesPerSecond,7:N0} jobs/s");
    output.WriteLine($"    engine batches committed         : {floodCommits:N0} ({(double)floodChanges / Math.Max(1, floodCommits):0.0} rows-changes each, {(double)jobs / Math.Max(1, floodCommits):0.00} jobs per commit); feed deliveries {floodFeed:N0}");
    var floodMs = flood.SubmitToLastRelease.TotalMilliseconds;
    output.WriteLine($"    engine loop thread               : {floodStartingMs / 1000:0.00} s starting processes ({floodStartingMs / floodMs:P0} of the run), {floodCommittingMs / 1000:0.00} s in SQLite commits ({floodCommittingMs / floodMs:P0}); the rest applies, plans, publishes or waits");
    Write(output, "    submit -> acknowledged (committed)", flood.SubmitToAck);
    Write(output, "    submit -> process started (queues behind the GPUs)", flood.SubmitToStart);
    Write(output, "    started -> exit reported", flood.StartToExitReported);
    Write(output, "    exit reported -> release committed", flood.ExitReportedToRelease);
    output.WriteLine();
    output.WriteLine($"(2) latency, {latencyJobs} jobs one at a time on an otherwise idle engine:");
    Write(output, "    submit -> acknowledged (committed)", oneAtATime.SubmitToAck);
    Write(output, "    submit -> process started", oneAtATime.SubmitToStart);
    Write(output, "    started -> exit reported", oneAtATime.StartToExitReported);
    Write(output, "    exit reported -> release committed", oneAtATime.ExitReportedToRelease);
    output.WriteLine();
    output.WriteLine("    inside the loop, over both runs and the warm-up:");
    Write(output, "    one SQLite commit (a batch)", timeline.Commit);
    Write(output, "    one LocalProcessExecutor.StartAsync (folder, wrapper, fork/exec)", timeline.ProcessStart);
    if (timeline.Failed > 0)
    {
        output.WriteLine($"    WARNING: {timeline.Failed} jobs did not succeed");
    }

    output.WriteLine();
    output.WriteLine("(3) for scale: Slurm documents ~500 simple batch jobs/s (sched/backfill, high-throughput guide).");
    output.WriteLine($"    With {gpus} GPUs at most {gpus} jobs run at once, so each GPU turns over through the engine's whole cycle: submit ->");
    output.WriteLine("    commit -> plan -> start process -> exit -> commit release -> next start." + (gpus < Node.MaxGpusPerNode ? $" --gpus {Node.MaxGpusPerNode} lifts that bound." : string.Empty));
    output.WriteLine("    A batch's process starts run side by side (two cores here); the loop takes its next batch once they are under way.");
}
finally
{
    await host.DisposeAsync();
    leftovers = LeftoverProcesses.EndUnder(folder);
    Directory.Delete(folder, recursive: true);
}

output.WriteLine();
output.WriteLine($"cleanup : {(leftovers == 0 ? "no job processes left behind" : $"{leftovers} job processes were left behind and killed")}; {folder} deleted");
return leftovers == 0 ? 0 : 1;

static void Write(TextWriter output, string name, Samples samples) =>
    output.WriteLine($"{name,-70} median {samples.Median,8:0.00} ms   p99 {samples.P99,8:0.00} ms   max {samples.Max,8:0.00} ms");
