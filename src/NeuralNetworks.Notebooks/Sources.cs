using NeuralNetworks.Data;

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
    /// <paramref name="target"/> gives for it (the same file, by any name: <see cref="DataFile.RealPath"/>).
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
            if (string.Equals(DataFile.RealPath(notebook), DataFile.RealPath(to), StringComparison.Ordinal))
                throw new ArgumentException($"{Path.GetDirectoryName(Path.GetFullPath(to))} is the folder of {Path.GetFileName(notebook)}, which this command reads: " +
                                            $"{written} would be written over it. Give another folder.");
        }
    }
}
