using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// Course/WrongAnswers holds, for every exercise of the course, at least one likely wrong answer (the check must be
/// able to fail for a student), each for an answer cell its notebook has; <see cref="AnsweringAfterRunAllTests"/> runs them.
/// </summary>
public sealed class WrongAnswerFileTests
{
    [Fact]
    public void Every_exercise_of_every_notebook_has_a_likely_wrong_answer()
    {
        var missing = new List<string>();
        foreach (var path in NotebookFiles.All)
        {
            var course = CourseNotebook.Load(path);
            var covered = WrongAnswerFile.For(course.Name).Match(course).Select(m => m.Cell).ToHashSet();
            foreach (var check in course.Checks)
                foreach (var cell in course.Answers.Where(a => check.Answers.Contains(a.Index) && !covered.Contains(a)))
                    missing.Add($"{course.Name}: {string.Join(", ", check.Exercises)} ({string.Join(", ", cell.Variables)})");
        }
        Assert.True(missing.Count == 0, "no likely wrong answer for these exercises; add '//// wrong: <variable> · <the slip>' followed by the " +
            $"answer cell as a student would write it to tests/NeuralNetworks.Tests/Course/WrongAnswers/<notebook>.wrong:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void Every_wrong_answer_file_is_for_a_notebook_and_answers_its_answer_cells()
    {
        var files = Directory.GetFiles(WrongAnswerFile.Folder, "*.wrong");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            var notebook = Path.Combine(NotebookFiles.NotebooksFolder, name + ".ipynb");
            Assert.True(File.Exists(notebook), $"{name}.wrong is for {name}.ipynb, which is not in notebooks/");
            Assert.NotEmpty(WrongAnswerFile.For(name).Match(CourseNotebook.Load(notebook)));
        }
    }

    [Fact]
    public void A_wrong_answer_is_read_with_its_variable_slip_source_and_line()
    {
        var file = WrongAnswerFile.Parse("sample", "// comment\n//// wrong: k · off by one\nint? k = 4;\n\n//// wrong: k · the sign\nint? k = -5;\n");

        Assert.Equal([new WrongAnswer("k", "off by one", "int? k = 4;", 2), new WrongAnswer("k", "the sign", "int? k = -5;", 5)], file.Answers);
    }

    [Fact]
    public void A_wrong_answer_may_say_which_mistake_its_check_must_name()
    {
        var file = WrongAnswerFile.Parse("sample", "//// wrong: k · the sign · flipped ⟹ names: the sign flipped\nint? k = -5;\n");

        Assert.Equal([new WrongAnswer("k", "the sign · flipped", "int? k = -5;", 1, "the sign flipped")], file.Answers);
    }

    [Fact]
    public void A_wrong_answer_may_say_what_its_checks_cross_must_say()
    {
        var file = WrongAnswerFile.Parse("sample", "//// wrong: f · the library's · own ⟹ says: calls the library's own Cost.Of\nf = Cost.Quadratic.Of;\n");

        Assert.Equal([new WrongAnswer("f", "the library's · own", "f = Cost.Quadratic.Of;", 1, Says: "calls the library's own Cost.Of")], file.Answers);
    }

    [Theory]
    [InlineData("int? k = 4;\n//// wrong: k · x\nint? k = 1;", "line 1: code before the first")]
    [InlineData("//// wrong: k\nint? k = 1;", "line 1: '//// wrong: k' is not")]
    [InlineData("//// wrong: k · off by one\n\n//// wrong: k · y\nint? k = 1;", "line 1: the wrong answer 'off by one' for k has no code")]
    public void A_malformed_file_says_which_line(string text, string message) =>
        Assert.Contains(message, Assert.Throws<InvalidDataException>(() => WrongAnswerFile.Parse("sample", text)).Message);

    [Fact]
    public void A_wrong_answer_for_a_variable_no_answer_cell_declares_says_so()
    {
        var course = CourseNotebook.Load(Path.Combine(NotebookFiles.NotebooksFolder, "13-numerics.ipynb"));
        var file = WrongAnswerFile.Parse("13-numerics", "//// wrong: nothingLikeThis · x\nint? nothingLikeThis = 1;");

        Assert.Contains("line 1: no answer cell of 13-numerics declares nothingLikeThis", Assert.Throws<InvalidDataException>(() => file.Match(course)).Message);
    }
}
