using System.CommandLine;
using System.Diagnostics;
using NeuralNetworks.Cli;
using NeuralNetworks.Data;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Cli;

/// <summary>
/// The native build of the tool (<c>dotnet publish src/NeuralNetworks.Cli -c Release -p:NativeTool=true</c>,
/// src/NeuralNetworks.Cli/NativeTool.targets): it publishes, trains what the tool on .NET trains bit for bit, says
/// clearly what it leaves out (the notebooks, sweep's chart), and its errors stay one line. Published once, from a copy of
/// the sources (publishing restores and builds for a runtime identifier, which must not touch the tree the other tests use).
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class NativeToolTests : IDisposable
{
    private static readonly Lazy<(string? Program, string Log)> published = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string folder = Directory.CreateTempSubdirectory("native-tool-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The native program, published on first use; the test is skipped (failed under CI=true) without a C toolchain.</summary>
    private static string Program()
    {
        Requires.NativeToolchain();
        var (program, log) = published.Value;
        Assert.True(program is not null, $"dotnet publish -p:NativeTool=true failed:\n{log}");
        return program!;
    }

    private ChildResult Run(params string[] args)
    {
        var start = new ProcessStartInfo(Program()) { WorkingDirectory = folder };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var run = ChildProcess.Run(start, TimeSpan.FromMinutes(3));
        Assert.False(run.TimedOut, $"{string.Join(' ', args)} did not end in 3 minutes");
        Assert.DoesNotContain("   at ", run.Stdout + run.Stderr, StringComparison.Ordinal);   // no stack trace reaches the user
        return run;
    }

    [Fact]
    [Trait("Category", Category.Slow)]
    [Trait("Category", Category.Mnist)]
    public void It_trains_the_same_network_bit_for_bit_as_the_tool_on_dotnet()
    {
        string data = Mnist.FindDataDirectory(), native = Path.Combine(folder, "native.json"), here = Path.Combine(folder, "here.json");
        string[] recipe = ["train", "--recipe", "nielsen", "--epochs", "2", "--data", data];

        var run = Run([.. recipe, "--out", native]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("Engine: fast (float32", run.Stdout, StringComparison.Ordinal);
        var (exit, _, error) = CommandLine.Run(new RootCommand("test") { TrainCommand.Create() }, [.. recipe, "--out", here]);
        Assert.True(exit == 0, error);

        Assert.Equal(File.ReadAllBytes(here), File.ReadAllBytes(native));
    }

    [Fact]
    [Trait("Category", Category.Slow)]
    public void Notebooks_are_refused_with_the_command_that_runs_them()
    {
        foreach (var args in new[] { new[] { "notebooks", "run", "--solutions" }, ["notebooks"], ["notebooks", "grade", "x.ipynb"] })
        {
            var run = Run(args);
            Assert.Equal(NeuralNetworks.Cli.Cli.UsageError, run.ExitCode);
            Assert.Equal($"error: {NativeTool.NoNotebooks} (see --help)", run.Stderr.Trim());
            Assert.Equal("", run.Stdout);
        }
    }

    [Fact]
    [Trait("Category", Category.Slow)]
    [Trait("Category", Category.Mnist)]
    public void Sweep_trains_and_says_it_draws_no_chart_and_refuses_a_chart_path_before_training()
    {
        string data = Mnist.FindDataDirectory(), chart = Path.Combine(folder, "sweep.html");
        string[] sweep = ["sweep", "--layers", "784,8,10;784,4,10", "--epochs", "1", "--data", data];

        var refused = Run([.. sweep, "--chart", chart]);
        Assert.Equal(NeuralNetworks.Cli.Cli.UsageError, refused.ExitCode);
        Assert.Contains(NativeTool.NoCharts, refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Training", refused.Stdout, StringComparison.Ordinal);   // refused before anything trained
        Assert.False(File.Exists(chart));

        var run = Run(sweep);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("784-8-10", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("784-4-10", run.Stdout, StringComparison.Ordinal);
        Assert.Contains($"No chart: {NativeTool.NoCharts}", run.Stdout.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder, "artifacts")));
    }

    [Fact]
    [Trait("Category", Category.Slow)]
    [Trait("Category", Category.Mnist)]
    public void Bench_says_it_measures_the_native_tool()
    {
        var run = Run("bench", "--epochs", "2", "--reference-epochs", "0", "--batch-sizes", "10", "--data", Mnist.FindDataDirectory());
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains("the native tool (compiled ahead of time)", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(".NET (JIT)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", Category.Slow)]
    public void Bad_input_gets_one_line_and_the_usage_exit_code()
    {
        var run = Run("train", "--layers", "784,0,10", "--out", Path.Combine(folder, "n.json"));
        Assert.Equal(NeuralNetworks.Cli.Cli.UsageError, run.ExitCode);
        Assert.StartsWith("error: --layers '784,0,10': Layer 1 has size 0", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(folder, "n.json")));
    }

    [Fact]
    public void The_tool_on_dotnet_says_so() => Assert.Equal("the tool on .NET (JIT)", NativeTool.Build);

    /// <summary>Copies what the tool builds from (the library, the tool, the repository's build settings) and publishes it natively.</summary>
    private static (string? Program, string Log) Publish()
    {
        string copy = Directory.CreateTempSubdirectory("native-tool-source-").FullName, output = Path.Combine(copy, "out");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(copy, recursive: true);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
            File.Copy(Path.Combine(NotebookFiles.Root, file), Path.Combine(copy, file));
        foreach (var project in new[] { "NeuralNetworks", "NeuralNetworks.Cli" })
            CopyWithoutBuilds(Path.Combine(NotebookFiles.Root, "src", project), Path.Combine(copy, "src", project));

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = copy };
        foreach (var arg in new[] { "publish", Path.Combine("src", "NeuralNetworks.Cli"), "-c", "Release", "-p:NativeTool=true", "-o", output,
                                     "-p:GeneratePackageOnBuild=false", "-p:PutPackageInNuGetCache=false" })   // no package from the copy
            start.ArgumentList.Add(arg);
        var run = ChildProcess.Run(start, TimeSpan.FromMinutes(15));
        string program = Path.Combine(output, "NeuralNetworks.Cli");
        string log = $"exit {run.ExitCode}{(run.TimedOut ? " (stopped after 15 minutes)" : "")}\n{Tail(run.Stdout)}\n{Tail(run.Stderr)}";
        return (run.ExitCode == 0 && File.Exists(program) ? program : null, log);
    }

    private static void CopyWithoutBuilds(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj")))
            CopyWithoutBuilds(dir, Path.Combine(to, Path.GetFileName(dir)));
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : "…" + text[^4000..];
}
