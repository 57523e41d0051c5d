using System.Text.Json.Nodes;
using NeuralNetworks.Tests.Setup;
using NeuralNetworks.Tests.StockKernel;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>
/// The course doctor on a fresh machine (a new HOME, an empty NuGet package folder, no Jupyter kernel): before --fix it
/// names each missing piece with the command that mends it and exits 1; --fix makes the repairs and every line is ✓,
/// the setup line included, run in the stock kernel; and the kernel it registered runs 00-setup-check through Jupyter.
/// Once as a student runs it in a handout (<c>dotnet run --file doctor.cs</c>), once as <c>notebooks doctor</c> in a
/// copy of the repository (whose --fix builds the package).
/// </summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
[Trait("Category", Category.Slow)]
public sealed class DoctorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string work = NotebookCli.NewTempDirectory();

    public void Dispose()
    {
        try { Directory.Delete(work, recursive: true); }
        catch (IOException) { /* a kernel may still hold a file; the temp folder is cleaned up by the OS */ }
    }

    // A new HOME and NuGet package folder; Jupyter finds kernels only in that HOME.
    private Dictionary<string, string> FreshMachine() => new()
    {
        ["HOME"] = Directory.CreateDirectory(Path.Combine(work, "home")).FullName,
        ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(work, "nuget-packages")).FullName,
        ["JUPYTER_PATH"] = "",
        ["JUPYTER_DATA_DIR"] = "",
        ["XDG_DATA_HOME"] = "",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    [Fact]
    public void In_a_handout_on_a_fresh_machine_the_doctor_names_each_fix_then_mends_them_and_its_kernel_runs_the_setup_check()
    {
        var handout = Path.Combine(work, "handout");
        var written = NotebookCli.Run(TimeSpan.FromMinutes(3), "notebooks", "handout", Path.Combine(NotebookFiles.NotebooksFolder, "00-setup-check.ipynb"), "--out", handout);
        Assert.True(written.ExitCode == 0, written.ToString());
        var readme = File.ReadAllText(Path.Combine(handout, "README.md"));
        Assert.Contains("dotnet run --file doctor.cs", readme);
        Assert.Contains("dotnet run --file doctor.cs -- --fix", readme);
        Assert.True(File.Exists(Path.Combine(handout, ".config", "dotnet-tools.json")), "the handout pins no kernel tool");
        var machine = FreshMachine();

        var before = Doctor(handout, machine);
        AssertNamesFixes(before, "dotnet tool restore", "dotnet restore install-package.proj", "mkdir -p", "dotnet run --file doctor.cs -- --fix");
        var fixedUp = Doctor(handout, machine, "--", "--fix");
        AssertAllPassAfterRepairs(fixedUp);
        var after = Doctor(handout, machine);
        Assert.True(after.ExitCode == 0, after.Stdout + after.Stderr);
        Assert.DoesNotContain("✗", after.Stdout);

        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(machine["HOME"], ".local", "share", "jupyter", "kernels", ".net-csharp", "kernel.json")))!;
        var argv = spec["argv"]!.AsArray().Select(a => (string?)a).ToArray();
        Assert.Contains("--http-local-only", argv);
        Assert.StartsWith(machine["NUGET_PACKAGES"], argv[1]);
        AssertRunsTheSetupCheck(handout, machine);
    }

    [Fact]
    public void In_a_copy_of_the_repository_on_a_fresh_machine_notebooks_doctor_fix_builds_the_package_and_every_line_passes()
    {
        var repository = CopyOfTheRepository(Path.Combine(work, "checkout"));
        var machine = FreshMachine();
        var environment = machine.ToDictionary(e => e.Key, e => (string?)e.Value);
        // `dotnet test` leaves MSBuild settings in the environment that would steer the doctor's `dotnet build`.
        foreach (var key in System.Environment.GetEnvironmentVariables().Keys.OfType<string>().Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)))
            environment[key] = null;

        var before = NotebookCli.Run(TimeSpan.FromMinutes(5), environment, "notebooks", "doctor", "--folder", repository);
        output.WriteLine(before.ToString());
        AssertNamesFixes((before.ExitCode, before.StdOut, before.StdErr), "dotnet tool restore", "dotnet build src/NeuralNetworks -c Release", "mkdir -p",
            "dotnet run --project src/NeuralNetworks.Cli -c Release -- notebooks doctor --fix");
        Assert.Contains("✗ NeuralNetworks 1.0.0 has not been built in this checkout", before.StdOut);

        var fixedUp = NotebookCli.Run(TimeSpan.FromMinutes(20), environment, "notebooks", "doctor", "--folder", repository, "--fix");
        output.WriteLine(fixedUp.ToString());
        AssertAllPassAfterRepairs((fixedUp.ExitCode, fixedUp.StdOut, fixedUp.StdErr));
        Assert.Contains("✓ NeuralNetworks 1.0.0 in your NuGet package folder is this checkout's build", fixedUp.StdOut);
        Assert.True(File.Exists(Path.Combine(repository, "artifacts", "package", "NeuralNetworks.1.0.0.nupkg")));
    }

    [Fact]
    public void Where_code_is_on_the_PATH_the_doctor_names_each_missing_recommended_extension_with_its_install_command()
    {
        // A stand-in for VS Code's `code`: it lists the extensions in $EXTENSIONS.
        var bin = Directory.CreateDirectory(Path.Combine(work, "bin")).FullName;
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(Path.Combine(bin, "code.cmd"), "@if \"%1\"==\"--list-extensions\" for %%e in (%EXTENSIONS%) do @echo %%e\r\n");
        }
        else
        {
            var code = Path.Combine(bin, "code");
            File.WriteAllText(code, "#!/bin/sh\n[ \"$1\" = --list-extensions ] && printf '%s\\n' $EXTENSIONS\n");
            File.SetUnixFileMode(code, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var environment = FreshMachine().ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["PATH"] = bin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH");

        environment["EXTENSIONS"] = "ms-toolsai.jupyter some.other";
        var missing = NotebookCli.Run(TimeSpan.FromMinutes(5), environment, "notebooks", "doctor", "--folder", NotebookFiles.Root);
        environment["EXTENSIONS"] = "ms-dotnettools.dotnet-interactive-vscode ms-toolsai.jupyter ms-dotnettools.csharp";
        var all = NotebookCli.Run(TimeSpan.FromMinutes(5), environment, "notebooks", "doctor", "--folder", NotebookFiles.Root);

        output.WriteLine(missing.ToString());
        Assert.Contains("✗ VS Code lacks the recommended extension ms-dotnettools.dotnet-interactive-vscode\n    fix: code --install-extension ms-dotnettools.dotnet-interactive-vscode", missing.StdOut);
        Assert.Contains("✗ VS Code lacks the recommended extension ms-dotnettools.csharp\n    fix: code --install-extension ms-dotnettools.csharp", missing.StdOut);
        Assert.DoesNotContain("lacks the recommended extension ms-toolsai.jupyter", missing.StdOut);
        Assert.Contains("✓ VS Code has the recommended extensions (ms-dotnettools.dotnet-interactive-vscode, ms-toolsai.jupyter, ms-dotnettools.csharp)", all.StdOut);
    }

    private (int ExitCode, string Stdout, string Stderr) Doctor(string handout, Dictionary<string, string> machine, params string[] arguments)
    {
        var run = JupyterStockKernel.Exec(handout, TimeSpan.FromMinutes(15), machine, "dotnet", ["run", "--file", "doctor.cs", .. arguments]);
        output.WriteLine($"dotnet run --file doctor.cs {string.Join(' ', arguments)}: exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        return run;
    }

    // Before --fix: exit 1, and each missing piece a ✗ line followed by its fix.
    private static void AssertNamesFixes((int ExitCode, string Stdout, string Stderr) run, params string[] fixes)
    {
        Assert.True(run.ExitCode == 1, run.Stdout + run.Stderr);
        var lines = run.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("✓ .NET SDK 10.", StringComparison.Ordinal));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('✗'))
                Assert.True(i + 1 < lines.Length && lines[i + 1].StartsWith("    fix: ", StringComparison.Ordinal), $"'{lines[i]}' has no fix line");
        }
        foreach (var fix in fixes)
            Assert.Contains(lines, l => l.StartsWith("    fix: " + fix, StringComparison.Ordinal));
        Assert.Contains("✗ the kernel tool dotnet-interactive 1.0.712001 (pinned in .config/dotnet-tools.json) is not restored", run.Stdout);
        Assert.Contains("✗ no Jupyter kernel for C# (.net-csharp) is registered", run.Stdout);
        Assert.Contains("– the setup line in the kernel: not tried until the lines above are ✓", run.Stdout);
    }

    // After --fix: exit 0, and after "Checking again:" every line ✓ (VS Code, where `code` is missing, is not checked).
    private static void AssertAllPassAfterRepairs((int ExitCode, string Stdout, string Stderr) run)
    {
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var again = run.Stdout[run.Stdout.IndexOf("Checking again:", StringComparison.Ordinal)..];
        Assert.DoesNotContain("✗", again);
        Assert.DoesNotContain("did not work", run.Stdout);
        Assert.Contains("✓ the kernel tool dotnet-interactive 1.0.712001 (pinned in .config/dotnet-tools.json) is restored", again);
        Assert.Contains("✓ a Jupyter kernel for C# is registered", again);
        Assert.Contains("✓ the C# kernel starts", again);
        Assert.Contains("and listens on localhost only (http://127.0.0.1:", again);
        Assert.Contains("✓ the kernel ran the setup line #r \"nuget: NeuralNetworks, 1.0.0\"", again);
        Assert.Contains("All ", again);
    }

    // The kernel the doctor registered, as Jupyter starts it, runs the student's copy of 00-setup-check to the end.
    private void AssertRunsTheSetupCheck(string handout, Dictionary<string, string> machine)
    {
        Requires.Trait(Category.Notebooks, "starts the stock kernel");
        try
        {
            if (JupyterStockKernel.Exec(handout, TimeSpan.FromMinutes(1), null, "jupyter", "nbconvert", "--version").ExitCode != 0)
                Requires.Missing("jupyter nbconvert is not installed (Debian: apt-get install --no-install-recommends jupyter-nbconvert python3-ipykernel)");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Requires.Missing("jupyter is not on PATH (Debian: apt-get install --no-install-recommends jupyter-nbconvert python3-ipykernel)");
        }
        var executed = Path.Combine(work, "executed");
        var run = JupyterStockKernel.Run(Path.Combine(handout, "00-setup-check.ipynb"), executed, output, machine);
        Assert.True(run.ExitCode == 0, run.Log);
        Assert.Empty(run.Errors);
        var printed = string.Concat(run.Streams.Select(s => s.Text));
        Assert.Contains("✓ rows of W¹", printed);
        Assert.Contains("not answered yet", printed);
        Assert.DoesNotContain("✗", printed);
    }

    // What `dotnet build src/NeuralNetworks` and the doctor need, and nothing built: sources, props, data, tool manifest.
    private static string CopyOfTheRepository(string target)
    {
        var root = NotebookFiles.Root;
        string[] files = ["NeuralNetworks.slnx", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "global.json",
            "LICENSE", "LICENSE-course", ".config/dotnet-tools.json", ".vscode/extensions.json", "notebooks/00-setup-check.ipynb", "data/README.md"];
        foreach (var file in files) Copy(Path.Combine(root, file), Path.Combine(target, file));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "data", "mnist"), "*.gz")) Copy(file, Path.Combine(target, "data", "mnist", Path.GetFileName(file)));
        var library = Path.Combine(root, "src", "NeuralNetworks");
        foreach (var file in Directory.GetFiles(library, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(library, file);
            if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            Copy(file, Path.Combine(target, "src", "NeuralNetworks", relative));
        }
        return target;

        static void Copy(string from, string to)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to);
        }
    }
}

/// <summary>
/// <c>notebooks doctor</c> run by a teacher with a command line installed outside the repository, in a folder that is
/// not in the course: it names the folder the teacher is in and what to do, not the folder the tool was installed in
/// (found 2026-12-05: "✗ /tools/nn/ is not in the course"). A copy of the command line stands in; no kernel starts.
/// </summary>
public sealed class DoctorElsewhereTests : IDisposable
{
    private readonly string work = NotebookCli.NewTempDirectory();

    public void Dispose() => Directory.Delete(work, recursive: true);

    [Theory]
    [InlineData(null, "HOME is not set")]
    [InlineData("/nonexistent/home-of-nobody", "HOME is /nonexistent/home-of-nobody, a folder that does not exist")]
    [Trait("Category", Category.Notebooks)]   // the doctor would start a kernel if the home check let it through
    public void Without_a_home_folder_the_doctor_says_so_alone_instead_of_failing_every_line_after_it(string? home, string problem)
    {
        // A hostile user's audit: with HOME unset the doctor said the kernel tool was not restored and the kernel died in
        // Telemetry.Paths, and offered fixes that cannot work.
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Windows names the home folder USERPROFILE, which this test does not unset");
        var run = NotebookCli.Run(TimeSpan.FromMinutes(2), new Dictionary<string, string?> { ["HOME"] = home }, "notebooks", "doctor", "--folder", NotebookFiles.Root);

        Assert.True(run.ExitCode == 1, run.ToString());
        var lines = run.StdOut.Split('\n').Where(l => l.StartsWith('✗') || l.StartsWith('✓') || l.StartsWith('–')).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith($"✗ {problem}", lines[0]);
        Assert.Contains("fix: export HOME=", run.StdOut);
        Assert.StartsWith("– the .NET SDK, the kernel tool", lines[1]);
        Assert.Contains("1 of 1 checks failed", run.StdOut);
    }

    [Fact]
    public void Outside_the_course_an_installed_doctor_names_the_current_folder_and_how_to_name_the_course()
    {
        var tool = Path.Combine(work, "tools", "nn");
        var here = Directory.CreateDirectory(Path.Combine(work, "teacher")).FullName;

        var run = NotebookCli.RunCopy(tool, here, TimeSpan.FromMinutes(2), "notebooks", "doctor");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: {here} is not in the course: run the doctor in the repository (the folder holding NeuralNetworks.slnx) "
                     + "or in a handout's folder (it holds install-package.proj), or name one with --folder PATH (see --help)", run.StdErr.Trim());
        Assert.DoesNotContain(tool, run.StdOut + run.StdErr);
    }
}
