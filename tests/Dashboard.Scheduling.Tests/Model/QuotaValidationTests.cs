using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class QuotaValidationTests
{
    private static TeamQuota Quota(string team) => new(team, new ResourceAmount(1, 1000, 1024), ResourceAmount.Zero);

    [Theory]
    [InlineData("vision")]
    [InlineData("nlp")]
    [InlineData("speech")]
    [InlineData("research")]
    [InlineData("team-2")]
    public void The_configured_teams_and_names_of_the_strict_form_pass(string team) =>
        QuotaValidation.Validate(Quota(team)).Should().BeEmpty();

    [Theory]
    [InlineData("")]
    [InlineData("Vision")]
    [InlineData("vision\r\nX-Injected: 1")]
    [InlineData("visi\u202Eon")]
    [InlineData("nul\u0000")]
    [InlineData("../etc")]
    [InlineData("a-very-long-team-name-that-goes-on-and-on")]
    public void Other_team_names_are_refused_under_the_team_field(string team) =>
        QuotaValidation.Validate(Quota(team)).Should().Equal(new FieldError("team", TextRules.TeamNameRule));
}
