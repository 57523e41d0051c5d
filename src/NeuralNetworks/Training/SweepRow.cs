namespace NeuralNetworks.Training;

/// <summary>One configuration of a <see cref="Sweep"/> and how it did.</summary>
/// <param name="Layers">n⁰, n¹, …, nᴸ.</param>
/// <param name="Parameters">Weights plus biases.</param>
/// <param name="TestAccuracy">Fraction of the test data classified right after the last epoch.</param>
/// <param name="Seconds">Wall-clock seconds of the whole run (training and the evaluation after each epoch).</param>
/// <param name="History">The run's history, labelled with the layer sizes, e.g. for a comparison chart; null when it diverged.</param>
/// <param name="Diverged">Why the run stopped, when its cost blew up (<see cref="TrainingDivergedException"/>): the other
/// configurations still train, and this row's accuracy is NaN.</param>
public sealed record SweepRow(IReadOnlyList<int> Layers, int Parameters, double TestAccuracy, double Seconds, TrainingHistory? History,
    TrainingDivergedException? Diverged = null)
{
    /// <summary>"784-16-16-10".</summary>
    public string Shape => string.Join("-", Layers);
}
