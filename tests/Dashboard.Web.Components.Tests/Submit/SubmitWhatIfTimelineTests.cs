using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Submit;

/// <summary>The Submit form draws its what-if on a timeline under the panel: the job's bar on the node it would start on.</summary>
public sealed class SubmitWhatIfTimelineTests : ComponentTest
{
    private readonly SubmitFakes fakes;

    public SubmitWhatIfTimelineTests()
        : this(new SubmitFakes())
    {
    }

    private SubmitWhatIfTimelineTests(SubmitFakes fakes)
        : base(fakes.Register)
    {
        this.fakes = fakes;
        SignInAs(new Dashboard.Web.Identity.SignedInUser(SubmitFakes.User, Dashboard.Data.Users.UserRole.Member, ["nlp", "vision"]));
    }

    [Fact]
    public async Task The_job_that_would_start_now_is_drawn_on_its_node_and_a_queued_one_at_its_estimated_start()
    {
        Feed.Publish(new TestCluster().Team("nlp", nominalGpus: 8, borrowGpus: 0).Team("vision").Node("gpu-01").Node("gpu-02")
            .Run("gpu-01", [0, 1, 2, 3], "vision", walltime: TimeSpan.FromHours(2))
            .Run("gpu-02", [0, 1, 2, 3, 4, 5, 6, 7], "nlp", walltime: TimeSpan.FromHours(1)).Update());
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/jobs/new");
        var page = Render<SubmitPage>();

        page.Find("#job-gpus").Input("2");
        page.Find("#job-walltime").Input("1h");
        var team = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Team");
        await team.InvokeAsync(() => team.Instance.SelectOption("vision"));
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            page.Find("#what-if").GetAttribute("data-outcome").Should().Be("starts");
            page.Find("#what-if-timeline .timeline-row[data-node]").GetAttribute("data-node").Should().Be("gpu-01");
            page.Find("#what-if-timeline [data-kind='what-if']").GetAttribute("data-first-lane").Should().Be("4");
            page.Find("#what-if-timeline-caption").TextContent.Should().Be("It would start now on gpu-01 (GPUs 4-5) until Sat 15:00 UTC (its walltime).");
        }, Patience);

        await team.InvokeAsync(() => team.Instance.SelectOption("nlp"));
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            page.Find("#what-if").GetAttribute("data-outcome").Should().Be("queued");
            page.Find("#what-if-timeline-caption").TextContent.Should().StartWith("It would wait: estimated to start at Sat 14:30 UTC");
        }, Patience);
    }
}
