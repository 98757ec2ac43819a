using System.Globalization;
using System.Text;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli;

/// <summary>Notification preferences and webhooks as <c>dash</c> prints them: plain tables, a failing endpoint said so.</summary>
public static class NotificationText
{
    private static readonly string[] ChoiceHeader = ["KIND", "DASHBOARD", "EMAIL", "WEBHOOK", "WHEN"];

    private static readonly string[] WebhookHeader = ["ID", "URL", "ADDED", "DELIVERY"];

    /// <summary>Every kind and where it goes, then the email address, the waiting threshold and the webhooks.</summary>
    public static string Preferences(NotificationPreferencesView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var text = new StringBuilder(TextTable.Render(ChoiceHeader, view.Choices.Select(c => (IReadOnlyList<string>)
            [c.Kind, OnOff(c.Dashboard), OnOff(c.Email), OnOff(c.Webhook), c.Description])));
        text.Append('\n').Append("Email:   ").Append(view.Email ?? "none (dash notifications email ADDRESS)");
        if (view.EmailLastError is { } emailError)
        {
            text.Append(" -- failing: ").Append(emailError);
        }

        if (!view.EmailAvailable)
        {
            text.Append(" (this server does not send email)");
        }

        text.Append('\n').Append("Waiting: ").Append(view.WaitingMinutes == 0
            ? "never told (dash notifications waiting MINUTES)"
            : string.Create(CultureInfo.InvariantCulture, $"told when a job has waited {view.WaitingMinutes} min"));
        text.Append('\n').Append("Webhooks:").Append(view.Webhooks.Count == 0 ? " none (dash notifications webhook add URL)\n" : "\n" + Webhooks(view.Webhooks));
        return text.ToString().TrimEnd();
    }

    /// <summary>The webhooks as a table: id, URL, when added, and whether deliveries to it work.</summary>
    public static string Webhooks(IReadOnlyList<NotificationWebhookView> hooks)
    {
        ArgumentNullException.ThrowIfNull(hooks);
        return TextTable.Render(WebhookHeader, hooks.Select(h => (IReadOnlyList<string>)
            [h.Id.ToString(CultureInfo.InvariantCulture), h.Url, Time(h.CreatedAt), Delivery(h)]));
    }

    /// <summary>"working", or the last error and when it is tried again (or that it was given up).</summary>
    public static string Delivery(NotificationWebhookView hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        if (hook.LastError is not { } error)
        {
            return "working";
        }

        return "failing: " + error + "; " + (hook.GivenUp || hook.NextAttemptAt is null ? "given up" : "next try " + Time(hook.NextAttemptAt.Value));
    }

    public static string OnOff(bool on) => on ? "on" : "off";

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
