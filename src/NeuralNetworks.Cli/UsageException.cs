namespace NeuralNetworks.Cli;

/// <summary>An option value that parsed but makes no sense (e.g. a layer of size 0): exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A file given as a notebook that is not one (bad data, exit code 1): said as "could not read the notebook", not as the
/// training data's "could not read the data".</summary>
public sealed class NotANotebookException(string message, Exception inner) : Exception(message, inner);
