using NeuralNetworks.Cli;

namespace NeuralNetworks.Tests.Cli;

/// <summary><see cref="OutputFile.Replace"/>, with the failure injected by the writer: the file is replaced only by a
/// complete write, and no temporary file is left behind.</summary>
public sealed class OutputFileReplaceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nn-output-file-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_write_that_fails_part_way_leaves_the_file_as_it_was_and_removes_the_temporary_file()
    {
        var path = Path.Combine(_folder, "notebook.ipynb");
        File.WriteAllText(path, "before");
        string? temporary = null;

        var e = Assert.Throws<IOException>(() => OutputFile.Replace(path, t =>
        {
            temporary = t;
            File.WriteAllText(t, "half of aft");
            throw new IOException("No space left on device");
        }));

        Assert.Equal("before", File.ReadAllText(path));
        Assert.Equal(_folder, Path.GetDirectoryName(temporary));
        Assert.False(File.Exists(temporary));
        Assert.Equal($"could not write {path} (No space left on device); it was left as it was", e.Message);
        Assert.Equal(["notebook.ipynb"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_link_is_written_through_with_the_temporary_file_beside_its_target()
    {
        var real = Directory.CreateDirectory(Path.Combine(_folder, "real")).FullName;
        var target = Path.Combine(real, "notebook.ipynb");
        File.WriteAllText(target, "before");
        var link = Path.Combine(_folder, "link.ipynb");
        File.CreateSymbolicLink(link, target);
        string? temporary = null;

        OutputFile.Replace(link, t =>
        {
            temporary = t;
            File.WriteAllText(t, "after");
        });

        Assert.Equal(real, Path.GetDirectoryName(temporary));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
        Assert.Equal("after", File.ReadAllText(target));
        Assert.Equal(["notebook.ipynb"], Directory.GetFileSystemEntries(real).Select(Path.GetFileName));
    }
}
