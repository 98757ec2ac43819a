using Dashboard.Scheduling.Planning;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Components.Tests.Submit;

public sealed class WhatIfViewTests
{
    [Fact]
    public void Each_outcome_reads_as_a_sentence_with_its_data_outcome()
    {
        var now = TestCluster.Now;

        var starts = new WhatIfOutcome.StartsNow("demo-gpu-02", [4, 5], false);
        WhatIfView.Of(starts, now)
            .Should().Be(new WhatIfView("starts", "Starts now on demo-gpu-02 (GPUs 4-5)", null) { Answer = starts }, "the answer travels with it, for the what-if timeline");
        var queued = new WhatIfOutcome.Queued(now.AddMinutes(20), 3, "team quota 8/8 GPUs in use; 3 jobs ahead");
        WhatIfView.Of(queued, now)
            .Should().Be(new WhatIfView("queued", "Queued: estimated start 14:20 UTC", "team quota 8/8 GPUs in use; 3 jobs ahead") { Answer = queued });
        WhatIfView.Of(new WhatIfOutcome.Queued(now.AddDays(2), 0, "waiting"), now).Headline.Should().Be("Queued: estimated start 2026-11-30 14:00 UTC");
        WhatIfView.Of(new WhatIfOutcome.Queued(null, 0, "waiting"), now).Headline.Should().Be("Queued: no estimated start (it waits for a job without a walltime, or for a node an elastic pool may add)");
        var never = WhatIfView.Of(new WhatIfOutcome.NeverFits("needs 16 GPUs; the largest node has 8"), now);
        never.Outcome.Should().Be("never");
        never.Headline.Should().Be("Can never run: needs 16 GPUs; the largest node has 8");
        never.CanNeverRun.Should().BeTrue();
    }

    [Theory]
    [InlineData("needs 8 GPUs; team vision has 4 of its 20 GPUs free (16 in use); 3 jobs ahead", new[] { "Needs 8 GPUs.", "Team vision has 4 of its 20 GPUs free (16 in use).", "3 jobs ahead." })]
    [InlineData("the scheduler has not looked at this job yet", new[] { "The scheduler has not looked at this job yet." })]
    [InlineData("", new string[0])]
    public void A_reason_reads_as_separate_sentences(string reason, string[] sentences) =>
        ReasonSentences.Of(reason).Should().Equal(sentences);
}
