using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuralNetworks.Cli;

/// <summary>
/// This machine's peak single-precision multiply-add rate, measured: 12 independent chains of fused multiply-adds at the
/// widest vector width the runtime accelerates (Vector512, else Vector256, else Vector128), enough to keep two FMA pipes
/// busy through their latency; the best of many short trials, on one thread and on every core at once. An FMA is 2 FLOPs.
/// </summary>
public static class FmaPeak
{
    /// <summary>The peak on one core and on all cores, in GFLOP/s, and the vector width measured.</summary>
    /// <param name="OneCore">One thread.</param>
    /// <param name="AllCores">As many threads as <see cref="Environment.ProcessorCount"/>, at once.</param>
    /// <param name="Cores">The cores of <see cref="AllCores"/>.</param>
    /// <param name="VectorBits">512, 256 or 128.</param>
    public sealed record Result(double OneCore, double AllCores, int Cores, int VectorBits)
    {
        /// <summary>The peak for a run on <paramref name="threads"/> threads: one core's, or all cores' when it used more than one.</summary>
        public double For(int threads) => threads > 1 ? AllCores : OneCore;
    }

    private const int ChainCount = 12;
    private const long Iterations = 1_000_000;

    /// <summary>Measures both figures, each as the best of <paramref name="trials"/> trials of a million iterations per thread.</summary>
    public static Result Measure(int trials = 40)
    {
        int bits = Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;
        Func<long, float> run = bits switch
        {
            512 => Chains<Width512, Vector512<float>>,
            256 => Chains<Width256, Vector256<float>>,
            _ => Chains<Width128, Vector128<float>>,
        };
        double flopsPerThread = Iterations * ChainCount * (bits / 32) * 2.0;
        run(1000);   // compiled before the first trial
        int cores = Environment.ProcessorCount;
        return new Result(Best(1), cores > 1 ? Best(cores) : Best(1), cores, bits);

        double Best(int threads)
        {
            double best = 0;
            for (int trial = 0; trial < trials; trial++)
            {
                var clock = Stopwatch.StartNew();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => run(Iterations));
                best = Math.Max(best, threads * flopsPerThread / clock.Elapsed.TotalSeconds / 1e9);
            }
            return best;
        }
    }

    // Chains independent accumulators, each a ← a·x + y per iteration: no chain waits for another.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Chains<TWidth, TVector>(long iterations) where TWidth : struct, IWidth<TVector> where TVector : struct
    {
        TVector x = TWidth.Create(0.999999f), y = TWidth.Create(1e-7f);
        TVector a0 = y, a1 = y, a2 = y, a3 = y, a4 = y, a5 = y, a6 = y, a7 = y, a8 = y, a9 = y, a10 = y, a11 = y;
        for (long i = 0; i < iterations; i++)
        {
            a0 = TWidth.Fma(a0, x, y); a1 = TWidth.Fma(a1, x, y); a2 = TWidth.Fma(a2, x, y); a3 = TWidth.Fma(a3, x, y);
            a4 = TWidth.Fma(a4, x, y); a5 = TWidth.Fma(a5, x, y); a6 = TWidth.Fma(a6, x, y); a7 = TWidth.Fma(a7, x, y);
            a8 = TWidth.Fma(a8, x, y); a9 = TWidth.Fma(a9, x, y); a10 = TWidth.Fma(a10, x, y); a11 = TWidth.Fma(a11, x, y);
        }
        return TWidth.First(TWidth.Add(TWidth.Add(TWidth.Add(a0, a1), TWidth.Add(a2, a3)), TWidth.Add(TWidth.Add(a4, a5), TWidth.Add(a6, a7))))
             + TWidth.First(TWidth.Add(TWidth.Add(a8, a9), TWidth.Add(a10, a11)));
    }

    private interface IWidth<TVector>
    {
        static abstract TVector Create(float value);
        static abstract TVector Fma(TVector a, TVector b, TVector c);
        static abstract TVector Add(TVector a, TVector b);
        static abstract float First(TVector v);
    }

    private struct Width512 : IWidth<Vector512<float>>
    {
        public static Vector512<float> Create(float value) => Vector512.Create(value);
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static float First(Vector512<float> v) => v.ToScalar();
    }

    private struct Width256 : IWidth<Vector256<float>>
    {
        public static Vector256<float> Create(float value) => Vector256.Create(value);
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static float First(Vector256<float> v) => v.ToScalar();
    }

    private struct Width128 : IWidth<Vector128<float>>
    {
        public static Vector128<float> Create(float value) => Vector128.Create(value);
        public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static float First(Vector128<float> v) => v.ToScalar();
    }
}
