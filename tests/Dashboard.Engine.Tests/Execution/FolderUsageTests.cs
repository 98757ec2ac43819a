using System.Diagnostics;
using Dashboard.Engine.Execution;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>Real files on this machine's disk: sizes are counted in the blocks the filesystem gives them.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FolderUsageTests : IDisposable
{
    private const int MiB = 1024 * 1024;
    private readonly string root = Directory.CreateTempSubdirectory("dashboard-folder-usage-").FullName;

    public void Dispose()
    {
        // rm reaches a tree deeper than a path can name; Directory.Delete does not.
        using var rm = Process.Start("rm", ["-rf", "--", root]);
        rm.WaitForExit();
    }

    private string Folder => Directory.CreateDirectory(Path.Combine(root, "job")).FullName;

    [Fact]
    public void Files_in_nested_folders_are_all_counted()
    {
        var nested = Directory.CreateDirectory(Path.Combine(Folder, "a", "b")).FullName;
        Write(Path.Combine(Folder, "top"), MiB);
        Write(Path.Combine(nested, "deep"), 2 * MiB);

        var bytes = FolderUsage.AllocatedBytes(Folder);

        bytes.Should().BeInRange(3 * MiB, 3 * MiB + 256 * 1024, "three MiB of data plus the folders' own blocks");
    }

    [Fact]
    public void A_folder_closed_with_chmod_000_by_its_owner_is_still_counted()
    {
        // As root the mode is no obstacle; as the folder's owner the measure gives itself read and search back. Either
        // way what is hidden in it is counted and nothing is reported unreadable.
        var hidden = Directory.CreateDirectory(Path.Combine(Folder, "hidden")).FullName;
        Write(Path.Combine(hidden, "data"), 2 * MiB);
        File.SetUnixFileMode(hidden, UnixFileMode.None);

        var measured = FolderUsage.Measure(Folder);

        measured.Bytes.Should().BeGreaterThanOrEqualTo(2 * MiB);
        measured.Unreadable.Should().BeFalse();
    }

    [Fact]
    public void A_link_is_not_followed_out_of_the_folder_and_a_file_with_two_names_counts_once()
    {
        var outside = Path.Combine(root, "outside");
        Write(outside, 4 * MiB);
        File.CreateSymbolicLink(Path.Combine(Folder, "to-file"), outside);
        Directory.CreateSymbolicLink(Path.Combine(Folder, "to-root"), root);
        Write(Path.Combine(Folder, "mine"), MiB);
        using (var ln = Process.Start("ln", [Path.Combine(Folder, "mine"), Path.Combine(Folder, "mine-again")]))
        {
            ln.WaitForExit();
            ln.ExitCode.Should().Be(0);
        }

        FolderUsage.AllocatedBytes(Folder).Should().BeInRange(MiB, MiB + 256 * 1024);
    }

    [Fact]
    public void A_sparse_file_counts_the_blocks_it_uses_not_its_length()
    {
        using (var sparse = new FileStream(Path.Combine(Folder, "sparse"), FileMode.CreateNew))
        {
            sparse.SetLength(1024L * MiB);
        }

        FolderUsage.AllocatedBytes(Folder).Should().BeLessThan(MiB);
    }

    [Fact]
    public void A_tree_nested_deeper_than_a_path_can_name_is_still_counted()
    {
        // What a job can do with relative mkdir and chdir: 300 folders of 20 characters, past PATH_MAX (4096), and 2 MiB
        // at the bottom, where no path from the job's folder reaches.
        const string script = "import os, sys\nos.chdir(sys.argv[1])\nfor _ in range(300):\n    os.mkdir('a' * 20)\n    os.chdir('a' * 20)\n"
            + "with open('hidden', 'wb') as f:\n    f.write(b'1' * 2097152)\n";
        int code;
        try
        {
            using var python = Process.Start("python3", ["-c", script, Folder]);
            python.WaitForExit();
            code = python.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("python3 (to build the deep tree) is not installed");
            return;
        }

        code.Should().Be(0);
        FolderUsage.AllocatedBytes(Folder).Should().BeGreaterThanOrEqualTo(2 * MiB, "the walk could not reach the bottom, so du counted the folder");
    }

    [Fact]
    public void A_folder_that_does_not_exist_takes_nothing() =>
        FolderUsage.AllocatedBytes(Path.Combine(root, "missing")).Should().Be(0);

    private static void Write(string path, int bytes)
    {
        using var file = new FileStream(path, FileMode.CreateNew);
        file.Write(new byte[bytes].Select(_ => (byte)1).ToArray());
        file.Flush(flushToDisk: true);
    }
}
