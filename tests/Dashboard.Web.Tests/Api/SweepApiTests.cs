using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>Sweeps through a real socket: submit with a grid and a limit, read, act on all of it, bad grids refused.</summary>
public sealed class SweepApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sweep_makes_a_job_per_combination_is_read_and_cancelled_as_a_whole()
    {
        var alice = host.As("alice");
        using var content = ApiHost.Json(ApiHost.SubmitJson("vision", name: "grid", walltime: "4h"));
        using var created = await alice.PostAsync(new Uri(SweepRoutes.Submit("lr=[1e-4,3e-4,1e-3] x seed=[1,2]", 2), UriKind.Relative), content, Cancel);

        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
        var sweep = (await created.Content.ReadFromJsonAsync<SweepView>(Cancel))!;
        sweep.Size.Should().Be(6);
        sweep.MaxRunning.Should().Be(2);
        sweep.Jobs.Should().HaveCount(6).And.StartWith(sweep.Id);
        sweep.Progress.Should().Be("0/6 done");
        var last = await ApiHost.ReadJobAsync(alice, sweep.Jobs[5]);
        last.Name.Should().Be("grid[5]");
        last.Command.Should().Be($"export DASH_SWEEP_ID={sweep.Id} DASH_SWEEP_INDEX=5 LR='1e-3' SEED='2'; sleep 1");

        using (var byBob = await host.As("bob").GetAsync(new Uri(SweepRoutes.Sweep(sweep.Id), UriKind.Relative), Cancel))
        {
            byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        var listed = (await alice.GetFromJsonAsync<Dashboard.Api.Contracts.JobPage>(new Uri($"{ApiRoutes.Jobs}?sweep={sweep.Id}&order=asc", UriKind.Relative), Cancel))!;
        listed.Items.Select(j => j.Id).Should().Equal(sweep.Jobs, "sweep= lists exactly the sweep's jobs");
        listed.Total.Should().Be(6);
        (await host.As("bob").GetFromJsonAsync<Dashboard.Api.Contracts.JobPage>(new Uri($"{ApiRoutes.Jobs}?sweep={sweep.Id}&mine=false", UriKind.Relative), Cancel))!
            .Items.Should().BeEmpty("bob may not see alice's jobs");
        using (var bad = await alice.GetAsync(new Uri($"{ApiRoutes.Jobs}?sweep=abc", UriKind.Relative), Cancel))
        {
            bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await bad.Content.ReadAsStringAsync(Cancel)).Should().Contain("sweep must be a sweep's id");
        }

        using var cancelled = await alice.PostAsync(new Uri(SweepRoutes.Action(sweep.Id, "cancel"), UriKind.Relative), null, Cancel);
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
        (await cancelled.Content.ReadFromJsonAsync<SweepActionResult>(Cancel))!.Message.Should().Be($"Sweep {sweep.Id}: 6 jobs of sweep {sweep.Id} cancelled.");
    }

    [Theory]
    [InlineData("lr=[1e-4,,3e-4]", "is not a value of lr")]
    [InlineData("", "names no parameter")]
    public async Task A_bad_grid_is_refused_with_the_reason(string grid, string reason)
    {
        using var content = ApiHost.Json(ApiHost.SubmitJson("vision"));
        using var refused = await host.As("alice").PostAsync(new Uri(SweepRoutes.Submit(grid, null), UriKind.Relative), content, Cancel);

        refused.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await refused.Content.ReadAsStringAsync(Cancel)).Should().Contain(reason);
    }
}
