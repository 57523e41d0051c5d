namespace NeuralNetworks.Cli;

/// <summary>An option value that parsed but makes no sense (e.g. a layer of size 0): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
