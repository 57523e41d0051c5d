using System.Diagnostics;

namespace NeuralNetworks;

/// <summary>
/// The fast implementation behind <see cref="Trainer.Train"/>: the same loop as
/// <see cref="GradientDescent.Train"/> (same shuffles from <see cref="TrainingRun"/>, same
/// mini-batches, cost measured before each step, divergence check, history, progress, cancellation), with the
/// arithmetic done by <see cref="FastNetwork"/> in float32.
/// </summary>
internal static class FastTrainer
{
    /// <summary>What <see cref="TrainingHistory.Engine"/> says when this path trained with <paramref name="width"/>-bit vectors.</summary>
    public static EngineUsed EngineName(int width) => new(TrainingEngine.Fast, width, Threads: 1);

    /// <summary>Why <see cref="TrainingEngine.Auto"/> should not use the fast path here, or null when it should.</summary>
    public static string? WhyNotAuto(Network network) =>
        FastNetwork.Unsupported(network)
        ?? (FastNetwork.AcceleratedWidth is null
            ? "this CPU accelerates none of Vector512 (AVX-512), Vector256 (AVX2) and Vector128 with fused multiply-add (NEON), so the SIMD kernels would run in software"
            : null);

    /// <summary>
    /// Trains as <see cref="GradientDescent.Train"/> does, in float32, with the kernels of <paramref name="width"/>
    /// bits (512, 256 or 128; null: the widest this CPU accelerates, else 256). Tests pass 256 and 128 to prove
    /// those variants on an AVX-512 machine.
    /// </summary>
    public static TrainingResult Train(Network network, DataSet training, TrainingOptions options, int? width = null) =>
        (width ?? FastNetwork.AcceleratedWidth ?? 256) switch
        {
            512 => Train<Floats512>(network, training, options),
            256 => Train<Floats256>(network, training, options),
            128 => Train<Floats128>(network, training, options),
            var other => throw new ArgumentOutOfRangeException(nameof(width), other, "The fast kernels come in 512, 256 and 128 bits."),
        };

    private static unsafe TrainingResult Train<V>(Network network, DataSet training, TrainingOptions options) where V : struct, ISimdFloats<V>
    {
        var run = new TrainingRun(network, training, options, EngineName(V.Width));
        int m = options.BatchSize;
        // Room for a mini-batch, or for 64 test examples at a time when evaluating between epochs.
        using var fast = new FastNetwork<V>(network, capacity: Math.Max(Math.Min(m, training.Count), 64));
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
