using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>How to train: stochastic gradient descent on shuffled mini-batches.</summary>
public sealed record TrainingOptions
{
    /// <summary>η, how far each step moves against the gradient (Nielsen: 3.0 for the quadratic cost).</summary>
    public double LearningRate { get; init; } = 3.0;

    /// <summary>How η changes over the epochs: epoch e uses η · f(e), e.g. <see cref="LearningRateSchedule.Exponential"/>
    /// f(e) = decay^(e−1), <see cref="LearningRateSchedule.Cosine"/> f(e) = ½(1 + cos(π(e − 1)/E)) or
    /// <see cref="LearningRateSchedule.Step"/> f(e) = factor^⌊(e − 1)/every⌋ (default <see cref="LearningRateSchedule.Constant"/>, f = 1).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>The learning rate used in epoch e (1-based): η · f(e), f being <see cref="Schedule"/>.</summary>
    public double LearningRateAt(int epoch) => LearningRate * Schedule.Factor(epoch, Epochs);

    /// <summary>μ ∈ [0, 1), momentum: each step moves by the velocity v ← μv + ∂C/∂W, W ← W − ηv, so steps keep going
    /// where gradients agree and cancel where they zigzag (0: plain SGD). See <see cref="UpdateRule"/>.</summary>
    public double Momentum { get; init; }

    /// <summary>With <see cref="Momentum"/>: Nesterov's form, W ← W − η(g + μv), which looks ahead along the velocity.</summary>
    public bool Nesterov { get; init; }

    /// <summary>λ ≥ 0, L2 weight decay: training minimises C + (λ/2) Σ w² over the weights (not the biases), so each step
    /// uses ∂C/∂W + λW and shrinks every weight a little towards 0 (0: none).</summary>
    public double WeightDecay { get; init; }

    /// <summary>μ, Nesterov and λ as the one value both training paths take.</summary>
    /// <exception cref="ArgumentException">One of them is out of range (the parameter name is the property's).</exception>
    public UpdateRule ToUpdateRule() => new(Momentum, Nesterov, WeightDecay);

    /// <summary>N, early stopping (needs <see cref="ValidationData"/>): stop once the validation accuracy has not improved for
    /// N epochs, and return the network of the best epoch rather than the last (0: train every epoch, return the last).</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>s, data augmentation: every training image, every time it is used, is first moved by (dx, dy) pixels with
    /// dx, dy drawn uniformly from {−s, …, s} (empty pixels are black; see <see cref="Augmentation"/>). 0: images as they are.</summary>
    public int MaxShift { get; init; }

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

    /// <summary>
    /// Checks every option on its own, the one place these rules live: η a positive number, at least one epoch and
    /// one example per batch, a schedule, μ, Nesterov and λ as <see cref="UpdateRule"/> takes them, and no negative
    /// patience, shift or progress interval. Training calls it (with <see cref="Validate(Network, DataSet)"/>) before
    /// its first step; call it to check options before loading any data.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range: <see cref="ArgumentException.ParamName"/> is the
    /// property's name (e.g. "LearningRate"), the message says what it must be.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"The learning rate must be a positive, finite number, not {LearningRate}.", nameof(LearningRate));
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, not {Epochs}.", nameof(Epochs));
        if (BatchSize < 1) throw new ArgumentException($"The batch size must be at least 1, not {BatchSize}.", nameof(BatchSize));
        if (ProgressEverySteps < 0) throw new ArgumentException($"ProgressEverySteps must be 0 or more, not {ProgressEverySteps}.", nameof(ProgressEverySteps));
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        _ = ToUpdateRule();
        if (EarlyStoppingPatience < 0) throw new ArgumentException($"Early stopping patience must be 0 (off) or more, not {EarlyStoppingPatience}.", nameof(EarlyStoppingPatience));
        if (EarlyStoppingPatience > 0 && ValidationData is null)
            throw new ArgumentException("Early stopping needs validation data: set ValidationData (see DataSet.Split).", nameof(EarlyStoppingPatience));
        if (MaxShift < 0) throw new ArgumentException($"The largest shift must be 0 (off) or more pixels, not {MaxShift}.", nameof(MaxShift));
    }

    /// <summary>
    /// <see cref="Validate()"/>, then what depends on the network and the data: the training, test and validation data
    /// fit the network (<see cref="DataSet.CheckFits"/>), and a shift leaves something of the training images.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range (see <see cref="Validate()"/>), or a data set does
    /// not fit the network (<see cref="ArgumentException.ParamName"/> "network").</exception>
    public void Validate(Network network, DataSet training)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        Validate();
        if (MaxShift > 0 && (MaxShift >= training.ImageRows || MaxShift >= training.ImageColumns))
            throw new ArgumentException($"A shift of up to {MaxShift} pixels leaves nothing of {training.Name}'s {training.ImageRows}×{training.ImageColumns} images.", nameof(MaxShift));
        training.CheckFits(network);
        TestData?.CheckFits(network);
        ValidationData?.CheckFits(network);
    }
}
