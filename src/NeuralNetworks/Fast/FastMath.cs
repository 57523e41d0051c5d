using System.Runtime.CompilerServices;

namespace NeuralNetworks.Fast;

/// <summary>
/// eˣ for the fast kernels, written over the lane type <see cref="ISimdFloats{V}"/> and inlined into them.
/// </summary>
/// <remarks>
/// <para>Switched on, it moved the trained networks' last bits: seed 1's test digits (nielsen 9,442 → 9,410, better
/// 9,546 → 9,548), and two claims notebooks 09 and 10 made that held for one network's last bits only (they now state
/// what holds for both).</para>
/// Why not <c>Vector512.Exp</c>: it is a generic method of the runtime's library that no kernel can inline. It is compiled
/// unoptimised first and recompiled only once the runtime's tiering sees a quiet moment (100 ms without new methods to
/// compile), which a training that prints or evaluates between epochs may not give it for seconds: measured with perf,
/// its unoptimised code took 14 % of a 20-epoch run at batch 10, to the end. This one is compiled with the kernel, fully
/// optimised from the first call.
/// </remarks>
internal static class FastMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;         // ln 2 = Ln2High + Ln2Low; n·Ln2High is exact for |n| ≤ 128
    private const float Ln2Low = -2.12194440e-4f;
    private const float Overflow = 88.37f;              // eˣ from here on: +∞ (e^88.37 ≈ 2.4·10³⁸, the float maximum is 3.4·10³⁸)
    private const float Underflow = -87.33654f;         // below this: 0 (e^−87.34 ≈ 1.2·10⁻³⁸, the smallest normal float)

    /// <summary>
    /// eˣ = 2ⁿ·eʳ with n = round(x·log₂e) and r = x − n·ln 2 in [−½ ln 2, ½ ln 2], eʳ = 1 + (r + r²·q(r)) with Cephes'
    /// polynomial q (expf), the 1 added last: within 1 ulp of eˣ (FastPathTests checks it against double), about 90 % of
    /// results rounded correctly. Cephes' own order, (1 + r) + r²·q(r), was within 1.3 ulp, and moved the weights of a
    /// 400-step run at batch 5 four times farther from the double reference (3·10⁻⁵ against 7·10⁻⁶ with the runtime's
    /// Vector512.Exp, which computes in double, and 5·10⁻⁶ with this). NaN stays NaN; +∞ → +∞, −∞ → 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Exp<V>(V x) where V : struct, ISimdFloats<V>
    {
        var n = V.Round(x * V.Create(Log2E));
        var r = V.FusedMultiplyAdd(n, V.Create(-Ln2High), x);
        r = V.FusedMultiplyAdd(n, V.Create(-Ln2Low), r);
        var p = V.FusedMultiplyAdd(V.Create(1.9875691500e-4f), r, V.Create(1.3981999507e-3f));
        p = V.FusedMultiplyAdd(p, r, V.Create(8.3334519073e-3f));
        p = V.FusedMultiplyAdd(p, r, V.Create(4.1665795894e-2f));
        p = V.FusedMultiplyAdd(p, r, V.Create(1.6666665459e-1f));
        p = V.FusedMultiplyAdd(p, r, V.Create(5.0000001201e-1f));
        p = V.FusedMultiplyAdd(p, r * r, r) + V.One;        // 1 added last: one rounding of the result; NaN stays NaN
        var e = p * V.PowerOfTwo(n);
        e = V.Select(V.GreaterThan(x, V.Create(Overflow)), V.Create(float.PositiveInfinity), e);
        return V.Select(V.LessThan(x, V.Create(Underflow)), V.Zero, e);
    }

    /// <summary>e^x[i] into <paramref name="e"/>[i] for a whole number of 16-lane chunks (what the tests check <see cref="Exp{V}"/> with).</summary>
    public static unsafe void ExpEach<V>(ReadOnlySpan<float> x, Span<float> e) where V : struct, ISimdFloats<V>
    {
        if (x.Length % V.Count != 0 || e.Length < x.Length) throw new ArgumentException($"Give whole chunks of {V.Count} and room for them.");
        fixed (float* from = x, to = e)
            for (int i = 0; i < x.Length; i += V.Count) Exp(V.Load(from + i)).Store(to + i);
    }
}
