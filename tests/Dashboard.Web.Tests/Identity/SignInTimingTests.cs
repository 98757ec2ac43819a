using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Identity;

/// <summary>
/// A sign-in with a name that has no account costs what a wrong password costs: the password is verified (against a
/// stand-in hash) by the same hasher, so the answer's time does not tell which accounts exist.
/// </summary>
public sealed class SignInTimingTests
{
    [Fact]
    public async Task An_unknown_name_is_verified_by_the_password_hasher_like_a_wrong_password()
    {
        var hasher = new CountingHasher();
        await using var factory = new DashboardFactory { TestServices = services => services.AddSingleton<IPasswordHasher<UserAccount>>(hasher) };
        await factory.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var accounts = factory.Services.GetRequiredService<AccountService>();

        var before = hasher.Verifications;
        var unknown = accounts.SignIn("nobody-here", "some password");
        var afterUnknown = hasher.Verifications;
        var wrong = accounts.SignIn("alice", "not her password");
        var afterWrong = hasher.Verifications;

        (afterUnknown - before).Should().Be(1, "an unknown name is checked against a stand-in hash");
        (afterWrong - afterUnknown).Should().Be(1);
        unknown.Error.Should().Be(AccountService.WrongCredentials).And.Be(wrong.Error);
        hasher.Results.Should().Equal(PasswordVerificationResult.Failed, PasswordVerificationResult.Failed);

        // Figures for the record, not asserted (timing depends on the machine): three more of each, before bob's lockout.
        var unknownTimes = Enumerable.Range(0, 3).Select(i => Time(() => accounts.SignIn($"nobody-{i}", "some password"))).ToList();
        var wrongTimes = Enumerable.Range(0, 3).Select(_ => Time(() => accounts.SignIn("bob", "not his password"))).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"sign-in, unknown name: {string.Join(", ", unknownTimes.Select(t => $"{t:0.0} ms"))}; wrong password: {string.Join(", ", wrongTimes.Select(t => $"{t:0.0} ms"))}");
    }

    private static double Time(Action signIn)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        signIn();
        return clock.Elapsed.TotalMilliseconds;
    }

    private sealed class CountingHasher : IPasswordHasher<UserAccount>
    {
        private readonly PasswordHasher<UserAccount> real = new();
        private readonly List<PasswordVerificationResult> results = [];

        public int Verifications
        {
            get
            {
                lock (results)
                {
                    return results.Count;
                }
            }
        }

        public IReadOnlyList<PasswordVerificationResult> Results
        {
            get
            {
                lock (results)
                {
                    return [.. results];
                }
            }
        }

        public string HashPassword(UserAccount user, string password) => real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(UserAccount user, string hashedPassword, string providedPassword)
        {
            var result = real.VerifyHashedPassword(user, hashedPassword, providedPassword);
            lock (results)
            {
                results.Add(result);
            }

            return result;
        }
    }
}
