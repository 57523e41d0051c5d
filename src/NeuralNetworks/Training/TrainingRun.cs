using System.Runtime.CompilerServices;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>The bookkeeping every implementation shares: shuffles, divergence checks, history, progress.</summary>
internal sealed class TrainingRun
{
    private readonly DataSet training;
    private readonly TrainingOptions options;
    private readonly Random random;
    private readonly int[] order;
    private readonly List<EpochRecord> epochs = [];
    private readonly List<double>? stepCosts;
    private readonly List<NetworkSnapshot>? snapshots;
    private readonly EngineUsed engine;
    private readonly string shape;
    private readonly int parameterCount;
    private readonly Random shiftRandom;
    private readonly EarlyStopping? earlyStopping;
    private double firstCost = double.NaN;
    private double epochCostSum;
    private int epochSteps;

    public TrainingRun(Network start, DataSet training, TrainingOptions options, EngineUsed engine)
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
        StepsPerEpoch = (int)(((long)training.Count + options.BatchSize - 1) / options.BatchSize);   // ⌈n / m⌉ without overflow
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

    /// <summary>Records a step's cost; throws before a NaN or infinite cost can reach the weights, or once the cost has
    /// grown <see cref="TrainingDivergedException.Growth"/>-fold above the first step's (or above that many times 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void StepDone(int epoch, int step, double cost)
    {
        if (double.IsNaN(firstCost)) firstCost = cost;
        if (!double.IsFinite(cost) || cost > TrainingDivergedException.Growth * Math.Max(firstCost, 1))
            throw new TrainingDivergedException(epoch, step, options.LearningRateAt(epoch), cost, firstCost, options.WeightDecay);
        stepCosts?.Add(cost);
        epochCostSum += cost;
        epochSteps++;
        if (ReportsProgressAfter(step))
            options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, step, StepsPerEpoch, epochCostSum / epochSteps, null));
    }

    /// <summary>Whether <see cref="StepDone"/> tells the progress reporter about step <paramref name="step"/> of an epoch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool ReportsProgressAfter(int step) =>
        options.ProgressEverySteps > 0 && step % options.ProgressEverySteps == 0 && step < StepsPerEpoch && options.Progress is not null;

    /// <summary>Ends an epoch's steps: their mean cost, and the sums set back to 0 for the next epoch.</summary>
    public double EndSteps()
    {
        double mean = epochCostSum / epochSteps;
        epochCostSum = 0;
        epochSteps = 0;
        return mean;
    }

    public bool EpochDone(int epoch, Network network, double seconds) => EpochDone(epoch, seconds, () => network, null);

    /// <summary>Ends an epoch: test cost and accuracy, record, snapshot, progress. True when early stopping says stop.</summary>
    /// <param name="epoch">1…Epochs.</param>
    /// <param name="seconds">Time the epoch's steps took.</param>
    /// <param name="network">The network now; asked only when a snapshot is kept or the test data must be evaluated by <see cref="Evaluation.Evaluate(Network, DataSet)"/>.</param>
    /// <param name="evaluate">Mean cost and accuracy on the test data, when an implementation measures them itself (same definitions as <see cref="Evaluation.Evaluate(Network, DataSet)"/>).</param>
    /// <param name="trainingCost">The mean step cost of the epoch, when <see cref="EndSteps"/> took it already (the next epoch's steps began before this call).</param>
    public bool EpochDone(int epoch, double seconds, Func<Network> network, Func<DataSet, (double Cost, double Accuracy)>? evaluate, double? trainingCost = null)
    {
        (double Cost, double Accuracy)? Measured(DataSet? data)
        {
            if (data is null) return null;
            var (cost, accuracy) = evaluate is null ? Measure(network(), data) : evaluate(data);
            if (!double.IsFinite(cost))
                throw new TrainingDivergedException(epoch, StepsPerEpoch, options.LearningRateAt(epoch), cost, weightDecay: options.WeightDecay);
            return (cost, accuracy);
        }
        var validation = Measured(options.ValidationData);
        var test = Measured(options.TestData);
        var record = new EpochRecord(epoch, trainingCost ?? EndSteps(), test?.Cost, test?.Accuracy, seconds,
            validation?.Cost, validation?.Accuracy);
        epochs.Add(record);
        if (snapshots is not null) snapshots.Add(Snapshot(epoch, network()));
        options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, StepsPerEpoch, StepsPerEpoch, record.TrainingCost, record));
        return earlyStopping is not null && earlyStopping.ShouldStop(epoch, validation!.Value.Accuracy, network);
    }

    /// <summary>The result: the last network, or with early stopping the best one on the validation data.</summary>
    /// <param name="network">The network after the last epoch.</param>
    /// <param name="shareOnBoth">For <see cref="EngineUsed.ShareOnBoth"/>: the share of the steps that ran on two threads, when measured.</param>
    public TrainingResult Finish(Network network, double? shareOnBoth = null) =>
        new(earlyStopping?.BestNetwork ?? network, new TrainingHistory(options.Label ?? $"{shape}, η = {options.LearningRate}, m = {options.BatchSize}",
            shape, parameterCount, options, epochs, stepCosts, snapshots, engine with { ShareOnBoth = shareOnBoth }));

    private static (double Cost, double Accuracy) Measure(Network network, DataSet test)
    {
        var evaluation = Evaluation.Evaluate(network, test);
        return (evaluation.Cost, evaluation.Accuracy);
    }

    private static NetworkSnapshot Snapshot(int epoch, Network network) =>
        new(epoch, network.Weights.Select(W => W.Clone()).ToArray(), network.Biases.Select(b => b.Clone()).ToArray());
}
