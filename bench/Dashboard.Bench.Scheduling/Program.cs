using System.Globalization;
using Dashboard.Bench.Scheduling;

// Scheduling-core benchmark. Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Scheduling                 the four issue-2 figures
//   dotnet run -c Release --project bench/Dashboard.Bench.Scheduling -- --quick      a smoke run (not a measurement)
//   ... -- --only bd                                                                 only figures (b) and (d), e.g. to profile one
//   dotnet run -c Release --project bench/Dashboard.Bench.Scheduling -- --replay PATH [--compress K] [--window FROM,TO] [--longest N]
//       [--age-weight W] [--starve-hours H] [--backfill-depth D] [--min-run-minutes M] [--max-loss-gpu-hours L] [--drain-hours H (negative: off)] [--max-preemptions N (negative: no limit)] [--follow JOB-NAME]
//       replays a trace CSV (e.g. the Alibaba GPU v2023 sample) on simulated time, arrivals K times faster, and prints
//       the issue-20 figures on a window of submit seconds (default the busy day 1846800,1933200) and the whole trace
//   dotnet run -c Release --project bench/Dashboard.Bench.Scheduling -- --elastic   the elastic pools' decision after a pass
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var output = Console.Out;

foreach (var line in MachineDescription.Lines())
{
    output.WriteLine(line);
}

output.WriteLine(MachineDescription.Load());

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

if (Option("--replay") is { } trace)
{
    var compression = Option("--compress") is { } k ? double.Parse(k, CultureInfo.InvariantCulture) : 1.0;
    var window = (Option("--window") ?? "1846800,1933200").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
    if (window.Length != 2 || window[0] >= window[1])
    {
        Console.Error.WriteLine("--window takes FROM,TO in trace seconds, FROM below TO.");
        return 2;
    }

    var defaults = Dashboard.Scheduling.Model.SchedulerSettings.Default;
    double Number(string name, double fallback) => Option(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    var settings = defaults with
    {
        AgeWeight = Number("--age-weight", defaults.AgeWeight),
        BackfillDepth = (int)Number("--backfill-depth", defaults.BackfillDepth),
        StarvationAfter = TimeSpan.FromHours(Number("--starve-hours", defaults.StarvationAfter.TotalHours)),
        MinRunBeforePreemption = TimeSpan.FromMinutes(Number("--min-run-minutes", defaults.MinRunBeforePreemption.TotalMinutes)),
        MaxPreemptionLoss = TimeSpan.FromHours(Number("--max-loss-gpu-hours", defaults.MaxPreemptionLoss.TotalHours)),
        DrainAfter = Number("--drain-hours", defaults.DrainAfter?.TotalHours ?? -1) is var drain and >= 0 ? TimeSpan.FromHours(drain) : null,
        MaxPreemptionsPerJob = Number("--max-preemptions", defaults.MaxPreemptionsPerJob ?? -1) is var most and >= 0 ? (int)most : null,
    };
    new TraceReplay(output) { Longest = Option("--longest") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0, Follow = Option("--follow") }.Run(trace, compression, window[0], window[1], settings);
    return 0;
}

if (args.Contains("--elastic"))
{
    new ElasticFigures(output, args.Contains("--quick") ? 3 : 30).Run();
    return 0;
}

var quick = args.Contains("--quick");
var only = Option("--only") ?? "abcd";
var figures = new SchedulingFigures(new ScenarioShape(), quick ? Repetitions.Quick : Repetitions.Standard, output, only).Run();
output.WriteLine(MachineDescription.Load());
output.WriteLine();
FigureTable.Write(output, figures);
if (quick)
{
    output.WriteLine("(--quick: too few runs for the figures to mean anything)");
}

return 0;
