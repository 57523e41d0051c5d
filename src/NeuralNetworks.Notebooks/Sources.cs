namespace NeuralNetworks.Notebooks;

/// <summary>
/// The notebooks a command reads are never what it writes: `notebooks run --out notebooks` would have written the students'
/// edition over the teacher's notebooks, and `notebooks handout --out notebooks` stripped their solutions in place (found by
/// a hostile user's audit, 2026-12-06). Both ask here before writing anything.
/// </summary>
public static class Sources
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> when a notebook of <paramref name="notebooks"/> is the file
    /// <paramref name="target"/> gives for it (the same file, by any name: <see cref="RealPath"/>).
    /// </summary>
    /// <param name="notebooks">The notebooks read.</param>
    /// <param name="target">Where the command writes a notebook's copy.</param>
    /// <param name="written">What the command writes there, e.g. "the executed copy".</param>
    public static void NotWrittenOver(IEnumerable<string> notebooks, Func<string, string> target, string written)
    {
        ArgumentNullException.ThrowIfNull(notebooks);
        ArgumentNullException.ThrowIfNull(target);
        foreach (var notebook in notebooks)
        {
            var to = target(notebook);
            if (string.Equals(RealPath(notebook), RealPath(to), StringComparison.Ordinal))
                throw new ArgumentException($"{Path.GetDirectoryName(Path.GetFullPath(to))} is the folder of {Path.GetFileName(notebook)}, which this command reads: " +
                                            $"{written} would be written over it. Give another folder.");
        }
    }

    /// <summary>
    /// <paramref name="path"/> in full with every symbolic link on the way followed (the file's own and its folders'), so
    /// that two names of one file compare equal. Parts that do not exist are kept as written.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            try
            {
                FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (info.LinkTarget is not null) current = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? current;
            }
            catch (IOException)
            {
                // a loop of links, or one that cannot be read: keep the name as it is
            }
        }
        return current;
    }
}
