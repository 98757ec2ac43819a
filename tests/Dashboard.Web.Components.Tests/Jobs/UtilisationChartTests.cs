using Dashboard.Data.UsageHistory;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Components.Tests.Jobs;

/// <summary>"GPU utilisation over time": drawn from the stored per-minute job samples, for who may see the job only.</summary>
public sealed class UtilisationChartTests : JobsTest
{
    private void Store(long job, bool simulated, params (int Minute, int Gpu, double Pct)[] readings) =>
        new UsageHistoryStore(Database).WriteSamples(new MinuteSamples([], [],
            [.. readings.Select(r => new JobUtilisationSample(job, Now.AddMinutes(r.Minute), r.Gpu, r.Pct, 1000, 81920, simulated))]));

    [Fact]
    public void Draws_one_line_per_gpu_with_a_summary_and_the_readings_as_a_table()
    {
        Store(5, false, (0, 0, 10), (0, 1, 80), (1, 0, 30), (1, 1, 100));

        var chart = Render<UtilisationChart>(p => p.Add(x => x.JobId, 5).Add(x => x.Owner, CurrentUserName).Add(x => x.Team, "vision"));

        chart.Find("h2").TextContent.Should().Be("GPU utilisation over time");
        chart.FindAll("polyline").Select(l => (l.GetAttribute("data-gpu"), l.GetAttribute("points"))).Should().Equal(("0", "0,90 600,70"), ("1", "0,20 600,0"));
        chart.Find("svg").GetAttribute("role").Should().Be("img");
        chart.Find("svg").GetAttribute("aria-label").Should().Be("GPU utilisation of 2 GPUs over 2 sampled minute(s): mean 55 %, highest 100 %.");
        chart.FindAll(".job-utilisation-table tbody tr").Select(r => r.Children[2].TextContent).Should().Equal("10 %", "80 %", "30 %", "100 %");
    }

    [Fact]
    public void Simulated_readings_are_labelled_as_from_a_demo_node()
    {
        Store(5, true, (0, 0, 42));

        var chart = Render<UtilisationChart>(p => p.Add(x => x.JobId, 5).Add(x => x.Owner, CurrentUserName).Add(x => x.Team, "vision"));

        chart.Find("h2").TextContent.Should().Be("GPU utilisation over time · simulated (demo node)");
        chart.Find("svg").GetAttribute("aria-label").Should().EndWith("; simulated (demo node).");
    }

    [Fact]
    public void Nothing_is_shown_to_who_may_not_see_the_job_or_when_nothing_was_measured()
    {
        Store(5, false, (0, 0, 42));

        var otherTeam = Render<UtilisationChart>(p => p.Add(x => x.JobId, 5).Add(x => x.Owner, "bob").Add(x => x.Team, "speech"));
        var unmeasured = Render<UtilisationChart>(p => p.Add(x => x.JobId, 6).Add(x => x.Owner, CurrentUserName).Add(x => x.Team, "vision"));

        otherTeam.FindAll(".utilisation-chart").Should().BeEmpty("ada leads vision and nlp, not speech");
        unmeasured.FindAll(".utilisation-chart").Should().BeEmpty();
    }

    [Fact]
    public void The_job_page_shows_the_chart_of_its_job()
    {
        var job = Job(6, "train-bert", gpus: 1);
        Submit(job);
        Publish([Node("gpu-01")], running: [Start(job, Node("gpu-01"), 4)]);
        Store(6, false, (0, 4, 75));

        var page = Render<JobDetailsPage>(p => p.Add(x => x.Id, 6));

        page.WaitForAssertion(() => page.Find(".utilisation-chart polyline").GetAttribute("data-gpu").Should().Be("4"), Patience);
    }
}
