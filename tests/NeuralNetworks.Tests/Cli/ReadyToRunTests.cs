using System.CommandLine;
using System.Diagnostics;
using System.Reflection.PortableExecutable;
using NeuralNetworks.Cli;
using NeuralNetworks.Data;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests.Cli;

/// <summary>
/// Release builds of the command line carry native code for the assemblies it starts with (ReadyToRun,
/// src/NeuralNetworks.Cli/ReadyToRun.targets), and the program they make computes what the library computes.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class ReadyToRunTests : IDisposable
{
    private static readonly string[] Precompiled = ["NeuralNetworks.Cli", "NeuralNetworks", "Spectre.Console", "Spectre.Console.Ansi", "System.CommandLine", "MathNet.Numerics"];

    private readonly string folder = Directory.CreateTempSubdirectory("ready-to-run-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The configuration these tests were built in (Release or Debug), from their own output folder.</summary>
    private static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The command line's own output folder in that configuration (where `dotnet run` starts it).</summary>
    private static string CliFolder => Path.Combine(NotebookFiles.Root, "src", "NeuralNetworks.Cli", "bin", Configuration, "net10.0");

    /// <summary>Whether a file holds native code beside its IL: a ReadyToRun image has a managed native header.</summary>
    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { } cor && cor.ManagedNativeHeaderDirectory.Size > 0;
    }

    [Fact]
    public void A_release_build_precompiles_what_the_tool_starts_with_and_nothing_else()
    {
        bool release = Configuration == "Release";
        foreach (var name in Precompiled)
            Assert.True(IsReadyToRun(Path.Combine(CliFolder, name + ".dll")) == release,
                $"{name}.dll in {CliFolder} is {(release ? "not " : "")}precompiled in a {Configuration} build");
        // The notebook host's libraries (Roslyn, Markdig, …) stay as their packages ship them: compiling them would take a minute.
        foreach (var name in new[] { "Markdig", "NeuralNetworks.Notebooks", "Microsoft.CodeAnalysis" })
            Assert.False(IsReadyToRun(Path.Combine(CliFolder, name + ".dll")), $"{name}.dll in {CliFolder} is precompiled");
        // The check itself tells the two kinds apart: the framework's own assemblies are precompiled, the library's IL is not.
        Assert.True(IsReadyToRun(typeof(object).Assembly.Location));
        Assert.False(IsReadyToRun(Path.Combine(NotebookFiles.Root, "src", "NeuralNetworks", "obj", Configuration, "net10.0", "NeuralNetworks.dll")));
    }

    [Fact]
    [Trait("Category", Category.Mnist)]
    public void The_built_tool_trains_the_same_network_bit_for_bit_as_the_library_in_this_process()
    {
        string data = Mnist.FindDataDirectory(), built = Path.Combine(folder, "built.json"), here = Path.Combine(folder, "here.json");
        string[] recipe = ["train", "--recipe", "nielsen", "--epochs", "2", "--data", data];

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder };
        foreach (var arg in new[] { Path.Combine(CliFolder, "NeuralNetworks.Cli.dll") }.Concat(recipe).Append("--out").Append(built))
            start.ArgumentList.Add(arg);
        var run = ChildProcess.Run(start, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        var (exit, _, error) = CommandLine.Run(new RootCommand("test") { TrainCommand.Create() }, [.. recipe, "--out", here]);
        Assert.True(exit == 0, error);

        Assert.Equal(File.ReadAllBytes(here), File.ReadAllBytes(built));
    }
}
