using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dashboard.Slurm.Rest;

/// <summary>
/// The tokens slurmrestd is called with. From a JWT key file it mints, as <c>scontrol token</c> does, an HS256 token
/// per Slurm user with the claims <c>iat</c>, <c>exp</c> and <c>sun</c> (the user name); each is reused until a
/// quarter of its life is left. With a fixed token every call is that token's user.
/// </summary>
public sealed class SlurmTokens
{
    private readonly SlurmOptions options;
    private readonly TimeProvider time;
    private readonly SigningCredentials? signing;
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> minted = new(StringComparer.Ordinal);

    public SlurmTokens(SlurmOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.time = time;
        if (!string.IsNullOrWhiteSpace(options.JwtKeyFile))
        {
            byte[] key;
            try
            {
                key = File.ReadAllBytes(options.JwtKeyFile);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"Cluster:Slurm:JwtKeyFile {options.JwtKeyFile} cannot be read: {error.Message}", error);
            }

            if (key.Length < 32)
            {
                throw new InvalidOperationException($"Cluster:Slurm:JwtKeyFile {options.JwtKeyFile} holds {key.Length} bytes; an HS256 key needs at least 32");
            }

            signing = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256);
        }
    }

    /// <summary>Whether tokens are minted per user (else every call is the fixed token's user).</summary>
    public bool PerUser => signing is not null;

    /// <summary>The user name and token to call slurmrestd with as <paramref name="user"/>.</summary>
    public (string User, string Token) For(string user)
    {
        if (signing is null)
        {
            return (options.AdminUser, options.Token ?? string.Empty);
        }

        var now = time.GetUtcNow();
        if (minted.TryGetValue(user, out var held) && held.Expires - now > options.TokenLifetime / 4)
        {
            return (user, held.Token);
        }

        var issued = now.UtcDateTime;
        var expires = issued + options.TokenLifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sun"] = user },
            IssuedAt = issued,
            Expires = expires,
            SigningCredentials = signing,
        });
        minted[user] = (token, new DateTimeOffset(expires));
        return (user, token);
    }
}
