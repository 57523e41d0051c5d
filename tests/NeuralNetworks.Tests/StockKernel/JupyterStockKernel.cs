using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.StockKernel;

/// <summary>
/// Runs notebooks the way a student's machine does: Jupyter (Debian's jupyter-nbconvert) driving the stock
/// .NET Interactive kernel pinned in .config/dotnet-tools.json. It restores that tool and installs its Jupyter
/// kernel spec itself (idempotent), so a machine needs only jupyter-nbconvert and the .NET SDK.
/// </summary>
internal static class JupyterStockKernel
{
    /// <summary>The Jupyter kernel name that `dotnet-interactive jupyter install` gives the C# kernel.</summary>
    public const string KernelName = ".net-csharp";

    private static readonly Lazy<string?> Unavailable = new(Prepare);

    /// <summary>
    /// Makes sure notebooks can run here through Jupyter and the stock kernel; otherwise the test is reported as skipped
    /// with the reason (or fails under CI=true). The test must carry <see cref="Category.Notebooks"/>.
    /// </summary>
    public static void Require()
    {
        Requires.Trait(Category.Notebooks, "starts the stock kernel");
        if (Unavailable.Value is { } reason) Requires.Missing(reason);
    }

    /// <summary>
    /// Executes <paramref name="notebook"/> (its folder is the kernel's working directory) and writes the executed
    /// copy into <paramref name="outputFolder"/>; never next to the notebook. <paramref name="environment"/> sets
    /// variables for Jupyter and the kernel (e.g. <see cref="IsolatedEnvironment"/>).
    /// </summary>
    /// <param name="notebook">The notebook to execute.</param>
    /// <param name="outputFolder">Where the executed copy goes.</param>
    /// <param name="output">The test's output, for the line saying how the run went.</param>
    /// <param name="environment">Variables for Jupyter and the kernel.</param>
    /// <param name="allowErrors">Run on after a cell that fails and write the executed copy anyway (nbconvert's
    /// <c>--allow-errors</c>), to read what a failing cell shows.</param>
    public static Execution Run(string notebook, string outputFolder, ITestOutputHelper output, IReadOnlyDictionary<string, string>? environment = null,
        bool allowErrors = false)
    {
        var name = Path.GetFileNameWithoutExtension(notebook) + ".executed.ipynb";
        var clock = Stopwatch.StartNew();
        string[] arguments = ["nbconvert", "--to", "notebook", "--execute", $"--ExecutePreprocessor.kernel_name={KernelName}",
            "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.startup_timeout=180",
            "--output-dir", outputFolder, "--output", name, .. allowErrors ? (string[])["--allow-errors"] : [], notebook];
        var (exitCode, stdout, stderr) = Exec(Path.GetDirectoryName(notebook)!, TimeSpan.FromMinutes(15), environment, "jupyter", arguments);
        output.WriteLine($"jupyter nbconvert --execute {Path.GetFileName(notebook)}: exit {exitCode} after {clock.Elapsed.TotalSeconds:0} s");
        var executed = Path.Combine(outputFolder, name);
        return new Execution(exitCode, stdout + stderr, File.Exists(executed) ? JsonNode.Parse(File.ReadAllText(executed))!.AsObject() : null);
    }

    /// <summary>Restores the kernel tool and installs its kernel spec; returns why notebooks cannot run, or null.</summary>
    private static string? Prepare()
    {
        var root = NotebookFiles.Root;
        try
        {
            if (Exec(root, TimeSpan.FromMinutes(1), null, "jupyter", "nbconvert", "--version").ExitCode != 0)
                return "jupyter nbconvert is not installed (Debian: apt-get install --no-install-recommends jupyter-nbconvert python3-ipykernel)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "jupyter is not on PATH (Debian: apt-get install --no-install-recommends jupyter-nbconvert python3-ipykernel)";
        }
        var restore = Exec(root, TimeSpan.FromMinutes(5), null, "dotnet", "tool", "restore");
        if (restore.ExitCode != 0) return $"dotnet tool restore failed: {restore.Stdout}{restore.Stderr}";

        var dataDir = Exec(root, TimeSpan.FromMinutes(1), null, "jupyter", "--data-dir").Stdout.Trim();
        var kernelJson = Path.Combine(dataDir, "kernels", KernelName, "kernel.json");
        if (!File.Exists(kernelJson))
        {
            Directory.CreateDirectory(Path.Combine(dataDir, "kernels")); // `jupyter install` needs the folder to exist
            var install = Exec(root, TimeSpan.FromMinutes(2), null, "dotnet", "tool", "run", "dotnet-interactive", "--", "jupyter", "install");
            if (install.ExitCode != 0 || !File.Exists(kernelJson))
                return $"dotnet-interactive jupyter install did not create {kernelJson}: {install.Stdout}{install.Stderr}";
        }
        ListenOnLocalhostOnly(kernelJson);
        return null;
    }

    /// <summary>Adds --http-local-only to the kernel's arguments; without it its HTTP API listens on every interface.</summary>
    private static void ListenOnLocalhostOnly(string kernelJson)
    {
        var spec = JsonNode.Parse(File.ReadAllText(kernelJson))!.AsObject();
        var argv = spec["argv"]!.AsArray();
        if (argv.Any(a => a!.GetValue<string>() == "--http-local-only")) return;
        var connectionFile = argv.Select(a => a!.GetValue<string>()).ToList().IndexOf("{connection_file}");
        argv.Insert(connectionFile < 0 ? argv.Count : connectionFile + 1, "--http-local-only");
        File.WriteAllText(kernelJson, spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// A student's machine in <paramref name="folder"/>: a fresh HOME, an empty NuGet package folder, and Jupyter
    /// finding the stock kernel through a kernel spec that starts the pinned tool by its path (outside the
    /// repository there is no tool manifest, as on a student's machine with the kernel installed globally).
    /// Call <see cref="Require"/> first: it restores the tool and installs the repository's kernel spec.
    /// </summary>
    public static Dictionary<string, string> IsolatedEnvironment(string folder)
    {
        WriteToolKernelSpec(Path.Combine(folder, "jupyter"));
        return new Dictionary<string, string>
        {
            ["HOME"] = Directory.CreateDirectory(Path.Combine(folder, "home")).FullName,
            ["NUGET_PACKAGES"] = Directory.CreateDirectory(Path.Combine(folder, "nuget-packages")).FullName,
            ["JUPYTER_PATH"] = Path.Combine(folder, "jupyter"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
    }

    /// <summary>
    /// This machine's HOME and NuGet package folder, with Jupyter's data folder in <paramref name="folder"/> holding
    /// a kernel spec that starts the pinned tool by its path: notebooks outside the repository (no tool manifest)
    /// run in the stock kernel, with the course package the build put into the NuGet package folder.
    /// </summary>
    public static Dictionary<string, string> OutsideTheRepository(string folder)
    {
        WriteToolKernelSpec(Path.Combine(folder, "jupyter"));
        return new Dictionary<string, string> { ["JUPYTER_DATA_DIR"] = Path.Combine(folder, "jupyter") };
    }

    private static void WriteToolKernelSpec(string jupyterFolder)
    {
        // `dotnet tool restore` leaves the tool in the global packages folder, or where its tool resolver cache says a
        // copy already is (the user's ~/.nuget/packages, even when NUGET_PACKAGES now points elsewhere).
        string[] candidates = [.. new[] { NuGetPackageRoot(), Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages") }
            .Distinct().Select(root => Path.Combine(root, "microsoft.dotnet-interactive", "1.0.712001", "tools", "net10.0", "any", "Microsoft.DotNet.Interactive.App.dll"))];
        if (!candidates.Any(File.Exists)) Exec(NotebookFiles.Root, TimeSpan.FromMinutes(5), null, "dotnet", "tool", "restore");
        var tool = candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"dotnet tool restore did not leave the stock kernel at {string.Join(" or ", candidates)}");
        var kernels = Directory.CreateDirectory(Path.Combine(jupyterFolder, "kernels", KernelName)).FullName;
        var spec = new JsonObject
        {
            ["argv"] = new JsonArray("dotnet", tool, "jupyter", "--default-kernel", "csharp", "{connection_file}", "--http-local-only"),
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
        };
        File.WriteAllText(Path.Combine(kernels, "kernel.json"), spec.ToJsonString());
    }

    /// <summary>This process's NuGet global packages folder.</summary>
    public static string NuGetPackageRoot() => Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
        ? packages
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Runs a program and collects what it printed; environment values override this process's.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Exec(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory };
        // `dotnet test` leaves MSBuild settings in the environment that would steer the notebook's own `dotnet build`.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(key);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var run = ChildProcess.Run(start, timeout);
        return (run.ExitCode, run.Stdout, run.TimedOut ? $"{run.Stderr}\n{file} timed out after {timeout}" : run.Stderr);
    }
}

/// <summary>The result of executing a notebook with Jupyter.</summary>
/// <param name="ExitCode">jupyter nbconvert's exit code: 0 when every cell ran without an error.</param>
/// <param name="Log">What nbconvert printed (with the failing cell's error, if any).</param>
/// <param name="Notebook">The executed notebook, when nbconvert wrote one.</param>
internal sealed record Execution(int ExitCode, string Log, JsonObject? Notebook)
{
    /// <summary>Every output of every code cell, with the source of its cell.</summary>
    public IEnumerable<(string Source, JsonObject Output)> Outputs =>
        from cell in Notebook?["cells"]?.AsArray() ?? []
        where (string?)cell!["cell_type"] == "code"
        from output in cell["outputs"]!.AsArray()
        select (NotebookFiles.SourceOf(JsonDocument.Parse(cell.ToJsonString()).RootElement), output!.AsObject());

    /// <summary>The text/html of every display or result output.</summary>
    public IEnumerable<(string Source, string Html)> Html =>
        from o in Outputs
        where o.Output["data"]?["text/html"] is not null
        select (o.Source, NotebookFile.MultilineText(o.Output["data"]!["text/html"]!));

    /// <summary>The printed (stdout/stderr) text of every cell.</summary>
    public IEnumerable<(string Source, string Text)> Streams =>
        from o in Outputs
        where (string?)o.Output["output_type"] == "stream"
        select (o.Source, NotebookFile.MultilineText(o.Output["text"]!));

    /// <summary>What a reader sees as text, in order: the printed text and the plain text of every display (a live
    /// progress display is one).</summary>
    public string Printed => string.Concat(Outputs.Select(o => PrintedText(o.Output)));

    /// <summary>An output's printed text, or its plain text when it is a display; else "".</summary>
    public static string PrintedText(JsonObject output) => (string?)output["output_type"] switch
    {
        "stream" => NotebookFile.MultilineText(output["text"]!),
        "display_data" when output["data"]?["text/plain"] is { } plain => NotebookFile.MultilineText(plain) + "\n",
        _ => "",
    };

    /// <summary>Every error output, as "ename: evalue".</summary>
    public IEnumerable<string> Errors =>
        from o in Outputs
        where (string?)o.Output["output_type"] == "error"
        select $"{o.Output["ename"]}: {o.Output["evalue"]}";
}
