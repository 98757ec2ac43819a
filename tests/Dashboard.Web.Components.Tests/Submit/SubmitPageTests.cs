using AngleSharp.Dom;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Submit;

public sealed class SubmitPageTests : ComponentTest
{
    private readonly SubmitFakes fakes;

    public SubmitPageTests()
        : this(new SubmitFakes())
    {
    }

    private SubmitPageTests(SubmitFakes fakes)
        : base(fakes.Register)
    {
        this.fakes = fakes;
        SignInAs(new Dashboard.Web.Identity.SignedInUser(SubmitFakes.User, Dashboard.Data.Users.UserRole.Member, ["nlp", "vision"]));
    }

    /// <summary>gpu-01 has GPUs 0-3 held by vision; gpu-02 is full until 14:30 with nlp's job.</summary>
    private static TestCluster HalfBusy() => new TestCluster()
        .Team("nlp", nominalGpus: 8, borrowGpus: 0).Team("vision")
        .Node("gpu-01").Node("gpu-02")
        .Run("gpu-01", [0, 1, 2, 3], "vision", walltime: TimeSpan.FromHours(2))
        .Run("gpu-02", [0, 1, 2, 3, 4, 5, 6, 7], "nlp", walltime: TimeSpan.FromHours(1));

    [Fact]
    public void The_what_if_panel_says_where_the_job_starts_now()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();

        Type(page, "job-team-select", "vision");
        Type(page, "job-gpus", "2");
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            WhatIf(page).GetAttribute("data-outcome").Should().Be("starts");
            WhatIf(page).TextContent.Should().Contain("Starts now on gpu-01 (GPUs 4-5)");
        }, Patience);
        page.Find("#submit-job").HasAttribute("disabled").Should().BeTrue("the what-if needs no name or command, a submit does");
        page.Find("#submit-blocked").TextContent.Should().Be("Fix first: name, command");
    }

    [Fact]
    public void The_what_if_panel_says_when_a_queued_job_would_start_and_why_it_waits()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();
        Type(page, "job-name", "small");
        Type(page, "job-command", "python small.py");

        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            WhatIf(page).GetAttribute("data-outcome").Should().Be("queued");
            WhatIf(page).QuerySelector(".what-if-headline")!.TextContent.Should().Be("Queued: estimated start 14:30 UTC");
            WhatIf(page).QuerySelectorAll(".what-if-detail .what-if-sentence").Select(e => e.TextContent)
                .Should().Equal("Needs 1 GPU.", "Team nlp has 0 of its 8 GPUs free (8 in use).");
        }, Patience);
        page.Find("#submit-job").HasAttribute("disabled").Should().BeFalse("a queued job may be submitted");
    }

    [Fact]
    public void A_job_that_can_never_run_disables_the_button_which_says_why()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();
        Type(page, "job-name", "big");
        Type(page, "job-command", "python big.py");
        Type(page, "job-team-select", "vision");

        Type(page, "job-gpus", "16");
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            WhatIf(page).GetAttribute("data-outcome").Should().Be("never");
            WhatIf(page).TextContent.Should().Contain("Can never run: needs 16 GPUs; the largest node has 8");
            page.Find("#submit-job").HasAttribute("disabled").Should().BeTrue();
            page.Find("#submit-blocked").TextContent.Should().Be("It can never run as asked: needs 16 GPUs; the largest node has 8");
        }, Patience);
        fakes.Submission.Sent.Should().BeEmpty();
    }

    [Fact]
    public void The_panel_waits_for_the_debounce_on_the_injected_clock()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();
        Type(page, "job-team-select", "vision");
        fakes.Clock.Advance(SubmitPage.Debounce);
        page.WaitForAssertion(() => WhatIf(page).TextContent.Should().Contain("Starts now on gpu-01 (GPU 4)"), Patience);

        Type(page, "job-gpus", "16");
        fakes.Clock.Advance(SubmitPage.Debounce - TimeSpan.FromMilliseconds(1));
        WhatIf(page).GetAttribute("data-outcome").Should().Be("starts", "the fields have not been quiet long enough");

        fakes.Clock.Advance(TimeSpan.FromMilliseconds(1));
        page.WaitForAssertion(() => WhatIf(page).GetAttribute("data-outcome").Should().Be("never"), Patience);
    }

    [Fact]
    public void The_panel_follows_the_engine_when_it_publishes()
    {
        Feed.Publish(HalfBusy().Update(version: 1));
        var page = RenderPage();
        Type(page, "job-team-select", "vision");
        fakes.Clock.Advance(SubmitPage.Debounce);
        page.WaitForAssertion(() => WhatIf(page).GetAttribute("data-outcome").Should().Be("starts"), Patience);

        Feed.Publish(HalfBusy().Run("gpu-01", [4, 5, 6, 7], "vision").Update(version: 2));
        page.WaitForAssertion(() => page.Find("#submit-page").GetAttribute("data-snapshot-version").Should().Be("2"), Patience);
        WhatIf(page).GetAttribute("data-outcome").Should().Be("starts", "the what-if follows the engine at most once per quiet interval");

        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            WhatIf(page).GetAttribute("data-outcome").Should().Be("queued");
            WhatIf(page).QuerySelector(".what-if-headline")!.TextContent.Should().Be("Queued: estimated start 14:30 UTC");
        }, Patience);
    }

    [Fact]
    public void Bad_input_shows_messages_under_its_fields_and_nothing_is_submitted()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();

        Type(page, "job-gpus", "two");
        Type(page, "job-cpu", "-1");
        Type(page, "job-memory", "8");
        Type(page, "job-memory-limit", "4");
        Type(page, "job-walltime", "soon");
        Type(page, "job-priority", "5000");
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            ErrorUnder(page, "job-gpus").Should().Be("GPUs must be a whole number.");
            ErrorUnder(page, "job-cpu").Should().Be("CPU must be more than 0 and at most 1024 cores.");
            ErrorUnder(page, "job-memory-limit").Should().Be("Memory limit (4 GiB) must be at least the request (8 GiB).");
            ErrorUnder(page, "job-walltime").Should().StartWith("Walltime must be a duration (e.g. 2h30m");
            ErrorUnder(page, "job-priority").Should().Be("Priority must be between -1000 and 1000.");
            ErrorUnder(page, "job-name").Should().BeNull("an untouched field is not marked before a submit is tried");
            WhatIf(page).GetAttribute("data-outcome").Should().Be("invalid");
        }, Patience);
        var button = page.Find("#submit-job");
        button.HasAttribute("disabled").Should().BeTrue();
        page.Find("#submit-blocked").TextContent.Should().Be("Fix first: name, command, GPUs, CPU request, memory limit, walltime, priority");

        button.Click();

        fakes.Submission.Sent.Should().BeEmpty();
        page.Find("#submit-job").HasAttribute("disabled").Should().BeTrue();
    }

    [Fact]
    public void A_valid_submit_sends_the_spec_as_the_current_user_and_opens_the_job()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Drafts.Draft = new SubmitForm { Name = "old draft" };
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("#job-name").GetAttribute("value").Should().Be("old draft"), Patience);

        Type(page, "job-name", "resnet-50");
        Type(page, "job-command", "python train.py\n--epochs 3");
        Type(page, "job-team-select", "vision");
        Type(page, "job-gpus", "2");
        Type(page, "job-cpu", "1.5");
        Type(page, "job-cpu-limit", "3");
        Type(page, "job-memory", "0.5");
        Type(page, "job-walltime", "2h30m");
        Type(page, "job-priority", "7");
        fakes.Clock.Advance(SubmitPage.Debounce);
        page.WaitForAssertion(() => page.Find("#submit-job").HasAttribute("disabled").Should().BeFalse(), Patience);

        page.Find("#submit-job").Click();

        page.WaitForAssertion(() => fakes.Submission.Sent.Should().ContainSingle(), Patience);
        var (spec, actor) = fakes.Submission.Sent.Single();
        actor.Should().Be(SubmitFakes.User);
        spec.Should().BeEquivalentTo(new JobSpec(
            "resnet-50",
            SubmitFakes.User,
            "vision",
            "python train.py\n--epochs 3",
            new ResourceRequest(2, 1500, 512),
            new ResourceLimits(CpuMillicores: 3000),
            TimeSpan.FromMinutes(150),
            7));
        page.WaitForAssertion(() => Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/jobs/42"), Patience);
        fakes.Drafts.Draft.Should().BeNull("a submitted form leaves no draft behind");
    }

    [Fact]
    public void A_refusal_from_the_engine_shows_in_the_form()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Submission.Answer = CommandResult.Invalid([new FieldError("name", "Name is already used by a running job."), new FieldError("owner", "Owner is not allowed to submit.")]);
        var page = RenderPage();
        FillValid(page);

        page.Find("#submit-job").Click();

        page.WaitForAssertion(() =>
        {
            ErrorUnder(page, "job-name").Should().Be("Name is already used by a running job.");
            page.Find("#submit-refusal").TextContent.Should().Be("The engine refused the job: Owner is not allowed to submit.");
        }, Patience);
        Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/jobs/new");

        fakes.Submission.Answer = CommandResult.Conflict("the engine is shutting down");
        Type(page, "job-name", "another");
        page.Find("#submit-job").Click();

        page.WaitForAssertion(() => page.Find("#submit-refusal").TextContent.Should().Be("The engine refused the job: the engine is shutting down"), Patience);
        ErrorUnder(page, "job-name").Should().BeNull();
    }

    [Fact]
    public void An_unexpected_failure_is_a_snackbar_and_the_form_keeps_its_input()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Submission.Failure = new InvalidOperationException("database is locked");
        var page = RenderPage();
        FillValid(page);

        page.Find("#submit-job").Click();

        page.WaitForAssertion(() =>
            Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message).Should().ContainSingle()
                .Which.Should().Be("The job could not be submitted: database is locked"), Patience);
        page.Find("#job-name").GetAttribute("value").Should().Be("resnet");
        page.Find("#submit-job").HasAttribute("disabled").Should().BeFalse("it may be tried again");
    }

    [Fact]
    public void From_an_existing_job_the_form_is_filled_with_its_spec_under_a_new_name()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Submission.Stored[new JobId(9)] = new JobSpec(
            "resnet", SubmitFakes.User, "nlp", "python train.py", new ResourceRequest(4, 8500, 24 * 1024, "A100-80GB"), new ResourceLimits(16_000, 32 * 1024), TimeSpan.FromMinutes(90), 3);
        fakes.Drafts.Draft = new SubmitForm { Name = "a draft is not used when resubmitting" };

        var page = RenderPage("?from=9");

        Value(page, "job-name").Should().Be("resnet-2");
        Value(page, "job-command").Should().Be("python train.py");
        Value(page, "job-team").Should().Be("nlp");
        Value(page, "job-gpus").Should().Be("4");
        Value(page, "job-gpu-model").Should().Be("A100-80GB");
        Value(page, "job-cpu").Should().Be("8.5");
        Value(page, "job-cpu-limit").Should().Be("16");
        Value(page, "job-memory").Should().Be("24");
        Value(page, "job-memory-limit").Should().Be("32");
        Value(page, "job-walltime").Should().Be("1h30m");
        Value(page, "job-priority").Should().Be("3");
        page.FindAll("#from-notice").Should().BeEmpty();
    }

    [Fact]
    public void From_a_job_the_user_may_not_open_the_form_stays_empty_and_shows_nothing_of_it()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Submission.Stored[new JobId(9)] = new JobSpec("bobs-secret", "bob", "nlp", "python secret.py", new ResourceRequest(1, 1000, 1024));

        var page = RenderPage("?from=9");

        page.Find("#from-notice").TextContent.Should().Contain("Job 9 belongs to someone else");
        Value(page, "job-name").Should().BeEmpty();
        page.Markup.Should().NotContain("bobs-secret").And.NotContain("secret.py");
    }

    [Theory]
    [InlineData("?from=404", "There is no job 404 to submit again; the form starts empty.")]
    [InlineData("?from=abc", "\"abc\" is not a job number, so there is nothing to submit again; the form starts empty.")]
    public void From_an_unknown_job_the_form_is_empty_and_says_so(string query, string notice)
    {
        Feed.Publish(HalfBusy().Update());

        var page = RenderPage(query);

        page.Find("#from-notice").TextContent.Should().Be(notice);
        Value(page, "job-name").Should().BeEmpty();
        Value(page, "job-team").Should().Be("nlp", "the first team is chosen");
        page.Find(".job-team-select").QuerySelector("#job-team").Should().NotBeNull("a browser test opens the team list by this class");
        page.Find(".job-gpu-model-select").QuerySelector("#job-gpu-model").Should().NotBeNull();
    }

    [Fact]
    public void A_name_with_a_bidi_override_gets_a_message_under_the_name_and_blocks_the_submit()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();
        FillValid(page);

        Type(page, "job-name", "evil\u202Egnp.exe");
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() =>
        {
            page.Find("#submit-blocked").TextContent.Should().Be("Fix first: name");
            page.Markup.Should().Contain("Name must not contain control or invisible formatting characters such as line breaks, NUL or bidi overrides; it has U+202E at position 5.");
        }, Patience);
        page.Find("#submit-job").HasAttribute("disabled").Should().BeTrue();
    }

    [Fact]
    public void What_is_typed_is_kept_as_a_draft_after_each_quiet_moment()
    {
        Feed.Publish(HalfBusy().Update());
        var page = RenderPage();

        Type(page, "job-name", "keep me");
        fakes.Clock.Advance(SubmitPage.Debounce);

        page.WaitForAssertion(() => fakes.Drafts.Draft?.Name.Should().Be("keep me"), Patience);
        fakes.Drafts.Draft!.DraftSavedAt.Should().Be(TestCluster.Now + SubmitPage.Debounce, "the draft remembers when it was kept");
    }

    [Fact]
    public void A_restored_draft_says_so_with_its_time_and_marks_every_invalid_field_on_the_field()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Drafts.Draft = new SubmitForm { Name = "old draft", Command = "python old.py", Priority = "high", Gpus = "-1", DraftSavedAt = TestCluster.Now.AddMinutes(-58) };

        var page = RenderPage();

        page.WaitForAssertion(() => page.Find("#draft-notice").TextContent.Should().Contain("Restored your unsent draft from 13:02 UTC").And.Contain("(discard)"), Patience);
        Value(page, "job-name").Should().Be("old draft");
        ErrorUnder(page, "job-priority").Should().NotBeNullOrEmpty("the invalid priority is marked on its field, not only in the hint");
        ErrorUnder(page, "job-gpus").Should().NotBeNullOrEmpty();
        ErrorUnder(page, "job-name").Should().BeNull("a valid field is not marked");
        page.Find("#submit-blocked").TextContent.Should().Contain("priority").And.Contain("GPUs");
    }

    [Fact]
    public void Discarding_the_restored_draft_empties_the_form_and_forgets_the_draft()
    {
        Feed.Publish(HalfBusy().Update());
        fakes.Drafts.Draft = new SubmitForm { Name = "old draft", Priority = "high", DraftSavedAt = TestCluster.Now.AddDays(-1) };
        var page = RenderPage();
        page.WaitForAssertion(() => page.Find("#draft-notice").TextContent.Should().Contain("from 2026-11-27 14:00 UTC"), Patience);

        page.Find("#discard-draft").Click();

        page.WaitForAssertion(() => page.FindAll("#draft-notice").Should().BeEmpty(), Patience);
        Value(page, "job-name").Should().BeEmpty();
        ErrorUnder(page, "job-priority").Should().BeNull();
        fakes.Drafts.Draft.Should().BeNull();
    }

    [Fact]
    public void Without_a_draft_there_is_no_notice()
    {
        Feed.Publish(HalfBusy().Update());

        var page = RenderPage();

        page.FindAll("#draft-notice").Should().BeEmpty();
    }

    private IRenderedComponent<SubmitPage> RenderPage(string query = "")
    {
        Render<MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo("/jobs/new" + query);
        return Render<SubmitPage>();
    }

    private void FillValid(IRenderedComponent<SubmitPage> page)
    {
        Type(page, "job-name", "resnet");
        Type(page, "job-command", "python train.py");
        Type(page, "job-team-select", "vision");
        fakes.Clock.Advance(SubmitPage.Debounce);
        page.WaitForAssertion(() => page.Find("#submit-job").HasAttribute("disabled").Should().BeFalse(), Patience);
    }

    /// <summary>
    /// Types into a text field (each keystroke updates, as Immediate fields do), or picks a team, and waits until the
    /// page has taken the change in: only then may a test move the clock past the debounce.
    /// </summary>
    private static void Type(IRenderedComponent<SubmitPage> page, string id, string value)
    {
        var before = Changes(page);
        Enter(page, id, value);
        page.WaitForAssertion(() => Changes(page).Should().BeGreaterThan(before, $"the page takes in {id} = {value}"), Patience);
    }

    private static int Changes(IRenderedComponent<SubmitPage> page) =>
        int.Parse(page.Find("#submit-page").GetAttribute("data-changes")!, System.Globalization.CultureInfo.InvariantCulture);

    private static void Enter(IRenderedComponent<SubmitPage> page, string id, string value)
    {
        if (id == "job-team-select")
        {
            var select = page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Team");
            select.InvokeAsync(() => select.Instance.SelectOption(value)).GetAwaiter().GetResult();
            page.WaitForAssertion(() => page.Find("#job-team").GetAttribute("value").Should().Be(value), Patience);
            return;
        }

        page.Find($"#{id}").Input(value);
    }

    private static string? Value(IRenderedComponent<SubmitPage> page, string id) => page.Find($"#{id}").GetAttribute("value");

    private static IElement WhatIf(IRenderedComponent<SubmitPage> page) => page.Find("#what-if");

    /// <summary>The error text shown under the field whose input has <paramref name="id"/>; null when the field shows none.</summary>
    private static string? ErrorUnder(IRenderedComponent<SubmitPage> page, string id)
    {
        var control = page.Find($"#{id}").Closest(".mud-input-control")!;
        return control.ClassList.Contains("mud-input-error") || control.QuerySelector(".mud-input-error") is not null
            ? control.QuerySelector(".mud-input-helper-text")?.TextContent.Trim()
            : null;
    }
}
