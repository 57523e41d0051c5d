using System.IO.Compression;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Notebooks.Grading;

namespace NeuralNetworks.Tests.Notebooks.Grading;

/// <summary>How a folder of submissions is read (<see cref="Submissions.Read"/>): one folder, .zip or .ipynb per student, never written to.</summary>
public sealed class SubmissionsFolderTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nn-submissions-").FullName;
    private static readonly string[] Course = ["00-setup-check", "01-neurons"];

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private void Write(string relative, string text = "{\"cells\": []}")
    {
        var path = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private IReadOnlyList<Submission> Read(out IReadOnlyList<string> ignored) => Submissions.Read(folder, Course, out ignored);

    [Fact]
    public void Students_are_listed_as_a_class_list_reads_capitals_or_not()
    {
        // A teacher's audit: ordinal order put "Zoë" and "Bob" before "alice" on the grades page and in grades.csv.
        foreach (var student in new[] { "Zoë", "alice", "Bob", "bob", "émile" }) Write($"{student}/01-neurons.ipynb");

        Assert.Equal(["alice", "Bob", "bob", "Zoë", "émile"], Read(out _).Select(s => s.Student));
    }

    [Fact]
    public void A_students_folder_gives_the_course_notebooks_found_anywhere_inside_it()
    {
        Write("ada/handout/00-setup-check.ipynb");
        Write("ada/handout/01-neurons.ipynb");
        Write("ada/handout/.ipynb_checkpoints/01-neurons-checkpoint.ipynb");
        Write("ada/handout/scratch.ipynb");

        var ada = Assert.Single(Read(out _));

        Assert.Equal("ada", ada.Student);
        Assert.Equal(Course, ada.Notebooks.Keys.Order());
        Assert.Equal(Path.Combine("ada", "handout", "01-neurons.ipynb"), ada.Notebooks["01-neurons"][0].Origin);
        Assert.Equal([$"{Path.Combine("ada", "handout", "scratch.ipynb")} was not graded: its name is none of the notebooks graded (00-setup-check.ipynb, 01-neurons.ipynb)"], ada.Notes);
    }

    [Fact]
    public void A_notebook_renamed_by_a_download_is_graded_as_that_notebook_and_another_name_is_named_as_not_graded()
    {
        // Found 2026-12-04: "04-sigmoid (1).ipynb" and "02-weights-final.ipynb" were skipped without a word; a teacher's
        // audit (2026-12-06): a browser's "01-neurons (1).ipynb" is that notebook, and was graded "not submitted".
        Write("frank/01-neurons (1).ipynb");
        Write("frank/02-weights-final.ipynb");

        var frank = Assert.Single(Read(out _));

        Assert.Equal(["01-neurons"], frank.Notebooks.Keys);
        Assert.Equal(Path.Combine("frank", "01-neurons (1).ipynb"), Assert.Single(frank.CopiesOf("01-neurons")).Origin);
        Assert.Contains(frank.Notes, n => n.StartsWith(Path.Combine("frank", "01-neurons (1).ipynb") + " was graded as 01-neurons.ipynb", StringComparison.Ordinal));
        Assert.Contains(frank.Notes, n => n.StartsWith(Path.Combine("frank", "02-weights-final.ipynb") + " was not graded", StringComparison.Ordinal));
    }

    [Fact]
    public void Of_two_copies_of_a_notebook_both_are_kept_the_shallower_first()
    {
        // The grader chooses between them (the one with more answers filled in: StandInWorkerTests).
        Write("ben/00-setup-check.ipynb", "{\"cells\": [], \"top\": 1}");
        Write("ben/old/00-setup-check.ipynb");
        Write("cy-01-neurons.ipynb");
        Write("01-neurons-cy.ipynb");

        var (ben, cy) = Read(out _) is [var b, var c] ? (b, c) : throw new InvalidOperationException("not two students");

        Assert.Contains("\"top\"", System.Text.Encoding.UTF8.GetString(ben.Notebooks["00-setup-check"][0].Bytes));
        Assert.Equal([Path.Combine("ben", "00-setup-check.ipynb"), Path.Combine("ben", "old", "00-setup-check.ipynb")], ben.CopiesOf("00-setup-check").Select(f => f.Origin));
        Assert.Equal(["01-neurons-cy.ipynb", "cy-01-neurons.ipynb"], cy.CopiesOf("01-neurons").Select(f => f.Origin));
        Assert.Empty(ben.CopiesOf("01-neurons"));
        Assert.Empty(ben.Notes);
    }

    [Fact]
    public void A_zip_is_read_in_memory_and_left_as_it_was()
    {
        var zip = Path.Combine(folder, "cai.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using (var writer = new StreamWriter(archive.CreateEntry("handout/01-neurons.ipynb").Open())) writer.Write("{\"cells\": []}");
            using (var writer = new StreamWriter(archive.CreateEntry("__MACOSX/handout/._01-neurons.ipynb").Open())) writer.Write("junk");
        }
        var before = File.ReadAllBytes(zip);

        var cai = Assert.Single(Read(out _));

        Assert.Equal("cai", cai.Student);
        Assert.Equal(["01-neurons"], cai.Notebooks.Keys);
        Assert.Equal("cai.zip/handout/01-neurons.ipynb", cai.Notebooks["01-neurons"][0].Origin);
        Assert.Equal(before, File.ReadAllBytes(zip));
        Assert.Single(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_student_who_hands_in_a_folder_and_a_zip_is_graded_twice_and_told_so()
    {
        // A teacher's audit (2026-12-06): "dup" 5/5 and "dup (2)" 0/5, and neither page said the other existed.
        Write("dup/01-neurons.ipynb");
        var zip = Path.Combine(folder, "dup.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(archive.CreateEntry("01-neurons.ipynb").Open())) writer.Write("{\"cells\": []}");
        Write("eve/01-neurons.ipynb");

        var submissions = Read(out _);

        Assert.Equal(["dup", "dup (2)", "eve"], submissions.Select(s => s.Student).Order(StringComparer.Ordinal));
        var dup = submissions.Where(s => s.Student.StartsWith("dup", StringComparison.Ordinal)).ToList();
        var said = Assert.Single(dup.Select(s => s.HandedInTwice).Distinct());
        Assert.NotNull(said);
        Assert.StartsWith("dup handed in 2 submissions, each graded on its own: ", said);
        Assert.Contains("dup as dup", said);
        Assert.Contains("dup.zip as dup (2)", said);
        Assert.All(dup, s => Assert.Contains(said, s.Notes));
        Assert.Null(submissions.Single(s => s.Student == "eve").HandedInTwice);
    }

    [Fact]
    public void A_damaged_zip_is_a_student_with_a_note_and_no_notebooks()
    {
        File.WriteAllText(Path.Combine(folder, "dee.zip"), "not a zip");

        var dee = Assert.Single(Read(out _));

        Assert.Empty(dee.Notebooks);
        Assert.Contains(dee.Notes, n => n.Contains("not a readable .zip"));
    }

    [Fact]
    public void Loose_notebooks_are_one_student_each_named_without_the_notebooks_name()
    {
        Write("eli-00-setup-check.ipynb");
        Write("eli_01-neurons.ipynb");
        Write("01-neurons-fay.ipynb");
        Write("notes.txt", "hello");
        Write(".DS_Store", "");

        var submissions = Read(out var ignored);

        Assert.Equal(["eli", "fay"], submissions.Select(s => s.Student));
        Assert.Equal(Course, submissions[0].Notebooks.Keys.Order());
        Assert.Equal(["01-neurons"], submissions[1].Notebooks.Keys);
        Assert.Equal(["notes.txt"], ignored);
    }

    [Fact]
    public void A_loose_notebook_with_only_a_students_name_is_the_one_notebook_graded()
    {
        Write("gus.ipynb");

        var one = Assert.Single(Submissions.Read(folder, ["01-neurons"], out _));
        var two = Assert.Single(Submissions.Read(folder, Course, out _));

        Assert.Equal(("gus", "01-neurons"), (one.Student, one.Notebooks.Keys.Single()));
        Assert.Empty(two.Notebooks);
        Assert.Contains(two.Notes, n => n.Contains("does not say which notebook"));
    }

    [Fact]
    public void A_file_that_is_not_a_notebook_says_why()
    {
        Write("hal/00-setup-check.ipynb", "this is not a notebook {");
        Write("ivy/00-setup-check.ipynb", "{\"nbformat\": 4}");
        var scratch = Path.Combine(Path.GetTempPath(), $"nn-scratch-{Guid.NewGuid():N}");
        try
        {
            var submissions = Read(out _);

            Assert.Null(submissions[0].Notebooks["00-setup-check"][0].TryRead(scratch, out var notJson));
            Assert.StartsWith($"{Path.Combine("hal", "00-setup-check.ipynb")} is not valid JSON", notJson);
            Assert.Null(submissions[1].Notebooks["00-setup-check"][0].TryRead(scratch, out var noCells));
            Assert.Contains("is not a Jupyter notebook", noCells);
            Assert.Empty(Directory.GetFiles(scratch));
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    [Fact]
    public void A_notebook_with_a_misshapen_cell_or_bytes_that_are_not_UTF8_says_why_and_the_other_students_are_read()
    {
        // Found 2026-12-05: a cell_type of 3 threw InvalidOperationException out of the grader; bytes that are not UTF-8 were graded as U+FFFD.
        Write("ada/00-setup-check.ipynb", "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"var a = 1;\"}]}");
        Write("bob/00-setup-check.ipynb", "{\"cells\": [{\"cell_type\": \"markdown\", \"source\": \"x\"}, {\"cell_type\": 3, \"source\": \"1\"}]}");
        var latin1 = "{\"cells\": [{\"cell_type\": \"code\", \"source\": \"// caf"u8.ToArray();
        File.WriteAllBytes(Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "cyd")).FullName, "00-setup-check.ipynb"), [.. latin1, 0xE9, .. "\"}]}"u8]);
        var scratch = Path.Combine(Path.GetTempPath(), $"nn-scratch-{Guid.NewGuid():N}");
        try
        {
            var submissions = Read(out _);

            Assert.Equal("var a = 1;", NotebookFile.Source(submissions[0].Notebooks["00-setup-check"][0].TryRead(scratch, out var none)!.Cells[0]));
            Assert.Null(none);
            Assert.Null(submissions[1].Notebooks["00-setup-check"][0].TryRead(scratch, out var misshapen));
            Assert.Equal($"{Path.Combine("bob", "00-setup-check.ipynb")}: cell 2: cell_type is 3, not a string", misshapen);
            Assert.Null(submissions[2].Notebooks["00-setup-check"][0].TryRead(scratch, out var notUtf8));
            Assert.Equal($"{Path.Combine("cyd", "00-setup-check.ipynb")} is not UTF-8 text: the byte 0xE9 at byte offset {latin1.Length} (line 1, column {latin1.Length + 1}) is not valid UTF-8", notUtf8);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }
}
