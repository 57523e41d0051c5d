using System.Diagnostics;
using System.Runtime.CompilerServices;
using NeuralNetworks.Data;
using NeuralNetworks.Fast;
using NeuralNetworks.Model;

namespace NeuralNetworks.Training;

/// <summary>
/// The fast implementation behind <see cref="Trainer.Train"/>: the same loop as
/// <see cref="GradientDescent.Train"/> (same shuffles from <see cref="TrainingRun"/>, same
/// mini-batches, cost measured before each step, divergence check, history, progress, cancellation), with the
/// arithmetic done by <see cref="FastNetwork"/> in float32.
/// </summary>
internal static class FastTrainer
{
    /// <summary>What <see cref="TrainingHistory.Engine"/> says when this path trained with <paramref name="width"/>-bit vectors on <paramref name="threads"/> threads.</summary>
    public static EngineUsed EngineName(int width, int threads = 1) => new(TrainingEngine.Fast, width, threads);

    /// <summary>
    /// Threads for the steps of <paramref name="options"/>' mini-batches: 2 from <see cref="FastNetwork.TwoThreadsFrom"/>
    /// examples on (<see cref="FastNetwork.TwoThreadsWithMomentumFrom"/> with momentum or weight decay) when the machine has a core for each thread of every fast training running in this process (a sweep
    /// runs one training per core), else 1; <see cref="FastNetwork.TwoThreadsEnvironmentVariable"/> overrides it (2: from
    /// 9 examples on, 1: never). The weights do not depend on it.
    /// </summary>
    public static int ThreadsFor(TrainingOptions options) =>
        Environment.GetEnvironmentVariable(FastNetwork.TwoThreadsEnvironmentVariable) switch
        {
            "1" => 1,
            "2" => options.BatchSize > FastNetwork.MaxGroup && CoreForEachOfTwo() ? 2 : 1,
            _ => options.BatchSize >= (options.ToUpdateRule().IsPlain ? FastNetwork.TwoThreadsFrom : FastNetwork.TwoThreadsWithMomentumFrom)
                 && CoreForEachOfTwo() ? 2 : 1,
        };

    /// <summary>Threads for the evaluations between epochs: 2 when there is a core for each (unless the variable is 1), else 1.</summary>
    public static int EvaluationThreads() =>
        Environment.GetEnvironmentVariable(FastNetwork.TwoThreadsEnvironmentVariable) != "1" && CoreForEachOfTwo() ? 2 : 1;

    private static bool CoreForEachOfTwo() => Environment.ProcessorCount >= 2 * Math.Max(1, Volatile.Read(ref running));

    private static int running;   // fast trainings running in this process now

    /// <summary>Why <see cref="TrainingEngine.Auto"/> should not use the fast path here, or null when it should.</summary>
    public static string? WhyNotAuto(Network network) =>
        FastNetwork.Unsupported(network)
        ?? (FastNetwork.AcceleratedWidth is null
            ? "this CPU accelerates none of Vector512 (AVX-512), Vector256 (AVX2) and Vector128 with fused multiply-add (NEON), so the SIMD kernels would run in software"
            : null);

    /// <summary>
    /// Trains as <see cref="GradientDescent.Train"/> does, in float32, with the kernels of <paramref name="width"/>
    /// bits (512, 256 or 128; null: the widest this CPU accelerates, else 256) on <paramref name="threads"/> threads
    /// (1 or 2; null: <see cref="ThreadsFor"/>). Tests pass 256 and 128 to prove those variants on an AVX-512 machine,
    /// and 1 and 2 threads to prove the same weights; <paramref name="background"/> true or false to prove that an
    /// evaluation on the other core (<see cref="BackgroundEvaluation{V}"/>; null: when the steps use one thread and there
    /// is a core for each) records the same history in the same order; <paramref name="ordered"/> true or false to prove
    /// that the epochs read from copies in their order (<see cref="OrderedEpochs"/>; null: when it pays and there is a core
    /// for the copies) train the same weights, and <paramref name="beforeRows"/> to hold a copy back (called on the copying
    /// thread before copy n = 1, 2, … copies its next rows) so that its epoch reads some or all of its examples where they
    /// are, or outruns the copy, which is then given up.
    /// </summary>
    public static TrainingResult Train(Network network, DataSet training, TrainingOptions options, int? width = null, int? threads = null, bool? background = null, bool? ordered = null, Action<int, EpochCopy>? beforeRows = null) =>
        (width ?? FastNetwork.AcceleratedWidth ?? 256) switch
        {
            512 => Counted(() => Train<Floats512>(network, training, options, threads ?? ThreadsFor(options), background, ordered, beforeRows)),
            256 => Counted(() => Train<Floats256>(network, training, options, threads ?? ThreadsFor(options), background, ordered, beforeRows)),
            128 => Counted(() => Train<Floats128>(network, training, options, threads ?? ThreadsFor(options), background, ordered, beforeRows)),
            var other => throw new ArgumentOutOfRangeException(nameof(width), other, "The fast kernels come in 512, 256 and 128 bits."),
        };

    /// <summary>Runs <paramref name="train"/> counted among the fast trainings running (<see cref="ThreadsFor"/> asks how many).</summary>
    private static TrainingResult Counted(Func<TrainingResult> train)
    {
        Interlocked.Increment(ref running);
        try
        {
            return train();
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    // Compiled fully optimised on its first call, as every method of the step (FastKernels): the loop over steps
    // would otherwise run unoptimised until on-stack replacement swaps it out.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe TrainingResult Train<V>(Network network, DataSet training, TrainingOptions options, int threads, bool? background, bool? ordered, Action<int, EpochCopy>? beforeRows) where V : struct, ISimdFloats<V>
    {
        int m = options.BatchSize;
        threads = Math.Clamp(threads, 1, 2);
        var run = new TrainingRun(network, training, options, EngineName(V.Width, threads));
        int n0 = training.InputSize;
        // Room for a mini-batch, or for 64 test examples at a time when evaluating between epochs.
        int capacity = Math.Max(Math.Min(m, training.Count), 64);
        // Each epoch reads a copy of its examples in its own order, made on the other core: the first while the step
        // compiles, each next one during the epoch before (when the steps use one thread).
        bool copies = options.MaxShift == 0 && (ordered ?? (OrderedEpochs.Worthwhile(training) && threads == 1 && CoreForEachOfTwo()));
        using var orderedEpochs = copies ? new OrderedEpochs(training, beforeRows) : null;
        var inOrder = copies ? Enumerable.Range(0, training.Count).ToArray() : [];
        orderedEpochs?.Start(run.ShuffledOrder());
        CompileTheStep<V>(network, training, options, capacity, threads);
        // Evaluations between epochs on two threads whenever there is a core for each (they do not depend on the batch size).
        int evaluationThreads = options.TestData is null && options.ValidationData is null ? 1 : EvaluationThreads();
        using var fast = new FastNetwork<V>(network, capacity, threads, options.ToUpdateRule(), evaluationThreads);
        // When the steps use one thread, each epoch's evaluation runs on the other core during the next epoch (not after
        // the last one, and not when a snapshot or early stopping needs the network at the end of the epoch).
        bool evaluated = options.TestData is not null || options.ValidationData is not null,
             possible = evaluated && !options.RecordSnapshots && options.EarlyStoppingPatience == 0;
        using var overlapped = possible && (background ?? (threads == 1 && evaluationThreads == 2)) ? new BackgroundEvaluation<V>(network, options) : null;
        // With MaxShift, each batch's moved copies go here first (examples 0…m−1), with their labels.
        var shifted = new byte[options.MaxShift > 0 ? (long)capacity * n0 : 0];
        var shiftedLabels = new byte[capacity];
        var firstRows = Enumerable.Range(0, capacity).ToArray();
        try
        {
            fixed (byte* pixels = training.AllPixelBytes)
            fixed (byte* labels = training.AllLabels)
            fixed (byte* movedPixels = shifted)
            fixed (byte* movedLabels = shiftedLabels)
                for (int epoch = 1; epoch <= options.Epochs; epoch++)
                {
                    var clock = Stopwatch.StartNew();
                    // This epoch's copy, done or not: the steps read the rows it has copied from it, the others where they are.
                    var copy = orderedEpochs?.Take();
                    int[] order = copy?.Order ?? run.ShuffledOrder();
                    int ready = 0;
                    bool copyNext = orderedEpochs is not null && epoch < options.Epochs;
                    double learningRate = options.LearningRateAt(epoch);
                    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
                    void CopyNextOnceTheOtherCoreIsFree()   // the previous epoch's evaluation runs there first
                    {
                        if (!copyNext || overlapped?.Pending is not null || !orderedEpochs!.CanStart) return;
                        orderedEpochs!.Start(run.ShuffledOrder());
                        copyNext = false;
                    }
                    CopyNextOnceTheOtherCoreIsFree();
                    fixed (byte* copiedPixels = copy?.Pixels)
                    fixed (byte* copiedLabels = copy?.Labels)
                    {
                        for (int start = 0, step = 1; start < order.Length; start += m, step++)
                        {
                            options.CancellationToken.ThrowIfCancellationRequested();
                            if (overlapped?.Pending is not null && (overlapped.IsDone || run.ReportsProgressAfter(step)))
                            {
                                clock.Stop();   // the previous epoch's bookkeeping is not this epoch's time
                                EpochEvaluated(run, overlapped, network);
                                clock.Start();
                            }
                            CopyNextOnceTheOtherCoreIsFree();
                            int count = Math.Min(m, order.Length - start), after = start + count;
                            var rows = order.AsSpan(start, count);
                            double cost;
                            if (options.MaxShift > 0)
                            {
                                var shifts = run.Shifts(count);
                                for (int x = 0; x < count; x++)
                                {
                                    Augmentation.ShiftImage(training.PixelBytes(rows[x]), training.ImageRows, training.ImageColumns, shifts[x],
                                        shifted.AsSpan(x * n0, n0));
                                    shiftedLabels[x] = labels[rows[x]];
                                }
                                // The next step's images, from their scattered rows, while this step computes (as Gradient does for its own rows).
                                FastNetwork.PrefetchRows(pixels, order.AsSpan(after, Math.Min(m, order.Length - after)), n0);
                                cost = fast.Gradient(movedPixels, movedLabels, firstRows.AsSpan(0, count), []);
                            }
                            else
                            {
                                int next = Math.Min(m, order.Length - after);
                                if (copy is not null && ready < order.Length) ready = copy.Ready;
                                if (after + next <= ready)   // this step's rows and the next step's are copied: row i holds example i
                                    cost = fast.Gradient(copiedPixels, copiedLabels, inOrder.AsSpan(start, count), inOrder.AsSpan(after, next));
                                else
                                    cost = fast.Gradient(pixels, labels, rows, order.AsSpan(after, next));
                            }
                            run.StepDone(epoch, step, cost);        // throws before a NaN can reach the weights
                            fast.Step(learningRate);
                        }
                    }
                    double seconds = clock.Elapsed.TotalSeconds;
                    if (overlapped?.Pending is not null) EpochEvaluated(run, overlapped, network);   // slower than an epoch
                    if (copyNext) orderedEpochs!.Start(run.ShuffledOrder());   // gives up this epoch's copy if it is still under way
                    if (overlapped is not null && epoch < options.Epochs) overlapped.Start(fast, epoch, seconds, run.EndSteps());
                    else if (run.EpochDone(epoch, seconds, () => fast.ToNetwork(network), fast.Evaluate)) break;   // early stopping
                }
        }
        catch when (overlapped?.Pending is not null)
        {
            // Stopped or diverged during an epoch whose predecessor was still being evaluated: report that epoch first,
            // as if it had been evaluated before this one began; a failure of its own gives way to the first.
            try { EpochEvaluated(run, overlapped, network); }
            catch (Exception) { }
            throw;
        }
        return run.Finish(fast.ToNetwork(network), threads > 1 ? fast.ShareOnTwoThreads : null);
    }

    /// <summary>Records the epoch <paramref name="background"/> evaluated, with its results (as after that epoch).</summary>
    private static void EpochEvaluated<V>(TrainingRun run, BackgroundEvaluation<V> background, Network network) where V : struct, ISimdFloats<V>
    {
        var (epoch, seconds, trainingCost, evaluated, results) = background.Finish(network);
        run.EpochDone(epoch, seconds, evaluated, results, trainingCost);
    }

    /// <summary>
    /// One step of each batch size the epochs will use, and an evaluation, on a throwaway copy of the network: the JIT
    /// compiles each method of the step on its first call (tens of milliseconds in all, once per process), and this way it
    /// does so before the first epoch's clock starts, not inside the first epoch. The same for an epoch's bookkeeping: a
    /// shuffle (on a generator of its own) and a step's record (on a run of its own), which took 2 ms and 0.35 ms of the
    /// first epoch. Nothing of the run depends on any of them.
    /// </summary>
    private static unsafe void CompileTheStep<V>(Network network, DataSet training, TrainingOptions options, int capacity, int threads) where V : struct, ISimdFloats<V>
    {
        new Random(options.Seed).Shuffle(new int[training.Count]);   // a seeded generator, as TrainingRun's: the same code
        var bookkeeping = options with { Progress = null, RecordStepCosts = false, RecordSnapshots = false, EarlyStoppingPatience = 0 };
        new TrainingRun(network, training, bookkeeping, EngineName(V.Width, threads)).StepDone(1, 1, 1.0);
        using var scratch = new FastNetwork<V>(network, capacity, threads, options.ToUpdateRule());
        int m = Math.Min(options.BatchSize, training.Count), last = training.Count % m;
        var rows = Enumerable.Range(0, m).ToArray();
        fixed (byte* pixels = training.AllPixelBytes)
        fixed (byte* labels = training.AllLabels)
            foreach (int count in last == 0 ? [m] : new[] { m, last })
            {
                scratch.Gradient(pixels, labels, rows.AsSpan(0, count), rows.AsSpan(0, count));
                scratch.Step(options.LearningRate);
            }
        if ((options.TestData ?? options.ValidationData) is { } evaluated) scratch.Evaluate(evaluated.Take(capacity));
    }
}
