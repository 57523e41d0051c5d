using NeuralNetworks.Notebooks;
using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// A file of a student's answers kept in the tests, <c>Course/StudentAnswers/&lt;notebook&gt;.answers</c>: for each
/// answer cell, a line <c>//// answer: &lt;variable&gt;</c> and then the complete source that replaces the answer cell
/// declaring that variable. Lines before the first section may only be blank or <c>//</c> comments.
/// </summary>
public sealed record StudentAnswerFile(string Notebook, IReadOnlyList<(string Variable, string Source)> Answers)
{
    private const string Marker = "//// answer:";

    /// <summary>The folder of the answer files.</summary>
    public static string Folder => Path.Combine(NotebookFiles.Root, "tests", "NeuralNetworks.Tests", "Course", "StudentAnswers");

    /// <summary>Every answer file present, by notebook name.</summary>
    public static IReadOnlyList<string> All() =>
        Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.answers").Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>Reads an answer file; the notebook is its name without ".answers".</summary>
    public static StudentAnswerFile Read(string path) => Parse(Path.GetFileNameWithoutExtension(path), File.ReadAllText(path));

    /// <summary>Parses the text of an answer file.</summary>
    /// <exception cref="InvalidDataException">Code before the first section, a section without a variable, or a variable twice.</exception>
    public static StudentAnswerFile Parse(string notebook, string text)
    {
        var answers = new List<(string Variable, string Source)>();
        foreach (var (header, line, source) in Sections($"{notebook}.answers", text, Marker))
        {
            var variable = header.Trim();
            if (!System.Text.RegularExpressions.Regex.IsMatch(variable, @"^[A-Za-z_]\w*$"))
                throw new InvalidDataException($"{notebook}.answers line {line}: '{Marker}{header}' names no variable (//// answer: myVariable)");
            if (answers.Any(a => a.Variable == variable))
                throw new InvalidDataException($"{notebook}.answers line {line}: {variable} is answered twice");
            answers.Add((variable, source));
        }
        return new StudentAnswerFile(notebook, answers);
    }

    /// <summary>
    /// The sections of a file of answers kept in the tests (this one, or <see cref="WrongAnswerFile"/>): each starts with a
    /// line beginning with <paramref name="marker"/>, whose rest is its header, and holds the lines up to the next, trimmed
    /// of blank lines at either end. Lines before the first section may only be blank or <c>//</c> comments.
    /// </summary>
    /// <exception cref="InvalidDataException">Code before the first section, naming <paramref name="file"/> and the line.</exception>
    internal static IReadOnlyList<(string Header, int Line, string Source)> Sections(string file, string text, string marker)
    {
        var sections = new List<(string Header, int Line, List<string> Lines)>();
        var lineNumber = 0;
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            lineNumber++;
            if (line.StartsWith(marker, StringComparison.Ordinal))
                sections.Add((line[marker.Length..], lineNumber, []));
            else if (sections.Count > 0)
                sections[^1].Lines.Add(line);
            else if (line.Trim().Length > 0 && !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                throw new InvalidDataException($"{file} line {lineNumber}: code before the first '{marker} …' line");
        }
        return sections.Select(s => (s.Header, s.Line, string.Join("\n", s.Lines).Trim('\n'))).ToList();
    }

    /// <summary>
    /// The answer cells these answers replace, in <paramref name="course"/>: the cell that declares each variable.
    /// </summary>
    /// <exception cref="InvalidDataException">A variable no answer cell declares, or two answers for one cell.</exception>
    public IReadOnlyList<(AnswerCell Cell, string Source)> Match(CourseNotebook course)
    {
        var matched = new List<(AnswerCell, string)>();
        foreach (var (variable, source) in Answers)
        {
            var cell = course.Answers.FirstOrDefault(a => a.Variables.Contains(variable))
                ?? throw new InvalidDataException($"{Notebook}.answers answers {variable}, but no answer cell of {course.Name} declares it (its answer cells declare {string.Join(", ", course.Answers.SelectMany(a => a.Variables))})");
            if (matched.Any(m => m.Item1 == cell))
                throw new InvalidDataException($"{Notebook}.answers answers {variable} and {string.Join(", ", Answers.Where(a => cell.Variables.Contains(a.Variable) && a.Variable != variable).Select(a => a.Variable))} for the same answer cell (cell {cell.Index + 1})");
            matched.Add((cell, source));
        }
        return matched;
    }

    /// <summary>The student's copy <paramref name="studentCopy"/> (a handout's notebook) with these answers in its answer cells.</summary>
    public NotebookFile Fill(CourseNotebook course, NotebookFile studentCopy)
    {
        var filled = studentCopy.Clone();
        foreach (var (cell, source) in Match(course))
        {
            var target = filled.Cells.SingleOrDefault(c => (string?)c["id"] == cell.Id)
                ?? throw new InvalidDataException($"the student copy of {course.Name} has no cell {cell.Id}");
            target["source"] = NotebookFile.Lines(source);
        }
        return filled;
    }
}
