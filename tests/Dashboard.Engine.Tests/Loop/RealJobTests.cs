using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>The seed's cycle with a real command on the local node: allocate, run with the GPUs set, end, release.</summary>
public class RealJobTests
{
    [Fact]
    public async Task A_real_command_runs_with_its_GPUs_set_ends_and_frees_them_with_every_step_persisted()
    {
        await using var engine = await EngineHarness.StartAsync([LocalNode(gpus: 2)]);

        var job = await engine.SubmitAsync(Spec(command: "echo \"visible=$CUDA_VISIBLE_DEVICES\"", gpus: 2));
        await engine.WaitForStateAsync(job, JobState.Succeeded);

        engine.Feed.Current!.Summary.GpusUsed.Should().Be(0);
        var log = await File.ReadAllTextAsync(Path.Combine(engine.Folder, "jobs", job.ToString(), "output.log"));
        log.Should().Contain("visible=0,1");
        engine.Jobs.Events(job).Select(e => (e.From, e.To)).Should().ContainInOrder((JobState.Pending, JobState.Running), (JobState.Running, JobState.Succeeded));
    }

    [Fact]
    public async Task A_restart_of_the_server_does_not_kill_a_running_job_which_is_re_adopted()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-restart-").FullName;
        try
        {
            var release = Path.Combine(folder, "release.fifo");
            Dashboard.Engine.Tests.Execution.TestIsolation.MakePipe(release);

            JobId job;
            await using (var first = await EngineHarness.StartAsync([LocalNode(gpus: 1)], folder: folder))
            {
                job = await first.SubmitAsync(Spec(command: $"read line < {release}; exit 5", gpus: 1, walltime: TimeSpan.FromHours(1)));
                first.Feed.Current!.Snapshot.Running.Should().ContainSingle();
                await first.RoundTripAsync(); // the process was started before the first server stops
            }

            await using var second = await EngineHarness.StartAsync([LocalNode(gpus: 1)], folder: folder);
            second.Feed.Current!.Snapshot.Running.Should().ContainSingle(r => r.Job.Id == job, "the job outlived the first server");
            second.Jobs.Find(job)!.State.Should().Be(JobState.Running);

            var ended = second.WaitForStateAsync(job, JobState.Failed);
            await File.WriteAllTextAsync(release, "go\n");
            await ended;

            var stored = second.Jobs.Find(job)!;
            stored.ExitCode.Should().Be(5);
            stored.Reason.Should().Be("exited with code 5");
            second.Feed.Current!.Summary.GpusUsed.Should().Be(0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_cancel_that_had_not_ended_the_job_before_a_restart_still_ends_it_as_cancelled()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-cancel-restart-").FullName;
        try
        {
            var signals = Path.Combine(folder, "signals.fifo");
            Dashboard.Engine.Tests.Execution.TestIsolation.MakePipe(signals);

            // The workload shrugs off its first SIGTERM and exits 0 on the second.
            var command = $"n=0; trap 'n=$((n+1)); echo term$n > {signals}; [ $n -ge 2 ] && exit 0' TERM; echo up > {signals}; while :; do sleep 1; done";
            JobId job;
            await using (var first = await EngineHarness.StartAsync([LocalNode(gpus: 1)], folder: folder))
            {
                job = await first.SubmitAsync(Spec(command: command, gpus: 1, walltime: TimeSpan.FromHours(1)));
                (await File.ReadAllTextAsync(signals).WaitAsync(Patience)).Should().Be("up\n");
                (await first.Engine.CancelAsync(job, "bob")).Reason.Should().Be("stopping");
                (await File.ReadAllTextAsync(signals).WaitAsync(Patience)).Should().Be("term1\n");
            }

            await using var second = await EngineHarness.StartAsync([LocalNode(gpus: 1)], folder: folder);
            var cancelled = second.WaitForStateAsync(job, JobState.Cancelled);
            (await File.ReadAllTextAsync(signals).WaitAsync(Patience)).Should().Be("term2\n", "the restarted engine asked it to stop again");
            await cancelled;

            var stored = second.Jobs.Find(job)!;
            stored.State.Should().Be(JobState.Cancelled, "it exited 0, but because it was cancelled");
            stored.Reason.Should().Be("cancelled by bob");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_job_whose_process_vanished_while_the_server_was_down_is_marked_failed()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-lost-").FullName;
        try
        {
            JobId job;
            await using (var first = await EngineHarness.StartAsync([LocalNode(gpus: 1)], folder: folder))
            {
                job = await first.SubmitAsync(Spec(command: "exec sleep 600", gpus: 1, walltime: TimeSpan.FromHours(1)));
                await first.RoundTripAsync(); // the process was started (and its launch.json written) before the first server stops
            }

            var launch = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "job-records", job.ToString(), "launch.json")));
            var pid = launch.RootElement.GetProperty("Pid").GetInt32();
            using (var kill = System.Diagnostics.Process.Start("kill", ["-s", "KILL", "--", $"-{pid}"])!)
            {
                await kill.WaitForExitAsync();
            }

            // SIGKILL is delivered at once, but the process takes a moment to die: wait for that (not for a time).
            SpinWait.SpinUntil(() => IsGone(pid), Patience).Should().BeTrue();

            await using var second = await EngineHarness.StartAsync([LocalNode(gpus: 1)], folder: folder);
            await second.WaitForStateAsync(job, JobState.Failed);

            second.Jobs.Find(job)!.Reason.Should().Be("lost while the server was down");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool IsGone(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
