using Dashboard.Engine.Loop;
using Dashboard.Web.Commands;
using MudBlazor;

namespace Dashboard.Web.Tests.Commands;

/// <summary>What a page tells the person is picked by the outcome, never by the reason's text.</summary>
public sealed class CommandNoticeTests
{
    private static CommandNotice Notice(CommandResult result) =>
        CommandNotice.Of(result, note => note is null ? "done" : $"done: {note}", reason => $"refused: {reason}", stopping: "stopping");

    [Fact]
    public void Accepted_is_a_success_with_its_note()
    {
        Notice(CommandResult.Done()).Should().Be(new CommandNotice(Severity.Success, "done"));
        Notice(CommandResult.Done("gpu-01 is already Drain")).Should().Be(new CommandNotice(Severity.Success, "done: gpu-01 is already Drain"));
    }

    [Fact]
    public void Stopping_is_a_success_with_its_own_words_whatever_the_reason_says()
    {
        Notice(CommandResult.Stopping()).Should().Be(new CommandNotice(Severity.Success, "stopping"));
        Notice(CommandResult.Done("stopping")).Should().Be(new CommandNotice(Severity.Success, "done: stopping"), "a note is not an outcome");
    }

    [Fact]
    public void Refusals_warn_and_unavailability_is_an_error()
    {
        Notice(CommandResult.Conflict("job 9 has ended")).Should().Be(new CommandNotice(Severity.Warning, "refused: job 9 has ended"));
        Notice(CommandResult.Forbidden("admins only")).Should().Be(new CommandNotice(Severity.Warning, "refused: admins only"));
        Notice(CommandResult.NotFound("no pool burst")).Severity.Should().Be(Severity.Warning);
        Notice(CommandResult.NeverFits("needs 16 GPUs")).Severity.Should().Be(Severity.Warning);
        Notice(CommandResult.Unavailable("database is locked")).Should().Be(new CommandNotice(Severity.Error, "refused: database is locked"));
    }
}
