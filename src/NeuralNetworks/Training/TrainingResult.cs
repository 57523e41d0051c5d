namespace NeuralNetworks;

/// <summary>A trained network and how it got there.</summary>
/// <param name="Network">The network after the last epoch.</param>
/// <param name="History">Per-epoch (and optionally per-step) record.</param>
public sealed record TrainingResult(Network Network, TrainingHistory History);
