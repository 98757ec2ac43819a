using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Components.Tests.Jobs;

public sealed class JobDetailsPageTests : JobsTest
{
    [Fact]
    public void A_pending_job_shows_its_spec_why_it_waits_and_when_it_should_start()
    {
        var job = Job(5, "train-resnet", gpus: 4, command: "python train.py --epochs 3");
        Submit(job);
        var reason = new PendingReason(PendingCause.WaitingForCapacity, job.Request, 3, new ResourceAmount(8, 32_000, 64 * 1024), new ResourceAmount(20, 64_000, 512 * 1024), Team: "vision");
        Publish([Node("gpu-01")], pending: [job], explanations: [new PendingExplanation(job.Id, Now.AddMinutes(20), reason, null)]);

        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 5));

        page.WaitForAssertion(() => Sentences(page).Should().Equal(
            "Needs 4 GPUs on one node.", "No node has that much free now.", "Team vision has 12 of its 20 GPUs free (8 in use).", "3 jobs ahead."), Patience);
        page.Find("#job-estimated-start").TextContent.Should().Be("2026-11-28 14:20 UTC");
        page.Find("#job-state .job-state").GetAttribute("data-state").Should().Be("Pending");
        Spec(page, "command").Should().Be("python train.py --epochs 3");
        Spec(page, "team").Should().Be("vision");
        Spec(page, "owner").Should().Be(CurrentUserName);
        Spec(page, "resources").Should().Be("4 GPUs · 4 CPU cores · 16 GiB memory");
        Spec(page, "limits").Should().Be("none");
        Spec(page, "walltime").Should().Be("2 h");
        Spec(page, "priority").Should().Be("0");
        page.Find("#job-no-allocation").TextContent.Should().Contain("has not started");
        page.Find("#job-log-note").TextContent.Should().Be("The log starts when the job runs.");
        page.Find("#cancel-job").GetAttribute("data-action").Should().Be("cancel");
        page.Find("#resubmit").GetAttribute("href").Should().Be("jobs/new?from=5");
        page.FindAll("#job-timeline tr").Select(r => r.TextContent).Should().Equal("2026-11-28 13:00:00 UTCSubmitted");
        page.Find("#job-clock").TextContent.Should().Be("Waiting for 1 h since it was submitted");
    }

    [Fact]
    public void A_new_explanation_from_the_engine_updates_the_reason_live()
    {
        var job = Job(5, gpus: 1);
        Submit(job);
        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 5));
        page.WaitForAssertion(() => Sentences(page).Should().Equal("The scheduler has not looked at this job yet."), Patience);

        var reason = new PendingReason(PendingCause.TeamQuotaFull, job.Request, 0, new ResourceAmount(8, 0, 0), new ResourceAmount(8, 0, 0));
        Publish([Node("gpu-01")], pending: [job], explanations: [new PendingExplanation(job.Id, null, reason, null)], version: 2);

        page.WaitForAssertion(() => Sentences(page).Should().Equal("Needs 1 GPU.", "The team has 0 of its 8 GPUs free (8 in use)."), Patience);
        page.Find("#job-estimated-start").TextContent.Should().Be("unknown: it waits for a job that has no walltime");
    }

    [Fact]
    public void A_running_job_shows_its_allocation_and_a_live_tail_of_its_log()
    {
        var job = Job(6, "train-bert", gpus: 2);
        Submit(job);
        var running = Start(job, Node("gpu-01"), 4, 5);
        Publish([Node("gpu-01")], running: [running]);
        WriteLog(6, "epoch 1\nepoch 2\n");

        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 6));

        page.WaitForAssertion(() => page.Find("#job-log").TextContent.Should().Be("epoch 1\nepoch 2"), Patience);
        Allocation(page, "node").Should().Be("gpu-01");
        Allocation(page, "gpus").Should().Be("GPUs 4-5");
        Allocation(page, "cpu").Should().Be("4 cores");
        Allocation(page, "memory").Should().Be("16 GiB");
        Allocation(page, "quota").Should().Contain("not preemptible");
        page.FindAll("#job-timeline tr").Select(r => r.GetAttribute("data-state")).Should().Equal("Pending", "Running");
        page.FindAll("#job-pending").Should().BeEmpty();
        page.Find("#job-log").GetAttribute("data-polling").Should().Be("1");
        page.Find("#job-clock").TextContent.Should().Be("Running for 30 min · 1 h 30 min left of its 2 h walltime");

        WriteLog(6, "epoch 3\n");
        page.Find("#job-log").TextContent.Should().Be("epoch 1\nepoch 2", "the log is read on the clock, not on every render");
        Time.Advance(TimeSpan.FromSeconds(1));

        page.WaitForAssertion(() => page.Find("#job-log").TextContent.Should().Be("epoch 1\nepoch 2\nepoch 3"), Patience);
    }

    [Fact]
    public void The_log_viewer_searches_follows_new_lines_and_offers_the_whole_file()
    {
        var job = Job(7, "train-gpt", gpus: 1);
        Submit(job);
        Publish([Node("gpu-01")], running: [Start(job, Node("gpu-01"), 0)]);
        WriteLog(7, "epoch 1 loss 0.9\nWARNING: slow batch\nepoch 2 loss 0.7\n");
        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 7));
        page.WaitForAssertion(() => page.Find("#job-log").TextContent.Should().Contain("epoch 2"), Patience);

        var download = page.Find("#job-log-download");
        download.GetAttribute("href").Should().Be("api/v1/jobs/7/logs", "the API's log endpoint sends the whole file, after the same access check");
        download.GetAttribute("download").Should().Be("job-7.log");
        page.Find("#job-log-box").GetAttribute("data-follow").Should().Be("1", "a running job's output follows new lines");
        page.Find("#job-log-box").GetAttribute("style").Should().Contain("column-reverse", "a column-reverse box stays at its end as lines arrive");

        page.Find("#job-log-search").Input("epoch");
        page.WaitForAssertion(() =>
        {
            page.Find("#job-log").TextContent.Should().Be("epoch 1 loss 0.9\nepoch 2 loss 0.7");
            page.Find("#job-log-matches").TextContent.Should().Be("2 of 3 lines match");
        }, Patience);

        page.Find("#job-log-follow").Change(false);
        page.WaitForAssertion(() => page.Find("#job-log-box").GetAttribute("data-follow").Should().Be("0"), Patience);
        page.Find("#job-log-box").GetAttribute("style").Should().NotContain("column-reverse");
    }

    [Fact]
    public void A_job_on_a_simulated_node_says_it_has_no_output()
    {
        var job = Job(8);
        Submit(job);
        var running = Start(job, Node("demo-gpu-01", simulated: true), 0);
        Publish([Node("demo-gpu-01", simulated: true)], running: [running]);

        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 8));

        page.WaitForAssertion(() => page.Find("#job-log-note").TextContent.Should().Contain("a simulated job has no output"), Patience);
        Allocation(page, "node").Should().Be("demo-gpu-01 (simulated)");
        page.FindAll("#job-log").Should().BeEmpty();
    }

    [Fact]
    public void An_ended_job_shows_its_exit_code_reason_history_and_last_output_without_polling()
    {
        var job = Job(9, "crashes");
        Submit(job);
        Start(job, Node("gpu-01"), 2);
        End(job.Id, JobState.Failed, 137, "exited with code 137");
        WriteLog(9, "Killed\n");
        Publish([Node("gpu-01")]);

        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 9));

        page.WaitForAssertion(() => page.Find("#job-exit-code").TextContent.Should().Be("137"), Patience);
        page.Find("#job-end-reason").TextContent.Should().Be("exited with code 137");
        page.Find("#job-state .job-state").GetAttribute("data-state").Should().Be("Failed");
        Allocation(page, "node").Should().Be("gpu-01");
        page.Find("#job-allocation").GetAttribute("data-current").Should().Be("0");
        page.FindAll("#job-timeline tr").Select(r => r.TextContent).Should().Equal(
            "2026-11-28 13:00:00 UTCSubmitted", "2026-11-28 13:30:00 UTCStarted", "2026-11-28 13:55:00 UTCFailed: exited with code 137");
        page.Find("#job-clock").TextContent.Should().Be("Ran for 25 min · ended 2026-11-28 13:55:00 UTC");
        page.Find("#job-end").TextContent.Should().Contain("137").And.Contain("exited with code 137");
        page.Find("#job-log").TextContent.Should().Be("Killed");
        page.Find("#job-log").GetAttribute("data-polling").Should().Be("0");
        page.FindAll("#cancel-job").Should().BeEmpty();
        page.Find("#resubmit").GetAttribute("href").Should().Be("jobs/new?from=9");
    }

    [Fact]
    public void An_unknown_id_says_the_job_does_not_exist()
    {
        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 999));

        page.WaitForAssertion(() => page.Find("#job-not-found").TextContent.Trim().Should().Be("Job 999 does not exist."), Patience);
        page.FindAll("#cancel-job").Should().BeEmpty();
    }

    [Fact]
    public async Task Cancel_on_the_job_page_asks_then_sends_the_cancel_and_shows_the_new_state()
    {
        var job = Job(11, "queued");
        Submit(job);
        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 11));

        ClickWhenReady(page, "#cancel-job");
        ClickWhenReady(Dialogs, "#confirm-cancel");
        var command = await NextCommandAsync();
        command.Should().BeOfType<CancelJobCommand>().Which.Should().BeEquivalentTo(new { Job = new JobId(11), Actor = CurrentUserName });
        Writer.Write([new Data.Writing.JobStateChanged(job.Id, JobState.Pending, JobState.Cancelled, Now, "cancelled by ada")]);
        command.Completion!.SetResult(CommandResult.Done("cancelled"));

        page.WaitForAssertion(() => page.Find("#job-state .job-state").GetAttribute("data-state").Should().Be("Cancelled"), Patience);
        page.Find("#job-end-reason").TextContent.Should().Be("cancelled by ada");
        Snackbars.Should().Equal("Job 11 was cancelled.");
    }

    [Fact]
    public void A_state_change_from_the_engine_reloads_the_job()
    {
        var job = Job(12);
        Submit(job);
        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 12));
        page.WaitForAssertion(() => page.Find("#job-state .job-state").GetAttribute("data-state").Should().Be("Pending"), Patience);

        var running = Start(job, Node("gpu-01"), 3);
        Publish([Node("gpu-01")], running: [running], events: [new JobStateChangedEvent(job.Id, CurrentUserName, "vision", JobState.Pending, JobState.Running, null, Now)]);

        page.WaitForAssertion(() => page.Find("#job-state .job-state").GetAttribute("data-state").Should().Be("Running"), Patience);
        Allocation(page, "gpus").Should().Be("GPU 3");
    }

    private static string Spec(IRenderedComponent<JobDetailsPage> page, string key) =>
        page.Find($"#job-spec tr[data-spec='{key}'] .job-spec-value").TextContent;

    private static string Allocation(IRenderedComponent<JobDetailsPage> page, string key) =>
        page.Find($"#job-allocation tr[data-allocation='{key}'] td").TextContent;

    private static IEnumerable<string> Sentences(IRenderedComponent<JobDetailsPage> page) =>
        page.FindAll("#job-pending-reason .job-pending-sentence").Select(s => s.TextContent);
}
