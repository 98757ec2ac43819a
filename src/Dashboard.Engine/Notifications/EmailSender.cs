using System.Security.Cryptography;
using System.Text;
using Dashboard.Data.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// Sends a notification as a plain-text email through the configured SMTP server (MailKit). The Message-Id is made
/// from the delivery's idempotency key, so a repeat after a crash carries the same id (mail clients may fold it).
/// </summary>
public sealed class EmailSender(SmtpOptions options) : INotificationSender
{
    public NotificationChannel Channel => NotificationChannel.Email;

    public static MimeMessage MessageOf(OutboxMessage message, string from)
    {
        ArgumentNullException.ThrowIfNull(message);
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse(from));
        mail.To.Add(MailboxAddress.Parse(message.Target));
        mail.Subject = message.Title;
        mail.MessageId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(message.IdempotencyKey)))[..32] + "@compute-dashboard";
        mail.Headers.Add("X-Dashboard-Delivery", message.IdempotencyKey);
        mail.Body = new TextPart("plain")
        {
            Text = $"{message.Body}\n\n{message.Link}\n\n-- \nCompute Dashboard. Choose what you are told about: {AccountLink(message.Link)}\n",
        };
        return mail;
    }

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException("email is not set up on this server (Notifications:Smtp:Host)");
        }

        using var mail = MessageOf(message, options.From);
        using var client = new SmtpClient();
        var security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(options.Host!, options.Port, security, cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(options.UserName))
        {
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(mail, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    private static string AccountLink(string jobLink)
    {
        var at = jobLink.IndexOf("/jobs", StringComparison.Ordinal);
        return (at > 0 ? jobLink[..at] : jobLink.TrimEnd('/')) + "/account/notifications";
    }
}
