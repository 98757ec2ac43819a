using System.Globalization;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Api;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Reservations;

/// <summary>
/// <c>/api/v1/reservations</c>: list the bookings (every signed-in caller), book one (a lead of its team or an admin,
/// through the command door), change one (the same), approve one (admins), cancel one (a lead of its team or an admin). See docs/reservations.md.
/// </summary>
public static class ReservationApi
{
    private static readonly string[] BookFields = ["name", "reason", "team", "gpuModel", "gpus", "cpu", "memory", "start", "end", "recurrence"];

    private static readonly string[] EditFields = ["name", "reason", "gpus", "start", "end"];

    public static RouteGroupBuilder MapReservationEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var reservations = api.MapGroup("/reservations").WithTags("Reservations");
        reservations.MapGet("/", List).WithName("ListReservations").WithSummary("Bookings that have not ended (and every recurring one), by id").Produces<IReadOnlyList<ReservationView>>();
        reservations.MapPost("/", BookAsync).WithName("BookReservation").WithSummary("Book GPUs of a model for a team from start to end")
            .WithDescription("Checked like a submit: limits, quota, conflicts with other bookings (named). The answer names running jobs that must end first.")
            .Accepts<ReservationBookRequest>("application/json")
            .Produces<ReservationActionResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        reservations.MapMethods("/{id:long}/edit", ["POST", "PATCH"], EditAsync).WithName("EditReservation").WithSummary("Change a booking's window, GPUs, name or reason")
            .WithDescription("Fields left out keep their value. Checked exactly like a booking: limits, quota, conflicts with other bookings (named).")
            .Accepts<ReservationEditRequest>("application/json")
            .Produces<ReservationActionResult>()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        reservations.MapPost("/{id:long}/approve", ApproveAsync).WithName("ApproveReservation").WithSummary("Approve a booking that waits for approval (admins)")
            .Produces<ReservationActionResult>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        reservations.MapPost("/{id:long}/cancel", CancelAsync).WithName("CancelReservation").WithSummary("Cancel a booking")
            .Produces<ReservationActionResult>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    public static ReservationView View(AdvanceReservation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Name, r.Reason, r.Team, r.GpuModel, r.Gpus, r.CpuMillicores / 1000m, r.MemoryMiB / 1024m, r.Start, r.End, r.Recurrence, r.State.ToString(), r.BookedBy);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<List<ReservationView>> List(ClusterFeed feed) =>
        TypedResults.Ok((feed.Current?.Snapshot.Reservations ?? []).OrderBy(r => r.Id).Select(View).ToList());

    private static async Task<IResult> BookAsync(HttpContext context, ClusterCommands commands, IConfiguration configuration)
    {
        var user = ApiCaller.Of(context);
        var (body, problem) = await JsonObjectBody.ReadAsync(context.Request, BookFields, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var proposed = new AdvanceReservation(
            0,
            body.Text("name", "Name"),
            body.Text("reason", "Reason"),
            body.Text("team", "Team"),
            body.Text("gpuModel", "GPU model"),
            Whole(body.NumberText("gpus", "GPUs"), "gpus", "GPUs", errors),
            (long)(Amount(body.NumberText("cpu", "CPU"), "cpu", "CPU", errors) * 1000m),
            (long)(Amount(body.NumberText("memory", "Memory"), "memory", "Memory", errors) * 1024m),
            Instant(body.Text("start", "Start"), "start", "Start", errors),
            Instant(body.Text("end", "End"), "end", "End", errors),
            body.Text("recurrence", "Recurrence") is { Length: > 0 } rule ? rule : null);
        foreach (var (field, message) in body.Errors)
        {
            errors.TryAdd(field, message);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var result = await commands.SendAsync(user, new BookReservation(proposed, ReservationLimits.From(configuration), ByAdmin: user.IsAdmin())).ConfigureAwait(false);
        return result.Succeeded ? TypedResults.Ok(new ReservationActionResult(result.Reason ?? "booked", result.Reservation)) : CommandProblems.Of(result);
    }

    private static async Task<IResult> EditAsync(long id, HttpContext context, ClusterCommands commands, ClusterFeed feed, IConfiguration configuration)
    {
        var user = ApiCaller.Of(context);
        var (body, problem) = await JsonObjectBody.ReadAsync(context.Request, EditFields, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        if (feed.Current?.Snapshot.Reservations.FirstOrDefault(r => r.Id == id && r.State != ReservationState.Cancelled) is not { } existing)
        {
            return ApiProblems.NotFound($"Reservation {id} does not exist or was cancelled.");
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var edited = existing with
        {
            Name = body.Has("name") ? body.Text("name", "Name") : existing.Name,
            Reason = body.Has("reason") ? body.Text("reason", "Reason") : existing.Reason,
            Gpus = body.Has("gpus") ? Whole(body.NumberText("gpus", "GPUs"), "gpus", "GPUs", errors) : existing.Gpus,
            Start = body.Has("start") ? Instant(body.Text("start", "Start"), "start", "Start", errors) : existing.Start,
            End = body.Has("end") ? Instant(body.Text("end", "End"), "end", "End", errors) : existing.End,
        };
        foreach (var (field, message) in body.Errors)
        {
            errors.TryAdd(field, message);
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var result = await commands.SendAsync(user, new EditReservation(edited, ReservationLimits.From(configuration), ByAdmin: user.IsAdmin())).ConfigureAwait(false);
        return result.Succeeded ? TypedResults.Ok(new ReservationActionResult(result.Reason ?? "changed", id)) : CommandProblems.Of(result);
    }

    private static async Task<IResult> ApproveAsync(long id, HttpContext context, ClusterCommands commands)
    {
        var result = await commands.SendAsync(ApiCaller.Of(context), new ApproveReservation(id)).ConfigureAwait(false);
        return result.Succeeded ? TypedResults.Ok(new ReservationActionResult(result.Reason ?? "approved", id)) : CommandProblems.Of(result);
    }

    private static async Task<IResult> CancelAsync(long id, HttpContext context, ClusterCommands commands, ClusterFeed feed)
    {
        if (feed.Current?.Snapshot.Reservations.FirstOrDefault(r => r.Id == id) is not { } reservation)
        {
            return ApiProblems.NotFound($"Reservation {id} does not exist.");
        }

        var result = await commands.SendAsync(ApiCaller.Of(context), new CancelReservation(id, reservation.Team)).ConfigureAwait(false);
        return result.Succeeded ? TypedResults.Ok(new ReservationActionResult(result.Reason ?? "cancelled", id)) : CommandProblems.Of(result);
    }

    private static int Whole(string text, string field, string label, Dictionary<string, string> errors)
    {
        if (text.Length == 0)
        {
            errors.TryAdd(field, $"{label} is required.");
            return 0;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.TryAdd(field, $"{label} must be a whole number.");
        return 0;
    }

    private static decimal Amount(string text, string field, string label, Dictionary<string, string> errors)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value <= 1_000_000_000m)
        {
            return value;
        }

        errors.TryAdd(field, $"{label} must be 0 or more.");
        return 0;
    }

    private static DateTimeOffset Instant(string text, string field, string label, Dictionary<string, string> errors)
    {
        if (text.Length == 0)
        {
            errors.TryAdd(field, $"{label} is required.");
            return default;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        errors.TryAdd(field, $"{label} must be a date and time (2026-12-08T09:00:00Z).");
        return default;
    }
}
