using System.Runtime.CompilerServices;
using NeuralNetworks.Data;

namespace NeuralNetworks.Training;

/// <summary>
/// The next epoch's training examples copied in the order that epoch will use them, on a thread of its own while the
/// current epoch trains. The steps then read each mini-batch's pixels from consecutive memory, which the CPU fetches
/// ahead by itself, instead of from rows scattered over the whole data set (47 MB for MNIST), where the first reads of
/// each row waited for memory although the fast path asked for them a group of examples ahead (docs/performance-history.md,
/// "On the AVX2 EPYC", 4). The same examples in the same order: nothing computed changes.
/// </summary>
/// <remarks>
/// An epoch does not wait for its copy: it takes the copy as it is (<see cref="EpochCopy"/>), reads the rows already
/// copied from it and the others where they are in the data set, in the same order. The first copies, into memory the
/// process has not written before, take several times as long as the later ones; on the build machine, a virtual machine,
/// 100–165 ms instead of 10 (docs/performance.md, "Every epoch at full speed", 6). A copy still under way when its epoch
/// ends is given up, and the next one starts at once.
/// </remarks>
internal sealed class OrderedEpochs : IDisposable
{
    /// <summary>Data sets of fewer pixel bytes than this stay in the CPU's caches well enough to be read where they are.</summary>
    public const long From = 8 << 20;

    /// <summary>Rows copied between two reports of how far the copy is (and two looks at whether it was given up).</summary>
    public const int RowsPerReport = 256;

    private readonly DataSet data;
    private readonly byte[][] pixels = new byte[2][];
    private readonly byte[][] labels = new byte[2][];
    private readonly int[][] orders = new int[2][];   // each copy's order, the copy's own (the trainer reshuffles its own in place)
    private readonly Action<int, EpochCopy>? beforeRows;
    private EpochCopy? last;   // the copy last started
    private Task? copying;     // and its task
    private bool taken;        // whether its epoch has taken it
    private int filling;       // the pair of buffers the copy last started goes into
    private int started;       // copies started so far

    /// <summary>Two pairs of buffers for <paramref name="data"/>: one the current epoch reads, one the next epoch's copy fills.</summary>
    /// <param name="data">The training set.</param>
    /// <param name="beforeRows">
    /// Called on the copying thread before copy n (1, 2, …) copies its next <see cref="RowsPerReport"/> rows, from
    /// <see cref="EpochCopy.Ready"/> on; tests hold a copy back with it.
    /// </param>
    public OrderedEpochs(DataSet data, Action<int, EpochCopy>? beforeRows = null)
    {
        this.data = data;
        this.beforeRows = beforeRows;
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

    /// <summary>Whether the copy last started has ended; tests wait on it.</summary>
    public bool IsDone => copying?.IsCompleted == true;

    /// <summary>
    /// Whether <see cref="Start"/> can begin a copy while an epoch is reading the last one: that copy was taken and has
    /// ended (or none was started).
    /// </summary>
    public bool CanStart => copying is null || (taken && copying.IsCompleted);

    /// <summary>
    /// Starts copying the examples of <paramref name="order"/> (rows of the data set; the order is copied too) into the
    /// buffers the epoch before the current one read. The copy last started must have been taken; if it is still under way,
    /// it is given up (its epoch has ended: during an epoch, start only when <see cref="CanStart"/>).
    /// </summary>
    public void Start(int[] order)
    {
        if (copying is not null)
        {
            if (!taken) throw new InvalidOperationException("The previous copy was not taken.");
            last!.GiveUp();
            Finish(copying);
        }
        order.CopyTo(orders[filling], 0);
        var copy = new EpochCopy(pixels[filling], labels[filling], orders[filling]);
        int number = ++started;
        // A thread of its own, not the pool's: where the pool is short of threads (a notebook kernel, a test run), a queued
        // copy would start late; a thread's start costs well under a millisecond against an epoch's tens.
        copying = Task.Factory.StartNew(() => Copy(copy, number), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        last = copy;
        taken = false;
    }

    /// <summary>
    /// The copy <see cref="Start"/> began, done or not, for its epoch: that epoch reads its first
    /// <see cref="EpochCopy.Ready"/> rows from it and the rest of <see cref="EpochCopy.Order"/> where they are.
    /// </summary>
    public EpochCopy Take()
    {
        if (copying is null || taken) throw new InvalidOperationException("No copy was started.");
        taken = true;
        filling ^= 1;
        return last!;
    }

    private void Finish(Task copy)
    {
        copying = null;
        copy.GetAwaiter().GetResult();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Copy(EpochCopy copy, int number)
    {
        int n0 = data.InputSize;
        var all = data.AllPixelBytes;
        var allLabels = data.AllLabels;
        var order = copy.Order;
        for (int from = 0; from < order.Length; from += RowsPerReport)
        {
            beforeRows?.Invoke(number, copy);
            if (copy.GivenUp) return;
            int to = Math.Min(from + RowsPerReport, order.Length);
            for (int i = from; i < to; i++)
            {
                all.Slice(order[i] * n0, n0).CopyTo(copy.Pixels.AsSpan(i * n0, n0));
                copy.Labels[i] = allLabels[order[i]];
            }
            copy.Copied(to);
        }
    }

    /// <summary>Gives up a copy still running (training stopped during an epoch), so that no work outlives the training.</summary>
    public void Dispose()
    {
        last?.GiveUp();
        try { copying?.Wait(); }
        catch (AggregateException) { }
        copying = null;
    }
}

/// <summary>
/// One epoch's examples being copied in its order: example i of <see cref="Order"/> at row i of <see cref="Pixels"/>
/// and <see cref="Labels"/>, for every i below <see cref="Ready"/>.
/// </summary>
internal sealed class EpochCopy(byte[] pixels, byte[] labels, int[] order)
{
    private int ready;
    private volatile bool givenUp;

    /// <summary>The copy's pixels, one row of the data set's input size per example.</summary>
    public byte[] Pixels { get; } = pixels;

    /// <summary>The copy's labels.</summary>
    public byte[] Labels { get; } = labels;

    /// <summary>The order of the epoch: the data set's rows, in the order the copy holds them.</summary>
    public int[] Order { get; } = order;

    /// <summary>
    /// How many rows are copied (in steps of <see cref="OrderedEpochs.RowsPerReport"/>): what an epoch may read from the
    /// copy. Read with acquire semantics, so the rows below it are seen as written.
    /// </summary>
    public int Ready => Volatile.Read(ref ready);

    /// <summary>Whether the whole order is copied.</summary>
    public bool IsComplete => Ready == Order.Length;

    internal bool GivenUp => givenUp;

    internal void Copied(int rows) => Volatile.Write(ref ready, rows);

    internal void GiveUp() => givenUp = true;
}
