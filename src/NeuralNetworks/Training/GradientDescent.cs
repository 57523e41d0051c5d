using System.Diagnostics;
using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// Mini-batch stochastic gradient descent, the readable loop (notebooks 07–09): for every epoch, shuffle the examples;
/// for every mini-batch of m of them, a forward pass, a backward pass, and one step Wˡ ← Wˡ − η ∂C/∂Wˡ,
/// bˡ ← bˡ − η ∂C/∂bˡ — or, with momentum or weight decay, the step of <see cref="UpdateRule"/>; shifted inputs,
/// schedules and early stopping as the options say (notebook 11). <see cref="TrainingEngine.Reference"/> runs this loop;
/// <c>network.Train(...)</c> runs the same algorithm on the fast float32 path when it can (the tests prove the two agree).
/// </summary>
public static class GradientDescent
{
    /// <summary>Trains a copy of <paramref name="network"/> with the readable implementation (MathNet, double).</summary>
    /// <exception cref="TrainingDivergedException">The cost became NaN or infinite, or grew a million-fold.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the data does not fit the network.</exception>
    public static TrainingResult Train(Network network, DataSet training, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        options ??= new TrainingOptions();
        options.Validate(network, training);
        return Run(network, training, options, EngineUsed.Reference);
    }

    internal static TrainingResult Run(Network network, DataSet training, TrainingOptions options, EngineUsed engine)
    {
        var run = new TrainingRun(network, training, options, engine);   // shuffles, history, progress, divergence checks
        var rule = options.ToUpdateRule();                                 // plain SGD, or with momentum and weight decay
        var velocity = Velocity.Zero(network);                             // momentum's v, 0 at the start
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var order = run.ShuffledOrder();
            double eta = options.LearningRateAt(epoch);
            for (int start = 0, step = 1; start < order.Length; start += options.BatchSize, step++)
            {
                options.CancellationToken.ThrowIfCancellationRequested();
                var batch = order[start..Math.Min(start + options.BatchSize, order.Length)];
                var X = options.MaxShift > 0                          // 784 × m: one example per column
                    ? Augmentation.ShiftedImages(training, batch, run.Shifts(batch.Length))   // moved copies, drawn afresh each time
                    : training.Images(batch);
                var Y = training.Targets(batch);                      // 10 × m: one-hot targets
                var forward = network.Forward(X);                     // zˡ and aˡ for every layer
                var backward = network.Backward(forward, Y);          // δˡ, ∂C/∂Wˡ, ∂C/∂bˡ (BP1–BP4), averaged over the batch
                run.StepDone(epoch, step, backward.Cost);             // stops before a NaN cost reaches the weights
                (network, velocity) = rule.IsPlain
                    ? (network.Step(backward, eta), velocity)         // W ← W − η ∂C/∂W, b ← b − η ∂C/∂b
                    : rule.Step(network, backward, velocity, eta);     // with momentum and weight decay
            }
            if (run.EpochDone(epoch, network, clock.Elapsed.TotalSeconds)) break;   // early stopping: no new best for N epochs
        }
        return run.Finish(network);
    }
}
