using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// How a webhook POST is signed, so its receiver can check it came from this dashboard and is fresh:
/// <c>X-Dashboard-Timestamp</c> is the Unix time in seconds; <c>X-Dashboard-Signature</c> is <c>sha256=</c> and the
/// lower-case hex HMAC-SHA256, keyed with the endpoint's secret, of the timestamp, a dot and the raw body. A receiver
/// refuses a timestamp too far from its clock (a replay) and dedupes on <c>X-Dashboard-Delivery</c>.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Dashboard-Signature";
    public const string TimestampHeader = "X-Dashboard-Timestamp";
    public const string DeliveryHeader = "X-Dashboard-Delivery";

    /// <summary>How far a timestamp may be from the receiver's clock, by default.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    /// <summary>Whether a received POST is signed with <paramref name="secret"/> and its timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (signature is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return false;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(secret, seconds, body));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    /// <summary>A new endpoint secret: 32 random bytes, base64url, prefixed so people recognise it.</summary>
    public static string NewSecret() =>
        "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
