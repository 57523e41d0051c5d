using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuralNetworks.Fast;

/// <summary>
/// The second thread of <see cref="FastNetwork{V}"/>. The calling thread offers it one part of a step's work
/// (<see cref="Offer"/>), does the other part itself, then calls <see cref="Finish"/>: if the partner has not started the
/// offered part by then (on a busy machine it may not have been scheduled yet), the calling thread takes it back and runs
/// it itself — the same work either way, so the same result, and no wait for a thread that is not running.
/// </summary>
/// <remarks>
/// A part lasts a few microseconds at batch 10 (a whole step takes about 4 µs on one core), so the hand-off must cost far
/// less than that: the partner spins on <see cref="state"/> (a cache line of its own) between parts and sleeps only after
/// <see cref="SpinMilliseconds"/> without work. With a wait on an event instead (its wake-up takes tens of microseconds),
/// the calling thread had nearly always taken the part back before the partner woke: two threads measured no faster than
/// one (docs/performance.md).
/// </remarks>
internal sealed class PartnerThread : IDisposable
{
    private const int Idle = 0, Offered = 1, Taken = 2, Done = 3, TakenBack = 4;

    /// <summary>How long a step's partner spins without work before it sleeps: longer than the pause between two epochs.</summary>
    private const int SpinMilliseconds = 5;

    /// <summary>How long <see cref="Resting"/> stays true after a part kept the caller waiting.</summary>
    private const int RestMilliseconds = 20;

    /// <summary>Parts offered in a row that the calling thread took back before the partner sleeps a millisecond.</summary>
    private const int MissesBeforeBackingOff = 8;

    private readonly Thread thread;
    private readonly int spinFor;
    private readonly ManualResetEventSlim wake = new(false, 0);
    private Action? work;
    private Exception? failure;
    private PaddedInt state;             // Idle, Offered, Taken, Done or TakenBack; alone on its cache line
    private PaddedInt sleeping;          // 1 while the partner sleeps (or is about to) on wake
    private PaddedInt offers;            // parts offered so far (written by the calling thread only)
    private volatile bool stopping;
    private long offeredAt;              // when the last part was offered
    private long waited;                 // how long the calling thread has waited for the partner since then
    private long restUntil;              // until when Resting says true

    /// <summary>An int alone on a 64-byte cache line, so that the partner's spinning reads no line the threads write for other reasons.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedInt
    {
        [FieldOffset(64)] public int Value;
    }

    /// <summary>
    /// True for <see cref="RestMilliseconds"/> after the calling thread waited for a part more than 4 times as long as it
    /// worked meanwhile (and more than 50 µs), counting every wait from the offer to <see cref="Finish"/> (<see cref="Await"/>
    /// too): the partner lost its core meanwhile, as when other processes keep both cores busy or the host holds a virtual
    /// core. The caller then does all the work itself, and offers parts again afterwards.
    /// </summary>
    public bool Resting
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => restUntil != 0 && Stopwatch.GetTimestamp() < restUntil;
    }

    /// <summary>How many times the partner was sent resting (<see cref="Resting"/>): for tests, as a rest lasts only 20 ms.</summary>
    internal int Rests { get; private set; }

    /// <summary>Starts the thread; it waits for work.</summary>
    /// <param name="spinMilliseconds">How long it spins without work before it sleeps: <see cref="SpinMilliseconds"/> for
    /// parts offered microseconds apart; 0 for work offered once an epoch (an evaluation between epochs), whose thread
    /// would otherwise hold a core that other work needs meanwhile.</param>
    public PartnerThread(int spinMilliseconds = SpinMilliseconds)
    {
        spinFor = spinMilliseconds;
        thread = new Thread(Loop) { IsBackground = true, Name = "FastNetwork partner" };
        thread.Start();
    }

    /// <summary>Offers <paramref name="part"/> to the second thread. Whatever it reads must not change until <see cref="Finish"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Offer(Action part)
    {
        work = part;
        failure = null;
        offers.Value++;
        waited = 0;
        offeredAt = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref state.Value, Offered);   // a full fence: the partner sees the work, and we see whether it sleeps
        if (Volatile.Read(ref sleeping.Value) == 1) wake.Set();
    }

    /// <summary>
    /// For tests: while it returns true, the partner leaves offered parts alone, as when it has no core, so that
    /// <see cref="Finish"/> takes them back. Null (always) outside tests.
    /// </summary>
    internal Func<bool>? HoldBack { get; set; }

    /// <summary>
    /// For tests: while it returns true, the calling thread leaves offered parts to the partner (<see cref="TakeBack"/> and
    /// <see cref="Finish"/> wait until it has taken them), so that both threads surely work at once; and once it is set,
    /// the partner never rests (<see cref="Resting"/>), however long a part keeps the caller waiting. Null outside tests.
    /// </summary>
    internal Func<bool>? LeaveToPartner { get; set; }

    /// <summary>With <see cref="LeaveToPartner"/>: waits until the partner has taken the offered part.</summary>
    private void WaitUntilTakenIfLeft()
    {
        if (LeaveToPartner?.Invoke() != true) return;
        while (Volatile.Read(ref state.Value) == Offered) Thread.Yield();
    }

    /// <summary>True once the partner has taken the offered part (it is running it or has run it): <see cref="Finish"/> will not take it back.</summary>
    public bool HasStarted
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => Volatile.Read(ref state.Value) is Taken or Done;
    }

    /// <summary>True once the partner has run the offered part (then <see cref="Finish"/> returns at once).</summary>
    public bool IsDone => Volatile.Read(ref state.Value) == Done;

    /// <summary>True while the part offered last runs on the calling thread, taken back (<see cref="TakeBack"/>, <see cref="Finish"/>).</summary>
    public bool IsTakenBack => Volatile.Read(ref state.Value) == TakenBack;

    /// <summary>
    /// Runs the part offered last on the calling thread if the partner has not taken it yet, and returns true (then
    /// <see cref="Finish"/> must not be called for it); false: the partner has it, and <see cref="Finish"/> waits for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TakeBack()
    {
        if (LeaveToPartner is not null) WaitUntilTakenIfLeft();
        if (Interlocked.CompareExchange(ref state.Value, TakenBack, Offered) != Offered) return false;
        work!();
        return true;
    }

    /// <summary>
    /// For a part the partner has taken (<see cref="TakeBack"/> returned false) that publishes its progress: spins until
    /// <paramref name="published"/> holds <paramref name="value"/> and returns true, or returns false if the part ended
    /// without publishing it (it threw: <see cref="Finish"/> rethrows it). The wait counts towards <see cref="Resting"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Await(ref PublishedStep published, long value)
    {
        if (Volatile.Read(ref published.Value) == value) return true;
        long start = Stopwatch.GetTimestamp();
        bool seen = true;
        for (int spins = 1; Volatile.Read(ref published.Value) != value; spins++)
        {
            if (IsDone && Volatile.Read(ref published.Value) != value) { seen = false; break; }
            if ((spins & 4095) == 0) Thread.Yield();   // should the partner have lost its core meanwhile
        }
        waited += Stopwatch.GetTimestamp() - start;
        return seen;
    }

    /// <summary>
    /// For the offered part, wherever it runs: spins until the calling thread has published <paramref name="value"/> in
    /// <paramref name="published"/> and returns true; false when <see cref="Dispose"/> was called meanwhile (the calling
    /// thread will publish nothing more, as when it threw), so that the part can end and the thread stop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool AwaitCaller(ref PublishedStep published, long value)
    {
        for (int spins = 1; Volatile.Read(ref published.Value) != value; spins++)
        {
            if (stopping) return false;
            if ((spins & 4095) == 0) Thread.Yield();
        }
        return true;
    }

    /// <summary>
    /// Runs the offered part here if the partner has not started it, else waits for it; rethrows what it threw. Returns
    /// whether the partner ran it; false at once when no part is outstanding (it was taken back, or finished already).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Finish()
    {
        if (LeaveToPartner is not null) WaitUntilTakenIfLeft();
        if (Interlocked.CompareExchange(ref state.Value, TakenBack, Offered) == Offered)
        {
            work!();
            return false;
        }
        if (Volatile.Read(ref state.Value) is Idle or TakenBack) return false;
        // The partner is running the part: spin, then yield now and then (should it have lost its core meanwhile).
        long start = Stopwatch.GetTimestamp();
        for (int spins = 1; Volatile.Read(ref state.Value) != Done; spins++)
            if ((spins & 4095) == 0) Thread.Yield();
        long end = Stopwatch.GetTimestamp();
        waited += end - start;
        if (waited > 4 * (end - offeredAt - waited) + Stopwatch.Frequency / 20_000 && LeaveToPartner is null)
        {
            restUntil = end + Stopwatch.Frequency * RestMilliseconds / 1000;   // we waited far longer than we worked
            Rests++;
        }
        Volatile.Write(ref state.Value, Idle);
        if (failure is not null) throw new AggregateException(failure);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Loop()
    {
        long spinTicks = Stopwatch.Frequency * spinFor / 1000;
        int offersWhenLastTaken = 0;
        while (!stopping)
        {
            long since = Stopwatch.GetTimestamp();
            int spins = 0;
            while (Volatile.Read(ref state.Value) != Offered && !stopping)
            {
                if ((++spins & 1023) != 0) continue;
                if (Volatile.Read(ref offers.Value) - offersWhenLastTaken >= MissesBeforeBackingOff)
                {
                    // The calling thread took back the last parts itself: this thread is not getting a core of its own
                    // in time (other processes hold it), and spinning would only take time from the calling thread.
                    Thread.Sleep(1);
                    offersWhenLastTaken = Volatile.Read(ref offers.Value);
                }
                if (Stopwatch.GetTimestamp() - since > spinTicks)
                {
                    Sleep();
                    since = Stopwatch.GetTimestamp();
                    offersWhenLastTaken = Volatile.Read(ref offers.Value);
                }
            }
            if (stopping) return;
            if (HoldBack?.Invoke() == true) { Thread.Yield(); continue; }
            if (Interlocked.CompareExchange(ref state.Value, Taken, Offered) != Offered) continue;   // taken back
            offersWhenLastTaken = Volatile.Read(ref offers.Value);
            try { work!(); }
            catch (Exception e) { failure = e; }
            Volatile.Write(ref state.Value, Done);
        }
    }

    /// <summary>Sleeps until <see cref="Offer"/> or <see cref="Dispose"/> wakes it, unless work came meanwhile.</summary>
    private void Sleep()
    {
        wake.Reset();
        Interlocked.Exchange(ref sleeping.Value, 1);   // a full fence: then either Offer sees the flag, or we see its work
        if (Volatile.Read(ref state.Value) != Offered && !stopping) wake.Wait();
        Volatile.Write(ref sleeping.Value, 0);
    }

    /// <summary>Stops the thread.</summary>
    public void Dispose()
    {
        stopping = true;
        wake.Set();
        thread.Join();
        wake.Dispose();
    }
}

/// <summary>
/// A step counter alone on a cache line (64 bytes of padding either side): the last step whose partial sums of layer 1 one
/// thread of a split step has published (FastStep.cs), so that the other thread's spinning reads no line written for
/// other reasons.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PublishedStep
{
    [FieldOffset(64)] public long Value;
}
