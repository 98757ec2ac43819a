using System.Collections.Immutable;
using Dashboard.Api.Contracts;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Notifications;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Notifications;

/// <summary>
/// Reads and changes a person's own notification preferences (the preferences page and the API): each kind on or off
/// per channel, the email address, the waiting threshold, and webhooks (checked by <see cref="WebhookAddress"/>; the
/// secret shown once). Every change reaches the engine at once (<see cref="NotificationDirectory.Reload"/>). A bad
/// value is refused with a reason and changes nothing.
/// </summary>
public sealed class NotificationPreferencesEditor(
    NotificationChoiceStore store,
    NotificationOutbox outbox,
    NotificationDirectory directory,
    NotificationOptions options,
    WebhookSender webhooks,
    TimeProvider time)
{
    /// <summary>How often one webhook may be sent a test (so the button cannot be used to flood an endpoint).</summary>
    public static readonly TimeSpan TestInterval = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, DateTimeOffset> lastTests = [];
    private readonly Lock testsGate = new();

    public const int MaxWebhooks = 10;
    public const int MaxWaitingMinutes = 7 * 24 * 60;
    public const int MaxEmailLength = 254;

    public NotificationPreferencesView Read(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var prefs = store.Load(user.Name);
        var failing = outbox.FailingEndpointsOf(user.Name);
        return new NotificationPreferencesView(
            prefs.Email,
            (int)prefs.WaitingThreshold.TotalMinutes,
            options.Smtp.IsConfigured,
            failing.FirstOrDefault(f => f.Channel == NotificationChannel.Email && f.Target == prefs.Email)?.LastError,
            [.. NotificationNames.Kinds.Select(kind => new NotificationChoiceView(
                NotificationNames.Of(kind),
                NotificationNames.Describe(kind),
                prefs.Wants(kind, NotificationChannel.Dashboard),
                prefs.Wants(kind, NotificationChannel.Email),
                prefs.Wants(kind, NotificationChannel.Webhook)))],
            [.. prefs.Webhooks.Select(hook =>
            {
                var status = failing.FirstOrDefault(f => f.Channel == NotificationChannel.Webhook && f.Target == hook.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return new NotificationWebhookView(hook.Id, hook.Url, hook.CreatedAt, status?.LastError, status?.NextAttemptAt, status?.GivenUp ?? false);
            })]);
    }

    /// <summary>Saves <paramref name="update"/>; returns the new preferences, or the problems by field (nothing saved).</summary>
    public (NotificationPreferencesView? Saved, IReadOnlyDictionary<string, string> Errors) Save(ICurrentUser user, NotificationPreferencesUpdate update)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(update);
        var current = store.Load(user.Name);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var email = update.Email is null ? current.Email : update.Email.Trim();
        if (email is { Length: 0 })
        {
            email = null;
        }

        if (email is not null && EmailProblem(email) is { } emailProblem)
        {
            errors["email"] = emailProblem;
        }

        var minutes = update.WaitingMinutes ?? (int)current.WaitingThreshold.TotalMinutes;
        if (minutes is < 0 or > MaxWaitingMinutes)
        {
            errors["waitingMinutes"] = $"The waiting threshold is 0 (never) to {MaxWaitingMinutes} minutes (a week).";
        }

        var choices = current.Choices.ToBuilder();
        foreach (var choice in update.Choices ?? [])
        {
            if (NotificationNames.KindNamed(choice.Kind) is not { } kind)
            {
                errors["choices"] = $"'{choice.Kind}' is not a notification kind; the kinds are {string.Join(", ", NotificationNames.Kinds.Select(NotificationNames.Of))}.";
                continue;
            }

            choices[(kind, NotificationChannel.Dashboard)] = choice.Dashboard;
            choices[(kind, NotificationChannel.Email)] = choice.Email;
            choices[(kind, NotificationChannel.Webhook)] = choice.Webhook;
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        store.Save(user.Name, choices.ToImmutable(), email, TimeSpan.FromMinutes(minutes), NotificationAudit.EmailChanged(user.Name, current.Email, email, time.GetUtcNow()));
        directory.Reload();
        return (Read(user), ImmutableDictionary<string, string>.Empty);
    }

    /// <summary>Registers a webhook; its secret is in the answer, once.</summary>
    public (CreatedWebhookView? Created, string? Error) AddWebhook(ICurrentUser user, string? url)
    {
        ArgumentNullException.ThrowIfNull(user);
        url = url?.Trim();
        if (WebhookAddress.Problem(url, options.Webhooks) is { } problem)
        {
            return (null, problem);
        }

        if (store.Load(user.Name).Webhooks.Length >= MaxWebhooks)
        {
            return (null, $"You have {MaxWebhooks} webhooks; remove one first.");
        }

        var secret = WebhookSignature.NewSecret();
        var now = time.GetUtcNow();
        var id = store.AddWebhook(user.Name, url!, secret, now, id => NotificationAudit.WebhookAdded(user.Name, id, url!, now));
        directory.Reload();
        return (new CreatedWebhookView(id, url!, secret), null);
    }

    /// <summary>Removes one of the caller's webhooks; false when they have no such webhook.</summary>
    public bool RemoveWebhook(ICurrentUser user, long id)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        var hook = store.Load(user.Name).Webhooks.FirstOrDefault(w => w.Id == id);
        var removed = store.RemoveWebhook(user.Name, id, now, hook is null ? null : NotificationAudit.WebhookRemoved(user.Name, id, hook.Url, now));
        directory.Reload();
        return removed;
    }

    /// <summary>
    /// Sends a signed test POST to one of the caller's webhooks now and says whether the endpoint took it. Null when the
    /// caller has no such webhook; <c>TooSoonBy</c> set (nothing sent) when that webhook was tested less than
    /// <see cref="TestInterval"/> ago.
    /// </summary>
    public async Task<(WebhookTestView? Result, TimeSpan? TooSoonBy)> TestWebhookAsync(ICurrentUser user, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (store.Load(user.Name).Webhooks.FirstOrDefault(w => w.Id == id) is not { } hook)
        {
            return (null, null);
        }

        if (TooSoonToTest(id, time.GetUtcNow()) is { } wait)
        {
            return (null, wait);
        }

        try
        {
            await webhooks.SendTestAsync(hook.Url, hook.Secret, user.Name, options.PreferencesLink, cancellationToken).ConfigureAwait(false);
            return (new WebhookTestView(id, true, "Delivered: the endpoint answered with success."), null);
        }
        catch (Exception error) when (error is UndeliverableException or HttpRequestException or TimeoutException)
        {
            return (new WebhookTestView(id, false, "Not delivered: " + error.Message), null);
        }
    }

    /// <summary>How long until <paramref name="id"/> may be tested again; null (and the test counted now) when it may be now.</summary>
    private TimeSpan? TooSoonToTest(long id, DateTimeOffset now)
    {
        lock (testsGate)
        {
            if (lastTests.TryGetValue(id, out var last) && now - last < TestInterval)
            {
                return TestInterval - (now - last);
            }

            lastTests[id] = now;
            return null;
        }
    }

    public static string? EmailProblem(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (email.Length > MaxEmailLength)
        {
            return $"An email address is at most {MaxEmailLength} characters.";
        }

        if (TextRules.OneLineProblem("An email address", email) is { } text)
        {
            return text;
        }

        return System.Net.Mail.MailAddress.TryCreate(email, out var parsed) && parsed.Address == email && parsed.Host.Contains('.', StringComparison.Ordinal)
            ? null
            : $"'{email}' is not an email address like name@example.com.";
    }
}
