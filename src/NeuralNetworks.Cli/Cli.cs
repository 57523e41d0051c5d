using System.CommandLine;

namespace NeuralNetworks.Cli;

/// <summary>Shared plumbing for the commands: bad options get one clear line and exit code 2.</summary>
public static class Cli
{
    /// <summary>Exit code for a command line that could not be understood.</summary>
    public const int UsageError = 2;

    /// <summary>Parses and runs <paramref name="args"/>; a parse error prints one line to stderr and returns 2.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"error: {result.Errors[0].Message} (see --help)");
            return UsageError;
        }
        try
        {
            // Our own handler below turns a UsageException into one line and exit 2; the default one would print a stack trace.
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
    }
}

/// <summary>An option value that parsed but makes no sense (e.g. a layer of size 0): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
