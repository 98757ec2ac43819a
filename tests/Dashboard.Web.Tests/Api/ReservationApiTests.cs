using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>Reservations through a real socket: a lead books for their team, a member may not, bad input is refused per field, a lead cancels.</summary>
public sealed class ReservationApiTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly Uri Reservations = new("api/v1/reservations", UriKind.Relative);

    private string Booking(int gpus, string team = "vision", string? start = null)
    {
        var tomorrow = host.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime.Date.AddDays(1);
        start ??= tomorrow.AddHours(9).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var end = tomorrow.AddHours(17).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var model = host.Engine.Feed.Current!.Snapshot.Nodes.SelectMany(n => n.Gpus).First().Model;
        return $$"""{"name":"demo day","reason":"live demo","team":"{{team}}","gpuModel":"{{model}}","gpus":{{gpus}},"cpu":2,"memory":8,"start":"{{start}}","end":"{{end}}"}""";
    }

    [Fact]
    public async Task A_lead_books_lists_and_cancels_a_reservation_a_member_may_not_book()
    {
        using var body = ApiHost.Json(Booking(2));
        using var byMember = await host.As("alice").PostAsync(Reservations, ApiHost.Json(Booking(2)), Cancel);
        byMember.StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var booked = await host.As("lead").PostAsync(Reservations, body, Cancel);
        booked.StatusCode.Should().Be(HttpStatusCode.OK, await booked.Content.ReadAsStringAsync(Cancel));
        var message = (await booked.Content.ReadFromJsonAsync<ReservationActionResult>(Cancel))!.Message;
        message.Should().MatchRegex("^reservation [0-9]+ booked$");
        var id = long.Parse(message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

        var listed = await host.As("bob").GetFromJsonAsync<List<ReservationView>>(Reservations, Cancel);
        listed!.Single(r => r.Id == id).Should().BeEquivalentTo(new { Team = "vision", Gpus = 2, Cpu = 2m, Memory = 8m, State = "Approved", BookedBy = "lead" });

        using var byBob = await host.As("bob").PostAsync(new Uri($"api/v1/reservations/{id}/cancel", UriKind.Relative), null, Cancel);
        byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var cancelled = await host.As("lead").PostAsync(new Uri($"api/v1/reservations/{id}/cancel", UriKind.Relative), null, Cancel);
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
        (await cancelled.Content.ReadFromJsonAsync<ReservationActionResult>(Cancel))!.Message.Should().Be($"reservation {id} cancelled");
    }

    [Fact]
    public async Task Bad_input_is_refused_per_field_and_books_nothing()
    {
        var before = host.Engine.Feed.Current!.Snapshot.Reservations.Length;

        using var badTime = await host.As("lead").PostAsync(Reservations, ApiHost.Json(Booking(2, start: "tomorrow")), Cancel);
        using var tooMany = await host.As("lead").PostAsync(Reservations, ApiHost.Json(Booking(500)), Cancel);

        badTime.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await badTime.Content.ReadAsStringAsync(Cancel)).Should().Contain("Start must be a date and time");
        tooMany.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await tooMany.Content.ReadAsStringAsync(Cancel)).Should().Contain("can never be honoured");
        await host.EngineRoundTripAsync();
        host.Engine.Feed.Current!.Snapshot.Reservations.Length.Should().Be(before);
    }

    [Fact]
    public async Task A_member_submits_a_job_into_the_teams_reservation_through_the_jobs_endpoint_and_bad_numbers_are_refused()
    {
        using var booked = await host.As("lead").PostAsync(Reservations, ApiHost.Json(Booking(1)), Cancel);
        booked.StatusCode.Should().Be(HttpStatusCode.OK, await booked.Content.ReadAsStringAsync(Cancel));
        var id = long.Parse((await booked.Content.ReadFromJsonAsync<ReservationActionResult>(Cancel))!.Message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var jobs = new Uri(ApiRoutes.Jobs, UriKind.Relative);
        string Job(string reservation) => $$"""{"name":"in-booking","command":"true","team":"vision","gpus":1,"cpu":1,"memory":1,"reservation":{{reservation}}}""";

        using var submitted = await host.As("alice").PostAsync(jobs, ApiHost.Json(Job(id.ToString(System.Globalization.CultureInfo.InvariantCulture))), Cancel);
        using var quoted = await host.As("alice").PostAsync(jobs, ApiHost.Json(Job("\"1\"")), Cancel);
        using var unknown = await host.As("alice").PostAsync(jobs, ApiHost.Json(Job("987654")), Cancel);

        submitted.StatusCode.Should().Be(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync(Cancel));
        var job = (await submitted.Content.ReadFromJsonAsync<JobView>(Cancel))!;
        job.State.Should().Be("Pending");
        await host.EngineRoundTripAsync();
        host.Engine.Feed.Current!.Snapshot.Pending.AllJobs.Single(j => j.Id.Value == job.Id).Spec.Reservation.Should().Be(id);
        quoted.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await quoted.Content.ReadAsStringAsync(Cancel)).Should().Contain("Reservation must be a number");
        unknown.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await unknown.Content.ReadAsStringAsync(Cancel)).Should().Contain("Reservation 987654 does not exist or was cancelled.");
        using var cancelled = await host.As("lead").PostAsync(new Uri($"api/v1/reservations/{id}/cancel", UriKind.Relative), null, Cancel);
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_booking_answers_with_its_id_and_a_lead_edits_it_through_post_or_patch_a_member_may_not()
    {
        using var booked = await host.As("lead").PostAsync(Reservations, ApiHost.Json(Booking(1)), Cancel);
        booked.StatusCode.Should().Be(HttpStatusCode.OK, await booked.Content.ReadAsStringAsync(Cancel));
        var answer = (await booked.Content.ReadFromJsonAsync<ReservationActionResult>(Cancel))!;
        answer.Id.Should().NotBeNull();
        answer.Message.Should().Be($"reservation {answer.Id} booked");
        var edit = new Uri($"api/v1/reservations/{answer.Id}/edit", UriKind.Relative);

        using var byMember = await host.As("alice").PostAsync(edit, ApiHost.Json("""{"gpus":2}"""), Cancel);
        using var posted = await host.As("lead").PostAsync(edit, ApiHost.Json("""{"gpus":2,"name":"demo day 2"}"""), Cancel);
        using var patched = await host.As("lead").PatchAsync(edit, ApiHost.Json("""{"reason":"a longer demo"}"""), Cancel);
        using var tooMany = await host.As("lead").PostAsync(edit, ApiHost.Json("""{"gpus":500}"""), Cancel);
        using var badEnd = await host.As("lead").PostAsync(edit, ApiHost.Json("""{"end":"later"}"""), Cancel);
        using var unknown = await host.As("lead").PostAsync(new Uri("api/v1/reservations/987654/edit", UriKind.Relative), ApiHost.Json("""{"gpus":2}"""), Cancel);

        byMember.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        posted.StatusCode.Should().Be(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync(Cancel));
        (await posted.Content.ReadFromJsonAsync<ReservationActionResult>(Cancel)).Should().Be(new ReservationActionResult($"reservation {answer.Id} changed", answer.Id));
        patched.StatusCode.Should().Be(HttpStatusCode.OK, await patched.Content.ReadAsStringAsync(Cancel));
        tooMany.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await tooMany.Content.ReadAsStringAsync(Cancel)).Should().Contain("can never be honoured");
        badEnd.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await badEnd.Content.ReadAsStringAsync(Cancel)).Should().Contain("End must be a date and time");
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var listed = await host.As("bob").GetFromJsonAsync<List<ReservationView>>(Reservations, Cancel);
        listed!.Single(r => r.Id == answer.Id).Should().BeEquivalentTo(new { Name = "demo day 2", Reason = "a longer demo", Gpus = 2, Team = "vision" });
        using var cancelled = await host.As("lead").PostAsync(new Uri($"api/v1/reservations/{answer.Id}/cancel", UriKind.Relative), null, Cancel);
        (await cancelled.Content.ReadFromJsonAsync<ReservationActionResult>(Cancel))!.Id.Should().Be(answer.Id);
    }
}
