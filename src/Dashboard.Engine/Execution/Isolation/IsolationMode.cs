namespace Dashboard.Engine.Execution.Isolation;

/// <summary>The "Executor:Isolation" setting: which isolation local jobs must have, or Auto to take the strongest the host allows.</summary>
public enum IsolationSetting
{
    /// <summary>Owner when the server can switch users, else Sandbox when bubblewrap works, else Refuse.</summary>
    Auto,

    /// <summary>Each job runs as its owner's Unix user (and inside bubblewrap when it works).</summary>
    Owner,

    /// <summary>Each job runs as the server's user inside bubblewrap, with the server's files hidden.</summary>
    Sandbox,

    /// <summary>The local node runs no jobs.</summary>
    Refuse,
}

/// <summary>The isolation local jobs actually get on this host.</summary>
public enum IsolationMode
{
    /// <summary>Jobs run as their owners' Unix users (in bubblewrap too when it works).</summary>
    Owner,

    /// <summary>Jobs run as the server's user in bubblewrap: the data folder, content root and HOME do not exist for them.</summary>
    Sandbox,

    /// <summary>No isolation is possible or wanted: the local node refuses jobs.</summary>
    Refuse,
}
