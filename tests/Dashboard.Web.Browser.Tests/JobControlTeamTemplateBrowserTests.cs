using System.Text.RegularExpressions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// A team-wide template in a real Chromium: a team lead saves the Submit form as one for the whole team; a member of
/// the team (who is offered no team-wide box and cannot delete it) starts the form from it and submits a job of her own.
/// </summary>
public sealed partial class JobControlTeamTemplateBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task A_leads_team_wide_template_starts_a_members_submit_form()
    {
        var lead = await host.OpenAsync("/jobs/new", user: "lead");
        await TypeAsync(lead, "#job-name", "team-finetune");
        await TypeAsync(lead, "#job-command", "python finetune.py --epochs 2");
        await TypeAsync(lead, "#job-gpus", "0");
        await TypeAsync(lead, "#job-walltime", "2h");
        await TypeAsync(lead, "#template-name", "vision-finetune");
        await lead.Locator("#template-team-wide input, input#template-team-wide").First.CheckAsync();
        await lead.ClickAsync("#save-template");
        await Assertions.Expect(lead.Locator("#template-choice")).ToHaveValueAsync(new Regex(@"^vision-finetune \(team \w+\)$"));

        var alice = await host.OpenAsync("/jobs/new", user: "alice");
        await Assertions.Expect(alice.Locator("#template-team-wide")).ToHaveCountAsync(0);
        await alice.Locator(".template-select").First.ClickAsync();
        await alice.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "vision-finetune (team" }).ClickAsync();
        await Assertions.Expect(alice.Locator("#job-name")).ToHaveValueAsync("team-finetune");
        await Assertions.Expect(alice.Locator("#job-command")).ToHaveValueAsync("python finetune.py --epochs 2");
        await Assertions.Expect(alice.Locator("#job-walltime")).ToHaveValueAsync("2h");
        await Assertions.Expect(alice.Locator("#delete-template")).ToHaveCountAsync(0);

        await alice.ClickAsync("#submit-job");
        await alice.WaitForURLAsync(JobPageUrl());
        var job = long.Parse(JobPageUrl().Match(alice.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var stored = host.Service<Dashboard.Data.Jobs.JobStore>().Find(new JobId(job))!;
        (stored.Job.Spec.Owner, stored.Job.Spec.Name, stored.Job.Spec.Command).Should().Be(("alice", "team-finetune", "python finetune.py --epochs 2"));
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }

    [GeneratedRegex(@"/jobs/(\d+)$")]
    private static partial Regex JobPageUrl();
}
