namespace NeuralNetworks.Cli;

/// <summary>
/// Files a command writes: checked before any work starts (so a long run does not fail at its end), and written
/// to a temporary file beside the target that replaces it only when complete (so a run that fails leaves
/// what was there).
/// </summary>
public static class OutputFile
{
    /// <summary>The full path of <paramref name="path"/> after checking that a file can be written there;
    /// creates missing folders. Throws a <see cref="UsageException"/> naming <paramref name="option"/> otherwise.</summary>
    public static string Check(string? path, string option, string example)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option} needs a file name, e.g. {example}.");
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException($"{option} {path}: not a usable path ({e.Message}).");
        }
        if (Directory.Exists(full)) throw new UsageException($"{option} {path}: {full} is a folder; give a file name, e.g. {Path.Combine(path, example)}.");
        string folder = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(folder);
            string probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"{option} {path}: cannot write in {folder} ({Cli.OneLine(e.Message)}); choose another place.");
        }
        if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
            throw new UsageException($"{option} {path}: {full} exists and is read-only.");
        return full;
    }

    /// <summary>The full path of the folder <paramref name="path"/> after creating it and checking that files can be
    /// written in it. Throws a <see cref="UsageException"/> naming <paramref name="option"/> otherwise.</summary>
    public static string CheckFolder(string? path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option} needs a folder name.");
        string full = Path.GetFullPath(path);
        if (File.Exists(full)) throw new UsageException($"{option} {path}: {full} is a file; give a folder.");
        try
        {
            Directory.CreateDirectory(full);
            using (File.Create(Path.Combine(full, $".{Environment.ProcessId}.probe"), 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new UsageException($"{option} {path}: cannot write in {full} ({Cli.OneLine(e.Message)}); choose another place.");
        }
        return full;
    }

    /// <summary>Calls <paramref name="write"/> with a temporary path beside <paramref name="path"/>, then moves the
    /// result over <paramref name="path"/>; if writing fails the temporary file is removed and <paramref name="path"/>
    /// is left as it was.</summary>
    public static void Write(string path, Action<string> write)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
