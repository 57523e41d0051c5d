namespace NeuralNetworks.Training;

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1…Epochs.</param>
/// <param name="TrainingCost">The mean of the mini-batch costs during the epoch (each measured just before its step).</param>
/// <param name="TestCost">The cost on the test data after the epoch, when test data was given.</param>
/// <param name="TestAccuracy">The fraction of test examples classified right after the epoch (0…1).</param>
/// <param name="Seconds">Wall-clock seconds the epoch's training steps took (not the test evaluation).</param>
/// <param name="ValidationCost">The cost on the validation data after the epoch, when validation data was given.</param>
/// <param name="ValidationAccuracy">The fraction of validation examples classified right after the epoch (0…1).</param>
public sealed record EpochRecord(int Epoch, double TrainingCost, double? TestCost, double? TestAccuracy, double Seconds,
    double? ValidationCost = null, double? ValidationAccuracy = null);
