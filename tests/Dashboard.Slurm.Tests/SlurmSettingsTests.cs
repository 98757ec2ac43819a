using Dashboard.Slurm.Rest;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Dashboard.Slurm.Tests;

/// <summary>Cluster:Slurm's settings and the tokens minted from its JWT key.</summary>
public sealed class SlurmSettingsTests
{
    [Fact]
    public void Slurm_is_off_by_default_and_so_needs_nothing()
    {
        var options = new SlurmOptions();
        options.Enabled.Should().BeFalse();
        options.Problems().Should().BeEmpty();
    }

    [Fact]
    public void Turned_on_without_an_address_a_key_or_a_partition_each_mistake_is_named()
    {
        var problems = new SlurmOptions { Enabled = true, RestUrl = "slurm-head" }.Problems();
        problems.Should().HaveCount(3);
        problems.Should().Contain(p => p.Contains("RestUrl", StringComparison.Ordinal));
        problems.Should().Contain(p => p.Contains("JwtKeyFile", StringComparison.Ordinal));
        problems.Should().Contain(p => p.Contains("Partitions", StringComparison.Ordinal));
    }

    [Fact]
    public void A_negative_quick_look_count_is_refused_by_name()
    {
        var options = new SlurmOptions { Enabled = true, RestUrl = "http://slurm-head:6820", Token = "t", Partitions = ["gpu"], QuickLookJobs = -1 };
        options.Problems().Should().ContainSingle().Which.Should().Contain("QuickLookJobs");
    }

    [Fact]
    public async Task A_minted_token_is_hs256_over_the_key_file_with_iat_exp_and_the_user_name_as_scontrol_token_makes_it()
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
            await File.WriteAllBytesAsync(keyFile, key, TestContext.Current.CancellationToken);
            var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var tokens = new SlurmTokens(new SlurmOptions { JwtKeyFile = keyFile, TokenLifetime = TimeSpan.FromMinutes(10) }, clock);

            var (user, token) = tokens.For("alice");

            user.Should().Be("alice");
            var checkedToken = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                IssuerSigningKey = new SymmetricSecurityKey(key),
                ValidateIssuer = false,
                ValidateAudience = false,
                ValidateLifetime = false,
            });
            checkedToken.IsValid.Should().BeTrue(checkedToken.Exception?.Message);
            var jwt = new JsonWebToken(token);
            jwt.Alg.Should().Be("HS256");
            jwt.GetClaim("sun").Value.Should().Be("alice");
            jwt.GetPayloadValue<long>("exp").Should().Be(jwt.GetPayloadValue<long>("iat") + 600);

            tokens.For("alice").Token.Should().Be(token, "a token is reused while most of its life is left");
            clock.Advance(TimeSpan.FromMinutes(8));
            tokens.For("alice").Token.Should().NotBe(token, "one near its end is minted again");
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public void A_key_file_too_short_for_hs256_is_refused_with_its_path()
    {
        var keyFile = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(keyFile, [1, 2, 3]);
            var act = () => new SlurmTokens(new SlurmOptions { JwtKeyFile = keyFile }, TimeProvider.System);
            act.Should().Throw<InvalidOperationException>().WithMessage($"*{keyFile}*32*");
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
