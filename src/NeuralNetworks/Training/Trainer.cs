using NeuralNetworks.Data;
using NeuralNetworks.Fast;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// Mini-batch stochastic gradient descent, by the fastest implementation that can train the network: the one
/// place that chooses between <see cref="GradientDescent"/> (the readable loop) and the fast path.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains a copy of <paramref name="network"/> (<c>network.Train(training, options)</c>) on <paramref name="training"/>: each epoch shuffles the examples
    /// (seeded), splits them into mini-batches of m, and for each takes one step W ← W − η ∂C/∂W, b ← b − η ∂C/∂b
    /// with the gradient averaged over the batch. The network passed in is not changed. What
    /// <see cref="GradientDescent.Train"/> does, step for step; <see cref="TrainingOptions.Engine"/> says which code runs it.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The cost became NaN or infinite, or grew a million-fold.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the data does not fit the network.</exception>
    /// <exception cref="NotSupportedException"><see cref="TrainingEngine.Fast"/> was asked for a network it cannot train.</exception>
    public static TrainingResult Train(this Network network, DataSet training, TrainingOptions? options = null) =>
        TrainOnThreads(network, training, options, threads: null);

    /// <summary>
    /// Whether <see cref="Train(Network, DataSet, TrainingOptions?)"/> would run the steps of <paramref name="network"/>
    /// with <paramref name="options"/> on two cores (the fast path, from mini-batches of
    /// <see cref="FastNetwork.TwoThreadsFrom"/>, or <see cref="FastNetwork.TwoThreadsWithMomentumFrom"/> with momentum or weight
    /// decay, with a core for each): a program should then leave the second core alone
    /// while it trains, since the step waits for that core's half at every exchange.
    /// </summary>
    public static bool StepsUseTwoCores(Network network, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        return EngineFor(network, options.Engine).Fast && FastTrainer.ThreadsFor(options) == 2;
    }

    /// <summary><see cref="Train(Network, DataSet, TrainingOptions?)"/> with the fast path on at most
    /// <paramref name="threads"/> threads (null: as many as help; the weights are the same either way).</summary>
    internal static TrainingResult TrainOnThreads(Network network, DataSet training, TrainingOptions? options, int? threads)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        options ??= new TrainingOptions();
        options.Validate(network, training);
        var (fast, why) = EngineFor(network, options.Engine);
        if (fast) return FastTrainer.Train(network, training, options, threads: threads);
        if (options.Engine == TrainingEngine.Fast)
            throw new NotSupportedException($"The fast engine cannot train this network: {why}. Use TrainingEngine.Auto or Reference.");
        return GradientDescent.Run(network, training, options, EngineUsed.Reference with { FallbackReason = why });
    }

    /// <summary>
    /// Which code trains <paramref name="network"/> when <paramref name="engine"/> is asked for: the fast path, or the
    /// reference with why not the fast path (null when the reference was asked for).
    /// </summary>
    private static (bool Fast, string? Why) EngineFor(Network network, TrainingEngine engine) => engine switch
    {
        TrainingEngine.Reference => (false, null),
        TrainingEngine.Fast => FastNetwork.Unsupported(network) is { } reason ? (false, reason) : (true, null),
        _ => FastTrainer.WhyNotAuto(network) is { } why ? (false, why) : (true, null),
    };
}
