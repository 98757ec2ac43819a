namespace Dashboard.Engine.Sessions;

/// <summary>
/// One kind of interactive session an admin offers (the "Sessions:Types" list of appsettings.json): the server's command,
/// how it learns its port and token, how the dashboard knows it is up, its default resources, who may start one and
/// its idle policy. See docs/sessions.md.
/// </summary>
public sealed class SessionTypeOptions
{
    /// <summary>The name people type (<c>dash session start jupyter</c>): lower-case letters, digits and dashes.</summary>
    public string Name { get; set; } = "";

    /// <summary>What the New session form shows.</summary>
    public string Title { get; set; } = "";

    /// <summary>
    /// The server's command, run by <c>sh -c</c> like a job's. It reads its port from <see cref="PortVariable"/>, the
    /// path it is served under from DASHBOARD_SESSION_BASE (<c>/sessions/{id}/</c>) and, where it asks for one, its
    /// token from <see cref="TokenVariable"/>. It must listen on 127.0.0.1 only.
    /// </summary>
    public string Command { get; set; } = "";

    /// <summary>
    /// Whether the person starting a session may give their own command (the generic web app: TensorBoard, Streamlit,
    /// code-server, anything that serves HTTP on the port); <see cref="Command"/> is then the default.
    /// </summary>
    public bool CommandFromUser { get; set; }

    /// <summary>
    /// Whether the proxy strips <c>/sessions/{id}</c> from the path before forwarding (for servers that cannot be told a
    /// base path; their links should then be relative). Jupyter is told its base path and keeps it.
    /// </summary>
    public bool StripPrefix { get; set; }

    /// <summary>The environment variable that carries the free port the executor chose.</summary>
    public string PortVariable { get; set; } = "PORT";

    /// <summary>
    /// Where the server wants a secret token (Jupyter: JUPYTER_TOKEN); empty: the server takes none. The proxy sends it
    /// as <c>Authorization: token ...</c>, so nobody copies it by hand and other users of the node cannot connect.
    /// </summary>
    public string TokenVariable { get; set; } = "";

    /// <summary>Polled until it answers (any status below 500); <c>{base}</c> is replaced by <c>/sessions/{id}/</c>.</summary>
    public string HealthPath { get; set; } = "{base}";

    public int Gpus { get; set; }

    public double CpuCores { get; set; } = 1;

    public long MemoryMiB { get; set; } = 2048;

    public double WalltimeHours { get; set; } = 4;

    /// <summary>Roles that may start one (Member, Lead, Admin); empty: every role.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Teams whose members may start one; empty: every team.</summary>
    public List<string> Teams { get; set; } = [];

    /// <summary>Whether admins may connect to other people's sessions of this type (the owner always may).</summary>
    public bool AdminsMayConnect { get; set; }

    /// <summary>The idle policy of this type; a team's policy (Sessions:TeamPolicies) takes precedence.</summary>
    public IdlePolicyOptions Idle { get; set; } = new();
}

/// <summary>
/// When a job counts as idle, and what happens then: after <see cref="IdleMinutes"/> with every allocated GPU below
/// <see cref="UtilisationPercent"/> (and, for a session, no browser traffic through the proxy) its owner is warned; after
/// <see cref="GraceMinutes"/> more it is stopped (sessions; batch jobs only when <see cref="StopBatchJobs"/>), its folder
/// kept. Zero minutes turns the policy off.
/// </summary>
public sealed class IdlePolicyOptions
{
    public double IdleMinutes { get; set; } = 60;

    public double GraceMinutes { get; set; } = 15;

    public double UtilisationPercent { get; set; } = 5;

    public bool StopBatchJobs { get; set; }

    public bool Enabled => IdleMinutes > 0;
}
