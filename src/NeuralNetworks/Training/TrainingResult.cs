using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>A trained network and how it got there.</summary>
/// <param name="Network">The network after the last epoch; with early stopping, the one after <see cref="TrainingHistory.BestValidationEpoch"/>.</param>
/// <param name="History">Per-epoch (and optionally per-step) record.</param>
public sealed record TrainingResult(Network Network, TrainingHistory History)
{
    /// <summary>
    /// The record of the epoch whose network <see cref="Network"/> is: the last epoch, or with early stopping the best
    /// one on the validation data. Quote its accuracies for this network, not <see cref="TrainingHistory.Final"/>'s,
    /// which describe the network of the last epoch trained.
    /// </summary>
    public EpochRecord Kept => History.Options.EarlyStoppingPatience > 0 && History.BestValidationEpoch is { } best ? best : History.Final;
}
