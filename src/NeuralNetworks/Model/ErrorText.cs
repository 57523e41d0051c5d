namespace NeuralNetworks.Model;

/// <summary>How this library's errors read when shown to a person (a student's ✗ line, a command line's error).</summary>
public static class ErrorText
{
    /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'x')" .NET appends: x is a parameter
    /// of the library's code, which the reader did not write.</summary>
    public static string WithoutParameterName(ArgumentException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
    }
}
