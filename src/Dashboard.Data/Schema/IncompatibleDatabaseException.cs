namespace Dashboard.Data.Schema;

/// <summary>
/// The database file cannot be used by this build (newer schema, edited migration, not a dashboard database).
/// Thrown before anything is written, so the file is left exactly as it was.
/// </summary>
public sealed class IncompatibleDatabaseException : Exception
{
    public IncompatibleDatabaseException()
    {
    }

    public IncompatibleDatabaseException(string message)
        : base(message)
    {
    }

    public IncompatibleDatabaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
