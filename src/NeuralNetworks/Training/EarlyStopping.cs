using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// Early stopping on the validation set: after each epoch, remember the network with the highest validation
/// accuracy so far; stop once it has not improved for <see cref="Patience"/> epochs in a row, and keep the best
/// network rather than the last. The test set plays no part, so it can still report the result honestly.
/// </summary>
/// <param name="Patience">N: how many epochs without a new best validation accuracy to wait before stopping (at least 1).</param>
public sealed class EarlyStopping(int Patience)
{
    /// <summary>N, epochs without improvement before stopping.</summary>
    public int Patience { get; } = Patience >= 1 ? Patience
        : throw new ArgumentException($"Early stopping waits 1 or more epochs without improvement, not {Patience}.", nameof(Patience));

    /// <summary>The best validation accuracy seen so far (−∞ before the first epoch).</summary>
    public double BestAccuracy { get; private set; } = double.NegativeInfinity;

    /// <summary>The epoch that reached <see cref="BestAccuracy"/> (0 before the first epoch).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The network after <see cref="BestEpoch"/>.</summary>
    public Network? BestNetwork { get; private set; }

    /// <summary>
    /// Records epoch <paramref name="epoch"/>'s validation accuracy; keeps the network (asked for only then) when it is
    /// a new best (strictly higher: the first of equals wins). True when training should stop:
    /// <paramref name="epoch"/> − <see cref="BestEpoch"/> ≥ N.
    /// </summary>
    public bool ShouldStop(int epoch, double validationAccuracy, Func<Network> network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (validationAccuracy > BestAccuracy)
        {
            BestAccuracy = validationAccuracy;
            BestEpoch = epoch;
            BestNetwork = network();
        }
        return epoch - BestEpoch >= Patience;
    }
}
