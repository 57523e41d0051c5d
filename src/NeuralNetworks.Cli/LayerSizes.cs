using NeuralNetworks.Model;

namespace NeuralNetworks.Cli;

/// <summary>Layer sizes read from the command line for every command: whole numbers as <see cref="Numbers"/> reads them,
/// the library's rule for a network's sizes (<see cref="Network.CheckSizes"/>), and a network small enough to build here
/// (in checked arithmetic, against a stated cap).</summary>
public static class LayerSizes
{
    /// <summary>The most weights and biases a network from the command line may have: 100 million, 800 MB as
    /// doubles before training adds its gradients and copies.</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>"784,16,16,10" → [784, 16, 16, 10], or a <see cref="UsageException"/> naming <paramref name="option"/> and the problem.</summary>
    public static int[] Parse(string? text, string option = "--layers")
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!Numbers.TryParseInt(parts[i], out sizes[i], out var problem))
                throw new UsageException($"{option} '{text}': layer {i}: {problem}; give layer sizes separated by commas, e.g. 784,16,16,10.");
        }
        try
        {
            Network.CheckSizes(sizes);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{option} '{text}': {ErrorText.WithoutParameterName(e)}");
        }
        long parameters = ParameterCount(sizes);
        if (parameters > MaxParameters)
            throw new UsageException($"{option} '{text}' needs {parameters:N0} weights and biases ({parameters * 8.0 / 1e9:N1} GB as doubles, before training's copies); " +
                                     $"this tool builds at most {MaxParameters:N0}.");
        return sizes;
    }

    /// <summary>Σ (n_{l−1} + 1)·n_l weights and biases, in 128-bit arithmetic (it cannot overflow for int sizes); capped at long.MaxValue.</summary>
    public static long ParameterCount(IReadOnlyList<int> sizes)
    {
        Int128 total = 0;
        for (int l = 1; l < sizes.Count; l++) total += ((Int128)sizes[l - 1] + 1) * sizes[l];
        return total > long.MaxValue ? long.MaxValue : (long)total;
    }
}
