using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NeuralNetworks.Fast;

/// <summary>
/// 16 float lanes, the type the fast kernels are written over so that each kernel exists once:
/// <see cref="Floats512"/> (one Vector512: AVX-512), <see cref="Floats256"/> (two Vector256: AVX2) or
/// <see cref="Floats128"/> (four Vector128: NEON on ARM64).
/// <see cref="FastNetwork{V}"/> takes it as a type parameter; the JIT compiles the kernels separately for each
/// struct and inlines these one-line members, so the abstraction costs nothing at run time (measured: the
/// Vector512 path is as fast as when it was written with Vector512 directly) — with one exception found in the
/// machine code: a broadcast float passed to FusedMultiplyAdd through the struct was not folded into the FMA, hence
/// <see cref="FusedMultiplyAddBroadcast"/> (docs/performance.md, "Batch 100 on one thread, part by part").
/// </summary>
/// <remarks>
/// Every operation works lane by lane, the same in every width (the same FMA, the same exp), so all give the
/// same weights bit for bit; only the horizontal sums of the cost (<see cref="SumAsDouble"/>,
/// <see cref="SumOfSquaresAsDouble"/>) add in a width-dependent order.
/// </remarks>
internal unsafe interface ISimdFloats<V> where V : struct, ISimdFloats<V>
{
    /// <summary>Floats per value: 16 in every width (the padded row chunk of <see cref="FastNetwork.Padding"/>).</summary>
    static abstract int Count { get; }

    /// <summary>The width of the hardware vectors in bits: 512, 256 or 128 (named in the training history).</summary>
    static abstract int Width { get; }

    /// <summary>
    /// The most examples in a forward group (<see cref="FastKernels{V}.WeightedSums"/>): as many as keep their sums and
    /// the weight row in vector registers. 8 with AVX-512's 32 registers of one value each; 6 for two Vector256 per value
    /// (AVX2 has 16 registers: 12 sums, the row's two halves and a broadcast) and for four Vector128 (NEON's 32: 24 sums,
    /// 4 for the row, a broadcast). With 8 the AVX2 kernel kept three sums on the stack (docs/performance-history.md, "On the AVX2 EPYC", item 1).
    /// </summary>
    static abstract int GroupLimit { get; }

    /// <summary>All lanes 0.</summary>
    static abstract V Zero { get; }

    /// <summary>All lanes 1.</summary>
    static abstract V One { get; }

    /// <summary>Lane i holds i (0, 1, 2, …, 15) as a float.</summary>
    static abstract V Indices { get; }

    /// <summary>Every lane <paramref name="value"/> (a broadcast).</summary>
    static abstract V Create(float value);

    /// <summary><see cref="Count"/> floats from <paramref name="at"/>.</summary>
    static abstract V Load(float* at);

    /// <summary><see cref="Count"/> bytes from <paramref name="at"/>, each converted to a float exactly.</summary>
    static abstract V LoadBytes(byte* at);

    /// <summary>Writes the lanes to <paramref name="at"/>.</summary>
    void Store(float* at);

    /// <summary>left · right + addend, rounded once.</summary>
    static abstract V FusedMultiplyAdd(V left, V right, V addend);

    /// <summary>
    /// *<paramref name="scalar"/> · <paramref name="right"/> + <paramref name="addend"/> per lane, rounded once: the same as
    /// <see cref="FusedMultiplyAdd(V, V, V)"/> of <see cref="Create"/>(*scalar), in one instruction with AVX-512 (the float
    /// is read as an embedded broadcast, vfmadd231ps zmm, zmm, [mem]{1to16}, where <c>FusedMultiplyAdd(Create(x), …)</c>
    /// compiled to a broadcast, an FMA and a register move).
    /// </summary>
    static abstract V FusedMultiplyAddBroadcast(float* scalar, V right, V addend);

    /// <summary>eˣ per lane (<see cref="FastMath.Exp{V}"/>: the same in every width, and compiled into the kernel that uses it).</summary>
    static abstract V Exp(V x);

    /// <summary>x rounded to the nearest integer per lane (ties to even).</summary>
    static abstract V Round(V x);

    /// <summary>2ⁿ per lane, for lanes n that hold an integer in [−126, 127] (other lanes: any value).</summary>
    static abstract V PowerOfTwo(V n);

    /// <summary>Per lane: <paramref name="ifTrue"/> where <paramref name="mask"/> is all ones, <paramref name="ifFalse"/> where it is 0.</summary>
    static abstract V Select(V mask, V ifTrue, V ifFalse);

    /// <summary>ln x per lane.</summary>
    static abstract V Log(V x);

    /// <summary>|x| per lane.</summary>
    static abstract V Abs(V x);

    /// <summary>The larger of the two per lane.</summary>
    static abstract V Max(V left, V right);

    /// <summary>All-ones lanes where left &gt; right, zero elsewhere.</summary>
    static abstract V GreaterThan(V left, V right);

    /// <summary>All-ones lanes where left &lt; right, zero elsewhere.</summary>
    static abstract V LessThan(V left, V right);

    /// <summary>All-ones lanes where left = right, zero elsewhere.</summary>
    static abstract V EqualTo(V left, V right);

    /// <summary>The lanes widened to double and summed.</summary>
    double SumAsDouble();

    /// <summary>The squares of the lanes, in double, summed.</summary>
    double SumOfSquaresAsDouble();

    /// <summary>
    /// Bit i (0 ≤ i &lt; 64) set when byte k + i is not 0 in at least one of <paramref name="rows"/>, each row
    /// <paramref name="rowLength"/> bytes from <paramref name="pixels"/>.
    /// </summary>
    static abstract ulong NonZeroBytes64(byte* pixels, ReadOnlySpan<int> rows, int rowLength, int k);

#pragma warning disable CS1591   // the arithmetic operators mean what they say, lane by lane
    static abstract V operator +(V left, V right);
    static abstract V operator -(V left, V right);
    static abstract V operator *(V left, V right);
    static abstract V operator /(V left, V right);
    static abstract V operator -(V value);
    static abstract V operator &(V left, V right);
#pragma warning restore CS1591
}

/// <summary>16 float lanes in a <see cref="Vector512{T}"/> (AVX-512).</summary>
internal readonly unsafe struct Floats512(Vector512<float> v) : ISimdFloats<Floats512>
{
    private readonly Vector512<float> v = v;

    public static int Count => Vector512<float>.Count;
    public static int Width => 512;
    public static int GroupLimit => 8;
    public static Floats512 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<float>.Zero); }
    public static Floats512 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<float>.One); }
    public static Floats512 Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector512<float>.Indices); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Load(float* at) => new(Vector512.Load(at));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* at) => v.Store(at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Floats512 LoadBytes(byte* at)
    {
        if (Avx512F.IsSupported) return new(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(Vector128.Load(at))));
        float* lanes = stackalloc float[16];
        for (int i = 0; i < 16; i++) lanes[i] = at[i];
        return Load(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 FusedMultiplyAdd(Floats512 left, Floats512 right, Floats512 addend) => new(Vector512.FusedMultiplyAdd(left.v, right.v, addend.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 FusedMultiplyAddBroadcast(float* scalar, Floats512 right, Floats512 addend) => new(Vector512.FusedMultiplyAdd(Vector512.Create(*scalar), right.v, addend.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Exp(Floats512 x) => FastMath.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Round(Floats512 x) => new(Vector512.Round(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 PowerOfTwo(Floats512 n) => new(Vector512.ShiftLeft(Vector512.ConvertToInt32(n.v) + Vector512.Create(127), 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Select(Floats512 mask, Floats512 ifTrue, Floats512 ifFalse) => new(Vector512.ConditionalSelect(mask.v, ifTrue.v, ifFalse.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Log(Floats512 x) => new(Vector512.Log(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Abs(Floats512 x) => new(Vector512.Abs(x.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 Max(Floats512 left, Floats512 right) => new(Vector512.Max(left.v, right.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 GreaterThan(Floats512 left, Floats512 right) => new(Vector512.GreaterThan(left.v, right.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 LessThan(Floats512 left, Floats512 right) => new(Vector512.LessThan(left.v, right.v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats512 EqualTo(Floats512 left, Floats512 right) => new(Vector512.Equals(left.v, right.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SumAsDouble()
    {
        var (lo, hi) = Vector512.Widen(v);
        return Vector512.Sum(lo + hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SumOfSquaresAsDouble()
    {
        var (lo, hi) = Vector512.Widen(v);
        return Vector512.Sum(lo * lo + hi * hi);
    }

    public static ulong NonZeroBytes64(byte* pixels, ReadOnlySpan<int> rows, int rowLength, int k)
    {
        var any = Vector512<byte>.Zero;
        foreach (int row in rows) any |= Vector512.Load(pixels + (long)row * rowLength + k);
        return ~Vector512.Equals(any, Vector512<byte>.Zero).ExtractMostSignificantBits();
    }

    public static Floats512 operator +(Floats512 left, Floats512 right) => new(left.v + right.v);
    public static Floats512 operator -(Floats512 left, Floats512 right) => new(left.v - right.v);
    public static Floats512 operator *(Floats512 left, Floats512 right) => new(left.v * right.v);
    public static Floats512 operator /(Floats512 left, Floats512 right) => new(left.v / right.v);
    public static Floats512 operator -(Floats512 value) => new(-value.v);
    public static Floats512 operator &(Floats512 left, Floats512 right) => new(left.v & right.v);
}

/// <summary>
/// 16 float lanes as two <see cref="Vector256{T}"/> halves (AVX2): the same 16-float chunks as <see cref="Floats512"/>,
/// so each input broadcast in the kernels feeds two FMAs. (Measured with AVX-512 disabled: 8-lane chunks, which
/// load every broadcast twice per 16 neurons, took 0.055 s per epoch at batch 10 against 0.048 s for this.)
/// </summary>
internal readonly unsafe struct Floats256(Vector256<float> lo, Vector256<float> hi) : ISimdFloats<Floats256>
{
    private readonly Vector256<float> lo = lo, hi = hi;

    public static int Count => 16;
    public static int Width => 256;
    public static int GroupLimit => 6;
    public static Floats256 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<float>.Zero, Vector256<float>.Zero); }
    public static Floats256 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<float>.One, Vector256<float>.One); }
    public static Floats256 Indices { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => new(Vector256<float>.Indices, Vector256<float>.Indices + Vector256.Create(8f)); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Create(float value) { var v = Vector256.Create(value); return new(v, v); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Load(float* at) => new(Vector256.Load(at), Vector256.Load(at + 8));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* at) { lo.Store(at); hi.Store(at + 8); }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Floats256 LoadBytes(byte* at)
    {
        if (Avx2.IsSupported)
            return new(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(at)), Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(at + 8)));
        float* lanes = stackalloc float[16];
        for (int i = 0; i < 16; i++) lanes[i] = at[i];
        return Load(lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 FusedMultiplyAdd(Floats256 left, Floats256 right, Floats256 addend) => new(Vector256.FusedMultiplyAdd(left.lo, right.lo, addend.lo), Vector256.FusedMultiplyAdd(left.hi, right.hi, addend.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Floats256 FusedMultiplyAddBroadcast(float* scalar, Floats256 right, Floats256 addend)
    {
        var left = Vector256.Create(*scalar);
        return new(Vector256.FusedMultiplyAdd(left, right.lo, addend.lo), Vector256.FusedMultiplyAdd(left, right.hi, addend.hi));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Exp(Floats256 x) => FastMath.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Round(Floats256 x) => new(Vector256.Round(x.lo), Vector256.Round(x.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 PowerOfTwo(Floats256 n) => new(PowerOfTwo(n.lo), PowerOfTwo(n.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static Vector256<float> PowerOfTwo(Vector256<float> n) => Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Select(Floats256 mask, Floats256 ifTrue, Floats256 ifFalse) => new(Vector256.ConditionalSelect(mask.lo, ifTrue.lo, ifFalse.lo), Vector256.ConditionalSelect(mask.hi, ifTrue.hi, ifFalse.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Log(Floats256 x) => new(Vector256.Log(x.lo), Vector256.Log(x.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Abs(Floats256 x) => new(Vector256.Abs(x.lo), Vector256.Abs(x.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 Max(Floats256 left, Floats256 right) => new(Vector256.Max(left.lo, right.lo), Vector256.Max(left.hi, right.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 GreaterThan(Floats256 left, Floats256 right) => new(Vector256.GreaterThan(left.lo, right.lo), Vector256.GreaterThan(left.hi, right.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 LessThan(Floats256 left, Floats256 right) => new(Vector256.LessThan(left.lo, right.lo), Vector256.LessThan(left.hi, right.hi));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats256 EqualTo(Floats256 left, Floats256 right) => new(Vector256.Equals(left.lo, right.lo), Vector256.Equals(left.hi, right.hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SumAsDouble()
    {
        var (a, b) = Vector256.Widen(lo);
        var (c, d) = Vector256.Widen(hi);
        return Vector256.Sum((a + b) + (c + d));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SumOfSquaresAsDouble()
    {
        var (a, b) = Vector256.Widen(lo);
        var (c, d) = Vector256.Widen(hi);
        return Vector256.Sum((a * a + b * b) + (c * c + d * d));
    }

    public static ulong NonZeroBytes64(byte* pixels, ReadOnlySpan<int> rows, int rowLength, int k)
    {
        Vector256<byte> low = Vector256<byte>.Zero, high = Vector256<byte>.Zero;
        foreach (int row in rows)
        {
            byte* at = pixels + (long)row * rowLength + k;
            low |= Vector256.Load(at);
            high |= Vector256.Load(at + 32);
        }
        ulong zero = Vector256.Equals(low, Vector256<byte>.Zero).ExtractMostSignificantBits()
                   | (ulong)Vector256.Equals(high, Vector256<byte>.Zero).ExtractMostSignificantBits() << 32;
        return ~zero;
    }

    public static Floats256 operator +(Floats256 left, Floats256 right) => new(left.lo + right.lo, left.hi + right.hi);
    public static Floats256 operator -(Floats256 left, Floats256 right) => new(left.lo - right.lo, left.hi - right.hi);
    public static Floats256 operator *(Floats256 left, Floats256 right) => new(left.lo * right.lo, left.hi * right.hi);
    public static Floats256 operator /(Floats256 left, Floats256 right) => new(left.lo / right.lo, left.hi / right.hi);
    public static Floats256 operator -(Floats256 value) => new(-value.lo, -value.hi);
    public static Floats256 operator &(Floats256 left, Floats256 right) => new(left.lo & right.lo, left.hi & right.hi);
}

/// <summary>
/// 16 float lanes as four <see cref="Vector128{T}"/> quarters (NEON on ARM64, e.g. Apple Silicon; on x64 it runs
/// with FMA3 when Vector256 is off, e.g. <c>DOTNET_PreferredVectorBitWidth=128</c>): the same 16-float chunks as
/// <see cref="Floats512"/> and <see cref="Floats256"/>, so each input broadcast in the kernels feeds four FMAs and
/// the weights come out the same bit for bit.
/// </summary>
internal readonly unsafe struct Floats128(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d) : ISimdFloats<Floats128>
{
    private readonly Vector128<float> a = a, b = b, c = c, d = d;

    public static int Count => 16;
    public static int Width => 128;
    public static int GroupLimit => 6;
    public static Floats128 Zero { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Create(0f); }
    public static Floats128 One { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => Create(1f); }
    public static Floats128 Indices
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var i = Vector128<float>.Indices;
            return new(i, i + Vector128.Create(4f), i + Vector128.Create(8f), i + Vector128.Create(12f));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Create(float value) { var v = Vector128.Create(value); return new(v, v, v, v); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Load(float* at) => new(Vector128.Load(at), Vector128.Load(at + 4), Vector128.Load(at + 8), Vector128.Load(at + 12));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* at) { a.Store(at); b.Store(at + 4); c.Store(at + 8); d.Store(at + 12); }

    /// <summary>Portable widening (bytes → ushort → uint, then int → float, exact below 2²⁴): NEON and x64 alike.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Floats128 LoadBytes(byte* at)
    {
        var (low, high) = Vector128.Widen(Vector128.Load(at));
        var (q0, q1) = Vector128.Widen(low);
        var (q2, q3) = Vector128.Widen(high);
        return new(Vector128.ConvertToSingle(q0.AsInt32()), Vector128.ConvertToSingle(q1.AsInt32()),
                   Vector128.ConvertToSingle(q2.AsInt32()), Vector128.ConvertToSingle(q3.AsInt32()));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 FusedMultiplyAdd(Floats128 left, Floats128 right, Floats128 addend) => new(Vector128.FusedMultiplyAdd(left.a, right.a, addend.a), Vector128.FusedMultiplyAdd(left.b, right.b, addend.b), Vector128.FusedMultiplyAdd(left.c, right.c, addend.c), Vector128.FusedMultiplyAdd(left.d, right.d, addend.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Floats128 FusedMultiplyAddBroadcast(float* scalar, Floats128 right, Floats128 addend)
    {
        var left = Vector128.Create(*scalar);
        return new(Vector128.FusedMultiplyAdd(left, right.a, addend.a), Vector128.FusedMultiplyAdd(left, right.b, addend.b), Vector128.FusedMultiplyAdd(left, right.c, addend.c), Vector128.FusedMultiplyAdd(left, right.d, addend.d));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Exp(Floats128 x) => FastMath.Exp(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Round(Floats128 x) => new(Vector128.Round(x.a), Vector128.Round(x.b), Vector128.Round(x.c), Vector128.Round(x.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 PowerOfTwo(Floats128 n) => new(PowerOfTwo(n.a), PowerOfTwo(n.b), PowerOfTwo(n.c), PowerOfTwo(n.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static Vector128<float> PowerOfTwo(Vector128<float> n) => Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23).AsSingle();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Select(Floats128 mask, Floats128 ifTrue, Floats128 ifFalse) => new(Vector128.ConditionalSelect(mask.a, ifTrue.a, ifFalse.a), Vector128.ConditionalSelect(mask.b, ifTrue.b, ifFalse.b), Vector128.ConditionalSelect(mask.c, ifTrue.c, ifFalse.c), Vector128.ConditionalSelect(mask.d, ifTrue.d, ifFalse.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Log(Floats128 x) => new(Vector128.Log(x.a), Vector128.Log(x.b), Vector128.Log(x.c), Vector128.Log(x.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Abs(Floats128 x) => new(Vector128.Abs(x.a), Vector128.Abs(x.b), Vector128.Abs(x.c), Vector128.Abs(x.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 Max(Floats128 left, Floats128 right) => new(Vector128.Max(left.a, right.a), Vector128.Max(left.b, right.b), Vector128.Max(left.c, right.c), Vector128.Max(left.d, right.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 GreaterThan(Floats128 left, Floats128 right) => new(Vector128.GreaterThan(left.a, right.a), Vector128.GreaterThan(left.b, right.b), Vector128.GreaterThan(left.c, right.c), Vector128.GreaterThan(left.d, right.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 LessThan(Floats128 left, Floats128 right) => new(Vector128.LessThan(left.a, right.a), Vector128.LessThan(left.b, right.b), Vector128.LessThan(left.c, right.c), Vector128.LessThan(left.d, right.d));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Floats128 EqualTo(Floats128 left, Floats128 right) => new(Vector128.Equals(left.a, right.a), Vector128.Equals(left.b, right.b), Vector128.Equals(left.c, right.c), Vector128.Equals(left.d, right.d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SumAsDouble()
    {
        var (a0, a1) = Vector128.Widen(a);
        var (b0, b1) = Vector128.Widen(b);
        var (c0, c1) = Vector128.Widen(c);
        var (d0, d1) = Vector128.Widen(d);
        return Vector128.Sum(((a0 + a1) + (b0 + b1)) + ((c0 + c1) + (d0 + d1)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double SumOfSquaresAsDouble()
    {
        var (a0, a1) = Vector128.Widen(a);
        var (b0, b1) = Vector128.Widen(b);
        var (c0, c1) = Vector128.Widen(c);
        var (d0, d1) = Vector128.Widen(d);
        return Vector128.Sum(((a0 * a0 + a1 * a1) + (b0 * b0 + b1 * b1)) + ((c0 * c0 + c1 * c1) + (d0 * d0 + d1 * d1)));
    }

    public static ulong NonZeroBytes64(byte* pixels, ReadOnlySpan<int> rows, int rowLength, int k)
    {
        Vector128<byte> q0 = Vector128<byte>.Zero, q1 = Vector128<byte>.Zero, q2 = Vector128<byte>.Zero, q3 = Vector128<byte>.Zero;
        foreach (int row in rows)
        {
            byte* at = pixels + (long)row * rowLength + k;
            q0 |= Vector128.Load(at);
            q1 |= Vector128.Load(at + 16);
            q2 |= Vector128.Load(at + 32);
            q3 |= Vector128.Load(at + 48);
        }
        ulong zero = Vector128.Equals(q0, Vector128<byte>.Zero).ExtractMostSignificantBits()
                   | (ulong)Vector128.Equals(q1, Vector128<byte>.Zero).ExtractMostSignificantBits() << 16
                   | (ulong)Vector128.Equals(q2, Vector128<byte>.Zero).ExtractMostSignificantBits() << 32
                   | (ulong)Vector128.Equals(q3, Vector128<byte>.Zero).ExtractMostSignificantBits() << 48;
        return ~zero;
    }

    public static Floats128 operator +(Floats128 left, Floats128 right) => new(left.a + right.a, left.b + right.b, left.c + right.c, left.d + right.d);
    public static Floats128 operator -(Floats128 left, Floats128 right) => new(left.a - right.a, left.b - right.b, left.c - right.c, left.d - right.d);
    public static Floats128 operator *(Floats128 left, Floats128 right) => new(left.a * right.a, left.b * right.b, left.c * right.c, left.d * right.d);
    public static Floats128 operator /(Floats128 left, Floats128 right) => new(left.a / right.a, left.b / right.b, left.c / right.c, left.d / right.d);
    public static Floats128 operator -(Floats128 value) => new(-value.a, -value.b, -value.c, -value.d);
    public static Floats128 operator &(Floats128 left, Floats128 right) => new(left.a & right.a, left.b & right.b, left.c & right.c, left.d & right.d);
}
