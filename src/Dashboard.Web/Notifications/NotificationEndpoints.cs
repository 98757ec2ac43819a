using Dashboard.Api.Contracts;
using Dashboard.Web.Api;

namespace Dashboard.Web.Notifications;

/// <summary>
/// <c>/api/v1/notifications</c>: the caller's own notifications (list, mark read), preferences and webhooks. Any
/// signed-in person may call them, and each acts only on the caller's own: there is no way to name another person.
/// </summary>
public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/notifications").WithTags("Notifications");

        group.MapGet("", (HttpContext context, NotificationInbox inbox, bool? unread, int? limit) =>
            {
                if (limit is < 1 or > Data.Notifications.NotificationStore.MaxListed)
                {
                    return ApiProblems.BadQuery(new Dictionary<string, string> { ["limit"] = $"limit is 1 to {Data.Notifications.NotificationStore.MaxListed}." });
                }

                return Results.Ok(inbox.ListFor(ApiCaller.Of(context), unread ?? false, limit ?? 50));
            })
            .WithName("ListNotifications")
            .WithSummary("My notifications")
            .WithDescription("The caller's notifications shown in the dashboard, newest first (?unread=true for unread only; ?limit=, 1 to 200, default 50), and the unread count.")
            .Produces<NotificationListView>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapPost("/read", (HttpContext context, NotificationInbox inbox, MarkNotificationsReadRequest request) =>
            {
                if (!request.All && (request.Ids is null || request.Ids.Count == 0))
                {
                    return ApiProblems.Invalid(new Dictionary<string, string> { ["ids"] = "Give the ids to mark read, or \"all\": true." });
                }

                return Results.Ok(inbox.MarkRead(ApiCaller.Of(context), request.Ids, request.All));
            })
            .WithName("MarkNotificationsRead")
            .WithSummary("Mark notifications read")
            .WithDescription("Marks the caller's notifications with the given ids (others' ids are ignored) or all of them as read.")
            .Produces<MarkedReadView>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapGet("/preferences", (HttpContext context, NotificationPreferencesEditor editor) => Results.Ok(editor.Read(ApiCaller.Of(context))))
            .WithName("GetNotificationPreferences")
            .WithSummary("My notification preferences")
            .WithDescription("Per kind, whether it goes to the dashboard, email and webhooks; the email address; the waiting threshold; the webhooks with their delivery errors.")
            .Produces<NotificationPreferencesView>();

        group.MapPut("/preferences", (HttpContext context, NotificationPreferencesEditor editor, NotificationPreferencesUpdate update) =>
            {
                var (saved, errors) = editor.Save(ApiCaller.Of(context), update);
                return saved is null ? ApiProblems.Invalid(errors) : Results.Ok(saved);
            })
            .WithName("SetNotificationPreferences")
            .WithSummary("Change my notification preferences")
            .WithDescription("Fields left out stay as they are; \"email\": \"\" removes the address. Refused as a whole (422) when a field is invalid.")
            .Produces<NotificationPreferencesView>()
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapPost("/webhooks", (HttpContext context, NotificationPreferencesEditor editor, NewWebhookRequest request) =>
            {
                var (created, error) = editor.AddWebhook(ApiCaller.Of(context), request.Url);
                return created is null
                    ? ApiProblems.Invalid(new Dictionary<string, string> { ["url"] = error! })
                    : Results.Created(NotificationRoutes.Webhook(created.Id), created);
            })
            .WithName("AddNotificationWebhook")
            .WithSummary("Add a webhook")
            .WithDescription("Registers an http(s) URL that gets a signed JSON POST for each notification the caller sends to webhooks. The answer holds the signing secret, shown this once.")
            .Produces<CreatedWebhookView>(StatusCodes.Status201Created)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        group.MapDelete("/webhooks/{id:long}", (HttpContext context, NotificationPreferencesEditor editor, long id) =>
                editor.RemoveWebhook(ApiCaller.Of(context), id) ? Results.NoContent() : ApiProblems.NotFound($"You have no webhook {id}."))
            .WithName("RemoveNotificationWebhook")
            .WithSummary("Remove a webhook")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/webhooks/{id:long}/test", async (HttpContext context, NotificationPreferencesEditor editor, long id) =>
            {
                var (result, tooSoonBy) = await editor.TestWebhookAsync(ApiCaller.Of(context), id, context.RequestAborted);
                if (tooSoonBy is { } wait)
                {
                    var seconds = (int)Math.Ceiling(wait.TotalSeconds);
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return ApiProblems.Problem(
                        StatusCodes.Status429TooManyRequests, "Too soon",
                        $"Webhook {id} was tested less than {NotificationPreferencesEditor.TestInterval.TotalSeconds:0} s ago; try again in {seconds} s.");
                }

                return result is null ? ApiProblems.NotFound($"You have no webhook {id}.") : Results.Ok(result);
            })
            .WithName("TestNotificationWebhook")
            .WithSummary("Send a test POST to a webhook")
            .WithDescription("Sends a signed POST with event \"test\" to one of the caller's webhooks now (not through the outbox: not stored, not retried) and answers whether the endpoint took it (2xx) and, if not, why. One test per webhook every 10 s (429 with Retry-After).")
            .Produces<WebhookTestView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }
}
