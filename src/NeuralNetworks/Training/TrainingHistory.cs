namespace NeuralNetworks.Training;

/// <summary>The story of a training run.</summary>
/// <param name="Label">Names the run in charts.</param>
/// <param name="Shape">The layer sizes, e.g. "784-16-16-10".</param>
/// <param name="ParameterCount">Weights plus biases.</param>
/// <param name="Options">How it was trained.</param>
/// <param name="Epochs">One record per epoch.</param>
/// <param name="StepCosts">The cost of every step, when <see cref="TrainingOptions.RecordStepCosts"/> was set.</param>
/// <param name="Snapshots">Parameters before training (epoch 0) and after each epoch, when <see cref="TrainingOptions.RecordSnapshots"/> was set.</param>
/// <param name="Engine">Which implementation did the arithmetic; when <see cref="TrainingEngine.Auto"/> fell back to the reference, also why.</param>
public sealed record TrainingHistory(string Label, string Shape, int ParameterCount, TrainingOptions Options,
    IReadOnlyList<EpochRecord> Epochs, IReadOnlyList<double>? StepCosts, IReadOnlyList<NetworkSnapshot>? Snapshots, EngineUsed Engine)
{
    /// <summary>The last epoch's record. With early stopping, the network training returned is from an earlier epoch:
    /// <see cref="TrainingResult.Kept"/>.</summary>
    public EpochRecord Final => Epochs[^1];

    /// <summary>The last epoch's test accuracy, when test data was given.</summary>
    public double? FinalTestAccuracy => Final.TestAccuracy;

    /// <summary>The last epoch's validation accuracy, when validation data was given.</summary>
    public double? FinalValidationAccuracy => Final.ValidationAccuracy;

    /// <summary>The epoch with the highest validation accuracy (the first of equals), when validation data was given:
    /// where early stopping would have stopped.</summary>
    public EpochRecord? BestValidationEpoch =>
        Epochs.Any(e => e.ValidationAccuracy is not null) ? Epochs.MaxBy(e => e.ValidationAccuracy ?? double.MinValue) : null;

    /// <summary>Training seconds summed over the epochs.</summary>
    public double TotalSeconds => Epochs.Sum(e => e.Seconds);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Label}: {Epochs.Count} epochs, training cost {Epochs[0].TrainingCost:0.####} → {Final.TrainingCost:0.####}" +
        (Final.ValidationAccuracy is double v ? $", validation accuracy {v:P2}" : "") +
        (Final.TestAccuracy is double acc ? $", test accuracy {acc:P2}" : "") + $", {TotalSeconds:0.##} s";
}
