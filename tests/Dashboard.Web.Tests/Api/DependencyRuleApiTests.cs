using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// The three dependency rules through the API (afterok, afterany, afternotok): each is kept and explained while the job
/// it names waits, and once that job ends without succeeding (here: cancelled) the afterany and afternotok jobs leave
/// the queue while the afterok job ends, saying its dependency can never be met.
/// </summary>
public sealed class DependencyRuleApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_rule_is_kept_and_explained_and_a_cancelled_job_meets_any_and_notok_and_ends_an_ok_dependent()
    {
        var alice = host.As("alice");
        var first = await SubmitAsync(alice, JobControlRoutes.Submit(null, hold: true));
        var ok = await SubmitAsync(alice, JobControlRoutes.Submit($"{first.Id}:ok", hold: false));
        var any = await SubmitAsync(alice, JobControlRoutes.Submit($"afterany:{first.Id}", hold: false));
        var notOk = await SubmitAsync(alice, JobControlRoutes.Submit($"{first.Id}:notok", hold: false));

        await host.ExplanationsCaughtUpAsync();
        foreach (var (job, rule, verb) in new[] { (ok, "ok", "succeed"), (any, "any", "end"), (notOk, "notok", "fail") })
        {
            var control = (await alice.GetFromJsonAsync<JobControlView>(new Uri(JobControlRoutes.Control(job.Id), UriKind.Relative), Cancel))!;
            control.After.Should().Equal($"{first.Id}:{rule}");
            control.Waiting.Should().Be($"waits for job {first.Id} to {verb}");
        }

        using (var cancelled = await alice.PostAsync(new Uri(ApiRoutes.Cancel(first.Id), UriKind.Relative), null, Cancel))
        {
            cancelled.StatusCode.Should().Be(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync(Cancel));
        }

        var ended = await host.JobOnceAsync(alice, ok.Id, ApiHost.HasEnded(ok.Id));
        ended.State.Should().NotBe("Succeeded").And.NotBe("Running");
        ended.EndReason.Should().Be($"dependency never met: job {first.Id} ended Cancelled, and this job was to run only after it succeeded");
        foreach (var met in new[] { any, notOk })
        {
            var view = await host.JobOnceAsync(alice, met.Id, u => u.Snapshot.Pending.Find(new JobId(met.Id)) is null);
            view.State.Should().BeOneOf("Running", "Succeeded");
            view.StartedAt.Should().NotBeNull("its dependency was met, so it started");
        }
    }

    private static async Task<JobView> SubmitAsync(HttpClient client, string path)
    {
        using var content = ApiHost.Json(ApiHost.SubmitJson("vision"));
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content, Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<JobView>(Cancel))!;
    }
}
