namespace NeuralNetworks.Cli;

/// <summary>A command this tool ran as a child process failed; the tool exits with the child's code and its message.</summary>
/// <param name="exitCode">The child's exit code.</param>
/// <param name="message">What ran and what it said.</param>
public sealed class ChildProcessException(int exitCode, string message) : Exception(message)
{
    /// <summary>The child's exit code, passed on as this tool's.</summary>
    public int ExitCode { get; } = exitCode;
}
