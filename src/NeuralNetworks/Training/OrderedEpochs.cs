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
/// <remarks>
/// An epoch does not wait for its copy: when the copy is not done yet (the first copies, into fresh memory, take several
/// times as long as the later ones), the epoch reads its examples where they are, in the order the copy was started
/// with, and the next copy starts once this one has ended.
/// </remarks>
internal sealed class OrderedEpochs : IDisposable
{
    /// <summary>Data sets of fewer pixel bytes than this stay in the CPU's caches well enough to be read where they are.</summary>
    public const long From = 8 << 20;

    private readonly DataSet data;
    private readonly byte[][] pixels = new byte[2][];
    private readonly byte[][] labels = new byte[2][];
    private readonly int[][] orders = new int[2][];   // each copy's order, the copy's own (the trainer reshuffles its own in place)
    private readonly Action<int>? beforeCopy;
    private Task? copying;
    private bool passedOver;   // the copy under way was not taken: its epoch reads the examples where they are
    private int filling;       // the pair of buffers the copy being made goes into
    private int started;       // copies started so far

    /// <summary>Two pairs of buffers for <paramref name="data"/>: one the current epoch reads, one the next epoch's copy fills.</summary>
    /// <param name="data">The training set.</param>
    /// <param name="beforeCopy">Called on the copying thread before copy n (1, 2, …) begins; tests hold a copy back with it.</param>
    public OrderedEpochs(DataSet data, Action<int>? beforeCopy = null)
    {
        this.data = data;
        this.beforeCopy = beforeCopy;
        for (int b = 0; b < 2; b++)
        {
            pixels[b] = LargeArrays.Uninitialized(checked(data.Count * data.InputSize));
            labels[b] = new byte[data.Count];
            orders[b] = new int[data.Count];
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
    /// The order of the copy last started, until <see cref="TryTake"/> takes it: what its epoch trains in when the copy is
    /// passed over (a taken copy holds its examples in this order already).
    /// </summary>
    public int[] Order => orders[filling];

    /// <summary>Whether the copy last started has ended (<see cref="TryTake"/> then takes it); tests wait on it.</summary>
    public bool IsDone => copying?.IsCompleted == true;

    /// <summary>
    /// Whether <see cref="Start"/> can begin a copy without waiting: the last copy was taken, or passed over and has ended.
    /// </summary>
    public bool CanStart => copying is null || (passedOver && copying.IsCompleted);

    /// <summary>
    /// Starts copying the examples of <paramref name="order"/> (rows of the data set; the order is copied too). After a
    /// copy passed over (<see cref="TryTake"/>), first waits for it to end, unless <see cref="CanStart"/>.
    /// </summary>
    public void Start(int[] order)
    {
        if (copying is not null)
        {
            if (!passedOver) throw new InvalidOperationException("The previous copy was not taken.");
            Finish(copying);   // the epoch that passed it over read its rows where they are; its buffers are free
            filling ^= 1;
        }
        order.CopyTo(orders[filling], 0);
        var (into, intoLabels, copyOrder) = (pixels[filling], labels[filling], orders[filling]);
        int number = ++started;
        copying = Task.Run(() =>
        {
            beforeCopy?.Invoke(number);
            Copy(copyOrder, into, intoLabels);
        });
        passedOver = false;
    }

    /// <summary>
    /// The copy <see cref="Start"/> began, if it is done: its pixels and labels, example i of <see cref="Order"/> at row i.
    /// Null while it is still being made: the epoch then reads the rows of <see cref="Order"/> where they are.
    /// </summary>
    public (byte[] Pixels, byte[] Labels)? TryTake()
    {
        if (copying is null || passedOver) throw new InvalidOperationException("No copy was started.");
        if (!copying.IsCompleted)
        {
            passedOver = true;
            return null;
        }
        Finish(copying);
        var taken = (pixels[filling], labels[filling]);
        filling ^= 1;
        return taken;
    }

    private void Finish(Task copy)
    {
        copying = null;
        copy.GetAwaiter().GetResult();
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
