namespace Dashboard.Engine.Tests.Execution;

/// <summary>A named pipe: the test blocks on it until the job writes (or reads), so nothing waits by sleeping.</summary>
internal sealed class Fifo : IDisposable
{
    public Fifo(string folder, string name)
    {
        Path = System.IO.Path.Combine(folder, name + ".fifo");
        TestIsolation.MakePipe(Path);
    }

    public string Path { get; }

    public Task<string?> ReadLineAsync() => Task.Run(() =>
    {
        using var reader = new StreamReader(Path);
        return reader.ReadLine();
    });

    public Task WriteLineAsync(string line) => Task.Run(() =>
    {
        using var writer = new StreamWriter(Path);
        writer.WriteLine(line);
    });

    public void Dispose() => File.Delete(Path);
}
