using System.Diagnostics;
using System.Runtime.InteropServices;

namespace NeuralNetworks.Cli;

/// <summary>
/// How long one cache line takes to go from one core to another and back, measured: two threads take turns writing a
/// counter alone on its 64-byte line, each spinning until the other has written (a "ping-pong"). The fast path's two
/// threads pay this at every hand-off and for every line of weights or gradients the other core wrote last. It is not
/// what limits the two-thread rows of <c>bench</c> most: with almost no lines crossing, two threads still each ran up
/// to twice as slow as one alone (docs/performance.md, "Both cores").
/// </summary>
public static class CacheLineRoundTrip
{
    /// <summary>
    /// The median over <paramref name="rounds"/> rounds of the mean time of a round trip, in microseconds, from
    /// <paramref name="roundTrips"/> round trips per round; null on one core, or when the two threads did not run at once
    /// within <paramref name="limit"/> (another process held a core).
    /// </summary>
    public static double? Measure(int rounds = 5, int roundTrips = 100_000, TimeSpan? limit = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTrips, 1);
        if (Environment.ProcessorCount < 2) return null;
        var times = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            if (Once(roundTrips, limit ?? TimeSpan.FromSeconds(10)) is not { } microseconds) return null;
            times[r] = microseconds;
        }
        Array.Sort(times);
        return rounds % 2 == 1 ? times[rounds / 2] : (times[rounds / 2 - 1] + times[rounds / 2]) / 2;
    }

    private static double? Once(int roundTrips, TimeSpan limit)
    {
        var shared = new Shared();
        var other = new Thread(() =>
        {
            // Answers each odd number with the next even one.
            for (long i = 1; i <= roundTrips && !Volatile.Read(ref shared.GaveUp); i++)
            {
                while (Volatile.Read(ref shared.Line.Value) != 2 * i - 1)
                    if (Volatile.Read(ref shared.GaveUp)) return;
                Volatile.Write(ref shared.Line.Value, 2 * i);
            }
        }) { IsBackground = true, Name = "cache-line round trip" };
        other.Start();
        long deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        for (long i = 1; i <= roundTrips; i++)
        {
            Volatile.Write(ref shared.Line.Value, 2 * i - 1);
            for (int spins = 1; Volatile.Read(ref shared.Line.Value) != 2 * i; spins++)
                if ((spins & 4095) == 0 && Stopwatch.GetTimestamp() > deadline)
                {
                    Volatile.Write(ref shared.GaveUp, true);
                    other.Join();
                    return null;
                }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        other.Join();
        return seconds / roundTrips * 1e6;
    }

    private sealed class Shared
    {
        public PaddedLong Line;
        public bool GaveUp;
    }

    /// <summary>A long alone on a 64-byte line (64 bytes of padding on each side).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct PaddedLong
    {
        [FieldOffset(64)] public long Value;
    }
}
