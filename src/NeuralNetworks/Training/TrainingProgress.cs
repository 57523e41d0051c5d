namespace NeuralNetworks.Training;

/// <summary>Where training is: sent through <see cref="TrainingOptions.Progress"/>.</summary>
/// <param name="Epoch">1…Epochs.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in one epoch: ⌈n / m⌉.</param>
/// <param name="Cost">Mean cost of the steps so far in this epoch.</param>
/// <param name="Completed">The epoch's record when the epoch has just ended, else null.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double Cost, EpochRecord? Completed);
