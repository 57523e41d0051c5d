using NeuralNetworks.Data;
using NeuralNetworks.Fast;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// The evaluation of an epoch's network on the second core while the first trains the next epoch: the steps of a small
/// mini-batch run on one thread (<see cref="FastNetwork.TwoThreadsFrom"/>), so the other core would idle meanwhile.
/// <see cref="Start"/> copies the weights (bit for bit) into a network of its own and offers the evaluation to a thread of
/// its own; <see cref="Finish"/> returns its results (or runs it on the calling thread if that thread never started). The
/// results are those of <see cref="FastNetwork{V}.Evaluate(DataSet)"/> on the same weights, whoever computes them.
/// </summary>
internal sealed class BackgroundEvaluation<V> : IDisposable where V : struct, ISimdFloats<V>
{
    private readonly FastNetwork<V> copy;
    // Sleeps as soon as an evaluation is done: the next comes an epoch later, and spinning meanwhile held the second core
    // from the copy of the next epoch's examples, which then took time from the main thread (docs/performance-history.md,
    // "Evening of 2026-12-05, later", item 4).
    private readonly PartnerThread thread = new(spinMilliseconds: 0);
    private readonly DataSet? validation, test;
    private readonly Action evaluate;
    private (double Cost, double Accuracy) validationResult, testResult;

    /// <param name="network">The network being trained (its layout and kind).</param>
    /// <param name="options">Its validation and test data (at least one of them).</param>
    public BackgroundEvaluation(Network network, TrainingOptions options)
    {
        copy = new FastNetwork<V>(network, Math.Max(64, 2 * FastNetwork.ShardedFrom), threads: 1, evaluationThreads: 1);
        validation = options.ValidationData;
        test = options.TestData;
        evaluate = () =>
        {
            if (validation is not null) validationResult = copy.Evaluate(validation);
            if (test is not null) testResult = copy.Evaluate(test);
        };
    }

    /// <summary>The epoch whose network is being evaluated, how long its steps took and their mean cost; null when none is.</summary>
    public (int Epoch, double Seconds, double TrainingCost)? Pending { get; private set; }

    /// <summary>True when the evaluation has finished on the other thread (so <see cref="Finish"/> will not wait).</summary>
    public bool IsDone => thread.IsDone;

    /// <summary>Starts evaluating <paramref name="trained"/>'s weights after <paramref name="epoch"/>, whose steps took <paramref name="seconds"/> at a mean cost of <paramref name="trainingCost"/>.</summary>
    public void Start(FastNetwork<V> trained, int epoch, double seconds, double trainingCost)
    {
        if (Pending is not null) throw new InvalidOperationException($"The evaluation after epoch {Pending.Value.Epoch} was not finished.");
        copy.CopyParametersFrom(trained);
        Pending = (epoch, seconds, trainingCost);
        thread.Offer(evaluate);
    }

    /// <summary>
    /// Waits for the evaluation (or runs it here) and returns what <see cref="TrainingRun.EpochDone(int, double, Func{Network}, Func{DataSet, ValueTuple{double, double}}?, double?)"/>
    /// needs: the epoch, its seconds and mean step cost, the evaluated network and its results per data set.
    /// </summary>
    public (int Epoch, double Seconds, double TrainingCost, Func<Network> Network, Func<DataSet, (double Cost, double Accuracy)> Results) Finish(Network template)
    {
        var (epoch, seconds, trainingCost) = Pending ?? throw new InvalidOperationException("No evaluation was started.");
        Pending = null;
        thread.Finish();
        var (validationNow, testNow) = (validationResult, testResult);
        return (epoch, seconds, trainingCost, () => copy.ToNetwork(template),
            data => ReferenceEquals(data, test) ? testNow
                  : ReferenceEquals(data, validation) ? validationNow
                  : throw new ArgumentException("Only the validation and test data were evaluated.", nameof(data)));
    }

    /// <summary>Stops the thread and frees the copy.</summary>
    public void Dispose()
    {
        thread.Dispose();
        copy.Dispose();
    }
}
