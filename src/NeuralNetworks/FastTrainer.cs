using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace NeuralNetworks;

/// <summary>
/// The fast implementation behind <see cref="Trainer.Train"/>: the same loop as
/// <see cref="Trainer.TrainReference"/> (same shuffles from <see cref="Trainer.RunRecorder"/>, same
/// mini-batches, cost measured before each step, divergence check, history, progress, cancellation), with the
/// arithmetic done by <see cref="FastNetwork"/> in float32.
/// </summary>
internal static class FastTrainer
{
    /// <summary>What <see cref="TrainingHistory.Engine"/> says when this path trained.</summary>
    public const string EngineName = "fast (float32, Vector512, 1 thread)";

    /// <summary>Why <see cref="TrainingEngine.Auto"/> should not use the fast path here, or null when it should.</summary>
    public static string? WhyNotAuto(Network network) =>
        FastNetwork.Unsupported(network)
        ?? (Vector512.IsHardwareAccelerated ? null : "this CPU has no AVX-512, so Vector512 would run in software");

    /// <summary>Trains as <see cref="Trainer.TrainReference"/> does, in float32.</summary>
    public static unsafe TrainingResult Train(Network network, DataSet training, TrainingOptions options)
    {
        var run = new Trainer.RunRecorder(network, training, options, EngineName);
        int m = options.BatchSize;
        // Room for a mini-batch, or for 64 test examples at a time when evaluating between epochs.
        using var fast = new FastNetwork(network, capacity: Math.Max(Math.Min(m, training.Count), 64));
        fixed (byte* pixels = training.AllPixelBytes)
        fixed (byte* labels = training.AllLabels)
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                var order = run.ShuffledOrder();
                for (int start = 0, step = 1; start < order.Length; start += m, step++)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    int count = Math.Min(m, order.Length - start), after = start + count;
                    var next = order.AsSpan(after, Math.Min(m, order.Length - after));
                    fast.Load(pixels, labels, order.AsSpan(start, count), next);
                    double cost = fast.Forward();
                    run.StepDone(epoch, step, cost);        // throws before a NaN can reach the weights
                    fast.BackwardAndStep(options.LearningRateAt(epoch));
                }
                double seconds = clock.Elapsed.TotalSeconds;
                run.EpochDone(epoch, seconds, () => fast.ToNetwork(network), fast.Evaluate);
            }
        return run.Finish(fast.ToNetwork(network));
    }
}
