using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using NeuralNetworks.Tests.Cli;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// <c>notebooks clear</c> and the files it rewrites: a write that fails leaves the notebook as it was, permissions and
/// symbolic links survive. No kernel is started (fast); the command runs in-process, except under a file size limit,
/// which needs a process of its own.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class NotebookClearFileTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("nn-notebooks-clear-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>A notebook of <paramref name="cells"/> code cells, each with an output and an execution count, as one
    /// line of JSON: clearing it writes a larger file (one-space indent, a line per key).</summary>
    internal static string Notebook(int cells)
    {
        var list = new JsonArray();
        for (int i = 0; i < cells; i++)
        {
            list.Add(new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = i + 1,
                ["id"] = $"cell-{i}",
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(new JsonObject { ["name"] = "stdout", ["output_type"] = "stream", ["text"] = new JsonArray($"{i}\n") }),
                ["source"] = new JsonArray($"var x{i} = {i};\n", $"Console.WriteLine(x{i});"),
            });
        }
        return new JsonObject { ["cells"] = list, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 }.ToJsonString();
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string Output, string Error) Clear(params string[] paths) =>
        CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), ["notebooks", "clear", .. paths]);

    private static bool IsCleared(string path) =>
        JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray().All(c => c!["outputs"]!.AsArray().Count == 0 && c["execution_count"] is null);

    /// <summary>
    /// Runs <c>notebooks clear</c> in a process that may write no file beyond <paramref name="blocks"/> blocks
    /// (<c>ulimit -f</c>: 512 bytes each for a POSIX sh, 1024 for bash) and ignores SIGXFSZ, so that a write past the
    /// limit fails as on a full disk. Reports the test skipped (failed under CI=true) where that cannot be arranged.
    /// </summary>
    private static ChildResult ClearUnderFileSizeLimit(int blocks, params string[] paths)
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/sh"))
            Requires.Missing("a failing write is simulated with /bin/sh's ulimit -f, which this system does not have");
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = AppContext.BaseDirectory };
        foreach (var arg in (string[])["-c", "trap '' XFSZ; ulimit -f \"$1\" || exit 125; shift; exec \"$@\"", "sh", blocks.ToString(),
                     host, Path.Combine(AppContext.BaseDirectory, "NeuralNetworks.Cli.dll"), "notebooks", "clear", .. paths])
            start.ArgumentList.Add(arg);
        // The runtime maps its code through a memory file as large as the code heap (W^X); under a small file size
        // limit it would not start.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        var run = ChildProcess.Run(start, TimeSpan.FromMinutes(1));
        Assert.False(run.TimedOut, $"notebooks clear did not finish in a minute\n{run.Stderr}");
        if (run.ExitCode == 125 || run.Stderr.Contains("Failed to create CoreCLR", StringComparison.Ordinal))
            Requires.Missing($"the CLI cannot run under ulimit -f {blocks} here: {run.Stderr.Trim()}");
        return run;
    }

    [Fact]
    public void A_write_that_fails_part_way_leaves_the_notebook_as_it_was_and_says_so()
    {
        var text = Notebook(300);
        var path = Write("big.ipynb", text);

        var run = ClearUnderFileSizeLimit(16, path);   // 8 or 16 KB; the cleared notebook is about 80 KB

        if (run.ExitCode == 0 && IsCleared(path))
            Requires.Missing("ulimit -f did not stop the write here, so a failing write could not be simulated");
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Equal(text, File.ReadAllText(path));
        Assert.Equal(["big.ipynb"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName));   // no temporary file left
        Assert.StartsWith("error: ", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(path, run.Stderr);
        Assert.Contains("left as it was", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void When_one_of_several_notebooks_cannot_be_written_the_message_names_those_cleared_and_those_not()
    {
        var a = Write("a.ipynb", Notebook(2));   // about 1 KB cleared
        var bText = Notebook(300);
        var b = Write("b.ipynb", bText);
        var cText = Notebook(2);
        var c = Write("c.ipynb", cText);

        var run = ClearUnderFileSizeLimit(16, _work);

        if (run.ExitCode == 0 && IsCleared(b))
            Requires.Missing("ulimit -f did not stop the write here, so a failing write could not be simulated");
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.True(IsCleared(a));
        Assert.Equal(bText, File.ReadAllText(b));
        Assert.Equal(cText, File.ReadAllText(c));
        Assert.Equal($"cleared {a}\n", run.Stdout.ReplaceLineEndings("\n"));
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.Contains($"could not write {b}", run.Stderr);
        Assert.Contains("left as it was", run.Stderr);
        Assert.Contains($"cleared before it: {a}", run.Stderr);
        Assert.Contains($"not cleared: {b}, {c}", run.Stderr);
        Assert.Equal(["a.ipynb", "b.ipynb", "c.ipynb"], Directory.GetFileSystemEntries(_work).Select(Path.GetFileName).Order());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Clearing_keeps_the_file_mode()
    {
        if (OperatingSystem.IsWindows()) Requires.Missing("Unix file modes");
        var path = Write("mode.ipynb", Notebook(3));
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.UserExecute;
        File.SetUnixFileMode(path, mode);

        var (exitCode, _, error) = Clear(path);

        Assert.True(exitCode == 0, error);
        Assert.True(IsCleared(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Clearing_through_a_symbolic_link_writes_its_target_and_keeps_the_link()
    {
        var real = Directory.CreateDirectory(Path.Combine(_work, "real")).FullName;
        var links = Directory.CreateDirectory(Path.Combine(_work, "links")).FullName;
        var target = Path.Combine(real, "nb.ipynb");
        File.WriteAllText(target, Notebook(3));
        var link = Path.Combine(links, "nb.ipynb");
        File.CreateSymbolicLink(link, Path.Combine("..", "real", "nb.ipynb"));

        var (exitCode, _, error) = Clear(link);

        Assert.True(exitCode == 0, error);
        Assert.Equal(Path.Combine("..", "real", "nb.ipynb"), new FileInfo(link).LinkTarget);
        Assert.True(IsCleared(target));
        Assert.Equal(["nb.ipynb"], Directory.GetFileSystemEntries(real).Select(Path.GetFileName));
        Assert.Equal(["nb.ipynb"], Directory.GetFileSystemEntries(links).Select(Path.GetFileName));
    }

    /// <summary>The bytes of <see cref="Notebook"/> with <paramref name="bad"/> put inside the first cell's source (a
    /// string of the JSON), and where they start.</summary>
    private static (byte[] Bytes, int Offset) WithBytesInASource(byte[] bad)
    {
        var text = Notebook(3).Replace("{\"cells\":[", "{\"cells\":\n[", StringComparison.Ordinal);   // the cells on line 2
        int at = text.IndexOf("var x0", StringComparison.Ordinal);
        var before = Encoding.UTF8.GetBytes(text[..at]);
        return ([.. before, .. bad, .. Encoding.UTF8.GetBytes(text[at..])], before.Length);
    }

    public static TheoryData<string, byte[]> NotUtf8 => new()
    {
        { "é in Latin-1", [0xE9] },
        { "a lead byte without its continuation", [0xC3, 0x28] },
        { "an overlong '/'", [0xC0, 0xAF] },
        { "a UTF-16 surrogate", [0xED, 0xA0, 0x80] },
        { "a lone continuation byte", [0x80] },
    };

    [Theory]
    [MemberData(nameof(NotUtf8))]
    public void A_notebook_that_is_not_UTF8_is_refused_naming_the_file_and_the_first_bad_byte_and_left_untouched(string what, byte[] bad)
    {
        var (bytes, offset) = WithBytesInASource(bad);
        var path = Path.Combine(_work, "latin1.ipynb");
        File.WriteAllBytes(path, bytes);

        var (exitCode, output, error) = Clear(path);

        Assert.True(exitCode == 1, $"{what}: exit {exitCode}\n{output}\n{error}");
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(path, error);
        int column = offset - Array.LastIndexOf(bytes, (byte)'\n', offset);   // the line is ASCII up to the bad byte
        Assert.Contains($"byte 0x{bad[0]:X2} at byte offset {offset} (line 2, column {column})", error);
    }

    [Fact]
    public void A_notebook_that_is_not_UTF8_stops_the_command_before_any_notebook_is_cleared()
    {
        var aText = Notebook(2);
        var a = Write("a.ipynb", aText);
        var (bytes, _) = WithBytesInASource([0xE9]);
        var b = Path.Combine(_work, "b.ipynb");
        File.WriteAllBytes(b, bytes);

        var (exitCode, output, error) = Clear(_work);

        Assert.True(exitCode == 1, $"exit {exitCode}\n{output}\n{error}");
        Assert.Equal(aText, File.ReadAllText(a));
        Assert.Equal(bytes, File.ReadAllBytes(b));
        Assert.Equal("", output);
        Assert.Contains(b, error);
        Assert.Contains("no notebook was cleared", error);
    }

    [Fact]
    public void A_UTF8_byte_order_mark_is_accepted_and_the_cleared_notebook_is_written_without_it_as_before()
    {
        var text = Notebook(3).Replace("var x0", "var é0", StringComparison.Ordinal);
        var plain = Write("plain.ipynb", text);
        var withMark = Path.Combine(_work, "bom.ipynb");
        File.WriteAllBytes(withMark, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]);

        var (exitCode, _, error) = Clear(plain, withMark);

        Assert.True(exitCode == 0, error);
        Assert.True(IsCleared(withMark));
        Assert.Contains("var é0", File.ReadAllText(withMark));
        Assert.Equal(File.ReadAllBytes(plain), File.ReadAllBytes(withMark));   // Jupyter's form: UTF-8 without the mark
    }

    [Fact]
    public void A_python_notebook_is_cleared_keeping_its_own_metadata_and_refused_by_run_and_grade_naming_its_language()
    {
        // A hostile user's audit: `notebooks run` ran a Python notebook's cells as C# (a compile error per cell), and `clear`
        // wrote C#'s language_info into it.
        var text = """{"cells": [{"cell_type": "code", "execution_count": 1, "id": "py-1", "metadata": {}, "outputs": [{"output_type": "stream", "name": "stdout", "text": ["3\n"]}], "source": "print(1 + 2)"}], """
                   + """ "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}""";
        var path = Write("python.ipynb", text);
        var graded = Path.Combine(Path.GetTempPath(), $"nn-graded-{Guid.NewGuid():N}");
        var submissions = Directory.CreateDirectory(Path.Combine(_work, "submissions")).FullName;

        foreach (var args in new string[][]
        {
            ["notebooks", "run", path, "--out", Path.Combine(_work, "out")],
            ["notebooks", "grade", submissions, "--out", graded, "--course", path],
        })
        {
            var (exitCode, output, error) = CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), args);

            Assert.True(exitCode == 1, $"{args[1]}: exit {exitCode}\n{output}\n{error}");
            Assert.Equal($"error: {path} is a python notebook (so its metadata says): these commands run .NET Interactive notebooks, in C#", error.TrimEnd());
            Assert.False(Directory.Exists(Path.Combine(_work, "out")));
        }
        Assert.False(Directory.Exists(graded));

        var (cleared, _, clearError) = Clear(path);

        Assert.True(cleared == 0, clearError);
        var metadata = JsonNode.Parse(File.ReadAllText(path))!["metadata"]!;
        Assert.Equal("python", (string?)metadata["kernelspec"]!["language"]);
        Assert.Null(metadata["language_info"]);
        Assert.True(IsCleared(path));
        // A Polyglot notebook's metadata names no foreign language; one without any gets C#'s.
        Assert.Null(NeuralNetworks.Notebooks.NotebookFile.Load(Write("polyglot.ipynb",
            """{"cells": [], "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}, "language_info": {"name": "polyglot-notebook"}}}""")).ForeignLanguage);
        Assert.Equal("R", NeuralNetworks.Notebooks.NotebookFile.Load(Write("r.ipynb", """{"cells": [], "metadata": {"language_info": {"name": "R"}}}""")).ForeignLanguage);
    }

    public static TheoryData<string, string, string> NotNotebooks => new()
    {
        { "number.ipynb", """{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 02}""", "is not valid JSON: " },
        { "third-line.ipynb", "{\n \"cells\": [],\n \"métadonnées\": {} {}\n}", "is not valid JSON: " },
        { "empty.ipynb", "", "is empty" },
        { "blank.ipynb", " \n\n", "is empty" },
        { "object.ipynb", """{"a": 1}""", "is not a Jupyter notebook (no \"cells\" array)" },
        { "array.ipynb", "[]", "is not a Jupyter notebook (no \"cells\" array)" },
        { "cells-twice.ipynb", """{"cells": [], "cells": []}""", "is not a Jupyter notebook: the key \"cells\" appears twice in one object (line 1, column 15)" },
        { "outputs-twice.ipynb", "{\"cells\": [\n {\"cell_type\": \"code\", \"source\": \"1\", \"outputs\": [], \"outputs\": []}]}",
            "is not a Jupyter notebook: the key \"outputs\" appears twice in one object (line 2, column 54)" },
    };

    [Theory]
    [MemberData(nameof(NotNotebooks))]
    public void A_file_that_is_not_a_notebook_is_bad_data_exit_1_with_a_message_naming_it_and_left_as_it_was(string name, string text, string problem)
    {
        var path = Write(name, text);

        var (exitCode, output, error) = Clear(path);

        Assert.True(exitCode == 1, $"exit {exitCode}\n{output}\n{error}");
        Assert.Equal(text, File.ReadAllText(path));
        Assert.Equal("", output);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains($"{path} {problem}", error);
        Assert.DoesNotContain("LineNumber", error);
        Assert.DoesNotContain("see --help", error);
    }

    public static TheoryData<string, string> MisshapenCells => new()
    {
        { """{"cell_type": 3, "source": "1"}""", "cell 2: cell_type is 3, not a string" },
        { """["code", "1"]""", "cell 2: the cell is [\"code\",\"1\"], not an object" },
        { "null", "cell 2: the cell is null, not an object" },
        { """{"cell_type": "code", "source": 42}""", "cell 2: source is 42, not a string or a list of strings" },
        { """{"cell_type": "code", "source": ["var a = 1;\n", {"b": 2}]}""", "cell 2: source line 2 is {\"b\":2}, not a string" },
        { """{"cell_type": "code", "source": "1", "metadata": "csharp"}""", "cell 2: metadata is \"csharp\", not an object" },
        { """{"cell_type": "code", "source": "1", "id": 7}""", "cell 2: id is 7, not a string" },
    };

    [Theory]
    [MemberData(nameof(MisshapenCells))]
    public void A_cell_of_the_wrong_shape_is_bad_data_naming_the_file_and_the_cell_for_clear_run_and_grade(string cell, string problem)
    {
        // Found 2026-12-05: "cell_type": 3 made every notebook command print "unexpected InvalidOperationException".
        var good = Write("a-good.ipynb", Notebook(2));
        var text = $$"""{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"}, {{cell}}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""";
        var path = Write("b-misshapen.ipynb", text);
        var submissions = Directory.CreateDirectory(Path.Combine(_work, "submissions")).FullName;
        var graded = Path.Combine(Path.GetTempPath(), $"nn-graded-{Guid.NewGuid():N}");

        try
        {
            // Grading first: the one command here that could not run a kernel on a notebook it failed to refuse.
            foreach (var args in new string[][]
            {
                ["notebooks", "grade", submissions, "--out", graded, "--course", path],
                ["notebooks", "clear", _work],
                ["notebooks", "run", path, "--out", Path.Combine(_work, "out")],
            })
            {
                var (exitCode, output, error) = CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), args);

                Assert.True(exitCode == 1, $"{args[1]}: exit {exitCode}\n{output}\n{error}");
                Assert.StartsWith("error: ", error);
                Assert.Single(error.TrimEnd().Split('\n'));
                Assert.Contains($"{path}: {problem}", error);
                Assert.DoesNotContain("unexpected", error);
            }
            Assert.Equal(text, File.ReadAllText(path));
            Assert.Equal(Notebook(2), File.ReadAllText(good));   // clear read both before writing either: neither was cleared
        }
        finally
        {
            if (Directory.Exists(graded)) Directory.Delete(graded, recursive: true);
        }
    }

    [Fact]
    public void A_notebook_that_is_not_UTF8_is_refused_by_grade_and_run_too_naming_the_first_bad_byte()
    {
        // Found 2026-12-05: only `clear` refused it; `run` and `grade` read each bad byte as U+FFFD and went on.
        var (bytes, offset) = WithBytesInASource([0xE9]);
        var path = Path.Combine(_work, "latin1.ipynb");
        File.WriteAllBytes(path, bytes);
        var submissions = Directory.CreateDirectory(Path.Combine(_work, "submissions")).FullName;
        var graded = Path.Combine(Path.GetTempPath(), $"nn-graded-{Guid.NewGuid():N}");
        try
        {
            foreach (var args in new string[][]
            {
                ["notebooks", "grade", submissions, "--out", graded, "--course", path],
                ["notebooks", "run", path, "--out", Path.Combine(_work, "out")],
            })
            {
                var (exitCode, output, error) = CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), args);

                Assert.True(exitCode == 1, $"{args[1]}: exit {exitCode}\n{output}\n{error}");
                Assert.Single(error.TrimEnd().Split('\n'));
                Assert.Contains($"{path} is not UTF-8 text: the byte 0xE9 at byte offset {offset} (line 2,", error);
            }
        }
        finally
        {
            if (Directory.Exists(graded)) Directory.Delete(graded, recursive: true);
        }
    }

    [Theory]
    [InlineData("number.ipynb", """{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 02}""", "Invalid leading zero before '2'", 1, 65)]
    [InlineData("third-line.ipynb", "{\n \"cells\": [],\n \"métadonnées\": {} {}\n}", "'{' is invalid after a value. Expected either ',', '}', or ']'", 3, 20)]
    public void Invalid_JSON_is_reported_at_its_line_and_column_counted_from_1_in_characters(string name, string text, string gist, int line, int column)
    {
        var path = Write(name, text);

        var (_, _, error) = Clear(path);

        Assert.StartsWith($"error: could not read the notebook: {path} is not valid JSON: ", error);
        Assert.Contains(gist, error);
        Assert.Contains($"(line {line}, column {column})", error);
    }

    [Fact]
    public void A_file_that_is_not_a_notebook_is_exit_1_for_notebooks_run_too_and_a_path_that_does_not_exist_stays_exit_2()
    {
        var path = Write("notjson.ipynb", "{\"cells\": [] ]");
        var missing = Path.Combine(_work, "missing.ipynb");

        var run = CommandLine.Run(NeuralNetworks.Cli.Cli.CreateRoot(), ["notebooks", "run", path, "--out", Path.Combine(_work, "out")]);
        var clear = Clear(missing);

        Assert.True(run.ExitCode == 1, run.Error);
        Assert.StartsWith($"error: could not read the notebook: {path} is not valid JSON", run.Error);   // a notebook, not "the data"
        Assert.True(clear.ExitCode == 2, clear.Error);
        Assert.Contains($"no such notebook or folder: {missing}", clear.Error);
    }
}
