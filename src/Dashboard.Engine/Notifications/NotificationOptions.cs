namespace Dashboard.Engine.Notifications;

/// <summary>The "Notifications" section of appsettings.json.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The dashboard's address as people reach it: links in emails and webhooks are made from it.</summary>
    public string PublicUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>How often the engine looks for jobs that have waited longer than their owner's threshold.</summary>
    public TimeSpan WaitingScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    public SmtpOptions Smtp { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>The absolute link to a job's page.</summary>
    public string JobLink(long job) => $"{PublicUrl.TrimEnd('/')}/jobs/{job}";

    /// <summary>The page where a person chooses their notifications (the link of a webhook's test message).</summary>
    public string PreferencesLink => $"{PublicUrl.TrimEnd('/')}/account/notifications";
}

/// <summary>Where email goes out (MailKit); without a Host, no email is sent and the email channel is shown as off.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public string From { get; set; } = "Compute Dashboard <dashboard@localhost>";

    /// <summary>StartTls (the default: TLS required after connecting, port 587), SslOnConnect (port 465), StartTlsWhenAvailable, or None.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}

public enum SmtpSecurity
{
    StartTls,
    SslOnConnect,
    StartTlsWhenAvailable,
    None,
}

/// <summary>What webhook URLs people may register.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// When not empty, a webhook's host must be one of these (exactly, or a subdomain of an entry starting with "."):
    /// an admin's guard against webhooks aimed at internal services (SSRF).
    /// </summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Whether http:// (not only https://) URLs are accepted.</summary>
    public bool AllowHttp { get; set; } = true;

    /// <summary>
    /// Whether webhooks may reach loopback and private-network addresses (checked on the address each POST connects to,
    /// after DNS). Off by default, so a webhook cannot be aimed at a service inside the network (SSRF).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>How the delivery worker retries.</summary>
public sealed class DeliveryOptions
{
    /// <summary>Tries within one round (Polly, exponential backoff from <see cref="RetryDelay"/>).</summary>
    public int AttemptsPerRound { get; set; } = 3;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>After a failed round, the next round waits this, doubling each time up to <see cref="MaxRoundDelay"/>.</summary>
    public TimeSpan RoundDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRoundDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rounds before a delivery is given up (its error stays on the owner's preferences page).</summary>
    public int Rounds { get; set; } = 10;

    /// <summary>How often the worker looks at the outbox when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    public int BatchSize { get; set; } = 50;
}
