using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using NeuralNetworks.Model;

namespace NeuralNetworks.Fast;

/// <summary>
/// What every width of <see cref="FastNetwork{V}"/> shares: which networks it supports, which width this CPU runs, and
/// the sizes its layout and its threads are built on.
/// </summary>
internal static class FastNetwork
{
    /// <summary>
    /// The most examples in a forward group in any width (<see cref="ISimdFloats{V}.GroupLimit"/>: 8 with AVX-512, 6 with
    /// AVX2 and NEON): a batch of at most this many is one group in every width.
    /// </summary>
    public const int MaxGroup = 8;

    /// <summary>
    /// A shard of at most this many examples (two forward groups of AVX-512) keeps all its δ in registers while the
    /// gradient rows Σₓ aₓ[k]·δₓ are summed (with AVX2's 16 registers some are read from memory, which costs a load, not a
    /// dependency), and moves the weights in the same pass; larger ones sum per forward group, as soon as the group's δ are
    /// known.
    /// </summary>
    public const int MaxUpdateGroup = 2 * MaxGroup;

    /// <summary>
    /// Mini-batches of this many examples and more are split steps: z¹ is summed in two parts, over the inputs of layer 1
    /// below <see cref="FastNetwork{V}.InputSplit"/> and over the others, then added; on two threads each thread sums one
    /// part, holds the rows of W¹ of its inputs and sums their gradient. The split depends only on the batch size, never on
    /// the core count, so the same seed gives the same weights bit for bit on one core or two.
    /// </summary>
    public const int ShardedFrom = 32;

    /// <summary>
    /// Batches of this many examples and more run their plain steps (no momentum, no weight decay) on two threads when
    /// there is a core for each, as a split step's two halves of the inputs, with the same result bit for bit as on one:
    /// every split step (<see cref="ShardedFrom"/>). Smaller ones run on one by default, with each epoch's evaluation and the
    /// next epoch's ordered copy on the other core. Each step on two threads pays for four hand-offs, and for the cache
    /// lines that cross between the cores: the other thread's partial sums, and the later layers' rows of the other
    /// thread's half of the examples (each thread computes them for half the groups). 100 until the later layers were
    /// computed once (542a96d); after it, on the Zen 3 kind (2026-12-07 17:03–17:05, `train --epochs 8`, medians, two
    /// threads against one in alternating pairs), two threads were faster in 15 of 16 pairs at 32 and 16 of 16 at 64
    /// (docs/performance.md, "Both cores at every batch size"). Smaller batches are not split steps: two threads split them
    /// by forward groups and lost at 10 in every run (the same section).
    /// </summary>
    public const int TwoThreadsFrom = ShardedFrom;

    /// <summary>
    /// As <see cref="TwoThreadsFrom"/> for steps with momentum or weight decay, whose update (every weight and its velocity)
    /// runs on the calling thread and reads the partner's rows of the gradient: the best recipe (batch 64, Nesterov's
    /// momentum) was slower on two threads in 7 of 10 alternating pairs (2026-12-07 17:04–17:06).
    /// </summary>
    public const int TwoThreadsWithMomentumFrom = 100;

    /// <summary>
    /// Set to 2, two threads for the steps from 9 examples on (a batch of 32 or more as a split step, a smaller one as its
    /// forward groups and then its rows of the weights); set to 1, one thread for everything. Unset: <see cref="TwoThreadsFrom"/> (<see cref="TwoThreadsWithMomentumFrom"/>)
    /// for the steps, and two threads for the evaluations between epochs, which share nothing written, at every batch size.
    /// </summary>
    public const string TwoThreadsEnvironmentVariable = "NEURALNETWORKS_FAST_THREADS";

    /// <summary>Floats per padded row: 16, one Vector512, two Vector256 or four Vector128.</summary>
    public const int Padding = 16;

    /// <summary>
    /// The widest SIMD width this CPU runs in hardware, in bits (512 with AVX-512, 256 with AVX2, 128 with NEON on
    /// ARM64), or null.
    /// </summary>
    public static int? AcceleratedWidth =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128HasFusedMultiplyAdd ? 128 : null;

    /// <summary>
    /// Vector128 is accelerated and so is its fused multiply-add: always on ARM64 (NEON), on x64 only with FMA3.
    /// Without it (x64 with AVX2 switched off: .NET 10 switches FMA off with it) Vector128.FusedMultiplyAdd runs
    /// lane by lane in software and the 128-bit kernels were slower than the reference (measured 3.1 s per epoch).
    /// </summary>
    public static bool Vector128HasFusedMultiplyAdd =>
        Vector128.IsHardwareAccelerated && (Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);

    /// <summary>Why the fast path cannot train this network, or null when it can.</summary>
    public static string? Unsupported(Network network)
    {
        if (Network.PairingProblem(network.Activation, network.OutputActivation, network.Cost) is { } pairing) return pairing.Message;
        if (network.Cost != Cost.Quadratic && network.Cost != Cost.CrossEntropy && network.Cost != Cost.LogLikelihood)
            return $"the cost '{network.Cost.Name}' is not one of the built-in costs (quadratic, cross-entropy, log-likelihood)";
        if (network.OutputActivation == Activation.Softmax && network.Cost != Cost.LogLikelihood)
            return $"a softmax output is fast only with the log-likelihood cost, not {network.Cost.Name}";
        foreach (var a in new[] { network.Activation, network.OutputActivation })
            if (a != Activation.Sigmoid && a != Activation.Tanh && a != Activation.ReLU && a != Activation.Softmax)
                return $"the activation '{a.Name}' has no fast kernel";
        return null;
    }

    /// <summary>2 when a mini-batch of <paramref name="m"/> examples is a split step (from <see cref="ShardedFrom"/> on), else 1.</summary>
    public static int ShardsFor(int m) => m >= ShardedFrom ? 2 : 1;

    /// <summary>
    /// Asks the CPU to start fetching <paramref name="rows"/> of <paramref name="rowLength"/> bytes each from
    /// <paramref name="pixels"/> into its caches (x64; elsewhere nothing): each 64-byte line of each row, or of its bytes
    /// [<paramref name="from"/>, <paramref name="to"/>) when given.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void PrefetchRows(byte* pixels, ReadOnlySpan<int> rows, int rowLength, int from = 0, int to = -1)
    {
        if (!Sse.IsSupported) return;
        if (to < 0) to = rowLength;
        if (from >= to) return;
        foreach (int row in rows)
        {
            byte* source = pixels + (long)row * rowLength;
            for (int k = from; k < to; k += 64) Sse.Prefetch0(source + k);
            Sse.Prefetch0(source + to - 1);
        }
    }

    /// <summary>Asks the CPU to start fetching the cache lines of <paramref name="count"/> floats from <paramref name="start"/> (64-byte aligned).</summary>
    public static unsafe void PrefetchFloats(float* start, long count)
    {
        if (!Sse.IsSupported) return;
        for (long at = 0; at < count; at += 16) Sse.Prefetch0(start + at);
    }

    /// <summary>nˡ rounded up to <see cref="Padding"/>: the floats in a row of layer l's buffers.</summary>
    public static int Padded(int count) => (count + Padding - 1) / Padding * Padding;
}
