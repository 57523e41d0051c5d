using System.Text.RegularExpressions;
using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The likely wrong answers to a notebook's exercises, kept in the tests, <c>Course/WrongAnswers/&lt;notebook&gt;.wrong</c>:
/// for each, a line <c>//// wrong: &lt;variable&gt; · &lt;the slip a student makes&gt;</c> and then the complete source a
/// student would put in the answer cell declaring that variable. A variable may have several. Every one must make its
/// exercise's check say ✗ (<see cref="AnsweringAfterRunAllTests"/>); a header that ends <c>⟹ names: &lt;mistake&gt;</c>
/// also wants the ✗ to say "this looks like &lt;mistake&gt;" (the diagnosis the check gives for it); one that ends
/// <c>⟹ says: &lt;text&gt;</c> wants the ✗ to say that text (a ✗ that is not a diagnosis, such as the library's own function called).
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
        var answers = new List<WrongAnswer>();
        foreach (var (header, line, source) in StudentAnswerFile.Sections($"{notebook}.wrong", text, Marker))
        {
            var parts = Regex.Match(header, @"^\s*(?<variable>[A-Za-z_]\w*)\s+·\s+(?<slip>\S.*?)(\s+⟹ (?<kind>names|says): (?<names>\S.*))?$");
            if (!parts.Success)
                throw new InvalidDataException($"{notebook}.wrong line {line}: '{Marker}{header}' is not '{Marker} myVariable · the slip it shows'");
            var answer = new WrongAnswer(parts.Groups["variable"].Value, parts.Groups["slip"].Value.Trim(), source, line,
                parts.Groups["kind"].Value == "names" ? parts.Groups["names"].Value.Trim() : null,
                parts.Groups["kind"].Value == "says" ? parts.Groups["names"].Value.Trim() : null);
            if (source.Trim().Length == 0)
                throw new InvalidDataException($"{notebook}.wrong line {line}: the wrong answer '{answer.Slip}' for {answer.Variable} has no code");
            answers.Add(answer);
        }
        return new WrongAnswerFile(notebook, answers);
    }

    /// <summary>The answer cell of <paramref name="course"/> each wrong answer replaces: the one declaring its variable.</summary>
    /// <exception cref="InvalidDataException">A variable no answer cell declares.</exception>
    public IReadOnlyList<(AnswerCell Cell, WrongAnswer Answer)> Match(CourseNotebook course) =>
        Answers.Select(a => (course.Answers.FirstOrDefault(c => c.Variables.Contains(a.Variable))
                ?? throw new InvalidDataException($"{Notebook}.wrong line {a.Line}: no answer cell of {course.Name} declares {a.Variable} (its answer cells declare {string.Join(", ", course.Answers.SelectMany(c => c.Variables))})"),
            a)).ToList();
}

/// <summary>One likely wrong answer: the variable, the slip it shows, the answer cell's source, its line in the file, and the
/// mistake its check's ✗ must name (or the text it must say), if the file says.</summary>
public sealed record WrongAnswer(string Variable, string Slip, string Source, int Line, string? Names = null, string? Says = null);
