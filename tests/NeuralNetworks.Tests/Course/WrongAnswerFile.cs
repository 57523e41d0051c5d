using System.Text.RegularExpressions;
using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The likely wrong answers to a notebook's exercises, kept in the tests, <c>Course/WrongAnswers/&lt;notebook&gt;.wrong</c>:
/// for each, a line <c>//// wrong: &lt;variable&gt; · &lt;the slip a student makes&gt;</c> and then the complete source a
/// student would put in the answer cell declaring that variable. A variable may have several. Every one must make its
/// exercise's check say ✗ (<see cref="AnsweringAfterRunAllTests"/>).
/// </summary>
public sealed record WrongAnswerFile(string Notebook, IReadOnlyList<WrongAnswer> Answers)
{
    private const string Marker = "//// wrong:";

    /// <summary>The folder of the wrong-answer files.</summary>
    public static string Folder => Path.Combine(NotebookFiles.Root, "tests", "NeuralNetworks.Tests", "Course", "WrongAnswers");

    /// <summary>The file of <paramref name="notebook"/> (a name without extension); no answers when there is none.</summary>
    public static WrongAnswerFile For(string notebook)
    {
        var path = Path.Combine(Folder, notebook + ".wrong");
        return File.Exists(path) ? Parse(notebook, File.ReadAllText(path)) : new WrongAnswerFile(notebook, []);
    }

    /// <summary>Parses the text of a wrong-answer file.</summary>
    /// <exception cref="InvalidDataException">Code before the first section, a header without a variable or a slip, or an empty answer.</exception>
    public static WrongAnswerFile Parse(string notebook, string text)
    {
        var answers = new List<(string Variable, string Slip, int Line, List<string> Source)>();
        var lineNumber = 0;
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            lineNumber++;
            if (line.StartsWith(Marker, StringComparison.Ordinal))
            {
                var header = Regex.Match(line[Marker.Length..], @"^\s*(?<variable>[A-Za-z_]\w*)\s+·\s+(?<slip>\S.*)$");
                if (!header.Success)
                    throw new InvalidDataException($"{notebook}.wrong line {lineNumber}: '{line}' is not '{Marker} myVariable · the slip it shows'");
                answers.Add((header.Groups["variable"].Value, header.Groups["slip"].Value.Trim(), lineNumber, []));
            }
            else if (answers.Count > 0)
            {
                answers[^1].Source.Add(line);
            }
            else if (line.Trim().Length > 0 && !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{notebook}.wrong line {lineNumber}: code before the first '{Marker} <variable> · <slip>' line");
            }
        }
        var parsed = answers.Select(a => new WrongAnswer(a.Variable, a.Slip, string.Join("\n", a.Source).Trim('\n'), a.Line)).ToList();
        if (parsed.FirstOrDefault(a => a.Source.Trim().Length == 0) is { } empty)
            throw new InvalidDataException($"{notebook}.wrong line {empty.Line}: the wrong answer '{empty.Slip}' for {empty.Variable} has no code");
        return new WrongAnswerFile(notebook, parsed);
    }

    /// <summary>The answer cell of <paramref name="course"/> each wrong answer replaces: the one declaring its variable.</summary>
    /// <exception cref="InvalidDataException">A variable no answer cell declares.</exception>
    public IReadOnlyList<(AnswerCell Cell, WrongAnswer Answer)> Match(CourseNotebook course) =>
        Answers.Select(a => (course.Answers.FirstOrDefault(c => c.Variables.Contains(a.Variable))
                ?? throw new InvalidDataException($"{Notebook}.wrong line {a.Line}: no answer cell of {course.Name} declares {a.Variable} (its answer cells declare {string.Join(", ", course.Answers.SelectMany(c => c.Variables))})"),
            a)).ToList();
}

/// <summary>One likely wrong answer: the variable, the slip it shows, the answer cell's source, its line in the file.</summary>
public sealed record WrongAnswer(string Variable, string Slip, string Source, int Line);
