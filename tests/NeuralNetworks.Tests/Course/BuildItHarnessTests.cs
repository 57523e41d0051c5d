using NeuralNetworks.Notebooks;
using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// The student builds the network: every answer file in Course/StudentAnswers (<see cref="StudentAnswerFile"/>) is put
/// into the answer cells of the student's copy of its notebook (from <c>notebooks handout</c>: no solutions), which is
/// graded as a class's submissions are (<c>notebooks grade</c>: answer cells into a fresh copy, the course's own checks).
/// Every exercise those answers reach, and every "Build it" exercise, must pass; no check may fail or error.
/// </summary>
public sealed class BuildItHarnessTests
{
    public static TheoryData<string> AnswerFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in StudentAnswerFile.All()) data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    private static string Notebook(string name) => Path.Combine(NotebookFiles.NotebooksFolder, name + ".ipynb");

    [Fact]
    public void There_is_at_least_one_answer_file()
    {
        Assert.NotEmpty(StudentAnswerFile.All());
    }

    [Theory]
    [MemberData(nameof(AnswerFiles))]
    public void Each_answer_file_answers_variables_that_its_notebooks_answer_cells_declare(string name)
    {
        Assert.True(File.Exists(Notebook(name)), $"{name}.answers is for {name}.ipynb, which is not in notebooks/");
        var answers = StudentAnswerFile.Read(Path.Combine(StudentAnswerFile.Folder, name + ".answers"));

        var matched = answers.Match(CourseNotebook.Load(Notebook(name)));

        Assert.NotEmpty(matched);
        Assert.All(matched, m => Assert.False(string.IsNullOrWhiteSpace(m.Source), $"{name}.answers: the answer for cell {m.Cell.Index + 1} is empty"));
    }

    [Fact]
    public void Every_build_it_exercise_of_the_course_has_its_answer_in_the_tests()
    {
        foreach (var path in NotebookFiles.All)
        {
            var course = CourseNotebook.Load(path);
            var buildIt = course.Checks.Where(c => c.Exercises.Any(e => e.StartsWith("Build it", StringComparison.Ordinal))).ToList();
            if (buildIt.Count == 0) continue;
            var file = Path.Combine(StudentAnswerFile.Folder, course.Name + ".answers");
            Assert.True(File.Exists(file), $"{course.Name} has build-it exercises ({string.Join(", ", buildIt.SelectMany(c => c.Exercises))}) but no {course.Name}.answers");
            var answered = StudentAnswerFile.Read(file).Match(course).Select(m => m.Cell.Index).ToHashSet();
            foreach (var check in buildIt)
                Assert.True(check.Answers.All(answered.Contains), $"{course.Name}.answers leaves the answer cells of {string.Join(", ", check.Exercises)} unanswered");
        }
    }

    [Fact]
    public void An_answer_file_that_names_a_variable_no_answer_cell_declares_fails_naming_it()
    {
        var course = CourseNotebook.Load(Notebook("00-setup-check"));
        var answers = StudentAnswerFile.Parse("00-setup-check", "//// answer: identity\nMatrix<double>? identity = M.DenseIdentity(3);\n//// answer: myForwardPass\nvar x = 1;\n");

        var error = Assert.Throws<InvalidDataException>(() => answers.Match(course));

        Assert.Contains("answers myForwardPass, but no answer cell of 00-setup-check declares it", error.Message);
    }

    [Theory]
    [InlineData("var early = 1;\n//// answer: x\nint? x = 1;", "code before the first")]
    [InlineData("//// answer: x\nint? x = 1;\n//// answer: x\nint? x = 2;", "x is answered twice")]
    [InlineData("//// answer: 2x\nint? x = 1;", "names no variable")]
    public void A_malformed_answer_file_is_refused_with_its_line(string text, string message) =>
        Assert.Contains(message, Assert.Throws<InvalidDataException>(() => StudentAnswerFile.Parse("sample", text)).Message);

    [Fact]
    public void Two_answers_for_one_answer_cell_are_refused()
    {
        var course = ExerciseCellsForTwoVariables();
        var answers = StudentAnswerFile.Parse("two", "//// answer: a\nint? a = 1, b = null;\n//// answer: b\nint? a = null, b = 2;");

        Assert.Contains("for the same answer cell", Assert.Throws<InvalidDataException>(() => answers.Match(course)).Message);
    }

    private static CourseNotebook ExerciseCellsForTwoVariables()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nn-two-{Guid.NewGuid():N}.ipynb");
        File.WriteAllText(path, """
            {"cells": [
              {"cell_type": "code", "id": "c1", "metadata": {"tags": ["answer"]}, "outputs": [], "execution_count": null, "source": "int? a = null, b = null;"},
              {"cell_type": "code", "id": "c2", "metadata": {"tags": ["check"]}, "outputs": [], "execution_count": null, "source": "Check.Answer(\"E (a)\", a, _ => { });"}
            ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            """);
        try
        {
            return CourseNotebook.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [MemberData(nameof(AnswerFiles))]
    [Trait("Category", Category.Notebooks)]
    [Trait("Category", Category.Slow)]
    public void The_students_copy_with_the_answers_from_the_tests_passes_every_check_it_reaches(string name)
    {
        var work = NotebookCli.NewTempDirectory();
        try
        {
            var handout = Path.Combine(work, "handout");
            var written = NotebookCli.Run(TimeSpan.FromMinutes(3), "notebooks", "handout", Notebook(name), "--out", handout);
            Assert.True(written.ExitCode == 0, written.ToString());
            var course = CourseNotebook.Load(Notebook(name));
            var answers = StudentAnswerFile.Read(Path.Combine(StudentAnswerFile.Folder, name + ".answers"));
            var filled = answers.Fill(course, NotebookFile.Load(Path.Combine(handout, name + ".ipynb")));
            var submissions = Directory.CreateDirectory(Path.Combine(work, "submissions", "tests")).Parent!.FullName;
            filled.Save(Path.Combine(submissions, "tests", name + ".ipynb"));

            var run = NotebookCli.Run(TimeSpan.FromMinutes(40), "notebooks", "grade", submissions, "--out", Path.Combine(work, "graded"),
                "--course", Notebook(name), "--timeout", "1800");

            Assert.True(run.ExitCode == 0, run.ToString());
            var rows = GradeReport.ParseCsv(File.ReadAllText(Path.Combine(work, "graded", "grades.csv"))).Skip(1).ToList();
            var answeredCells = answers.Match(course).Select(m => m.Cell.Index).ToHashSet();
            var reached = course.Checks.Where(c => c.Answers.Any(answeredCells.Contains) || c.Exercises.Any(e => e.StartsWith("Build it", StringComparison.Ordinal)))
                .SelectMany(c => c.Exercises).ToHashSet();
            Assert.NotEmpty(reached);
            foreach (var row in rows)
            {
                var (exercise, result, message) = (row[2], row[3], row[4]);
                Assert.True(result is "passed" or "not answered", $"{name} {exercise}: {result}: {message}\n{run.StdOut}");
                if (reached.Contains(exercise)) Assert.True(result == "passed", $"{name} {exercise}: {result}: {message}");
            }
            Assert.Equal(course.Exercises.Count(), rows.Count);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
