using System.Collections.Immutable;

namespace Dashboard.Scheduling.Elastic;

/// <summary>What an elastic pool did, or an admin did to it. Stored as the text after "elastic." in the audit action.</summary>
public enum ScaleActionKind
{
    /// <summary>Nodes were asked of the provider.</summary>
    ScaleUp,

    /// <summary>The provider delivered nodes; they are in service.</summary>
    Provisioned,

    /// <summary>One call to the provider failed; it is tried again at <see cref="ScaleAction.NotBefore"/>.</summary>
    ProvisionAttemptFailed,

    /// <summary>Every attempt failed: the nodes are Failed; the pool asks again no sooner than <see cref="ScaleAction.NotBefore"/>.</summary>
    ProvisionFailed,

    /// <summary>An idle node is being handed back.</summary>
    Release,

    /// <summary>The provider took the node back; it left the cluster.</summary>
    Released,

    /// <summary>The provider would not take the node back; it stays in service.</summary>
    ReleaseFailed,

    /// <summary>An admin paused the pool's scaling.</summary>
    Pause,

    /// <summary>An admin resumed the pool's scaling.</summary>
    Resume,
}

/// <summary>
/// One entry of a pool's scale history: at <see cref="At"/>, <see cref="Actor"/> ("system" or an admin) did
/// <see cref="Kind"/> to <see cref="Nodes"/> of <see cref="Pool"/>, because of <see cref="Reason"/> (for a failure: the
/// provider's message). <see cref="NotBefore"/>: see <see cref="ScaleActionKind"/>.
/// </summary>
public sealed record ScaleAction(
    DateTimeOffset At,
    string Pool,
    ScaleActionKind Kind,
    string Actor,
    ImmutableArray<string> Nodes,
    string Reason,
    DateTimeOffset? NotBefore = null)
{
    private static readonly Dictionary<string, ScaleActionKind> ByName =
        Enum.GetValues<ScaleActionKind>().ToDictionary(NameOf, StringComparer.Ordinal);

    /// <summary>The name stored in elastic_scale_actions.action and, after "elastic.", in the audit log ("provision-attempt-failed").</summary>
    public static string NameOf(ScaleActionKind kind) => kind switch
    {
        ScaleActionKind.ScaleUp => "scale-up",
        ScaleActionKind.Provisioned => "provisioned",
        ScaleActionKind.ProvisionAttemptFailed => "provision-attempt-failed",
        ScaleActionKind.ProvisionFailed => "provision-failed",
        ScaleActionKind.Release => "release",
        ScaleActionKind.Released => "released",
        ScaleActionKind.ReleaseFailed => "release-failed",
        ScaleActionKind.Pause => "pause",
        ScaleActionKind.Resume => "resume",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a scale action"),
    };

    /// <summary>The kind <paramref name="name"/> (as <see cref="NameOf"/> gives it) stands for.</summary>
    public static ScaleActionKind KindOf(string name) =>
        ByName.TryGetValue(name, out var kind) ? kind : throw new ArgumentException($"'{name}' is not a scale action", nameof(name));

    /// <summary>The audit log's action for this entry ("elastic.scale-up").</summary>
    public string AuditAction => "elastic." + NameOf(Kind);
}
