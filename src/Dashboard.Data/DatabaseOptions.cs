namespace Dashboard.Data;

/// <summary>
/// Where the database lives and how durably it commits. Bound from the <see cref="SectionName"/> section of
/// appsettings.json, e.g. <c>"Database": { "DataFolder": "data", "Synchronous": "Full" }</c>.
/// </summary>
public sealed record DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>Folder of the database file, created on first start. A relative path is taken from the current directory.</summary>
    public string DataFolder { get; init; } = "data";

    public string FileName { get; init; } = "dashboard.db";

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. <see cref="SqliteSynchronous.Full"/> (default) survives power loss;
    /// <see cref="SqliteSynchronous.Normal"/> in WAL mode survives a process crash but may lose the last
    /// commits on power loss.
    /// </summary>
    public SqliteSynchronous Synchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>How long a connection waits for another's lock before failing with "database is locked".</summary>
    public int BusyTimeoutMs { get; init; } = 5000;

    public string FilePath => Path.GetFullPath(Path.Combine(DataFolder, FileName));
}

/// <summary>The values of SQLite's <c>PRAGMA synchronous</c>.</summary>
public enum SqliteSynchronous
{
    Off,
    Normal,
    Full,
    Extra,
}
