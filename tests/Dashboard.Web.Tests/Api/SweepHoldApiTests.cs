using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>Hold and release of a whole sweep through a real socket: its waiting jobs are held and released together, by whom the cancel rule allows.</summary>
public sealed class SweepHoldApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_sweeps_waiting_jobs_are_held_and_released_as_a_whole_and_not_by_another_member()
    {
        var alice = host.As("alice");
        using var content = ApiHost.Json(ApiHost.SubmitJson("vision", name: "held-grid", walltime: "4h"));
        using var created = await alice.PostAsync(new Uri(SweepRoutes.Submit("seed=[1,2,3]", 1), UriKind.Relative), content, Cancel);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
        var sweep = (await created.Content.ReadFromJsonAsync<SweepView>(Cancel))!;
        await host.EngineRoundTripAsync();

        using (var byBob = await host.As("bob").PostAsync(new Uri(SweepRoutes.Action(sweep.Id, "hold"), UriKind.Relative), null, Cancel))
        {
            byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        using var held = await alice.PostAsync(new Uri(SweepRoutes.Action(sweep.Id, "hold"), UriKind.Relative), null, Cancel);
        held.StatusCode.Should().Be(HttpStatusCode.OK, await held.Content.ReadAsStringAsync(Cancel));
        var heldMessage = (await held.Content.ReadFromJsonAsync<SweepActionResult>(Cancel))!.Message;
        var count = int.Parse(Regex.Match(heldMessage, $@"^Sweep {sweep.Id}: ([23]) jobs of sweep {sweep.Id} held\.$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var waiting = sweep.Jobs.Skip(3 - count).ToList();
        foreach (var job in waiting)
        {
            var control = await ControlAsync(alice, job);
            (control.Held, control.HeldBy, control.HoldAuthority).Should().Be((true, "alice", "Owner"));
        }

        using var byLead = await host.As("lead").PostAsync(new Uri(SweepRoutes.Action(sweep.Id, "release"), UriKind.Relative), null, Cancel);
        byLead.StatusCode.Should().Be(HttpStatusCode.OK, "the team's lead may act on a member's sweep");
        (await byLead.Content.ReadFromJsonAsync<SweepActionResult>(Cancel))!.Message.Should().Be($"Sweep {sweep.Id}: {count} jobs of sweep {sweep.Id} released.");
        foreach (var job in waiting)
        {
            (await ControlAsync(alice, job)).Held.Should().BeFalse();
        }

        using var cancelled = await alice.PostAsync(new Uri(SweepRoutes.Action(sweep.Id, "cancel"), UriKind.Relative), null, Cancel);
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task<JobControlView> ControlAsync(HttpClient client, long job) =>
        (await client.GetFromJsonAsync<JobControlView>(new Uri(JobControlRoutes.Control(job), UriKind.Relative), Cancel))!;
}
