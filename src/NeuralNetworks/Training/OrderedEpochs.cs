using System.Runtime.CompilerServices;
using NeuralNetworks.Data;

namespace NeuralNetworks.Training;

/// <summary>
/// The next epoch's training examples copied in the order that epoch will use them, on a thread of the pool while the
/// current epoch trains. The steps then read each mini-batch's pixels from consecutive memory, which the CPU fetches
/// ahead by itself, instead of from rows scattered over the whole data set (47 MB for MNIST), where the first reads of
/// each row waited for memory although the fast path asked for them a group of examples ahead (docs/performance.md,
/// "On the AVX2 EPYC", 4). The same examples in the same order: nothing computed changes.
/// </summary>
internal sealed class OrderedEpochs : IDisposable
{
    /// <summary>Data sets of fewer pixel bytes than this stay in the CPU's caches well enough to be read where they are.</summary>
    public const long From = 8 << 20;

    private readonly DataSet data;
    private readonly byte[][] pixels = new byte[2][];
    private readonly byte[][] labels = new byte[2][];
    private Task? copying;
    private int filling;   // the pair of buffers the copy being made goes into

    /// <summary>Two pairs of buffers for <paramref name="data"/>: one the current epoch reads, one the next epoch's copy fills.</summary>
    public OrderedEpochs(DataSet data)
    {
        this.data = data;
        for (int b = 0; b < 2; b++)
        {
            pixels[b] = LargeArrays.Uninitialized(checked(data.Count * data.InputSize));
            labels[b] = new byte[data.Count];
        }
    }

    /// <summary>
    /// Whether copying pays for a training on <paramref name="data"/>, and is safe: a data set too large for the caches,
    /// whose two copies take at most an eighth of the memory available to this process (a large data set of one's own
    /// trains from where it is rather than triple its memory).
    /// </summary>
    public static bool Worthwhile(DataSet data) => Worthwhile(data, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);

    /// <summary><see cref="Worthwhile(DataSet)"/> with <paramref name="availableBytes"/> of memory available.</summary>
    public static bool Worthwhile(DataSet data, long availableBytes)
    {
        long bytes = (long)data.Count * data.InputSize;
        return bytes >= From && 2 * bytes <= availableBytes / 8;
    }

    /// <summary>
    /// Starts copying the examples of <paramref name="order"/> (rows of the data set), which must not change until
    /// <see cref="Take"/> returns.
    /// </summary>
    public void Start(int[] order)
    {
        if (copying is not null) throw new InvalidOperationException("The previous copy was not taken.");
        var (into, intoLabels) = (pixels[filling], labels[filling]);
        copying = Task.Run(() => Copy(order, into, intoLabels));
    }

    /// <summary>Waits for the copy <see cref="Start"/> began and returns its pixels and labels, example i of the order at row i.</summary>
    public (byte[] Pixels, byte[] Labels) Take()
    {
        (copying ?? throw new InvalidOperationException("No copy was started.")).GetAwaiter().GetResult();
        copying = null;
        var taken = (pixels[filling], labels[filling]);
        filling ^= 1;
        return taken;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Copy(int[] order, byte[] into, byte[] intoLabels)
    {
        int n0 = data.InputSize;
        var all = data.AllPixelBytes;
        var allLabels = data.AllLabels;
        for (int i = 0; i < order.Length; i++)
        {
            all.Slice(order[i] * n0, n0).CopyTo(into.AsSpan(i * n0, n0));
            intoLabels[i] = allLabels[order[i]];
        }
    }

    /// <summary>Waits for a copy still running (training stopped during an epoch), so that no work outlives the training.</summary>
    public void Dispose()
    {
        try { copying?.Wait(); }
        catch (AggregateException) { }
        copying = null;
    }
}
