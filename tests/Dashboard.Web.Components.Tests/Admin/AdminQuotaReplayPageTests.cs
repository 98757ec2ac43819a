using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Replays;
using Dashboard.Web.Admin;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Admin;

public sealed class AdminQuotaReplayPageTests : ComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    private readonly FixedRecordedJobs recorded;

    public AdminQuotaReplayPageTests()
        : base(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)).AddSingleton<IRecordedJobs, FixedRecordedJobs>())
    {
        recorded = (FixedRecordedJobs)Services.GetRequiredService<IRecordedJobs>();
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
        // One node of 8 GPUs; each team is guaranteed 4 and may borrow none.
        Feed.Publish(new TestCluster().Team("vision", nominalGpus: 4, borrowGpus: 0).Team("nlp", nominalGpus: 4, borrowGpus: 0).Node("gpu-01").Update());
    }

    [Fact]
    public async Task Letting_a_team_borrow_shows_its_waits_before_and_after_for_the_last_30_days()
    {
        // vision's two 4-GPU jobs a minute apart: today the second waits for the first (59 minutes).
        recorded.Jobs = [Recorded(1, "vision", 4, Now.AddDays(-2)), Recorded(2, "vision", 4, Now.AddDays(-2).AddMinutes(1))];
        var page = Render<AdminQuotaReplayPage>();
        page.Find("#replay-vision-nominal-gpus").GetAttribute("value").Should().Be("4");

        await Type(page, "#replay-vision-borrow-gpus", "4");
        await Click(page, "#run-replay");

        page.WaitForAssertion(() => page.Find("#quota-replay-results"), Patience);
        recorded.AskedFrom.Should().Be(Now.AddDays(-30));
        var vision = page.Find("#quota-replay-results tr[data-team='vision']");
        vision.QuerySelector(".jobs")!.TextContent.Should().Be("2");
        vision.QuerySelector(".mean-wait")!.TextContent.Should().Be("30 min → 0 s");
        vision.QuerySelector(".p95-wait")!.TextContent.Should().Be("59 min → 0 s");
        vision.QuerySelector(".gpu-hours")!.TextContent.Should().Be("8.0 → 8.0");
        page.Find("#quota-replay-results tr[data-team='nlp'] .jobs").TextContent.Should().Be("0");
        page.Find("#quota-replay-message").TextContent.Should().Be("Replayed 2 jobs.");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    [InlineData("100001")]
    public async Task A_bad_GPU_count_is_refused_and_nothing_is_replayed(string value)
    {
        recorded.Jobs = [Recorded(1, "vision", 4, Now.AddDays(-2))];
        var page = Render<AdminQuotaReplayPage>();

        await Type(page, "#replay-nlp-nominal-gpus", value);
        await Click(page, "#run-replay");

        page.Find("#replay-nlp-error").TextContent.Should().Be("GPUs must be whole numbers from 0 to 100000.");
        page.FindAll("#quota-replay-results").Should().BeEmpty();
        recorded.AskedFrom.Should().BeNull();
    }

    [Fact]
    public async Task With_no_finished_jobs_it_says_there_is_nothing_to_replay()
    {
        var page = Render<AdminQuotaReplayPage>();

        await Click(page, "#run-replay");

        page.WaitForAssertion(() => page.Find("#quota-replay-message").TextContent.Should().Be("No job finished in the last 30 days: there is nothing to replay."), Patience);
        page.FindAll("#quota-replay-results").Should().BeEmpty();
    }

    private static ReplayJob Recorded(long id, string team, int gpus, DateTimeOffset submitted) =>
        new(new Job(new JobId(id), new JobSpec("train", "alice", team, "python train.py", new ResourceRequest(gpus, 1000, 1024), Walltime: TimeSpan.FromHours(2)), submitted), TimeSpan.FromHours(1));

    private sealed class FixedRecordedJobs : IRecordedJobs
    {
        public IReadOnlyList<ReplayJob> Jobs { get; set; } = [];

        public DateTimeOffset? AskedFrom { get; private set; }

        public IReadOnlyList<ReplayJob> EndedSince(DateTimeOffset from)
        {
            AskedFrom = from;
            return Jobs;
        }
    }
}
