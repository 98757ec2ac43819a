using System.Text;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli;

/// <summary>A problem-details answer in plain words: its detail (or title), then one line per field error.</summary>
public static class ProblemText
{
    public static string? Of(ApiProblem? problem)
    {
        if (problem is null)
        {
            return null;
        }

        var text = new StringBuilder(problem.Detail ?? problem.Title ?? "refused");
        foreach (var (field, messages) in (problem.Errors ?? new Dictionary<string, string[]>()).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var message in messages)
            {
                text.Append('\n').Append("  ").Append(field).Append(": ").Append(message);
            }
        }

        return text.ToString();
    }
}
