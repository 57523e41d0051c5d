using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// <c>notebooks grade</c> end to end, on a folder of submissions made from a handout of two small course notebooks
/// (Notebooks/TestData/grading: one with tagged exercise cells, one without): a student who solved everything, one who
/// changed nothing, one partly right with wrong answers, one whose answer loops forever, one whose first cell and first
/// answer throw, one who calls Environment.Exit(0), one whose checks were edited to print ✓, one whose file is not JSON,
/// one whose answer allocates without end. The CSV must hold the right result for every exercise of every student,
/// within the time limits, and the submissions folder must be unchanged byte for byte.
/// </summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
public sealed class GradeTests(ITestOutputHelper output) : IDisposable
{
    private const int Timeout = 90;
    private readonly string work = NotebookCli.NewTempDirectory();

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static string Course => NotebookCli.TestData("grading");

    private const string Sample = "01-grading-sample";
    private const string Untagged = "02-grading-untagged";

    [Fact]
    public void Grading_a_folder_of_submissions_gives_every_exercise_of_every_student_its_result_and_changes_nothing_in_it()
    {
        var handout = Path.Combine(work, "handout");
        var written = NotebookCli.Run(TimeSpan.FromMinutes(3), "notebooks", "handout", Course, "--out", handout);
        Assert.True(written.ExitCode == 0, written.ToString());
        var submissions = Path.Combine(work, "submissions");
        MakeSubmissions(handout, submissions);
        var before = Hashes(submissions);
        var outFolder = Path.Combine(work, "graded");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(20), "notebooks", "grade", submissions, "--out", outFolder, "--course", Course,
            "--timeout", Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture), "--memory", "1024", "--parallel", "2");

        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(before, Hashes(submissions));

        var rows = GradeReport.ParseCsv(File.ReadAllText(Path.Combine(outFolder, "grades.csv")));
        Assert.Equal(GradeReport.CsvHeader, string.Join(",", rows[0]));
        var grades = rows.Skip(1).ToDictionary(r => (r[0], r[1], r[2]), r => (Result: r[3], Message: r[4]));
        foreach (var ((student, notebook, exercise), (result, message)) in Expected)
        {
            Assert.True(grades.TryGetValue((student, notebook, exercise), out var got), $"no row for {student} {notebook} {exercise}");
            Assert.True(got.Result == result && got.Message.Contains(message, StringComparison.Ordinal),
                $"{student} {notebook} {exercise}: expected {result} with '{message}', got {got.Result}: {got.Message}");
        }
        Assert.Equal(Expected.Count, grades.Count);

        // Within the time limits: the endless loop cost one run up to the limit, and one more run without it.
        var dee = run.StdOut.Split('\n').Single(l => l.StartsWith($"[dee] {Sample}:", StringComparison.Ordinal));
        var seconds = double.Parse(System.Text.RegularExpressions.Regex.Match(dee, @"([\d.]+) s\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(seconds < 2 * Timeout + 2 * Grader.Grace.TotalSeconds, dee);
        Assert.True(seconds >= Timeout * 0.9, $"the loop was stopped before its time limit: {dee}");

        var page = File.ReadAllText(Path.Combine(outFolder, "grades.html"));
        foreach (var student in Students) Assert.Contains($"href=\"feedback/{student}.html\"", page);
        Assert.All(Students, s => Assert.True(File.Exists(Path.Combine(outFolder, "feedback", s + ".html")), s));
        Assert.Contains("ran past the time limit", File.ReadAllText(Path.Combine(outFolder, "feedback", "dee.html")));
    }

    [Fact]
    public void A_course_notebook_that_fails_here_without_answers_is_the_graders_problem_not_the_students()
    {
        // As when a copied grader cannot find the MNIST data (found by a teacher's-week test, 2026-12-04): a course cell
        // that fails for everyone made every check fail, and every student was charged for it, with exit code 0.
        var course = Path.Combine(work, "course");
        Directory.CreateDirectory(course);
        var broken = JsonNode.Parse(File.ReadAllText(Path.Combine(Course, Sample + ".ipynb")))!.AsObject();
        Set(broken, "g1-11", "throw new System.IO.DirectoryNotFoundException(\"Could not find the MNIST data\");");
        File.WriteAllText(Path.Combine(course, Sample + ".ipynb"), broken.ToJsonString());
        var handout = Path.Combine(work, "handout");
        Assert.Equal(0, NotebookCli.Run(TimeSpan.FromMinutes(3), "notebooks", "handout", Course, "--out", handout).ExitCode);
        var submissions = Path.Combine(work, "submissions");
        var ada = Solved(Sample, JsonNode.Parse(File.ReadAllText(Path.Combine(handout, Sample + ".ipynb")))!.AsObject());
        Directory.CreateDirectory(Path.Combine(submissions, "ada"));
        File.WriteAllText(Path.Combine(submissions, "ada", Sample + ".ipynb"), ada.ToJsonString());
        var outFolder = Path.Combine(work, "graded");

        var run = NotebookCli.Run(TimeSpan.FromMinutes(5), "notebooks", "grade", submissions, "--out", outFolder, "--course", course,
            "--timeout", Timeout.ToString(System.Globalization.CultureInfo.InvariantCulture), "--memory", "1024");

        output.WriteLine(run.ToString());
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{Sample}.ipynb, run here with no answers at all (the students' copy), failed in cell 10: System.IO.DirectoryNotFoundException: Could not find the MNIST data", run.ToString());
        var rows = GradeReport.ParseCsv(File.ReadAllText(Path.Combine(outFolder, "grades.csv"))).Skip(1).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.True(r[3] == "error" && r[4].StartsWith("not graded: ", StringComparison.Ordinal), string.Join(" | ", r)));
        Assert.False(Directory.Exists(Path.Combine(outFolder, "work", "ada")), "ada's notebook was run although the course cannot run here");
    }

    private static readonly string[] Students = ["ada", "ben", "cai", "dee", "eli", "fay", "gus", "hal", "ivy"];

    private static Dictionary<(string, string, string), (string, string)> Expected
    {
        get
        {
            var expected = new Dictionary<(string, string, string), (string, string)>();
            void Add(string student, string notebook, params (string Result, string Message)[] results)
            {
                var exercises = notebook == Sample
                    ? new[] { "Exercise 1 (product)", "Exercise 2 (square)", "Exercise 3 (ones)" }
                    : ["Exercise 1 (pixels)", "Exercise 2 (greeting)"];
                if (results.Length == 1) results = [.. Enumerable.Repeat(results[0], exercises.Length)];
                for (var i = 0; i < exercises.Length; i++) expected[(student, notebook, exercises[i])] = results[i];
            }
            (string, string) passed = ("passed", "passed"), open = ("not answered", "not answered yet");
            (string, string) missing(string notebook) => ("not submitted", $"no {notebook}.ipynb");

            Add("ada", Sample, passed);
            Add("ada", Untagged, passed);
            Add("ben", Sample, open);
            Add("ben", Untagged, open);
            Add("cai", Sample, passed, ("failed", "✗ square(3): expected 9, actual 6"), open);
            Add("cai", Untagged, passed, ("failed", "✗ it says hello: does not hold (yours: \"hi\")"));
            Add("dee", Sample, passed, ("timed out", $"your answer cell (cell 7: square) ran past the time limit of {Timeout} s"), passed);
            Add("dee", Untagged, missing(Untagged));
            Add("eli", Sample, ("error", "your answer cell (cell 4: product) failed: System.InvalidOperationException: boom"), passed, open);
            Add("eli", Untagged, missing(Untagged));
            Add("fay", Sample, ("error", "your answer cell (cell 4: product) ended the notebook's process (exit code 0"), passed, passed);
            Add("fay", Untagged, missing(Untagged));
            Add("gus", Sample, ("failed", "✗ 6 × 7: yours is 41, below the right value"), open, open);   // a typed answer: never the right value
            Add("gus", Untagged, missing(Untagged));
            Add("hal", Sample, ("not a notebook", "is not valid JSON"));
            Add("hal", Untagged, missing(Untagged));
            Add("ivy", Sample, ("error", "your answer cell (cell 4: product) ran out of memory (limit 1024 MB)"), passed, passed);
            Add("ivy", Untagged, missing(Untagged));
            return expected;
        }
    }

    private static void MakeSubmissions(string handout, string submissions)
    {
        JsonObject Copy(string notebook) => JsonNode.Parse(File.ReadAllText(Path.Combine(handout, notebook + ".ipynb")))!.AsObject();
        void Save(JsonObject notebook, string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, notebook.ToJsonString());
        }
        var solved = new Dictionary<string, JsonObject> { [Sample] = Solved(Sample, Copy(Sample)), [Untagged] = Solved(Untagged, Copy(Untagged)) };

        // ada: everything solved, handed in as a .zip of her handout folder.
        using (var zip = ZipFile.Open(Path.Combine(Directory.CreateDirectory(submissions).FullName, "ada.zip"), ZipArchiveMode.Create))
        {
            foreach (var (name, notebook) in solved)
                using (var writer = new StreamWriter(zip.CreateEntry($"handout/{name}.ipynb").Open())) writer.Write(notebook.ToJsonString());
        }

        // ben: the handout as he got it.
        Save(Copy(Sample), Path.Combine(submissions, "ben", Sample + ".ipynb"));
        Save(Copy(Untagged), Path.Combine(submissions, "ben", Untagged + ".ipynb"));

        // cai: loose files, partly right; in the second notebook every cell id changed (answers matched by order).
        var cai = Copy(Sample);
        Set(cai, "g1-03", "int? product = 6 * 7;");
        Set(cai, "g1-07", "Func<double, double>? square = x => 2 * x;");
        Save(cai, Path.Combine(submissions, $"cai-{Sample}.ipynb"));
        var caiUntagged = Copy(Untagged);
        Set(caiUntagged, "g2-03", "int? pixels = 784;");
        Set(caiUntagged, "g2-07", "string? greeting = \"hi\";");
        foreach (var cell in caiUntagged["cells"]!.AsArray()) cell!["id"] = "new-" + (string?)cell["id"];
        Save(caiUntagged, Path.Combine(submissions, $"cai-{Untagged}.ipynb"));

        // dee: an answer that loops forever.
        var dee = (JsonObject)solved[Sample].DeepClone();
        Set(dee, "g1-07", "Func<double, double>? square = null;\nwhile (true) { }");
        Save(dee, Path.Combine(submissions, "dee", Sample + ".ipynb"));

        // eli: the first cell (the setup) and the first answer throw.
        var eli = Copy(Sample);
        Set(eli, "g1-01", "throw new Exception(\"eli broke the setup\");");
        Set(eli, "g1-03", "int? product = null;\nthrow new InvalidOperationException(\"boom\");");
        Set(eli, "g1-07", "Func<double, double>? square = x => x * x;");
        Save(eli, Path.Combine(submissions, "eli", "handout", Sample + ".ipynb"));

        // fay: Environment.Exit(0) in an answer.
        var fay = (JsonObject)solved[Sample].DeepClone();
        Set(fay, "g1-03", "int? product = 42;\nEnvironment.Exit(0);");
        Save(fay, Path.Combine(submissions, "fay", Sample + ".ipynb"));

        // gus: checks edited to print ✓, a forged result from an answer cell, a cell of his own claiming success.
        var gus = Copy(Sample);
        Set(gus, "g1-03", "int? product = 41;\nCheck.Answer(\"Exercise 1 (product)\", (int?)42, p => Check.Equal(\"6 × 7\", 42, p));");
        foreach (var (id, exercise) in new[] { ("g1-05", "Exercise 1 (product)"), ("g1-09", "Exercise 2 (square)"), ("g1-15", "Exercise 3 (ones)") })
            Set(gus, id, $"Console.WriteLine(\"✓ {exercise}: 1 check passed\");");
        gus["cells"]!.AsArray().Add(new JsonObject { ["cell_type"] = "code", ["id"] = "gus-own", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["execution_count"] = null, ["source"] = "Console.WriteLine(\"✓ all passed\");" });
        Save(gus, Path.Combine(submissions, "gus", Sample + ".ipynb"));

        // hal: not a notebook at all.
        Directory.CreateDirectory(Path.Combine(submissions, "hal"));
        File.WriteAllText(Path.Combine(submissions, "hal", Sample + ".ipynb"), "this is not a notebook {");

        // ivy: an answer that allocates without end.
        var ivy = (JsonObject)solved[Sample].DeepClone();
        Set(ivy, "g1-03", "int? product = 42;\nvar hoard = new List<byte[]>();\nwhile (true) hoard.Add(new byte[1 << 20]);");
        Save(ivy, Path.Combine(submissions, "ivy", Sample + ".ipynb"));
    }

    // The student's copy with every answer cell solved: its declaration, then the course's own solution.
    private static JsonObject Solved(string name, JsonObject studentCopy)
    {
        var teacher = JsonNode.Parse(File.ReadAllText(Path.Combine(Course, name + ".ipynb")))!["cells"]!.AsArray();
        for (var i = 0; i + 1 < teacher.Count; i++)
        {
            if (teacher[i + 1]!["metadata"]?["tags"] is not JsonArray tags || !tags.Any(t => (string?)t == "solution")) continue;
            Set(studentCopy, (string)teacher[i]!["id"]!, Source(teacher[i]!) + "\n" + Source(teacher[i + 1]!));
        }
        return studentCopy;
    }

    private static string Source(JsonNode cell) =>
        cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";

    private static void Set(JsonObject notebook, string id, string source) =>
        notebook["cells"]!.AsArray().Single(c => (string?)c!["id"] == id)!["source"] = source;

    private static SortedDictionary<string, string> Hashes(string folder) =>
        new(Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
