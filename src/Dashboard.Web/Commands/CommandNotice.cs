using Dashboard.Engine.Loop;
using MudBlazor;

namespace Dashboard.Web.Commands;

/// <summary>
/// The one place where a command's <see cref="CommandOutcome"/> becomes what a page tells the person: success for
/// accepted and stopping, an error when the engine could not do it now, a warning for every refusal. The page gives the
/// words; the outcome picks which.
/// </summary>
public sealed record CommandNotice(Severity Severity, string Text)
{
    /// <param name="result">The engine's answer.</param>
    /// <param name="done">The words for an accepted command, given its note (null when it has none).</param>
    /// <param name="refused">The words for a refusal or a failure, given its reason.</param>
    /// <param name="stopping">The words for a job asked to stop; <paramref name="done"/>'s when null.</param>
    public static CommandNotice Of(CommandResult result, Func<string?, string> done, Func<string, string> refused, string? stopping = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(done);
        ArgumentNullException.ThrowIfNull(refused);
        var reason = result.Reason ?? "no reason given";
        return result.Outcome switch
        {
            CommandOutcome.Accepted => new(Severity.Success, done(result.Reason)),
            CommandOutcome.Stopping => new(Severity.Success, stopping ?? done(null)),
            CommandOutcome.Unavailable => new(Severity.Error, refused(reason)),
            _ => new(Severity.Warning, refused(reason)),
        };
    }
}
