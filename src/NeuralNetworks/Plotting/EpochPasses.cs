using NeuralNetworks.Data;
using NeuralNetworks.Model;
using NeuralNetworks.Training;

namespace NeuralNetworks.Plotting;

/// <summary>
/// A look inside a network at one moment of its training: the forward and backward pass of the network as it was after
/// <paramref name="Epoch"/> (0: before training) on the same examples, computed by the readable path from the run's
/// snapshots. What <see cref="Charts.InsideTraining"/> draws, and the numbers behind it.
/// </summary>
/// <param name="Epoch">0 for the starting network, then the epoch after which the snapshot was taken.</param>
/// <param name="Forward">zˡ and aˡ of every layer, one column per example.</param>
/// <param name="Backward">δˡ = ∂C/∂zˡ of every layer, one column per example, and the gradients.</param>
public sealed record EpochPasses(int Epoch, ForwardPass Forward, BackwardPass Backward)
{
    /// <summary>σ′(z) below this counts as saturated: |z| above about 4.6 for the sigmoid, where σ passes on less than 1/25 of
    /// the ¼ it passes at z = 0.</summary>
    public const double SaturatedSlope = 0.01;

    /// <summary>
    /// The passes of the network of <paramref name="history"/> (its <see cref="TrainingHistory.Snapshots"/>, so train with
    /// <see cref="TrainingOptions.RecordSnapshots"/>) after each of <paramref name="epochs"/>, on <paramref name="examples"/>.
    /// </summary>
    /// <param name="start">The network training started from (its activations and cost are the run's).</param>
    /// <param name="history">The run, with snapshots.</param>
    /// <param name="examples">The examples to look at (e.g. 1,000 validation digits).</param>
    /// <param name="epochs">Which epochs, e.g. 0, 1, 5, 30.</param>
    /// <exception cref="ArgumentException">The run has no snapshots, or none for an epoch asked for.</exception>
    public static IReadOnlyList<EpochPasses> Of(Network start, TrainingHistory history, DataSet examples, params int[] epochs)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(epochs);
        var snapshots = history.Snapshots ?? throw new ArgumentException("The run kept no snapshots: train with RecordSnapshots = true.", nameof(history));
        var X = examples.Images(0, examples.Count);
        var Y = examples.Targets(0, examples.Count);
        return epochs.Select(epoch =>
        {
            var snapshot = snapshots.FirstOrDefault(s => s.Epoch == epoch)
                ?? throw new ArgumentException($"The run has snapshots of epochs {string.Join(", ", snapshots.Select(s => s.Epoch))}, not {epoch}.", nameof(epochs));
            var network = start.WithParameters(snapshot.Weights, snapshot.Biases);
            var forward = network.Forward(X);
            return new EpochPasses(epoch, forward, network.Backward(forward, Y));
        }).ToArray();
    }

    /// <summary>The share of layer l's weighted sums (over its neurons and the examples) whose slope σ′(zˡ) is below
    /// <see cref="SaturatedSlope"/>: saturated neurons, which pass back almost none of their error (BP2).</summary>
    public double SaturatedShare(int l)
    {
        var layer = Forward[l];
        return layer.Activation.Derivative(layer.Z).Enumerate().Count(s => s < SaturatedSlope) / (double)(layer.Z.RowCount * layer.Z.ColumnCount);
    }

    /// <summary>The median of |δˡ| over layer l's neurons and the examples: the typical size of the error reaching a neuron.</summary>
    public double MedianError(int l)
    {
        var sizes = Backward[l].Delta.Enumerate().Select(Math.Abs).Order().ToArray();
        return sizes.Length % 2 == 1 ? sizes[sizes.Length / 2] : (sizes[sizes.Length / 2 - 1] + sizes[sizes.Length / 2]) / 2;
    }
}
