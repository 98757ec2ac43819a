using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Jobs;

public sealed class BulkCancelNoticeTests
{
    [Fact]
    public void Counts_the_cancelled_and_names_each_refusal_with_its_reason()
    {
        var notice = BulkCancelNotice.Of([
            new(new JobId(3), CommandResult.Done()),
            new(new JobId(4), CommandResult.Stopping()),
            new(new JobId(5), CommandResult.Done()),
            new(new JobId(12), CommandResult.Forbidden("Only its owner (bob), a lead of team nlp or an admin can cancel job 12.")),
        ]);

        notice.Text.Should().Be("3 cancelled (1 still stopping), 1 refused: Only its owner (bob), a lead of team nlp or an admin can cancel job 12");
        notice.Severity.Should().Be(Severity.Warning);
    }

    [Fact]
    public void A_reason_that_does_not_name_its_job_is_given_the_job()
    {
        var notice = BulkCancelNotice.Of([
            new(new JobId(8), CommandResult.Unavailable("the engine is not running.")),
            new(new JobId(9), CommandResult.Conflict("already ended")),
        ]);

        notice.Text.Should().Be("0 cancelled, 2 refused: job 8: the engine is not running; job 9: already ended");
        notice.Severity.Should().Be(Severity.Error, "the engine could not be reached for one of them");
    }

    [Fact]
    public void All_cancelled_is_a_success()
    {
        var notice = BulkCancelNotice.Of([new(new JobId(1), CommandResult.Done()), new(new JobId(2), CommandResult.Done())]);

        notice.Should().Be(new Dashboard.Web.Commands.CommandNotice(Severity.Success, "2 cancelled"));
    }

    [Fact]
    public void The_prompt_for_many_lists_the_jobs_and_says_what_happens_to_each_kind()
    {
        var targets = Enumerable.Range(1, 12).Select(i => new CancelTarget(new JobId(i), $"j{i}", JobState.Pending, 1)).ToList();

        var prompt = CancelPrompt.ForMany(targets);

        prompt.Text.Should().Be("Cancel 12 jobs (#1, #2, #3, #4, #5, #6, #7, #8, #9, #10 and 2 more)? Running ones are stopped and their resources released; waiting ones leave the queue.");
        prompt.Title.Should().Be("Cancel 12 jobs?");
        prompt.ConfirmLabel.Should().Be("Cancel 12 jobs");
    }
}
