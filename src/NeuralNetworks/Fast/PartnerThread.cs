namespace NeuralNetworks.Fast;

/// <summary>
/// The second thread of <see cref="FastNetwork{V}"/>. The calling thread offers it one part of a step's work
/// (<see cref="Offer"/>), does the other part itself, then calls <see cref="Finish"/>: if the partner has not started the
/// offered part by then (on a busy machine it may not have been scheduled yet), the calling thread takes it back and runs
/// it itself — the same work either way, so the same result, and no wait for a thread that is not running. The partner
/// spins a little before it sleeps, because the parts of a step last microseconds.
/// </summary>
internal sealed class PartnerThread : IDisposable
{
    private const int Idle = 0, Offered = 1, Taken = 2, Done = 3, TakenBack = 4;
    private readonly Thread thread;
    private readonly ManualResetEventSlim go = new(false, 2000), done = new(false, 2000);
    private Action? work;
    private Exception? failure;
    private int state = Idle;
    private volatile bool stopping;

    /// <summary>Starts the thread; it waits for work.</summary>
    public PartnerThread()
    {
        thread = new Thread(Loop) { IsBackground = true, Name = "FastNetwork partner" };
        thread.Start();
    }

    /// <summary>Offers <paramref name="part"/> to the second thread. Whatever it reads must not change until <see cref="Finish"/>.</summary>
    public void Offer(Action part)
    {
        work = part;
        failure = null;
        done.Reset();
        Volatile.Write(ref state, Offered);
        go.Set();
    }

    /// <summary>Runs the offered part here if the partner has not started it, else waits for it; rethrows what it threw.</summary>
    public void Finish()
    {
        if (Interlocked.CompareExchange(ref state, TakenBack, Offered) == Offered)
        {
            work!();
            return;
        }
        done.Wait();
        if (failure is not null) throw new AggregateException(failure);
    }

    private void Loop()
    {
        while (true)
        {
            go.Wait();
            go.Reset();
            if (stopping) return;
            if (Interlocked.CompareExchange(ref state, Taken, Offered) != Offered) continue;   // taken back, or nothing new
            try { work!(); }
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
