using System.Net;
using System.Net.Http.Headers;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Data.Writing;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Admin;

/// <summary>The admin pages and the audit CSV through the real pipeline: who may reach them, what the CSV holds, and that no secret shows.</summary>
public sealed class AdminAccessTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    /// <summary>Quotes, a comma, a newline and a leading '=': everything a CSV writer can get wrong in one actor name.</summary>
    private const string NastyActor = "=HYPERLINK(\"http://evil\",\"x\"), ok\nnext";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_admin_downloads_the_filtered_audit_log_as_escaped_csv()
    {
        var writer = factory.Services.GetRequiredService<ClusterWriter>();
        var at = new DateTimeOffset(2026, 1, 5, 9, 30, 0, TimeSpan.Zero);
        writer.Write([new AuditAppended(new AuditEntry(at, NastyActor, "quota.set", "team:\"q\",-1", "{\"gpus\":8}", "{\"note\":\"a,b\"}"))]);
        using var admin = await SignIn.AsAsync(factory, "admin");

        using var response = await admin.GetAsync(new Uri("/admin/audit.csv?actor=" + Uri.EscapeDataString(NastyActor), UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
        response.Content.Headers.ContentDisposition.FileName.Should().StartWith("audit-").And.EndWith(".csv");
        var body = await response.Content.ReadAsStringAsync(Cancel);
        body.Should().Be(
            "time_utc,actor,action,target,before,after\r\n" +
            "2026-01-05T09:30:00.000Z,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\"), ok\nnext\",quota.set,\"team:\"\"q\"\",-1\",\"{\"\"gpus\"\":8}\",\"{\"\"note\"\":\"\"a,b\"\"}\"\r\n");
    }

    [Fact]
    public async Task The_csv_refuses_a_bad_filter_with_a_problem_and_an_unfiltered_export_has_every_entry()
    {
        using var admin = await SignIn.AsAsync(factory, "admin");

        using var bad = await admin.GetAsync(new Uri("/admin/audit.csv?from=yesterday", UriKind.Relative), Cancel);
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync(Cancel)).Should().Contain("A time in UTC");

        var all = await admin.GetStringAsync(new Uri("/admin/audit.csv", UriKind.Relative), Cancel);
        var store = factory.Services.GetRequiredService<AuditStore>();
        all.Should().Contain("user.create").And.Contain("auth.sign-in");
        all.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length.Should().BeGreaterThanOrEqualTo(store.Query(AuditQuery.All, 0, 1).Records.Count + 1);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("lead")]
    public async Task Members_and_leads_are_refused_the_admin_pages_and_the_csv(string user)
    {
        using var client = await SignIn.AsAsync(factory, user);

        using (var csv = await client.GetAsync(new Uri("/admin/audit.csv", UriKind.Relative), Cancel))
        {
            csv.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        foreach (var path in new[] { "/admin/users", "/admin/audit", "/admin/audit.csv" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            using var response = await client.SendAsync(request, Cancel);
            response.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/account/denied", $"{user} is sent from {path} to the denied page");
        }
    }

    [Fact]
    public async Task Anonymous_clients_get_401_and_browsers_the_sign_in_page()
    {
        await factory.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/admin/audit.csv", "/admin/users", "/admin/audit" })
        {
            using (var api = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel))
            {
                api.StatusCode.Should().Be(HttpStatusCode.Unauthorized, path);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            using var browser = await client.SendAsync(request, Cancel);
            browser.StatusCode.Should().Be(HttpStatusCode.Redirect, path);
            browser.Headers.Location!.ToString().Should().Contain("/account/login");
        }
    }

    [Fact]
    public async Task An_admin_sees_the_pages_and_no_password_or_hash_appears_in_any_of_them()
    {
        using var admin = await SignIn.AsAsync(factory, "admin");
        var administration = factory.Services.GetRequiredService<UserAdministration>();
        administration.ResetPassword("bob", "bobs-new-secret-pw", new SignedInUser("admin", UserRole.Admin, [])).Succeeded.Should().BeTrue();
        var users = factory.Services.GetRequiredService<UserStore>();
        var secrets = DemoAccounts.All.Select(a => a.Password)
            .Concat(DemoAccounts.All.Select(a => users.PasswordHash(a.Name)!))
            .Append("bobs-new-secret-pw")
            .ToList();

        var usersPage = await admin.GetStringAsync(new Uri("/admin/users", UriKind.Relative), Cancel);
        var auditPage = await admin.GetStringAsync(new Uri("/admin/audit", UriKind.Relative), Cancel);
        var csv = await admin.GetStringAsync(new Uri("/admin/audit.csv", UriKind.Relative), Cancel);

        usersPage.Should().Contain("data-user=\"alice\"").And.Contain("data-user=\"bob\"").And.Contain("id=\"new-user\"");
        auditPage.Should().Contain("id=\"audit-grid\"").And.Contain("id=\"audit-export\"");
        csv.Should().Contain("user.password-reset");
        foreach (var secret in secrets)
        {
            usersPage.Should().NotContain(secret);
            auditPage.Should().NotContain(secret);
            csv.Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task An_admins_change_reaches_a_signed_in_user_at_their_next_request()
    {
        await using var own = new DashboardFactory();
        using var alice = await SignIn.AsAsync(own, "alice");
        using var bob = await SignIn.AsAsync(own, "bob");
        var administration = own.Services.GetRequiredService<UserAdministration>();
        var root = new SignedInUser("admin", UserRole.Admin, []);

        administration.Update("alice", new AccountChange("Alice", UserRole.TeamLead, ["vision"], true), root).Succeeded.Should().BeTrue();
        administration.Update("bob", new AccountChange("Bob", UserRole.Member, ["nlp"], false), root).Succeeded.Should().BeTrue();

        var page = await alice.GetStringAsync(new Uri("/", UriKind.Relative), Cancel);
        page.Should().Contain("alice · team lead", "the cookie's role follows the account");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        using var refused = await bob.SendAsync(request, Cancel);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a disabled account's cookie no longer signs it in");
    }
}
