using System.IO.Compression;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>One notebook file a student handed in, read into memory (the submission folder is never written to).</summary>
/// <param name="Origin">Where it came from, for messages: a path, or "alice.zip/handout/01-neurons.ipynb".</param>
/// <param name="Bytes">The file's contents (empty when it was too large to read).</param>
/// <param name="TooLarge">True when the file is over <see cref="Submissions.MaxNotebookBytes"/> and was not read.</param>
public sealed record SubmittedFile(string Origin, byte[] Bytes, bool TooLarge = false)
{
    /// <summary>
    /// The file as a notebook, or null with <paramref name="problem"/> saying why it is not one (not JSON, no "cells"
    /// array, too large).
    /// </summary>
    /// <param name="scratch">A folder the grader may write to (the file is parsed from a copy there).</param>
    /// <param name="problem">Why it is not a notebook, or null.</param>
    public NotebookFile? TryRead(string scratch, out string? problem)
    {
        if (TooLarge)
        {
            problem = $"{Origin} is larger than {Submissions.MaxNotebookBytes >> 20} MB: not read";
            return null;
        }
        Directory.CreateDirectory(scratch);
        var path = Path.Combine(scratch, $"submitted-{Guid.NewGuid():N}.ipynb");
        try
        {
            File.WriteAllBytes(path, Bytes);
            problem = null;
            return NotebookFile.Load(path);
        }
        catch (InvalidDataException e)
        {
            problem = e.Message.Replace(path, Origin, StringComparison.Ordinal);
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }
}

/// <summary>One student's submission: their copies of each notebook, by course notebook name (e.g. "01-neurons").</summary>
/// <param name="Student">The student, as the submission names them (folder or file name).</param>
/// <param name="Source">The folder, .zip or .ipynb it was read from.</param>
/// <param name="Notebooks">Every copy found of each notebook, shallowest first (a second copy sits in a subfolder, or is a
/// second loose file): the grader grades the copy with the most answers.</param>
/// <param name="Notes">What the teacher should know about how it was read (a file not recognised, a .zip not readable).</param>
/// <param name="HandedInTwice">When the student handed in more than one submission (a folder and a .zip of one name): which
/// were graded as whom, also among <paramref name="Notes"/>; the grader says it on its log too.</param>
public sealed record Submission(string Student, string Source, IReadOnlyDictionary<string, IReadOnlyList<SubmittedFile>> Notebooks, IReadOnlyList<string> Notes,
    string? HandedInTwice = null)
{
    /// <summary>Every copy of the notebook <paramref name="name"/>, shallowest first; empty when there is none.</summary>
    public IReadOnlyList<SubmittedFile> CopiesOf(string name) => Notebooks.GetValueOrDefault(name) ?? [];
}

/// <summary>
/// Reads a folder of submissions, as students return the handout: each entry is one student — a folder (their copy of
/// the handout, notebooks anywhere inside), a .zip of such a folder, or a single .ipynb (one notebook; the student is
/// the file name without the notebook's name, e.g. <c>alice-01-neurons.ipynb</c> or <c>alice.ipynb</c> when one
/// notebook is graded). Nothing in the folder is written to; a .zip is read in memory.
/// </summary>
public static class Submissions
{
    /// <summary>Largest notebook file read (a notebook with its outputs is a few MB).</summary>
    public const long MaxNotebookBytes = 64L << 20;

    /// <summary>Most .ipynb files read from one student's folder or .zip.</summary>
    public const int MaxNotebooksPerStudent = 200;

    /// <summary>
    /// The submissions in <paramref name="folder"/>, sorted by student; <paramref name="courseNames"/> are the course
    /// notebooks' names ("00-setup-check", …), used to recognise a student's files.
    /// </summary>
    /// <param name="folder">The submissions folder.</param>
    /// <param name="courseNames">The course notebooks' names.</param>
    /// <param name="ignored">Entries that are none of the three kinds (named for the teacher).</param>
    public static IReadOnlyList<Submission> Read(string folder, IReadOnlyList<string> courseNames, out IReadOnlyList<string> ignored)
    {
        var submissions = new List<Submission>();
        var skipped = new List<string>();
        var entries = Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal).ToList();
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            if (name.StartsWith('.') || name == "__MACOSX") continue;
            if (Directory.Exists(entry))
                submissions.Add(FromFiles(name, entry, FolderNotebooks(folder, entry), courseNames));
            else if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
                submissions.Add(FromFiles(name[..^4], entry, ZipNotebooks(entry, out var problem), courseNames, problem));
            else if (name.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
                submissions.Add(FromLooseNotebook(entry, courseNames));
            else
                skipped.Add(name);
        }
        ignored = skipped;
        // As a class list reads: "alice", "Bob", "Zoë" (ordinal order put every capital first); ties by the exact name.
        return Unique(submissions).OrderBy(s => s.Student, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Student, StringComparer.Ordinal).ToList();
    }

    private static List<SubmittedFile> FolderNotebooks(string root, string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.ReparsePoint };
        return Directory.EnumerateFiles(folder, "*.ipynb", options)
            .Where(f => !f.Contains(".ipynb_checkpoints", StringComparison.Ordinal) && !Path.GetRelativePath(folder, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .Take(MaxNotebooksPerStudent)
            .Select(f => new FileInfo(f))
            .Select(f => (File: f, Origin: Path.GetRelativePath(root, f.FullName)))
            .Select(f => f.File.Length > MaxNotebookBytes ? new SubmittedFile(f.Origin, [], TooLarge: true) : new SubmittedFile(f.Origin, File.ReadAllBytes(f.File.FullName)))
            .ToList();
    }

    private static List<SubmittedFile> ZipNotebooks(string zip, out string? problem)
    {
        problem = null;
        var files = new List<SubmittedFile>();
        try
        {
            using var archive = ZipFile.OpenRead(zip);
            foreach (var entry in archive.Entries.Where(e => e.FullName.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)
                                                             && !e.FullName.Contains(".ipynb_checkpoints", StringComparison.Ordinal)
                                                             && !e.FullName.StartsWith("__MACOSX", StringComparison.Ordinal)).Take(MaxNotebooksPerStudent))
            {
                var origin = $"{Path.GetFileName(zip)}/{entry.FullName}";
                if (entry.Length > MaxNotebookBytes) { files.Add(new SubmittedFile(origin, [], TooLarge: true)); continue; }
                using var stream = entry.Open();
                using var memory = new MemoryStream();
                // Read at most the limit: an entry's stated length can lie.
                var buffer = new byte[81920];
                int read;
                while ((read = stream.Read(buffer)) > 0 && memory.Length <= MaxNotebookBytes) memory.Write(buffer, 0, read);
                files.Add(memory.Length > MaxNotebookBytes ? new SubmittedFile(origin, [], TooLarge: true) : new SubmittedFile(origin, memory.ToArray()));
            }
        }
        catch (InvalidDataException e)
        {
            problem = $"{Path.GetFileName(zip)} is not a readable .zip: {e.Message}";
        }
        return files;
    }

    private static Submission FromFiles(string student, string source, List<SubmittedFile> files, IReadOnlyList<string> courseNames, string? problem = null)
    {
        var notebooks = new Dictionary<string, IReadOnlyList<SubmittedFile>>(StringComparer.Ordinal);
        var notes = new List<string>();
        if (problem is not null) notes.Add(problem);
        // A name can occur twice (a copy in a subfolder): every copy is kept, the shallowest first.
        foreach (var file in files.OrderBy(f => f.Origin.Count(c => c is '/' or '\\')).ThenBy(f => f.Origin, StringComparer.Ordinal))
        {
            var fileName = Path.GetFileNameWithoutExtension(file.Origin.Replace('\\', '/').Split('/')[^1]);
            var course = courseNames.FirstOrDefault(n => string.Equals(n, fileName, StringComparison.OrdinalIgnoreCase));
            // A browser saves a second download of 01-neurons.ipynb as "01-neurons (1).ipynb": that is the notebook (a
            // teacher's audit, 2026-12-06, found it graded "not submitted").
            var downloaded = System.Text.RegularExpressions.Regex.Match(fileName, @"^(?<name>.+?) ?\(\d+\)$");
            if (course is null && downloaded.Success
                && courseNames.FirstOrDefault(n => string.Equals(n, downloaded.Groups["name"].Value, StringComparison.OrdinalIgnoreCase)) is { } renamed)
            {
                notes.Add($"{file.Origin} was graded as {renamed}.ipynb (a browser adds \" (1)\" to a file downloaded twice)");
                AddCopy(notebooks, renamed, file);
                continue;
            }
            if (course is null)
            {
                // Named after no notebook graded ("02-weights-final.ipynb", a scratch notebook): say so.
                notes.Add($"{file.Origin} was not graded: its name is none of the notebooks graded ({string.Join(", ", courseNames.Take(3).Select(n => n + ".ipynb"))}{(courseNames.Count > 3 ? ", …" : "")})");
                continue;
            }
            AddCopy(notebooks, course, file);
        }
        return new Submission(student, source, notebooks, notes);
    }

    // "alice-01-neurons.ipynb" is alice's 01-neurons; "alice.ipynb" is alice's copy of the one notebook graded, or
    // of the course notebook whose cell ids it shares.
    private static Submission FromLooseNotebook(string path, IReadOnlyList<string> courseNames)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var origin = Path.GetFileName(path);
        var file = new FileInfo(path).Length > MaxNotebookBytes ? new SubmittedFile(origin, [], TooLarge: true) : new SubmittedFile(origin, File.ReadAllBytes(path));
        var course = courseNames.OrderByDescending(n => n.Length).FirstOrDefault(n => stem.Contains(n, StringComparison.OrdinalIgnoreCase));
        var student = course is null ? stem : StudentPart(stem, course);
        course ??= courseNames.Count == 1 ? courseNames[0] : null;
        var notes = new List<string>();
        if (course is null) notes.Add($"{Path.GetFileName(path)}: its name does not say which notebook it is (name it <student>-<notebook>.ipynb, e.g. {stem}-{courseNames.FirstOrDefault() ?? "01-neurons"}.ipynb)");
        var notebooks = new Dictionary<string, IReadOnlyList<SubmittedFile>>(StringComparer.Ordinal);
        if (course is not null) notebooks[course] = [file];
        return new Submission(student, path, notebooks, notes);
    }

    private static string StudentPart(string stem, string course)
    {
        var at = stem.IndexOf(course, StringComparison.OrdinalIgnoreCase);
        var rest = (stem[..at] + " " + stem[(at + course.Length)..]).Trim(' ', '-', '_', '.');
        return rest.Length == 0 ? stem : rest;
    }

    private static IEnumerable<Submission> Unique(List<Submission> submissions)
    {
        // Loose notebooks of one student (alice-00-….ipynb, alice-01-….ipynb) are one submission.
        foreach (var group in submissions.GroupBy(s => s.Student, StringComparer.Ordinal))
        {
            var list = group.ToList();
            var loose = list.Where(s => s.Source.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase)).ToList();
            var others = list.Except(loose).ToList();
            if (loose.Count > 0)
            {
                var notebooks = new Dictionary<string, IReadOnlyList<SubmittedFile>>(StringComparer.Ordinal);
                var notes = new List<string>();
                foreach (var s in loose)
                {
                    notes.AddRange(s.Notes);
                    foreach (var (course, files) in s.Notebooks)
                        foreach (var file in files) AddCopy(notebooks, course, file);
                }
                var sources = string.Join(", ", loose.Select(s => Path.GetFileName(s.Source)));
                others.Insert(0, new Submission(group.Key, sources, notebooks, notes));
            }
            // A folder and a .zip of one name (a teacher's audit, 2026-12-06, found "dup" 5/5 and "dup (2)" 0/5, neither page
            // saying so): each is graded, under its own name, and the log and both pages say which was which.
            var names = others.Select((_, i) => i == 0 ? group.Key : $"{group.Key} ({i + 1})").ToList();
            var twice = others.Count < 2 ? null
                : $"{group.Key} handed in {others.Count} submissions, each graded on its own: " +
                  string.Join(", ", others.Select((o, i) => $"{Path.GetFileName(o.Source)} as {names[i]}")) + "; keep the row you mean";
            for (var i = 0; i < others.Count; i++)
                yield return twice is null ? others[i] : others[i] with { Student = names[i], Notes = [.. others[i].Notes, twice], HandedInTwice = twice };
        }
    }

    private static void AddCopy(Dictionary<string, IReadOnlyList<SubmittedFile>> notebooks, string course, SubmittedFile file) =>
        notebooks[course] = [.. notebooks.GetValueOrDefault(course) ?? [], file];
}
