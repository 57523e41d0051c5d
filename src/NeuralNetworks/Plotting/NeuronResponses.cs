using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Plotting;

/// <summary>What a neuron responds to: the examples that light it up most.</summary>
public static class NeuronResponses
{
    /// <summary>
    /// For each neuron j of layer l, the indices of the <paramref name="count"/> examples of <paramref name="data"/> with the
    /// largest activation aˡⱼ, the largest first (ties: the smaller index first).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="data">The examples, run forward 1,000 at a time.</param>
    /// <param name="layer">l = 1…L.</param>
    /// <param name="count">How many examples per neuron.</param>
    /// <returns>One array per neuron of layer l.</returns>
    public static IReadOnlyList<int[]> Strongest(Network network, DataSet data, int layer, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (count < 1 || count > data.Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"Choose 1…{data.Count} examples per neuron.");
        int neurons = network.W(layer).RowCount;
        var activations = new double[neurons][];
        for (int j = 0; j < neurons; j++) activations[j] = new double[data.Count];
        const int chunk = 1000;   // one 784 × 10,000 matrix of doubles would be 63 MB
        for (int start = 0; start < data.Count; start += chunk)
        {
            int n = Math.Min(chunk, data.Count - start);
            var a = network.Forward(data.Images(start, n))[layer].A;
            for (int j = 0; j < neurons; j++)
                for (int x = 0; x < n; x++) activations[j][start + x] = a[j, x];
        }
        return activations.Select(values => Enumerable.Range(0, data.Count)
            .OrderByDescending(i => values[i]).ThenBy(i => i).Take(count).ToArray()).ToArray();
    }
}
