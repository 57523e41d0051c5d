using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>How to train: stochastic gradient descent on shuffled mini-batches.</summary>
public sealed record TrainingOptions
{
    /// <summary>η, how far each step moves against the gradient (Nielsen: 3.0 for the quadratic cost).</summary>
    public double LearningRate { get; init; } = 3.0;

    /// <summary>After each epoch η is multiplied by this factor (1: constant η). With 0.95, epoch e uses
    /// η · 0.95^(e−1): big steps while far from a minimum, small ones to settle into it.</summary>
    public double LearningRateDecay { get; init; } = 1.0;

    /// <summary>How η changes over the epochs besides <see cref="LearningRateDecay"/>: epoch e uses η · f(e), e.g.
    /// <see cref="LearningRateSchedule.Cosine"/> f(e) = ½(1 + cos(π(e − 1)/E)) or <see cref="LearningRateSchedule.Step"/>
    /// f(e) = factor^⌊(e − 1)/every⌋ (default <see cref="LearningRateSchedule.Constant"/>, f = 1).</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>The learning rate used in epoch e (1-based): η · decay^(e−1) · f(e), f being <see cref="Schedule"/>.</summary>
    public double LearningRateAt(int epoch) => LearningRate * Math.Pow(LearningRateDecay, epoch - 1) * Schedule.Factor(epoch, Epochs);

    /// <summary>μ ∈ [0, 1), momentum: each step moves by the velocity v ← μv + ∂C/∂W, W ← W − ηv, so steps keep going
    /// where gradients agree and cancel where they zigzag (0: plain SGD). See <see cref="Momentum"/>.</summary>
    public double Momentum { get; init; }

    /// <summary>With <see cref="Momentum"/>: Nesterov's form, W ← W − η(g + μv), which looks ahead along the velocity.</summary>
    public bool Nesterov { get; init; }

    /// <summary>λ ≥ 0, L2 weight decay: training minimises C + (λ/2) Σ w² over the weights (not the biases), so each step
    /// uses ∂C/∂W + λW and shrinks every weight a little towards 0 (0: none).</summary>
    public double WeightDecay { get; init; }

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

    internal void Validate(Network network, DataSet training)
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
            throw new ArgumentException($"The learning rate must be a positive number, not {LearningRate}.", nameof(LearningRate));
        if (!(LearningRateDecay > 0 && LearningRateDecay <= 1))
            throw new ArgumentException($"The learning rate decay must be in (0, 1], not {LearningRateDecay}.", nameof(LearningRateDecay));
        if (Epochs < 1) throw new ArgumentException($"Epochs must be at least 1, not {Epochs}.", nameof(Epochs));
        if (BatchSize < 1) throw new ArgumentException($"The batch size must be at least 1, not {BatchSize}.", nameof(BatchSize));
        if (ProgressEverySteps < 0) throw new ArgumentException($"ProgressEverySteps must be 0 or more, not {ProgressEverySteps}.", nameof(ProgressEverySteps));
        ArgumentNullException.ThrowIfNull(Schedule, nameof(Schedule));
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"Momentum μ must be in [0, 1), not {Momentum}.", nameof(Momentum));
        if (Nesterov && Momentum == 0) throw new ArgumentException("Nesterov momentum needs a momentum μ above 0.", nameof(Nesterov));
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new ArgumentException($"Weight decay λ must be 0 or more, not {WeightDecay}.", nameof(WeightDecay));
        if (EarlyStoppingPatience < 0) throw new ArgumentException($"Early stopping patience must be 0 (off) or more, not {EarlyStoppingPatience}.", nameof(EarlyStoppingPatience));
        if (EarlyStoppingPatience > 0 && ValidationData is null)
            throw new ArgumentException("Early stopping needs validation data: set ValidationData (see DataSet.Split).", nameof(EarlyStoppingPatience));
        if (MaxShift < 0) throw new ArgumentException($"The largest shift must be 0 (off) or more pixels, not {MaxShift}.", nameof(MaxShift));
        if (MaxShift > 0 && (MaxShift >= training.ImageRows || MaxShift >= training.ImageColumns))
            throw new ArgumentException($"A shift of up to {MaxShift} pixels leaves nothing of {training.Name}'s {training.ImageRows}×{training.ImageColumns} images.", nameof(MaxShift));
        training.CheckFits(network);
        TestData?.CheckFits(network);
        ValidationData?.CheckFits(network);
    }
}
