namespace NeuralNetworks;

/// <summary>How to train: stochastic gradient descent on shuffled mini-batches.</summary>
public sealed record TrainingOptions
{
    /// <summary>η, how far each step moves against the gradient (Nielsen: 3.0 for the quadratic cost).</summary>
    public double LearningRate { get; init; } = 3.0;

    /// <summary>After each epoch η is multiplied by this factor (1: constant η). With 0.95, epoch e uses
    /// η · 0.95^(e−1): big steps while far from a minimum, small ones to settle into it.</summary>
    public double LearningRateDecay { get; init; } = 1.0;

    /// <summary>The learning rate used in epoch e (1-based): η · decay^(e−1).</summary>
    public double LearningRateAt(int epoch) => LearningRate * Math.Pow(LearningRateDecay, epoch - 1);

    /// <summary>Passes over the whole training set.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>m, examples per step; the gradient of a step is the mean over its mini-batch.</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>Seeds the shuffle of every epoch: the same seed and network give the same history, bit for bit.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Examples held out to measure test cost and accuracy after every epoch (optional).</summary>
    public DataSet? TestData { get; init; }

    /// <summary>Examples held out to choose models and recipes on (optional): cost and accuracy after every epoch go
    /// into <see cref="EpochRecord.ValidationCost"/> and <see cref="EpochRecord.ValidationAccuracy"/>. See
    /// <see cref="DataSet.Split"/>.</summary>
    public DataSet? ValidationData { get; init; }

    /// <summary>Keep the cost of every step in <see cref="TrainingHistory.StepCosts"/>.</summary>
    public bool RecordStepCosts { get; init; }

    /// <summary>Keep a copy of every W and b after each epoch in <see cref="TrainingHistory.Snapshots"/> (for animations).</summary>
    public bool RecordSnapshots { get; init; }

    /// <summary>Told after every epoch (and every <see cref="ProgressEverySteps"/> steps when that is positive).</summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Also report progress every this many steps within an epoch (0: only at the end of an epoch).</summary>
    public int ProgressEverySteps { get; init; }

    /// <summary>Which code does the arithmetic: see <see cref="TrainingEngine"/>.</summary>
    public TrainingEngine Engine { get; init; } = TrainingEngine.Auto;

    /// <summary>Stops training between steps; the exception is <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>A label for charts comparing histories, e.g. "784-16-16-10, η = 3".</summary>
    public string? Label { get; init; }

    internal void Validate(Network network, DataSet training)
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"The learning rate must be a positive number, not {LearningRate}.", nameof(LearningRate));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
            throw new ArgumentException($"The learning rate decay must be in (0, 1], not {LearningRateDecay}.", nameof(LearningRateDecay));
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, not {Epochs}.", nameof(Epochs));
        if (BatchSize < 1) throw new ArgumentException($"The batch size must be at least 1, not {BatchSize}.", nameof(BatchSize));
        if (ProgressEverySteps < 0) throw new ArgumentException($"ProgressEverySteps must be 0 or more, not {ProgressEverySteps}.", nameof(ProgressEverySteps));
        training.CheckFits(network);
        TestData?.CheckFits(network);
        ValidationData?.CheckFits(network);
    }
}
