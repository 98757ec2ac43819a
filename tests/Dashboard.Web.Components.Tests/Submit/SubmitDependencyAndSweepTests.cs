using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Submit;

public sealed class SubmitDependencyAndSweepTests : ComponentTest
{
    private readonly SubmitFakes fakes;

    public SubmitDependencyAndSweepTests()
        : this(new SubmitFakes())
    {
    }

    private SubmitDependencyAndSweepTests(SubmitFakes fakes)
        : base(fakes.Register)
    {
        this.fakes = fakes;
        SignInAs(new Dashboard.Web.Identity.SignedInUser(SubmitFakes.User, Dashboard.Data.Users.UserRole.Member, ["nlp", "vision"]));
        Feed.Publish(new TestCluster().Team("nlp", nominalGpus: 8, borrowGpus: 0).Team("vision").Node("gpu-01").Update());
    }

    [Fact]
    public void The_sweep_preview_lists_each_job_of_the_grid_with_its_values()
    {
        var page = RenderPage();

        Type(page, "sweep-grid", "lr=[1e-4,3e-4] x seed=[1,2]");

        page.WaitForAssertion(() => page.Find("#sweep-count").TextContent.Should().Be("4 jobs:"), Patience);
        page.FindAll("#sweep-preview li").Select(li => li.TextContent.Trim()).Should().Equal(
            SweepGrid.Parse("lr=[1e-4,3e-4] x seed=[1,2]", out _).Select(p => $"[{p.Index}] {p.Describe()}"));
        page.FindAll("#sweep-preview li")[0].TextContent.Should().Contain("lr=1e-4 seed=1");
        page.FindAll("#sweep-preview li")[3].TextContent.Should().Contain("lr=3e-4 seed=2");
    }

    [Fact]
    public void A_bad_grid_shows_its_error_under_the_field_and_submit_sends_nothing()
    {
        var page = RenderPage();
        FillValid(page);

        Type(page, "sweep-grid", "lr=[1e-4 x seed");

        page.WaitForAssertion(() => page.Find("#sweep-grid").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent.Should().Contain("is not a value of lr"), Patience);
        page.FindAll("#sweep-preview").Should().BeEmpty();
        page.Find("#submit-job").Click();

        page.WaitForAssertion(() => page.Find("#submit-refusal").TextContent.Should().StartWith("Sweep:"), Patience);
        fakes.Submission.Sent.Should().BeEmpty();
        fakes.Submission.Commands.Should().BeEmpty();
    }

    [Fact]
    public void A_filled_grid_reaches_the_door_as_a_sweep_with_its_limit()
    {
        var page = RenderPage();
        FillValid(page);
        Type(page, "sweep-grid", "lr=[1e-4,3e-4] x seed=[1,2]");
        Type(page, "sweep-max-running", "2");

        page.Find("#submit-job").Click();

        page.WaitForAssertion(() => fakes.Submission.Commands.Should().ContainSingle(), Patience);
        var sweep = fakes.Submission.Commands.Single().Command.Should().BeOfType<SubmitSweep>().Subject;
        sweep.Grid.Should().Be("lr=[1e-4,3e-4] x seed=[1,2]");
        sweep.MaxRunning.Should().Be(2);
        sweep.Spec.Name.Should().Be("resnet");
        fakes.Submission.Sent.Should().BeEmpty();
    }

    [Fact]
    public async Task A_dependency_submit_names_the_job_and_reaches_the_door_as_submit_job_after()
    {
        fakes.Submission.Stored[new JobId(41)] = Spec("prepare-data", SubmitFakes.User, "nlp");
        var page = RenderPage();
        FillValid(page);
        var rule = page.FindComponents<MudSelect<DependencyRule>>().Single();
        await rule.InvokeAsync(() => rule.Instance.SelectOption(DependencyRule.AfterAny));

        Type(page, "job-after", "41");

        page.WaitForAssertion(() => page.Find("#job-after-list").TextContent.Should().Contain("job 41 · prepare-data"), Patience);
        page.Find("#submit-job").Click();
        page.WaitForAssertion(() => fakes.Submission.Commands.Should().ContainSingle(), Patience);
        var (command, actor) = fakes.Submission.Commands.Single();
        actor.Should().Be(SubmitFakes.User);
        command.Should().BeOfType<SubmitJobAfter>().Which.After.Should().Equal(new DependencyTerm(new JobId(41), DependencyRule.AfterAny));
        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/jobs/42"), Patience);
    }

    [Fact]
    public void An_unseen_job_is_marked_and_the_doors_refusal_shows_on_the_form()
    {
        fakes.Submission.Stored[new JobId(7)] = Spec("secret", "bob", "other-team");
        fakes.Submission.Answer = CommandResult.Invalid([new FieldError("after", "job 7 does not exist or is not one you may see")]);
        var page = RenderPage();
        FillValid(page);

        Type(page, "job-after", "7");

        page.WaitForAssertion(() => page.Find("#job-after-list").TextContent.Should().Contain("job 7: no such job that you may see"), Patience);
        page.Find("#job-after-list").TextContent.Should().NotContain("secret");
        page.Find("#submit-job").Click();
        page.WaitForAssertion(() => page.Find("#submit-refusal").TextContent.Should().Contain("job 7 does not exist or is not one you may see"), Patience);
        Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/jobs/new");
    }

    [Fact]
    public void Jobs_to_wait_for_that_do_not_read_are_refused_before_anything_is_sent()
    {
        var page = RenderPage();
        FillValid(page);

        Type(page, "job-after", "41, abc");

        page.WaitForAssertion(() => page.Find("#job-after").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!.TextContent.Should().Contain("does not name a job"), Patience);
        page.Find("#submit-job").Click();
        page.WaitForAssertion(() => page.Find("#submit-refusal").TextContent.Should().StartWith("Waits for:"), Patience);
        fakes.Submission.Commands.Should().BeEmpty();
        fakes.Submission.Sent.Should().BeEmpty();
    }

    private static JobSpec Spec(string name, string owner, string team) =>
        new(name, owner, team, "true", new ResourceRequest(1, 1000, 1024), null, TimeSpan.FromHours(1), 0);

    private IRenderedComponent<SubmitPage> RenderPage()
    {
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/jobs/new");
        return Render<SubmitPage>();
    }

    private void FillValid(IRenderedComponent<SubmitPage> page)
    {
        Type(page, "job-name", "resnet");
        Type(page, "job-command", "python train.py");
        fakes.Clock.Advance(SubmitPage.Debounce);
        page.WaitForAssertion(() => page.Find("#submit-job").HasAttribute("disabled").Should().BeFalse(), Patience);
    }

    /// <summary>Types into a text field and waits until the page has taken the change in.</summary>
    private static void Type(IRenderedComponent<SubmitPage> page, string id, string value)
    {
        var before = Changes(page);
        page.Find($"#{id}").Input(value);
        page.WaitForAssertion(() => Changes(page).Should().BeGreaterThan(before, $"the page takes in {id} = {value}"), Patience);
    }

    private static int Changes(IRenderedComponent<SubmitPage> page) =>
        int.Parse(page.Find("#submit-page").GetAttribute("data-changes")!, System.Globalization.CultureInfo.InvariantCulture);
}
