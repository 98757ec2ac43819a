using System.Text;
using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests;

public sealed class JobLogsTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "dashboard-joblogs-tests", Guid.NewGuid().ToString("N"));
    private readonly JobLogs logs;

    public JobLogsTests()
    {
        logs = new JobLogs(root);
    }

    [Fact]
    public void A_job_without_a_log_has_a_missing_tail()
    {
        logs.Tail(new JobId(1)).Should().Be(JobLogTail.Missing);
    }

    [Fact]
    public void A_short_log_comes_back_whole_as_lines()
    {
        Write(2, "epoch 1\r\nepoch 2\nloss 0.1\n");

        var tail = logs.Tail(new JobId(2));

        tail.Exists.Should().BeTrue();
        tail.Truncated.Should().BeFalse();
        tail.Lines.Should().Equal("epoch 1", "epoch 2", "loss 0.1");
    }

    [Fact]
    public void A_long_log_gives_its_last_whole_lines_within_the_window()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"line {i:D4} é\n");
        }

        Write(3, text.ToString());

        var tail = logs.Tail(new JobId(3), maxBytes: 100);

        tail.Truncated.Should().BeTrue();
        tail.Lines.Should().NotBeEmpty();
        tail.Lines[^1].Should().Be("line 0999 é");
        tail.Lines.Should().OnlyContain(l => l.StartsWith("line 0") && l.EndsWith(" é"), "a line cut by the window is dropped");
        Encoding.UTF8.GetByteCount(string.Join("\n", tail.Lines)).Should().BeLessThanOrEqualTo(100);
    }

    [Fact]
    public void A_follower_holding_the_log_open_neither_blocks_the_folder_being_made_nor_is_refused_while_it_is()
    {
        var folder = new JobWorkFolder(root, new JobId(5));
        folder.Create();
        File.WriteAllText(folder.LogPath, "started\n");
        using (var follower = new FileStream(folder.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            // Making the folder again (as a start does) while a reader holds the log: no sharing violation, nothing lost.
            folder.Invoking(f => f.Create()).Should().NotThrow();
            logs.Read(new JobId(5), 0).Bytes.ToArray().Should().Equal(Encoding.UTF8.GetBytes("started\n"));
        }
    }

    [Fact]
    public void A_log_still_being_written_is_read_without_disturbing_the_writer()
    {
        var folder = new JobWorkFolder(root, new JobId(4));
        Directory.CreateDirectory(folder.Path);
        using var writer = new FileStream(folder.LogPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        writer.Write("step 1\nstep 2 (in prog"u8);
        writer.Flush();

        var first = logs.Tail(new JobId(4));
        writer.Write("ress)\nstep 3\n"u8);
        writer.Flush();
        var second = logs.Tail(new JobId(4));

        first.Lines.Should().Equal("step 1", "step 2 (in prog");
        second.Lines.Should().Equal("step 1", "step 2 (in progress)", "step 3");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(JobLogs.MaxTailBytes + 1)]
    public void A_window_out_of_bounds_is_refused(int maxBytes)
    {
        var refused = () => logs.Tail(new JobId(1), maxBytes);

        refused.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*between 1 byte and*");
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private void Write(long job, string text)
    {
        var folder = new JobWorkFolder(root, new JobId(job));
        Directory.CreateDirectory(folder.Path);
        File.WriteAllText(folder.LogPath, text);
    }
}
