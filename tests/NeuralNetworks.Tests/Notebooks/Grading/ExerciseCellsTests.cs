using System.Text.Json.Nodes;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Notebooks.Grading;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>
/// How the grader reads a course notebook (<see cref="CourseNotebook"/>): which cells are the student's answers, which
/// are checks, and how a submission's answers go into a fresh student copy while nothing else of it does.
/// </summary>
public sealed class ExerciseCellsTests
{
    internal static string Sample(string name) => NotebookCli.TestData(Path.Combine("grading", name));

    internal static CourseNotebook Tagged() => CourseNotebook.Load(Sample("01-grading-sample.ipynb"));

    internal static CourseNotebook Untagged() => CourseNotebook.Load(Sample("02-grading-untagged.ipynb"));

    private static string SourceOf(NotebookFile notebook, string id) =>
        NotebookFile.Source(notebook.Cells.Single(c => (string?)c["id"] == id));

    private static void SetSource(NotebookFile notebook, string id, string source) =>
        notebook.Cells.Single(c => (string?)c["id"] == id)["source"] = source;

    [Fact]
    public void Tagged_answer_and_check_cells_are_found_with_their_variables_and_exercise_names()
    {
        var course = Tagged();

        Assert.Equal(["g1-03", "g1-07", "g1-13"], course.Answers.Select(a => a.Id));
        Assert.Equal([["product"], ["square"], ["ones"]], course.Answers.Select(a => a.Variables.ToArray()));
        Assert.Equal(["Exercise 1 (product)", "Exercise 2 (square)", "Exercise 3 (ones)"], course.Exercises);
        // Each check reads the answer cell before it; cell numbers count the student's copy, solutions removed.
        Assert.Equal(course.Answers.Select(a => (IReadOnlyList<int>)[a.Index]), course.Checks.Select(c => c.Answers));
        Assert.Equal(1, course.SetupCell);
        Assert.DoesNotContain(course.StudentCopy.Cells, c => CourseNotebook.HasTag(c, "solution"));
        Assert.Equal("your answer cell (cell 4: product)", course.Answers[0].Name);
    }

    [Fact]
    public void Without_tags_the_answer_cell_is_the_code_cell_right_before_each_solution()
    {
        var course = Untagged();

        Assert.Equal(["g2-03", "g2-07"], course.Answers.Select(a => a.Id));
        Assert.Equal(["Exercise 1 (pixels)", "Exercise 2 (greeting)"], course.Exercises);
        Assert.Equal(["pixels", "greeting"], course.Answers.SelectMany(a => a.Variables));
    }

    [Fact]
    public void Every_exercise_of_the_course_has_an_answer_cell_declaring_a_variable_and_a_check_that_reads_it()
    {
        foreach (var path in NotebookFiles.All)
        {
            var course = CourseNotebook.Load(path);
            var calls = course.StudentCopy.Cells.Sum(c => System.Text.RegularExpressions.Regex.Matches(NotebookFile.Source(c), @"Check\.Answer\(").Count);
            Assert.True(calls == course.Exercises.Count(), $"{course.Name}: {calls} Check.Answer calls, {course.Exercises.Count()} exercises found");
            Assert.All(course.Answers, a => Assert.True(a.Variables.Count > 0, $"{course.Name} cell {a.Index + 1} declares no variable as null"));
            Assert.All(course.Checks, c => Assert.True(c.Answers.Count > 0, $"{course.Name} cell {c.Index + 1} checks no answer cell"));
            Assert.All(course.Exercises, e => Assert.DoesNotMatch(@"^cell \d+$", e));
            Assert.Equal(course.Exercises.Count(), course.Exercises.Distinct().Count());
        }
    }

    [Fact]
    public void An_answer_cell_that_declares_a_name_its_check_uses_is_found()
    {
        // Two ways a student could make a wrong answer pass notebook 04's checks (found by trying, 2026-12-04): σ swapped
        // for ReLU beside a wrong number (the check computes the right one from `sigma`), and an Exercises class of their
        // own whose Sigmoid checks nothing.
        var course = CourseNotebook.Load(Path.Combine(NotebookFiles.NotebooksFolder, "04-sigmoid.ipynb"));
        var submission = course.StudentCopy.Clone();
        SetSource(submission, "n04-42", "double? largestFactor = 1;\nvar sigma = Activation.ReLU;");
        SetSource(submission, "9a2c5e17", "Func<double, double> mySigmoid = z => 0.5;\nstatic class Exercises { public static void Sigmoid(Func<double, double> f) { } }");
        SetSource(submission, "5e0c8b39", "double Half(double x) => x / 2;\nvar mine = 1.0;\nFunc<double, double> mySigmoidPrime = z => { double a = Half(z); a += 1; return a; };");
        SetSource(submission, "n04-34", "double? zAtTenth = 1;\nsigma = Activation.ReLU;");   // no declaration: the notebook's own sigma changed

        var found = course.Shadowing(submission);

        Assert.Equal(["9a2c5e17:Exercises", "n04-34:sigma", "n04-42:sigma"], found.Select(f => $"{f.Answer.Id}:{f.Name}").Order());
        var sigma = found.Single(f => f.Answer.Id == "n04-42");
        Assert.Equal(course.Checks.Single(c => c.Answers.Contains(sigma.Answer.Index)).Index, sigma.CheckCell);
        Assert.Empty(course.Shadowing(course.StudentCopy.Clone()));   // the course's own answer cells declare only their answers
    }

    [Fact]
    public void An_answer_written_in_a_cell_the_student_added_is_pointed_out()
    {
        // Found 2026-12-04: a student who left "= null" and answered in a new cell below got "not answered" with no hint.
        var course = Tagged();
        var submission = course.StudentCopy.Clone();
        var cells = (JsonArray)submission.Root["cells"]!;
        int at = cells.ToList().FindIndex(c => (string?)c!["id"] == "g1-03");
        cells.Insert(at + 1, new JsonObject { ["cell_type"] = "code", ["id"] = "mine", ["metadata"] = new JsonObject(), ["source"] = "product = 6 * 7;" });
        SetSource(submission, "g1-07", "Func<double, double>? square = x => x * x;");   // answered in place: no note

        var notes = course.AnswersInAddedCells(submission);

        var note = Assert.Single(notes);
        Assert.StartsWith("your answer cell (cell 4: product) is still null, but cell 5 of your notebook, which you added, sets product", note);
        Assert.Empty(course.AnswersInAddedCells(course.StudentCopy.Clone()));
    }

    [Fact]
    public void The_solutions_declare_no_name_a_check_uses()
    {
        // The teacher's worked solutions, handed in as answers, are never refused: what a check-name rule allows.
        foreach (var path in NotebookFiles.All)
        {
            var course = CourseNotebook.Load(path);
            var teacher = NotebookFile.Load(path);
            var submission = course.StudentCopy.Clone();
            foreach (var answer in course.Answers)
            {
                var at = teacher.Cells.ToList().FindIndex(c => (string?)c["id"] == answer.Id);
                var solution = teacher.Cells.Skip(at + 1).FirstOrDefault(c => CourseNotebook.HasTag(c, CourseNotebook.SolutionTag));
                if (solution is null) continue;
                SetSource(submission, answer.Id, answer.Source + "\n" + NotebookFile.Source(solution));
            }
            Assert.True(course.Shadowing(submission).Count == 0,
                $"{course.Name}: {string.Join(", ", course.Shadowing(submission).Select(f => $"{f.Name} in cell {f.Answer.Index + 1}"))}");
        }
    }

    [Theory]
    [InlineData("double? x = null;", "x")]
    [InlineData("var a = 1; int b = 2, c = 3;", "a b c")]
    [InlineData("double Half(double x) => x / 2;\nclass Helper { }\nrecord R(int A);\nenum E { One }\ndelegate int D();", "Half Helper R E D")]
    [InlineData("static class Exercises { public static void Sigmoid(Func<double, double> f) { } }", "Exercises")]
    [InlineData("largestFactor = 0.25 * 0.25 * 0.25;\nConsole.WriteLine(largestFactor);", "")]
    [InlineData("var broken = ;", "broken")]
    public void The_names_a_cell_declares_at_the_top_level_are_read_by_the_CSharp_parser(string source, string names) =>
        Assert.Equal(names.Split(' ', StringSplitOptions.RemoveEmptyEntries), CourseNotebook.TopLevelNames(source));

    [Theory]
    [InlineData("largestFactor = 0.25;", "largestFactor")]
    [InlineData("sigma = Activation.ReLU; count++; --left; total += 2;", "sigma count left total")]
    [InlineData("Func<double, double> f = z => { double a = z; a *= 2; foreach (var v in new[] { 1 }) { } return a; };", "")]
    [InlineData("f = z => { sigma = null; return z; };", "f sigma")]
    [InlineData("Check.ThrowOnFailure = false; int x = 1; x = 2;", "")]
    public void The_names_a_cell_assigns_without_declaring_them_are_read_by_the_CSharp_parser(string source, string names) =>
        Assert.Equal(names.Split(' ', StringSplitOptions.RemoveEmptyEntries), CourseNotebook.AssignedNames(source));

    [Fact]
    public void Only_the_answer_cells_of_a_submission_are_taken_its_edited_setup_and_checks_are_not()
    {
        var course = Tagged();
        var submission = course.StudentCopy.Clone();
        SetSource(submission, "g1-01", "throw new Exception(\"my own setup\");");
        SetSource(submission, "g1-03", "int? product = 41 + 1;");
        SetSource(submission, "g1-05", "Console.WriteLine(\"✓ Exercise 1 (product): 1 check passed\");");

        var (assembled, origins) = course.Assemble(submission);

        Assert.Equal("int? product = 41 + 1;", SourceOf(assembled, "g1-03"));
        Assert.Equal(SourceOf(course.StudentCopy, "g1-01"), SourceOf(assembled, "g1-01"));
        Assert.Equal(SourceOf(course.StudentCopy, "g1-05"), SourceOf(assembled, "g1-05"));
        Assert.Equal(AnswerOrigin.ById, origins[course.Answers[0].Index]);
        var roles = assembled.Cells.Select(c => (string?)c["metadata"]?["grading"]?["role"]).ToArray();
        Assert.Equal("setup", roles[course.SetupCell!.Value]);
        Assert.All(course.Answers, a => Assert.Equal("answer", roles[a.Index]));
        Assert.All(course.Checks, c => Assert.Equal("check", roles[c.Index]));
        Assert.Equal("int? product = null;   // your answer", (string?)assembled.Cells[course.Answers[0].Index]["metadata"]!["grading"]!["unanswered"]);
    }

    [Fact]
    public void Answer_cells_whose_ids_changed_are_matched_by_order_when_they_name_the_variable()
    {
        var course = Tagged();
        var submission = course.StudentCopy.Clone();
        foreach (var cell in submission.Cells) cell["id"] = "x" + (string?)cell["id"];
        SetSource(submission, "xg1-03", "int? product = 42;");
        SetSource(submission, "xg1-07", "Func<double, double>? square = x => x * x;");
        SetSource(submission, "xg1-13", "// I did not get this one\nVector<double>? wrongName = null;");

        var (assembled, origins) = course.Assemble(submission);

        Assert.Equal([AnswerOrigin.ByOrder, AnswerOrigin.ByOrder, AnswerOrigin.Missing], course.Answers.Select(a => origins[a.Index]));
        Assert.Equal("int? product = 42;", SourceOf(assembled, "g1-03"));
        Assert.Equal(course.Answers[2].Source, SourceOf(assembled, "g1-13"));
    }

    [Fact]
    public void An_empty_answer_cell_or_a_left_out_one_runs_as_the_course_gives_it()
    {
        var course = Tagged();
        var submission = course.StudentCopy.Clone();
        SetSource(submission, "g1-03", "  \n");
        SetSource(submission, "g1-07", "Func<double, double>? square = x => { while (true) { } };");

        var (assembled, origins) = course.Assemble(submission, new HashSet<int> { course.Answers[1].Index });

        Assert.Equal(AnswerOrigin.Empty, origins[course.Answers[0].Index]);
        Assert.Equal(AnswerOrigin.LeftOut, origins[course.Answers[1].Index]);
        Assert.Equal(course.Answers[0].Source, SourceOf(assembled, "g1-03"));
        Assert.Equal(course.Answers[1].Source, SourceOf(assembled, "g1-07"));
    }

    [Fact]
    public void The_untouched_student_copy_assembles_to_itself()
    {
        var course = Untagged();

        var (assembled, origins) = course.Assemble(course.StudentCopy.Clone());

        Assert.All(origins.Values, o => Assert.Equal(AnswerOrigin.ById, o));
        Assert.Equal(course.StudentCopy.Cells.Select(NotebookFile.Source), assembled.Cells.Select(NotebookFile.Source));
    }

    [Theory]
    [InlineData("Check.Answer(\"Exercise 1 (k1)\", k1, k => Check.Equal(\"k\", 1, k));", "Exercise 1 (k1)")]
    [InlineData("Check.Answer(\"say \\\"hi\\\" (g)\", g, _ => { });", "say \"hi\" (g)")]
    [InlineData("Check.Answer(@\"verbatim \"\"q\"\" (v)\", v, _ => { });", "verbatim \"q\" (v)")]
    [InlineData("Check.Answer<int>(\"generic (n)\", n, _ => { });", "generic (n)")]
    [InlineData("Check.Answer($\"Exercise {n} (x)\", x, _ => { });", "cell 8")]
    public void Exercise_names_are_read_from_the_checks_string_literal(string source, string name) =>
        Assert.Equal([name], CourseNotebook.ExerciseNames(source, 7));

    [Theory]
    [InlineData("int? k1 = null;   // your answer: k1 = …", "k1")]
    [InlineData("(int Row, int Column)? pixel500 = null;", "pixel500")]
    [InlineData("Func<Vector<double>, Vector<double>>? myLayer = null; // your answer: x = null;", "myLayer")]
    [InlineData("Matrix<double>? a = null, b = null;", "a,b")]
    [InlineData("if (x == null) y = 1;", "")]
    public void The_variables_an_answer_cell_declares_are_those_set_to_null(string source, string variables) =>
        Assert.Equal(variables, string.Join(",", CourseNotebook.DeclaredVariables(source)));

    [Fact]
    public void A_check_reads_the_answers_it_names_even_when_another_answer_cell_sits_between()
    {
        var notebook = JsonNode.Parse(File.ReadAllText(Sample("01-grading-sample.ipynb")))!.AsObject();
        // Move exercise 3's answer cell up, before exercise 2's check: that check still reads `square`.
        var cells = notebook["cells"]!.AsArray();
        var ones = cells.Single(c => (string?)c!["id"] == "g1-13")!;
        cells.Remove(ones);
        cells.Insert(cells.IndexOf(cells.Single(c => (string?)c!["id"] == "g1-09")), ones);
        var path = Path.Combine(Path.GetTempPath(), $"nn-moved-{Guid.NewGuid():N}.ipynb");
        File.WriteAllText(path, notebook.ToJsonString());
        try
        {
            var course = CourseNotebook.Load(path);
            var square = course.Answers.Single(a => a.Variables.Contains("square"));
            Assert.Equal([square.Index], course.Checks.Single(c => c.Exercises.Contains("Exercise 2 (square)")).Answers);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
