namespace NeuralNetworks.Fast;

/// <summary>
/// The second thread of <see cref="FastNetwork{V}"/>: offered one shard's <see cref="FastShard{V}.Run"/> per step. It
/// spins a little before sleeping, because a step at batch 32 lasts only tens of microseconds. When the calling thread
/// has finished its own shard and the partner has not started (on a busy machine it may not have been scheduled yet),
/// the calling thread takes the shard back and runs it itself: the same work either way, so the same result, and no
/// wait for a descheduled thread.
/// </summary>
internal sealed unsafe class PartnerThread<V> : IDisposable where V : struct, ISimdFloats<V>
{
    private const int Idle = 0, Offered = 1, Taken = 2, Done = 3, TakenBack = 4;
    private readonly Thread thread;
    private readonly ManualResetEventSlim go = new(false, 2000), done = new(false, 2000);
    private FastShard<V>? shard;
    private nint pixels, labels;
    private int[] rows = [];
    private int rowCount, nextCount;
    private Exception? failure;
    private int state = Idle;
    private volatile bool stopping;

    /// <summary>Starts the thread; it waits for work.</summary>
    public PartnerThread()
    {
        thread = new Thread(Loop) { IsBackground = true, Name = "FastNetwork partner" };
        thread.Start();
    }

    /// <summary>Offers <see cref="FastShard{V}.Run"/> of <paramref name="target"/> on these rows to the second thread.</summary>
    public void Offer(FastShard<V> target, byte* pixels, byte* labels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        shard = target;
        this.pixels = (nint)pixels; this.labels = (nint)labels;
        if (this.rows.Length < rows.Length + next.Length) this.rows = new int[rows.Length + next.Length];
        rows.CopyTo(this.rows); next.CopyTo(this.rows.AsSpan(rows.Length));
        rowCount = rows.Length; nextCount = next.Length;
        failure = null;
        done.Reset();
        Volatile.Write(ref state, Offered);
        go.Set();
    }

    /// <summary>Runs the offered shard here if the partner has not started it, else waits for it; rethrows what it threw.</summary>
    public void Finish()
    {
        if (Interlocked.CompareExchange(ref state, TakenBack, Offered) == Offered)
        {
            RunOffered();
            return;
        }
        done.Wait();
        if (failure is not null) throw new AggregateException(failure);
    }

    private void RunOffered() => shard!.Run((byte*)pixels, (byte*)labels, rows.AsSpan(0, rowCount), rows.AsSpan(rowCount, nextCount));

    private void Loop()
    {
        while (true)
        {
            go.Wait();
            go.Reset();
            if (stopping) return;
            if (Interlocked.CompareExchange(ref state, Taken, Offered) != Offered) continue;   // taken back, or nothing new
            try { RunOffered(); }
            catch (Exception e) { failure = e; }
            Volatile.Write(ref state, Done);
            done.Set();
        }
    }

    /// <summary>Stops the thread.</summary>
    public void Dispose()
    {
        stopping = true;
        go.Set();
        thread.Join();
        go.Dispose();
        done.Dispose();
    }
}
