namespace NeuralNetworks.Cli;

/// <summary>A file given as a notebook that is not one (bad data, exit code 1): said as "could not read the notebook", not as the
/// training data's "could not read the data".</summary>
public sealed class NotANotebookException(string message, Exception inner) : Exception(message, inner);

/// <summary>A notebook written for another language's kernel (Python, say), which the notebook commands do not run; its
/// message says which (exit 1, as for a file that is not a notebook).</summary>
public sealed class ForeignNotebookException(string message) : Exception(message);
