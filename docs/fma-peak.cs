// The float32 FMA peak of this machine, for docs/performance.md's "Against the limit": 12 independent chains of
// Vector512.FusedMultiplyAdd per thread (enough to cover the FMA latency on two pipes), best of 60 short trials.
// Run: dotnet run -c Release docs/fma-peak.cs 1   (or 2 for two threads; with AVX-512 off the JIT emulates Vector512)
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
static class P
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    static float Run(long iters)
    {
        var x = Vector512.Create(0.999999f); var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default,
            a8 = default, a9 = default, a10 = default, a11 = default;
        for (long i = 0; i < iters; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, x, y); a1 = Vector512.FusedMultiplyAdd(a1, x, y); a2 = Vector512.FusedMultiplyAdd(a2, x, y);
            a3 = Vector512.FusedMultiplyAdd(a3, x, y); a4 = Vector512.FusedMultiplyAdd(a4, x, y); a5 = Vector512.FusedMultiplyAdd(a5, x, y);
            a6 = Vector512.FusedMultiplyAdd(a6, x, y); a7 = Vector512.FusedMultiplyAdd(a7, x, y); a8 = Vector512.FusedMultiplyAdd(a8, x, y);
            a9 = Vector512.FusedMultiplyAdd(a9, x, y); a10 = Vector512.FusedMultiplyAdd(a10, x, y); a11 = Vector512.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }
    static void Main(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 1;
        long iters = 2_000_000;
        Run(1000); Run(1000);
        double best = 0;
        for (int trial = 0; trial < 60; trial++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Run(iters));
            double flops = threads * iters * 12.0 * 16 * 2;
            best = Math.Max(best, flops / sw.Elapsed.TotalSeconds / 1e9);
        }
        Console.WriteLine($"{threads} thread(s): best {best:0.0} GFLOP/s float32 FMA (12 independent Vector512 chains, best of 60 trials of 2M iterations)");
    }
}
