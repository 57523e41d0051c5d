#if NATIVE_TOOL
using System.CommandLine;
#endif
using System.Runtime.CompilerServices;

namespace NeuralNetworks.Cli;

/// <summary>
/// Which build of the tool is running: on .NET (its JIT compiles what was not precompiled) or the native program of
/// <c>dotnet publish -p:NativeTool=true</c> (NativeTool.targets), which has no notebook runner.
/// </summary>
public static class NativeTool
{
    /// <summary>How this process runs the tool's code, as <c>bench</c> prints it beside its figures.</summary>
    public static string Build => RuntimeFeature.IsDynamicCodeSupported
        ? "the tool on .NET (JIT)"
        : "the native tool (compiled ahead of time)";

    /// <summary>What the native build says for <c>notebooks</c>, whatever follows it.</summary>
    public const string NoNotebooks =
        "this is the native build of the tool (train, bench, sweep), which cannot run notebooks: their cells are C# compiled " +
        "while they run, which needs .NET's JIT. Run them with the tool on .NET: dotnet run --project src/NeuralNetworks.Cli -c Release -- notebooks run";

    /// <summary>Why the native build's <c>sweep</c> writes no chart.</summary>
    public const string NoCharts =
        "the native build of the tool draws no charts (Plotly.NET, which draws them, fails in a program compiled ahead of time); " +
        "run sweep with the tool on .NET for the chart: dotnet run --project src/NeuralNetworks.Cli -c Release -- sweep ...";

#if NATIVE_TOOL
    /// <summary>The <c>notebooks</c> command of the native build: it only says where the notebooks run.</summary>
    public static Command NotebooksCommand()
    {
        var command = new Command("notebooks", "Not in the native build: run the notebooks with the tool on .NET.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(new Func<ParseResult, int>(_ => throw new UsageException(NoNotebooks)));
        return command;
    }
#endif
}
