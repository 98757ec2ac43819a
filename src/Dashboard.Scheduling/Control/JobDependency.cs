using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Control;

/// <summary>When a dependency on another job is met (Slurm's afterok, afterany, afternotok).</summary>
public enum DependencyRule
{
    /// <summary>After the job succeeded.</summary>
    AfterOk,

    /// <summary>After the job ended, whatever the outcome.</summary>
    AfterAny,

    /// <summary>After the job ended without succeeding (failed, timed out, cancelled, refused).</summary>
    AfterNotOk,
}

/// <summary>Where one dependency stands, given the state of the job it names.</summary>
public enum DependencyStatus
{
    Waiting,
    Met,
    NeverMet,
}

/// <summary>One dependency: wait for <see cref="On"/> as <see cref="Rule"/> says. Written <c>42:ok</c>, <c>42:any</c>, <c>42:notok</c>.</summary>
public sealed record DependencyTerm(JobId On, DependencyRule Rule)
{
    public DependencyStatus StatusGiven(JobState state)
    {
        if (!state.IsTerminal())
        {
            return DependencyStatus.Waiting;
        }

        var succeeded = state == JobState.Succeeded;
        return Rule switch
        {
            DependencyRule.AfterOk => succeeded ? DependencyStatus.Met : DependencyStatus.NeverMet,
            DependencyRule.AfterNotOk => succeeded ? DependencyStatus.NeverMet : DependencyStatus.Met,
            _ => DependencyStatus.Met,
        };
    }

    /// <summary>"waits for job 41 to succeed".</summary>
    public string DescribeWaiting() => $"waits for job {On} to {Verb}";

    /// <summary>"job 41 ended Failed, so it can never succeed".</summary>
    public string DescribeNeverMet(JobState state) =>
        $"dependency never met: job {On} ended {state}, and this job was to run only after it {(Rule == DependencyRule.AfterOk ? "succeeded" : "failed")}";

    public override string ToString() => $"{On}:{RuleWord(Rule)}";

    public static string RuleWord(DependencyRule rule) => rule switch
    {
        DependencyRule.AfterOk => "ok",
        DependencyRule.AfterNotOk => "notok",
        _ => "any",
    };

    private string Verb => Rule switch
    {
        DependencyRule.AfterOk => "succeed",
        DependencyRule.AfterNotOk => "fail",
        _ => "end",
    };

    /// <summary>
    /// Reads <c>42:ok</c> (also <c>42</c>, meaning ok; <c>42:any</c>; <c>42:notok</c>; Slurm's <c>afterok:42</c>
    /// spellings). Null with <paramref name="error"/> set when the text is not one.
    /// </summary>
    public static DependencyTerm? Parse(string text, out string? error)
    {
        error = null;
        var trimmed = (text ?? string.Empty).Trim();
        string idText;
        string ruleText;
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (trimmed.StartsWith("after", StringComparison.OrdinalIgnoreCase) && colon > 0)
        {
            ruleText = trimmed[5..colon];
            idText = trimmed[(colon + 1)..];
        }
        else
        {
            idText = colon < 0 ? trimmed : trimmed[..colon];
            ruleText = colon < 0 ? "ok" : trimmed[(colon + 1)..];
        }

        if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            error = $"\"{text}\" does not name a job: write the job id and the rule, e.g. 42:ok, 42:any or 42:notok";
            return null;
        }

        DependencyRule? rule = ruleText.ToLowerInvariant() switch
        {
            "ok" => DependencyRule.AfterOk,
            "any" => DependencyRule.AfterAny,
            "notok" => DependencyRule.AfterNotOk,
            _ => null,
        };
        if (rule is null)
        {
            error = $"\"{ruleText}\" is not a dependency rule: use ok (after it succeeds), any (after it ends) or notok (after it fails)";
            return null;
        }

        return new DependencyTerm(new JobId(id), rule.Value);
    }

    /// <summary>Reads a comma-separated list (<c>41:ok,42:any</c>); empty text is an empty list.</summary>
    public static ImmutableArray<DependencyTerm> ParseList(string? text, out string? error)
    {
        error = null;
        var terms = ImmutableArray.CreateBuilder<DependencyTerm>();
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Parse(part, out error) is not { } term)
            {
                return [];
            }

            if (terms.Any(t => t.On == term.On))
            {
                error = $"job {term.On} is named twice";
                return [];
            }

            terms.Add(term);
        }

        return terms.ToImmutable();
    }

    public static string Format(IEnumerable<DependencyTerm> terms) => string.Join(",", terms.Select(t => t.ToString()));
}
