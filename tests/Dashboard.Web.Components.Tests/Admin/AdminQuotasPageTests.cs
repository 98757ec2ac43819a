using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using MudBlazor;
using Dashboard.Web.Admin;

namespace Dashboard.Web.Components.Tests.Admin;

public sealed class AdminQuotasPageTests : ComponentTest
{

    public AdminQuotasPageTests()
    {
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
        // Two nodes of 8 GPUs, 64 cores, 512 GiB: the cluster holds 16 GPUs, 128 cores, 1024 GiB.
        // vision (nominal 8) runs three jobs: 4 GPUs (oldest), 2, 2.
        Feed.Publish(new TestCluster()
            .Team("vision", nominalGpus: 8).Team("nlp", nominalGpus: 4)
            .Node("gpu-01").Node("gpu-02")
            .Run("gpu-01", [0, 1, 2, 3], "vision")
            .Run("gpu-01", [4, 5], "vision")
            .Run("gpu-02", [0, 1], "vision")
            .Update());
    }

    [Fact]
    public void Shows_a_row_of_fields_per_team_filled_from_the_engines_quota()
    {
        var (page, _) = RenderPage();

        page.FindAll("#admin-quotas-page [data-team]").Select(r => r.GetAttribute("data-team")).Should().Equal("nlp", "vision", "new");
        Input(page, "vision", "nominal-gpus").GetAttribute("value").Should().Be("8");
        Input(page, "vision", "nominal-cpu").GetAttribute("value").Should().Be("64");
        Input(page, "vision", "nominal-memory").GetAttribute("value").Should().Be("512");
        Input(page, "vision", "borrow-gpus").GetAttribute("value").Should().Be("8");
        Input(page, "vision", "weight").GetAttribute("value").Should().Be("1");
        Input(page, "vision", "max-priority").GetAttribute("value").Should().Be("1000");
        page.Find("#quota-rule").TextContent.Should().Contain("never stops a job");
    }

    [Theory]
    [InlineData("nominal-gpus", "-1", "GPUs must not be negative.")]
    [InlineData("nominal-gpus", "two", "GPUs must be a whole number.")]
    [InlineData("nominal-gpus", "17", "17 GPUs is more than the cluster has (16 GPUs).")]
    [InlineData("borrow-gpus", "40", "40 GPUs is more than the cluster has (16 GPUs).")]
    [InlineData("nominal-cpu", "-0.5", "CPU cores must not be negative.")]
    [InlineData("nominal-cpu", "200", "200 cores is more than the cluster has (128 cores).")]
    [InlineData("nominal-memory", "2048", "2048 GiB is more than the cluster has (1024 GiB).")]
    [InlineData("borrow-memory", "-3", "Memory (GiB) must not be negative.")]
    [InlineData("weight", "0", "Fair-share weight must be a number above 0.")]
    [InlineData("weight", "NaN", "Fair-share weight must be a number.")]
    [InlineData("max-priority", "100000", "Maximum priority must be between -1000 and 1000.")]
    public async Task A_bad_value_gets_a_message_under_its_field_and_nothing_is_sent(string field, string value, string message)
    {
        var (page, dialogs) = RenderPage();

        await Type(page, $"#quota-vision-{field}", value);
        await Click(page, "#save-quota-vision");

        page.Find($"#quota-vision-{field}-error").TextContent.Should().Be(message);
        page.FindAll(".field-error").Should().HaveCount(1, "only the bad field complains");
        dialogs.FindAll("#confirm-quota").Should().BeEmpty("a bad value never reaches the confirmation");
        AdminCommands.QuotasSent.Should().BeEmpty();
    }

    [Fact]
    public async Task A_value_above_capacity_that_was_already_set_does_not_block_other_edits()
    {
        // nlp was given 20 GPUs when more nodes were up; the cluster now holds 16.
        Feed.Publish(new TestCluster().Team("nlp", nominalGpus: 20).Node("gpu-01").Node("gpu-02").Update(version: 2));
        var (page, dialogs) = RenderPage();
        page.WaitForAssertion(() => page.Find("#quota-nlp-nominal-gpus").GetAttribute("value").Should().Be("20"), Patience);

        await Type(page, "#quota-nlp-weight", "3");
        await Click(page, "#save-quota-nlp");

        dialogs.WaitForAssertion(() => dialogs.Find("#quota-change-summary").TextContent.Should().Be("fair-share weight 1 → 3."), Patience);
        page.FindAll(".field-error").Should().BeEmpty();
    }

    [Fact]
    public async Task Lowering_a_quota_below_use_asks_first_and_says_which_jobs_become_borrowing()
    {
        var (page, dialogs) = RenderPage();

        await Type(page, "#quota-vision-nominal-gpus", "4");
        await Click(page, "#save-quota-vision");

        dialogs.WaitForAssertion(() => dialogs.Find("#quota-effect"), Patience);
        var effect = dialogs.Find("#quota-effect").TextContent;
        effect.Should().Contain("nominal GPUs 8 → 4");
        effect.Should().Contain("2 running jobs of team vision will become borrowing and preemptible (jobs 2, 3). They keep running: a quota change never stops a job.");
        AdminCommands.QuotasSent.Should().BeEmpty("nothing is sent before the admin confirms");

        await Click(dialogs, "#cancel-quota");

        dialogs.WaitForAssertion(() => dialogs.FindAll("#quota-effect").Should().BeEmpty(), Patience);
        AdminCommands.QuotasSent.Should().BeEmpty();
    }

    [Fact]
    public async Task A_confirmed_change_sends_the_quota_as_the_signed_in_admin()
    {
        var (page, dialogs) = RenderPage();

        await Type(page, "#quota-vision-nominal-gpus", "6");
        await Type(page, "#quota-vision-nominal-cpu", "12.5");
        await Type(page, "#quota-vision-borrow-memory", "100");
        await Type(page, "#quota-vision-weight", "2");
        await Type(page, "#quota-vision-max-priority", "50");
        await Click(page, "#save-quota-vision");
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-quota"), Patience);
        await Click(dialogs, "#confirm-quota");

        page.WaitForAssertion(() => AdminCommands.QuotasSent.Should().ContainSingle(), Patience);
        var (quota, actor) = AdminCommands.QuotasSent[0];
        actor.Should().Be("root");
        quota.Should().Be(new TeamQuota("vision", new ResourceAmount(6, 12_500, 512 * 1024), new ResourceAmount(8, 64_000, 100 * 1024), 2.0, 50));
    }

    [Fact]
    public async Task The_engines_refusal_shows_in_the_row_and_a_failure_as_a_snackbar()
    {
        var snackbars = Render<MudSnackbarProvider>();
        var (page, dialogs) = RenderPage();
        AdminCommands.Answer = CommandResult.Invalid([new FieldError("nominalGpus", "GPUs must not be negative.")]);

        await Save(page, dialogs, "vision");

        page.WaitForAssertion(() =>
        {
            page.Find("#quota-vision-nominal-gpus-error").TextContent.Should().Be("GPUs must not be negative.");
            page.Find("#quota-vision-refusal").TextContent.Should().Contain("Nothing was changed.");
        }, Patience);

        AdminCommands.Failure = new InvalidOperationException("database is locked");
        await Save(page, dialogs, "vision");

        snackbars.WaitForAssertion(() => snackbars.Markup.Should().Contain("Could not save the quota of team vision: database is locked"), Patience);
    }

    [Fact]
    public async Task A_new_team_can_be_added_and_its_name_is_checked()
    {
        var (page, dialogs) = RenderPage();

        await Type(page, "#quota-new-team", "nlp");
        await Type(page, "#quota-new-nominal-gpus", "2");
        await Click(page, "#save-quota-new");
        page.Find("#quota-new-team-error").TextContent.Should().Be("Team nlp already has a quota; edit its row instead.");

        await Type(page, "#quota-new-team", "New Team\u202E");
        await Click(page, "#save-quota-new");
        page.Find("#quota-new-team-error").TextContent.Should().Be(TextRules.TeamNameRule);

        await Type(page, "#quota-new-team", "audio");
        await Click(page, "#save-quota-new");
        dialogs.WaitForAssertion(() => dialogs.Find("#quota-effect").TextContent.Should().Contain("Team audio is new"), Patience);
        await Click(dialogs, "#confirm-quota");

        page.WaitForAssertion(() => AdminCommands.QuotasSent.Should().ContainSingle().Which.Quota.Should().Be(
            new TeamQuota("audio", new ResourceAmount(2, 0, 0), ResourceAmount.Zero, 1.0, TeamQuota.DefaultMaxPriority)), Patience);
    }

    private (IRenderedComponent<AdminQuotasPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage()
    {
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        return (Render<AdminQuotasPage>(), dialogs);
    }

    private static async Task Save(IRenderedComponent<AdminQuotasPage> page, IRenderedComponent<MudDialogProvider> dialogs, string team)
    {
        await Click(page, $"#save-quota-{team}");
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-quota"), Patience);
        await Click(dialogs, "#confirm-quota");
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<AdminQuotasPage> page, string team, string field) =>
        page.Find($"#quota-{team}-{field}");
}
