using Dashboard.Engine.Tests.Execution;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>Isolation as the engine meets it: walltime ends every process of a job; a local node that runs no jobs refuses them with its reason.</summary>
public sealed class JobIsolationEngineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_process_started_in_a_new_session_ends_when_its_job_reaches_its_walltime()
    {
        await using var engine = await StartAsync([LocalNode(gpus: 1)]);
        var marker = $"304.{Random.Shared.Next(100_000, 1_000_000)}";
        var started = Path.Combine(engine.Folder, "started.fifo");
        TestIsolation.MakePipe(started);
        var command = $"setsid sleep {marker} > /dev/null 2>&1 < /dev/null & escaped=$!; "
            + $"until [ \"$(tr '\\0' ' ' < /proc/$escaped/cmdline)\" = \"sleep {marker} \" ]; do :; done; echo up > {started}; exec sleep 600";

        var job = await engine.SubmitAsync(Spec(command: command, gpus: 1, walltime: TimeSpan.FromMinutes(1)));
        (await File.ReadAllTextAsync(started).WaitAsync(Patience)).Should().Be("up\n");
        ProcessesWithArgument(marker).Should().NotBeEmpty("the escaped process runs before the walltime");
        var timedOut = engine.WaitForStateAsync(job, JobState.TimedOut);

        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await timedOut;

        ProcessesWithArgument(marker).Should().BeEmpty("every process of the job ended before it was reported TimedOut");
    }

    [Fact]
    public async Task A_job_only_the_local_node_could_run_is_refused_with_the_reason_it_runs_no_jobs()
    {
        const string reason = "the local node runs no jobs: no isolation available (install bubblewrap, or run the server as root)";
        await using var engine = await StartAsync([LocalNode(gpus: 2) with { State = NodeState.Down, Note = reason }, SimulatedNode("demo-gpu-01", gpus: 1)]);

        var result = await engine.Engine.SubmitAsync(Spec(command: "true", gpus: 2), "alice").WaitAsync(Patience);

        result.Succeeded.Should().BeFalse();
        result.Reason.Should().Be($"needs 2 GPUs; the largest node has 1 (node local: {reason})");
        (await engine.Engine.SubmitAsync(Spec(command: "true", gpus: 1), "alice").WaitAsync(Patience)).Succeeded.Should().BeTrue("a demo node is unaffected");
    }

    private static List<int> ProcessesWithArgument(string argument) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(folder => (Folder: folder, Arguments: ReadOrEmpty(Path.Combine(folder, "cmdline")).Split('\0'), Stat: ReadOrEmpty(Path.Combine(folder, "stat"))))
            .Where(p => p.Arguments.Contains(argument) && p.Stat.Length > 0 && !p.Stat[(p.Stat.LastIndexOf(')') + 2)..].StartsWith('Z'))
            .Select(p => int.Parse(Path.GetFileName(p.Folder), System.Globalization.CultureInfo.InvariantCulture))];

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
