using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Identity;

/// <summary>
/// A real deployment (demo accounts off) starts with no account: the first admin is created on /account/setup with
/// the one-time code the server wrote into its data folder, through the real pipeline (antiforgery, cookie).
/// </summary>
public sealed partial class FirstAdminSetupTests : IDisposable
{
    private readonly LogRecorder log = new();
    private readonly DashboardFactory factory;

    public FirstAdminSetupTests()
    {
        factory = new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["Identity:DemoAccounts"] = "false" },
            TestServices = log.AddTo,
        };
    }

    public void Dispose() => factory.Dispose();

    private string CodeFile => Path.Combine(factory.DataFolder, FirstAdminSetup.CodeFileName);

    private HttpClient Browser()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient browser, string code, string name, string password, string? passwordAgain = null, string displayName = "")
    {
        var cancel = TestContext.Current.CancellationToken;
        var page = await browser.GetStringAsync(new Uri(FirstAdminSetup.Path, UriKind.Relative), cancel);
        var token = TokenField().Match(page);
        token.Success.Should().BeTrue("the setup form carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "first-admin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Code"] = code,
            ["Input.Name"] = name,
            ["Input.DisplayName"] = displayName,
            ["Input.Password"] = password,
            ["Input.PasswordAgain"] = passwordAgain ?? password,
        });
        return await browser.PostAsync(new Uri(FirstAdminSetup.Path, UriKind.Relative), form, cancel);
    }

    [Fact]
    public async Task With_demo_accounts_off_the_first_admin_is_created_with_the_code_from_the_data_folder_and_setup_then_closes()
    {
        using var browser = Browser();
        var login = await browser.GetStringAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken);
        login.Should().Contain("id=\"setup-open\"").And.NotContain("id=\"demo-accounts\"");

        File.Exists(CodeFile).Should().BeTrue("the server writes the one-time code at start-up");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(CodeFile).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite, "only the server's user may read the code");
        }

        var code = (await File.ReadAllTextAsync(CodeFile, TestContext.Current.CancellationToken)).Trim();
        code.Should().MatchRegex("^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$");
        log.Entries.Should().Contain(e => e.Message.Contains(FirstAdminSetup.Path, StringComparison.Ordinal), "the log says where to go")
            .And.NotContain(e => e.Message.Contains(code, StringComparison.Ordinal), "the code itself is never logged");

        using (var wrongCode = await PostSetupAsync(browser, "AAAAA-AAAAA-AAAAA-AAAAA", "root-admin", "a-long-password"))
        {
            var body = await wrongCode.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            body.Should().Contain("id=\"setup-error\"").And.Contain("That is not the setup code");
        }

        using (var differentPasswords = await PostSetupAsync(browser, code, "root-admin", "a-long-password", "another-password"))
        {
            (await differentPasswords.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Contain("The two passwords differ.");
        }

        using (var controlCharacter = await PostSetupAsync(browser, code, "root-admin", "a-long-password", displayName: "Root\u0007Admin"))
        {
            (await controlCharacter.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Contain("id=\"setup-error\"");
        }

        factory.Services.GetRequiredService<UserStore>().Any().Should().BeFalse("every refused attempt wrote nothing");

        // Typed in lower case with spaces instead of dashes: still the code.
        using (var created = await PostSetupAsync(browser, code.ToLowerInvariant().Replace('-', ' '), "root-admin", "a-long-password", displayName: "Root Admin"))
        {
            created.StatusCode.Should().Be(HttpStatusCode.OK);
            created.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/admin/users", "the new admin is signed in and lands on the users page");
        }

        var admin = factory.Services.GetRequiredService<UserStore>().Find("root-admin")!;
        admin.Role.Should().Be(UserRole.Admin);
        admin.DisplayName.Should().Be("Root Admin");
        File.Exists(CodeFile).Should().BeFalse("the code is spent");
        factory.Services.GetRequiredService<AuditStore>().ForTarget("user:root-admin")
            .Should().ContainSingle(r => r.Entry.Action == "user.create" && r.Entry.Actor == FirstAdminSetup.Actor);

        using var stranger = Browser();
        var closed = await stranger.GetStringAsync(new Uri(FirstAdminSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken);
        closed.Should().Contain("id=\"setup-closed\"").And.NotContain("id=\"setup-form\"");
        factory.Services.GetRequiredService<FirstAdminSetup>().CreateAdmin(code, "second-admin", null, "a-long-password", "a-long-password")
            .Problem.Should().Contain("Setup is over");
        factory.Services.GetRequiredService<UserStore>().All().Select(u => u.Name).Should().Equal("root-admin");
    }

    [Fact]
    public async Task Five_wrong_codes_replace_the_code_so_guessing_gains_nothing()
    {
        using var browser = Browser();
        await browser.GetStringAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken);
        var setup = factory.Services.GetRequiredService<FirstAdminSetup>();
        var firstCode = (await File.ReadAllTextAsync(CodeFile, TestContext.Current.CancellationToken)).Trim();

        for (var attempt = 1; attempt <= FirstAdminSetup.MaxWrongCodes; attempt++)
        {
            setup.CreateAdmin($"WRONG-{attempt}", "guesser", null, "a-long-password", "a-long-password").Admin.Should().BeNull();
        }

        var secondCode = (await File.ReadAllTextAsync(CodeFile, TestContext.Current.CancellationToken)).Trim();
        secondCode.Should().NotBe(firstCode);
        setup.CreateAdmin(firstCode, "guesser", null, "a-long-password", "a-long-password").Problem.Should().Contain("not the setup code");
        setup.CreateAdmin(secondCode, "owner", null, "a-long-password", "a-long-password").Admin!.Name.Should().Be("owner");
    }

    [Fact]
    public async Task With_demo_accounts_on_there_is_no_setup_and_no_code_file()
    {
        using var demo = new DashboardFactory();
        await demo.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using var browser = demo.CreateClient();

        var page = await browser.GetStringAsync(new Uri(FirstAdminSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken);

        page.Should().Contain("id=\"setup-closed\"");
        File.Exists(Path.Combine(demo.DataFolder, FirstAdminSetup.CodeFileName)).Should().BeFalse();
        demo.Services.GetRequiredService<FirstAdminSetup>().CreateAdmin("anything", "x-admin", null, "a-long-password", "a-long-password")
            .Problem.Should().Contain("Setup is over");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
