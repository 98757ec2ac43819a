using Dashboard.Cli.Commands;

namespace Dashboard.Cli.Tests;

/// <summary>How dash reads Slurm-like sizes and the words after --.</summary>
public sealed class CommandLineReadingTests
{
    [Theory]
    [InlineData("32G", 32)]
    [InlineData("32g", 32)]
    [InlineData("32GiB", 32)]
    [InlineData("512M", 0.5)]
    [InlineData("1.5T", 1536)]
    [InlineData("64", 64)]
    [InlineData("1048576K", 1)]
    public void Memory_sizes_read_as_GiB(string text, double gib)
    {
        Sizes.TryParseGiB(text, out var read).Should().BeTrue();
        read.Should().Be((decimal)gib);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-1G")]
    [InlineData("1X")]
    [InlineData("1.G")]
    public void Anything_else_is_not_a_size(string text) => Sizes.TryParseGiB(text, out _).Should().BeFalse();

    [Fact]
    public void Words_after_the_separator_become_one_shell_line_quoted_where_a_shell_would_read_them_specially()
    {
        ShellWords.Join(["python", "train.py", "--lr", "0.1"]).Should().Be("python train.py --lr 0.1");
        ShellWords.Join(["python", "my script.py", "it's", "$HOME", ""]).Should().Be("python 'my script.py' 'it'\\''s' '$HOME' ''");
        ShellWords.Join(["echo a | tee b"]).Should().Be("echo a | tee b", "one word is a command line already");
    }

    [Theory]
    [InlineData("python train.py --epochs 3", "train")]
    [InlineData("python -u scripts/eval.py", "eval")]
    [InlineData("./run.sh", "run")]
    [InlineData("sleep 60", "sleep")]
    public void The_default_name_is_the_script_s(string command, string name) =>
        SubmitCommand.DefaultName(command.Split(' ')).Should().Be(name);
}
