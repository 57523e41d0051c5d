using NeuralNetworks.Model;
using NeuralNetworks.Data;

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
        if (new FileInfo(full).LinkTarget is not null)
        {
            // A symbolic link: write its target (replacing the link by a file would leave the target stale).
            try
            {
                full = File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
            }
            catch (IOException e)
            {
                throw new UsageException($"{option} {path}: a symbolic link that cannot be followed ({Cli.OneLine(e.Message)}).");
            }
        }
        if (Directory.Exists(full)) throw new UsageException($"{option} {path}: {full} is a folder; give a file name, e.g. {Path.Combine(path, example)}.");
        // A device, named pipe or socket: renaming a file over it would replace it (as root, /dev/null became a file).
        if (DataFile.NotAFile(full) is { } kind)
            throw new UsageException($"{option} {path}: {full} is {kind}, not a file; give a file name, e.g. {example}.");
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

    /// <summary>
    /// Refuses <paramref name="output"/> (a path <see cref="Check"/> returned) when it is one of the MNIST files the command
    /// reads from <paramref name="dataDirectory"/> (null: the folder <see cref="Mnist.FindDataDirectory"/> finds): writing
    /// it would replace the data (found by a hostile user's audit, 2026-12-06: `train --out data/mnist/train-images-idx3-ubyte.gz`).
    /// </summary>
    public static void NotTheData(string output, string option, string? dataDirectory)
    {
        string folder;
        try
        {
            folder = Path.GetFullPath(dataDirectory ?? Mnist.FindDataDirectory());
        }
        catch (DirectoryNotFoundException)
        {
            return;   // no data to overwrite: the load says so
        }
        string written = DataFile.RealPath(output);
        foreach (var name in Mnist.Sha256.Keys)
        {
            if (written == DataFile.RealPath(Path.Combine(folder, name)))
                throw new UsageException($"{option} {output} is the data file {name} this command reads; writing it would replace the data. Give another file name.");
        }
    }

    /// <summary>What a command writes: an existing file is replaced only when it is one of the same kind.</summary>
    public enum Kind
    {
        /// <summary>A network as JSON (<c>train --out</c>, <c>bench --end-to-end</c>).</summary>
        Network,

        /// <summary>A run's results as JSON (<c>train --summary</c>).</summary>
        Summary,

        /// <summary>A chart page (<c>sweep --chart</c>).</summary>
        Chart,
    }

    /// <summary>
    /// Refuses <paramref name="output"/> (a path <see cref="Check"/> returned) when a file is there that is not of
    /// <paramref name="kind"/>: an earlier network, summary or chart is replaced (that is what running a command again
    /// does), an empty file too, but not a README, a source file or the tool itself (a hostile user's audit, 2026-12-06:
    /// `train --out README.md` and `sweep --chart LICENSE` replaced them, `--out` the tool's own DLL broke it).
    /// </summary>
    public static void OnlyReplaces(string output, string option, Kind kind)
    {
        if (!File.Exists(output) || new FileInfo(output).Length == 0) return;
        string head;
        try
        {
            using var reader = new StreamReader(output, detectEncodingFromByteOrderMarks: true);
            var buffer = new char[64 * 1024];
            head = new string(buffer, 0, reader.ReadBlock(buffer, 0, buffer.Length));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} {output} exists and cannot be read ({Cli.OneLine(e.Message)}); give another file name.");
        }
        bool json = head.TrimStart().StartsWith('{');
        var (same, what) = kind switch
        {
            Kind.Network => (json && head.Contains("\"sizes\"", StringComparison.Ordinal) && head.Contains("\"weights\"", StringComparison.Ordinal), "a network this tool saved"),
            Kind.Summary => (json && head.Contains("\"engine\"", StringComparison.Ordinal) && head.Contains("\"epochs\"", StringComparison.Ordinal), "a summary this tool wrote"),
            _ => (head.StartsWith("<!DOCTYPE html>", StringComparison.OrdinalIgnoreCase) && head.Contains("plotly", StringComparison.OrdinalIgnoreCase), "a chart page"),
        };
        if (!same)
            throw new UsageException($"{option} {output} exists and is not {what}; it is left as it is. Give another file name, or move that file away first.");
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

    /// <summary>Calls <paramref name="write"/> with a temporary path beside <paramref name="path"/> (a path
    /// <see cref="Check"/> returned), then moves the result over <paramref name="path"/>; if writing fails the temporary
    /// file is removed and <paramref name="path"/> is left as it was.</summary>
    /// <exception cref="IOException">The file could not be written; the message names it and says it was left as it was.</exception>
    public static void Write(string path, Action<string> write) => WriteBeside(path, path, write);

    /// <summary>
    /// Rewrites the existing file <paramref name="path"/> as <see cref="Write"/> writes a new one, so that a write that
    /// fails part-way (a full disk) leaves the file as it was. A symbolic link is written through, as an in-place write
    /// would: the temporary file goes beside the link's final target, which it replaces, and the link stays. A file that
    /// may not be written is not replaced.
    /// </summary>
    /// <exception cref="IOException">The file could not be written; the message names it and says it was left as it was.</exception>
    public static void Replace(string path, Action<string> write)
    {
        string target;
        try
        {
            target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
            // As writing in place would: refuse a file this user may not write (a rename would replace it regardless).
            using (new FileStream(target, FileMode.Open, FileAccess.Write)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"could not write {path} ({Cli.OneLine(e.Message).TrimEnd('.')}); it was left as it was", e);
        }
        WriteBeside(path, target, write);
    }

    // The temporary file is flushed to the disk before it replaces the target, keeps the target's permissions (Unix file
    // mode), and is removed whatever happens.
    private static void WriteBeside(string path, string target, Action<string> write)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Environment.ProcessId}.tmp");
        try
        {
            write(temporary);
            using (var written = new FileStream(temporary, FileMode.Open, FileAccess.Write))
                written.Flush(flushToDisk: true);
            if (!OperatingSystem.IsWindows() && File.Exists(target))
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));   // a replaced file keeps who may read it
            File.Move(temporary, target, overwrite: true);
        }
        // A file too large for the disk or for the process's limit (EFBIG) comes as an ArgumentOutOfRangeException.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or NotSupportedException)
        {
            string why = e is ArgumentException argument ? ErrorText.WithoutParameterName(argument) : e.Message;
            throw new IOException($"could not write {path} ({Cli.OneLine(why).TrimEnd('.')}); it was left as it was", e);
        }
        finally
        {
            try
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Leaves a hidden .tmp file beside the target; the error above (if any) is the one to report.
            }
        }
    }
}
