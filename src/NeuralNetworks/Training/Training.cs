using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks;

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
        CheckFits(network, training);
        if (TestData is not null) CheckFits(network, TestData);
        if (ValidationData is not null) CheckFits(network, ValidationData);
    }

    internal static void CheckFits(Network network, DataSet data)
    {
        if (data.Count == 0) throw new ArgumentException($"{data.Name} has no examples.");
        if (data.InputSize != network.Sizes[0])
            throw new ArgumentException($"{data.Name} has inputs of {data.InputSize} numbers but the network {network.Shape} takes {network.Sizes[0]}.");
        if (data.ClassCount != network.Sizes[^1])
            throw new ArgumentException($"{data.Name} has {data.ClassCount} classes but the network {network.Shape} has {network.Sizes[^1]} outputs.");
    }
}

/// <summary>Which implementation trains.</summary>
public enum TrainingEngine
{
    /// <summary>The fastest implementation that supports the network: <see cref="Fast"/> whenever it can, else
    /// <see cref="Reference"/>, with the reason written in <see cref="TrainingHistory.Engine"/>.</summary>
    Auto,

    /// <summary>The readable implementation: <see cref="Network.Forward(Matrix{double})"/>, <see cref="Network.Backward(ForwardPass, Matrix{double})"/> and <see cref="Network.Step"/> on each mini-batch.</summary>
    Reference,

    /// <summary>The same algorithm in float32 with fused SIMD kernels (internal; proved equal to <see cref="Reference"/>
    /// within float rounding by the tests). Forcing it on a network it cannot train throws <see cref="NotSupportedException"/>.</summary>
    Fast,
}

/// <summary>Where training is: sent through <see cref="TrainingOptions.Progress"/>.</summary>
/// <param name="Epoch">1…Epochs.</param>
/// <param name="Epochs">The number of epochs asked for.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="StepsPerEpoch">Steps in one epoch: ⌈n / m⌉.</param>
/// <param name="Cost">Mean cost of the steps so far in this epoch.</param>
/// <param name="Completed">The epoch's record when the epoch has just ended, else null.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int StepsPerEpoch, double Cost, EpochRecord? Completed);

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

/// <summary>Every weight and bias at the end of an epoch.</summary>
/// <param name="Epoch">0 for the starting network, then 1…Epochs.</param>
/// <param name="Weights">W¹…Wᴸ.</param>
/// <param name="Biases">b¹…bᴸ.</param>
public sealed record NetworkSnapshot(int Epoch, IReadOnlyList<Matrix<double>> Weights, IReadOnlyList<Vector<double>> Biases);

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
    IReadOnlyList<EpochRecord> Epochs, IReadOnlyList<double>? StepCosts, IReadOnlyList<NetworkSnapshot>? Snapshots, string Engine)
{
    /// <summary>The last epoch's record.</summary>
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

/// <summary>A trained network and how it got there.</summary>
/// <param name="Network">The network after the last epoch.</param>
/// <param name="History">Per-epoch (and optionally per-step) record.</param>
public sealed record TrainingResult(Network Network, TrainingHistory History);

/// <summary>
/// Training stopped because the cost became NaN or infinite: the learning rate is too large for this network
/// (or the inputs are not what the network expects). Nothing was overwritten with NaN.
/// </summary>
public sealed class TrainingDivergedException(int epoch, int step, double learningRate, double cost)
    : Exception($"Training diverged at epoch {epoch}, step {step}: the cost became {cost} with learning rate η = {learningRate}. " +
                "Try a smaller learning rate.")
{
    /// <summary>The epoch (1-based) in which the cost blew up.</summary>
    public int Epoch { get; } = epoch;

    /// <summary>The step within that epoch (1-based).</summary>
    public int Step { get; } = step;

    /// <summary>η of the run.</summary>
    public double LearningRate { get; } = learningRate;

    /// <summary>The cost that was not finite.</summary>
    public double Cost { get; } = cost;
}

/// <summary>Mini-batch stochastic gradient descent.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains a copy of <paramref name="network"/> on <paramref name="training"/>: each epoch shuffles the examples
    /// (seeded), splits them into mini-batches of m, and for each takes one step W ← W − η ∂C/∂W, b ← b − η ∂C/∂b
    /// with the gradient averaged over the batch. The network passed in is not changed.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The cost became NaN or infinite.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the data does not fit the network.</exception>
    public static TrainingResult Train(Network network, DataSet training, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        options ??= new TrainingOptions();
        options.Validate(network, training);
        switch (options.Engine)
        {
            case TrainingEngine.Reference:
                return TrainReference(network, training, options);
            case TrainingEngine.Fast:
                if (FastNetwork.Unsupported(network) is { } reason)
                    throw new NotSupportedException($"The fast engine cannot train this network: {reason}. Use TrainingEngine.Auto or Reference.");
                return FastTrainer.Train(network, training, options);
            default:
                return FastTrainer.WhyNotAuto(network) is { } why
                    ? TrainReference(network, training, options, $"{ReferenceEngineName}; fast path not used: {why}")
                    : FastTrainer.Train(network, training, options);
        }
    }

    /// <summary>What <see cref="TrainingHistory.Engine"/> says when the readable implementation trained.</summary>
    internal const string ReferenceEngineName = "reference (MathNet, double)";

    /// <summary>The readable implementation, step by step with the public passes.</summary>
    internal static TrainingResult TrainReference(Network network, DataSet training, TrainingOptions options, string engine = ReferenceEngineName)
    {
        var run = new RunRecorder(network, training, options, engine);
        var velocity = Velocity.Zero(network);
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var order = run.ShuffledOrder();
            for (int start = 0, step = 1; start < order.Length; start += options.BatchSize, step++)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray();
                var X = options.MaxShift > 0
                    ? Augmentation.ShiftedImages(training, batch, run.Shifts(batch.Length))   // moved copies, drawn afresh each time
                    : training.Images(batch);
                var forward = network.Forward(X);
                var backward = network.Backward(forward, training.Targets(batch));
                run.StepDone(epoch, step, backward.Cost);
                (network, velocity) = Momentum.Step(network, backward, velocity, options.LearningRateAt(epoch),
                    options.Momentum, options.Nesterov, options.WeightDecay);
            }
            if (run.EpochDone(epoch, network, clock.Elapsed.TotalSeconds)) break;   // early stopping
        }
        return run.Finish(network);
    }

    /// <summary>The bookkeeping every implementation shares: shuffles, divergence checks, history, progress.</summary>
    internal sealed class RunRecorder
    {
        private readonly DataSet training;
        private readonly TrainingOptions options;
        private readonly Random random;
        private readonly int[] order;
        private readonly List<EpochRecord> epochs = [];
        private readonly List<double>? stepCosts;
        private readonly List<NetworkSnapshot>? snapshots;
        private readonly string engine;
        private readonly string shape;
        private readonly int parameterCount;
        private readonly Random shiftRandom;
        private readonly EarlyStopping? earlyStopping;
        private double epochCostSum;
        private int epochSteps;

        public RunRecorder(Network start, DataSet training, TrainingOptions options, string engine)
        {
            this.training = training;
            this.options = options;
            this.engine = engine;
            random = new Random(options.Seed);
            shiftRandom = new Random(unchecked(options.Seed * 7919 + 17));   // its own generator: shifts do not change the shuffles
            earlyStopping = options.EarlyStoppingPatience > 0 ? new EarlyStopping(options.EarlyStoppingPatience) : null;
            order = Enumerable.Range(0, training.Count).ToArray();
            stepCosts = options.RecordStepCosts ? [] : null;
            snapshots = options.RecordSnapshots ? [Snapshot(0, start)] : null;
            shape = start.Shape;
            parameterCount = start.ParameterCount;
            StepsPerEpoch = (training.Count + options.BatchSize - 1) / options.BatchSize;
        }

        public int StepsPerEpoch { get; }

        /// <summary>This epoch's order of examples: a seeded Fisher–Yates shuffle of the previous order.</summary>
        public int[] ShuffledOrder()
        {
            random.Shuffle(order);
            return order;
        }

        /// <summary>The next <paramref name="count"/> random shifts for <see cref="TrainingOptions.MaxShift"/>, one per example in batch order.</summary>
        public Shift[] Shifts(int count) => Augmentation.RandomShifts(shiftRandom, count, options.MaxShift);

        /// <summary>Records a step's cost; throws before a NaN or infinite cost can reach the weights.</summary>
        public void StepDone(int epoch, int step, double cost)
        {
            if (!double.IsFinite(cost)) throw new TrainingDivergedException(epoch, step, options.LearningRateAt(epoch), cost);
            stepCosts?.Add(cost);
            epochCostSum += cost;
            epochSteps++;
            if (options.ProgressEverySteps > 0 && step % options.ProgressEverySteps == 0 && step < StepsPerEpoch)
                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, step, StepsPerEpoch, epochCostSum / epochSteps, null));
        }

        public bool EpochDone(int epoch, Network network, double seconds) => EpochDone(epoch, seconds, () => network, null);

        /// <summary>Ends an epoch: test cost and accuracy, record, snapshot, progress. True when early stopping says stop.</summary>
        /// <param name="epoch">1…Epochs.</param>
        /// <param name="seconds">Time the epoch's steps took.</param>
        /// <param name="network">The network now; asked only when a snapshot is kept or the test data must be evaluated by <see cref="Evaluation.Evaluate"/>.</param>
        /// <param name="evaluate">Mean cost and accuracy on the test data, when an implementation measures them itself (same definitions as <see cref="Evaluation.Evaluate"/>).</param>
        public bool EpochDone(int epoch, double seconds, Func<Network> network, Func<DataSet, (double Cost, double Accuracy)>? evaluate)
        {
            (double Cost, double Accuracy)? Measured(DataSet? data)
            {
                if (data is null) return null;
                var (cost, accuracy) = evaluate is null ? Measure(network(), data) : evaluate(data);
                if (!double.IsFinite(cost))
                    throw new TrainingDivergedException(epoch, StepsPerEpoch, options.LearningRateAt(epoch), cost);
                return (cost, accuracy);
            }
            var validation = Measured(options.ValidationData);
            var test = Measured(options.TestData);
            var record = new EpochRecord(epoch, epochCostSum / epochSteps, test?.Cost, test?.Accuracy, seconds,
                validation?.Cost, validation?.Accuracy);
            epochs.Add(record);
            if (snapshots is not null) snapshots.Add(Snapshot(epoch, network()));
            options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, StepsPerEpoch, StepsPerEpoch, record.TrainingCost, record));
            epochCostSum = 0;
            epochSteps = 0;
            return earlyStopping is not null && earlyStopping.ShouldStop(epoch, validation!.Value.Accuracy, network);
        }

        /// <summary>The result: the last network, or with early stopping the best one on the validation data.</summary>
        public TrainingResult Finish(Network network) =>
            new(earlyStopping?.BestNetwork ?? network, new TrainingHistory(options.Label ?? $"{shape}, η = {options.LearningRate}, m = {options.BatchSize}",
                shape, parameterCount, options, epochs, stepCosts, snapshots, engine));

        private static (double Cost, double Accuracy) Measure(Network network, DataSet test)
        {
            var evaluation = Evaluation.Evaluate(network, test);
            return (evaluation.Cost, evaluation.Accuracy);
        }

        private static NetworkSnapshot Snapshot(int epoch, Network network) =>
            new(epoch, network.Weights.Select(W => W.Clone()).ToArray(), network.Biases.Select(b => b.Clone()).ToArray());
    }
}
