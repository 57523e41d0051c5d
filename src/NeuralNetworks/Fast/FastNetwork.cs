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
    /// Batches of this many examples and more run their steps on two threads when there is a core for each (as a split
    /// step's two halves of the inputs, with the same result bit for bit as on one). Smaller ones run on one by default,
    /// with each epoch's evaluation and the next epoch's ordered copy on the other core. Each step on two threads pays for
    /// four hand-offs, and for the cache lines that cross between the cores: the other thread's partial sums, and the
    /// later layers' rows of the other thread's half of the examples (each thread computes them for half the groups). With the split step on the AVX-512 machine (2026-12-06 07:41, two threads against one, 8-epoch medians)
    /// 32, 50 and 64 were within the host's noise (docs/performance-history.md, "Late morning of 2026-12-06"). Before it (two
    /// shards of examples), on the AVX2 build machine of 2026-12-05, with the update split by rows (09:44–09:50 UTC, seconds per epoch, medians,
    /// one thread against two): 0.043–0.044 against 0.046–0.047 at 64, 0.042–0.043 against 0.039–0.042 at 80, 0.041–0.043
    /// against 0.036–0.040 at 100, 0.041–0.042 against 0.024–0.033 at 128; at 50 it depended on the machine's state
    /// (0.043–0.045 against 0.037–0.051). docs/performance-history.md, "Later on 2026-12-05".
    /// </summary>
    public const int TwoThreadsFrom = 100;

    /// <summary>
    /// Set to 2, two threads for the steps from 9 examples on (a batch of 32 or more as a split step, a smaller one as its
    /// forward groups and then its rows of the weights); set to 1, one thread for everything. Unset: <see cref="TwoThreadsFrom"/>
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
