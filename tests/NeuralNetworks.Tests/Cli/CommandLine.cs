using System.CommandLine;

namespace NeuralNetworks.Tests.Cli;

/// <summary>Runs a command line through the program's parser and error boundary (as Program.cs does), capturing what it
/// writes to the console. Callers share <see cref="ConsoleCollection"/>, so no other test writes to the console meanwhile.</summary>
internal static class CommandLine
{
    public static (int ExitCode, string Output, string Error) Run(RootCommand root, string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (oldOut, oldError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exitCode = NeuralNetworks.Cli.Cli.Run(root, args);
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
