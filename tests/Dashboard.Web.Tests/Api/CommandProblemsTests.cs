using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Web.Tests.Api;

/// <summary>Each refused outcome becomes its own RFC 7807 status, in one place.</summary>
public sealed class CommandProblemsTests
{
    [Theory]
    [InlineData(CommandOutcome.Forbidden, 403)]
    [InlineData(CommandOutcome.NeverFits, 422)]
    [InlineData(CommandOutcome.NotFound, 404)]
    [InlineData(CommandOutcome.Conflict, 409)]
    [InlineData(CommandOutcome.Unavailable, 503)]
    public void Each_refusal_has_its_status_and_says_why(CommandOutcome outcome, int status)
    {
        var result = new CommandResult(outcome, null, "the reason", []);

        var problem = CommandProblems.Of(result).Should().BeOfType<ProblemHttpResult>().Subject;

        problem.StatusCode.Should().Be(status);
        problem.ProblemDetails.Detail.Should().Be("the reason");
    }

    [Fact]
    public void A_refusal_in_context_leads_with_the_context()
    {
        var problem = CommandProblems.Of(CommandResult.Conflict("job 9 is not pending or running"), "Job 9 was not cancelled").Should().BeOfType<ProblemHttpResult>().Subject;

        problem.ProblemDetails.Detail.Should().Be("Job 9 was not cancelled: job 9 is not pending or running");
    }

    [Fact]
    public void Invalid_fields_are_a_422_with_the_messages_by_the_requests_field_names()
    {
        var result = CommandResult.Invalid([new FieldError("gpus", "GPUs must be positive."), new FieldError("gpus", "At most 8."), new FieldError("name", "Name is required.")]);

        var problem = CommandProblems.Of(result, apiName: f => "x-" + f).Should().BeOfType<ProblemHttpResult>().Subject;

        problem.StatusCode.Should().Be(StatusCodes.Status422UnprocessableEntity);
        problem.ProblemDetails.Should().BeOfType<HttpValidationProblemDetails>().Which.Errors.Should().BeEquivalentTo(new Dictionary<string, string[]>
        {
            ["x-gpus"] = ["GPUs must be positive. At most 8."],
            ["x-name"] = ["Name is required."],
        });
    }

    [Fact]
    public void A_command_that_took_effect_is_not_a_problem()
    {
        FluentActions.Invoking(() => CommandProblems.Of(CommandResult.Stopping())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CommandProblems.Of(CommandResult.Accepted(new JobId(1)))).Should().Throw<ArgumentException>();
    }
}
