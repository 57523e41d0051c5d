namespace NeuralNetworks.Cli;

/// <summary>A file given as a notebook that is not one (bad data, exit code 1): said as "could not read the notebook", not as the
/// training data's "could not read the data".</summary>
public sealed class NotANotebookException(string message, Exception inner) : Exception(message, inner);
