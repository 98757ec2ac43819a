using Dashboard.Data.Writing;

namespace Dashboard.Data.Tests;

/// <summary>Base of the store tests: a fresh database, a writer on it, and "now" at a whole millisecond.</summary>
public abstract class StoreTest : IDisposable
{
    private readonly TempDatabase temp = new();

    protected StoreTest()
    {
        Database = temp.Open();
        Writer = new ClusterWriter(Database);
        Now = temp.Time.GetUtcNow();
    }

    protected Database Database { get; }

    protected ClusterWriter Writer { get; }

    protected DateTimeOffset Now { get; }

    public void Dispose()
    {
        Writer.Dispose();
        temp.Dispose();
        GC.SuppressFinalize(this);
    }
}
