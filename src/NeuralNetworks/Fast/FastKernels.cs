using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralNetworks.Model;

namespace NeuralNetworks.Fast;

/// <summary>The activation functions the kernels compute, as <see cref="Activation"/> defines them.</summary>
internal enum FastActivation { Sigmoid, Tanh, ReLU, Softmax }

/// <summary>
/// The inner loops of the fast path, written once over 16 float lanes <typeparamref name="V"/>: the weighted sums of a
/// group of examples (forward pass and BP2), the gradient rows Σₓ aₓ[k]·δₓ of a group (BP4), and σ with σ′.
/// </summary>
/// <remarks>
/// Every method the training step calls is compiled fully optimised on its first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): with tiered compilation a method starts unoptimised and is
/// recompiled only after it has been called for a while, which kept the first epochs of a run two to three times slower
/// than the rest (docs/performance.md, "Every epoch at full speed").
/// </remarks>
internal static unsafe class FastKernels<V> where V : struct, ISimdFloats<V>
{
    /// <summary>FastActivation of a library activation; throws for one without a kernel.</summary>
    public static FastActivation KindOf(Activation a) =>
        a == Activation.Sigmoid ? FastActivation.Sigmoid : a == Activation.Tanh ? FastActivation.Tanh : a == Activation.ReLU ? FastActivation.ReLU
        : a == Activation.Softmax ? FastActivation.Softmax
        : throw new NotSupportedException($"No fast kernel for the activation '{a.Name}'.");

    /// <summary>a = σ(z) and σ′(z) for 16 lanes, as <see cref="Activation"/> defines them (softmax is done per example elsewhere).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Activate(FastActivation kind, V z, out V derivative)
    {
        var one = V.One;
        switch (kind)
        {
            case FastActivation.Sigmoid:
            {
                var s = one / (one + V.Exp(-z));                     // σ(z) = 1 / (1 + e^(−z))
                derivative = s * (one - s);                          // σ′ = σ(1 − σ)
                return s;
            }
            case FastActivation.Tanh:
            {
                var t = one - V.Create(2f) / (V.Exp(z + z) + one);   // tanh z = 1 − 2 / (e^(2z) + 1)
                derivative = one - t * t;
                return t;
            }
            default:
            {
                var positive = V.GreaterThan(z, V.Zero);             // like z > 0 ? z : 0 (NaN → 0)
                derivative = positive & one;
                return positive & z;
            }
        }
    }

    /// <summary>
    /// z = b + Σₖ a[k]·(row k of the weights) for a group of up to 8 examples and 16 neurons: each weight row is loaded
    /// once and used by every example of the group (one accumulator register per example). Only the inputs k listed in
    /// <paramref name="inputList"/> are summed (for layer 1, those not 0 in every example of the group).
    /// </summary>
    /// <param name="examples">Examples in the group, 1 to 8.</param>
    /// <param name="a">aˡ⁻¹ of the group's first example; example x starts at a + x·<paramref name="aStride"/>.</param>
    /// <param name="aStride">Floats from one example's aˡ⁻¹ to the next.</param>
    /// <param name="inputList">The inputs k to sum over.</param>
    /// <param name="inputCount">How many.</param>
    /// <param name="weights">Row 0 of the 16 neurons' weights by input; row k starts at weights + k·<paramref name="stride"/>.</param>
    /// <param name="stride">Floats from one weight row to the next, and from one example's z to the next.</param>
    /// <param name="bias">The 16 neurons' biases.</param>
    /// <param name="z">Where the group's first example's 16 sums go.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WeightedSums(int examples, float* a, int aStride, int* inputList, int inputCount, float* weights, int stride, float* bias, float* z)
    {
        switch (examples)
        {
            case 1: WeightedSums<Examples.One>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            case 2: WeightedSums<Examples.Two>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            case 3: WeightedSums<Examples.Three>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            case 4: WeightedSums<Examples.Four>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            case 5: WeightedSums<Examples.Five>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            case 6: WeightedSums<Examples.Six>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            case 7: WeightedSums<Examples.Seven>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
            default: WeightedSums<Examples.Eight>(a, aStride, inputList, inputCount, weights, stride, bias, z); break;
        }
    }

    // TCount.Value is a constant when the JIT compiles each instantiation: the ifs vanish and the accumulators live in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSums<TCount>(float* a, int aStride, int* inputList, int inputCount, float* weights, int stride, float* bias, float* z)
        where TCount : struct, IExampleCount
    {
        var b = V.Load(bias);
        V z0 = b, z1 = b, z2 = b, z3 = b, z4 = b, z5 = b, z6 = b, z7 = b;
        float* a0 = a, a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride,
               a4 = a3 + aStride, a5 = a4 + aStride, a6 = a5 + aStride, a7 = a6 + aStride;
        for (int t = 0; t < inputCount; t++)
        {
            int k = inputList[t];
            var row = V.Load(weights + (long)k * stride);
            z0 = V.FusedMultiplyAddBroadcast(a0 + k, row, z0);
            if (TCount.Value > 1) z1 = V.FusedMultiplyAddBroadcast(a1 + k, row, z1);
            if (TCount.Value > 2) z2 = V.FusedMultiplyAddBroadcast(a2 + k, row, z2);
            if (TCount.Value > 3) z3 = V.FusedMultiplyAddBroadcast(a3 + k, row, z3);
            if (TCount.Value > 4) z4 = V.FusedMultiplyAddBroadcast(a4 + k, row, z4);
            if (TCount.Value > 5) z5 = V.FusedMultiplyAddBroadcast(a5 + k, row, z5);
            if (TCount.Value > 6) z6 = V.FusedMultiplyAddBroadcast(a6 + k, row, z6);
            if (TCount.Value > 7) z7 = V.FusedMultiplyAddBroadcast(a7 + k, row, z7);
        }
        z0.Store(z);
        if (TCount.Value > 1) z1.Store(z + stride);
        if (TCount.Value > 2) z2.Store(z + 2 * stride);
        if (TCount.Value > 3) z3.Store(z + 3 * stride);
        if (TCount.Value > 4) z4.Store(z + 4 * stride);
        if (TCount.Value > 5) z5.Store(z + 5 * stride);
        if (TCount.Value > 6) z6.Store(z + 6 * stride);
        if (TCount.Value > 7) z7.Store(z + 7 * stride);
    }

    /// <summary>
    /// BP4 for a group of up to 16 examples (their δ held in registers), row k by row k of the weights-by-input layout:
    /// g = Σₓ aₓ[k]·δₓ, summed in example order. <typeparamref name="TTarget"/> says where g goes:
    /// <see cref="IntoGradient"/> adds it to the gradient buffer (g starts from the buffer's row);
    /// <see cref="IntoWeights"/> moves the weights at once, row ← row + <paramref name="scale"/>·g, one rounding per weight.
    /// </summary>
    /// <param name="examples">Examples in the group, 1 to 16.</param>
    /// <param name="a">aˡ⁻¹ of the group's first example; example x starts at a + x·<paramref name="aStride"/>.</param>
    /// <param name="aStride">Floats from one example's aˡ⁻¹ to the next.</param>
    /// <param name="inputList">The rows k to compute.</param>
    /// <param name="inputCount">How many.</param>
    /// <param name="target">Row 0 of the gradient buffer or of the weights (16 neurons); row k starts at target + k·<paramref name="stride"/>.</param>
    /// <param name="stride">Floats from one target row to the next, and from one example's δ to the next.</param>
    /// <param name="delta">δ of the group's first example (16 neurons).</param>
    /// <param name="scale">−η/m for <see cref="IntoWeights"/>; unused otherwise.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void OuterProducts<TTarget>(int examples, float* a, int aStride, int* inputList, int inputCount, float* target, int stride, float* delta, float scale)
        where TTarget : struct, IOuterProductTarget
    {
        switch (examples)
        {
            case 1: OuterProducts<Examples.One, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 2: OuterProducts<Examples.Two, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 3: OuterProducts<Examples.Three, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 4: OuterProducts<Examples.Four, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 5: OuterProducts<Examples.Five, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 6: OuterProducts<Examples.Six, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 7: OuterProducts<Examples.Seven, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 8: OuterProducts<Examples.Eight, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 9: OuterProducts<Examples.Nine, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 10: OuterProducts<Examples.Ten, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 11: OuterProducts<Examples.Eleven, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 12: OuterProducts<Examples.Twelve, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 13: OuterProducts<Examples.Thirteen, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 14: OuterProducts<Examples.Fourteen, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            case 15: OuterProducts<Examples.Fifteen, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
            default: OuterProducts<Examples.Sixteen, TTarget>(a, aStride, inputList, inputCount, target, stride, delta, scale); break;
        }
    }

    // TCount.Value and TTarget.MovesWeights are constants when the JIT compiles each instantiation: the ifs vanish.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProducts<TCount, TTarget>(float* a, int aStride, int* inputList, int inputCount, float* target, int stride, float* delta, float scale)
        where TCount : struct, IExampleCount where TTarget : struct, IOuterProductTarget
    {
        V d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default,
          d8 = default, d9 = default, d10 = default, d11 = default, d12 = default, d13 = default, d14 = default, d15 = default;
        d0 = V.Load(delta);
        if (TCount.Value > 1) d1 = V.Load(delta + 1 * stride);
        if (TCount.Value > 2) d2 = V.Load(delta + 2 * stride);
        if (TCount.Value > 3) d3 = V.Load(delta + 3 * stride);
        if (TCount.Value > 4) d4 = V.Load(delta + 4 * stride);
        if (TCount.Value > 5) d5 = V.Load(delta + 5 * stride);
        if (TCount.Value > 6) d6 = V.Load(delta + 6 * stride);
        if (TCount.Value > 7) d7 = V.Load(delta + 7 * stride);
        if (TCount.Value > 8) d8 = V.Load(delta + 8 * stride);
        if (TCount.Value > 9) d9 = V.Load(delta + 9 * stride);
        if (TCount.Value > 10) d10 = V.Load(delta + 10 * stride);
        if (TCount.Value > 11) d11 = V.Load(delta + 11 * stride);
        if (TCount.Value > 12) d12 = V.Load(delta + 12 * stride);
        if (TCount.Value > 13) d13 = V.Load(delta + 13 * stride);
        if (TCount.Value > 14) d14 = V.Load(delta + 14 * stride);
        if (TCount.Value > 15) d15 = V.Load(delta + 15 * stride);
        float* a0 = a, a1 = a0 + aStride, a2 = a1 + aStride, a3 = a2 + aStride, a4 = a3 + aStride, a5 = a4 + aStride,
               a6 = a5 + aStride, a7 = a6 + aStride, a8 = a7 + aStride, a9 = a8 + aStride, a10 = a9 + aStride,
               a11 = a10 + aStride, a12 = a11 + aStride, a13 = a12 + aStride, a14 = a13 + aStride, a15 = a14 + aStride;
        var s = V.Create(scale);
        // Two rows at a time: each row's sum is one chain of dependent FMAs, as long as the group; two independent chains
        // side by side keep the FMA units busy while each waits for its previous FMA. Each row is summed as one row alone.
        int t = 0;
        for (; t + 1 < inputCount; t += 2)
        {
            int k = inputList[t], j = inputList[t + 1];
            float* row = target + (long)k * stride, nextRow = target + (long)j * stride;
            var g = TTarget.MovesWeights ? V.Zero : V.Load(row);
            var h = TTarget.MovesWeights ? V.Zero : V.Load(nextRow);
            g = V.FusedMultiplyAddBroadcast(a0 + k, d0, g);
            h = V.FusedMultiplyAddBroadcast(a0 + j, d0, h);
            if (TCount.Value > 1) { g = V.FusedMultiplyAddBroadcast(a1 + k, d1, g); h = V.FusedMultiplyAddBroadcast(a1 + j, d1, h); }
            if (TCount.Value > 2) { g = V.FusedMultiplyAddBroadcast(a2 + k, d2, g); h = V.FusedMultiplyAddBroadcast(a2 + j, d2, h); }
            if (TCount.Value > 3) { g = V.FusedMultiplyAddBroadcast(a3 + k, d3, g); h = V.FusedMultiplyAddBroadcast(a3 + j, d3, h); }
            if (TCount.Value > 4) { g = V.FusedMultiplyAddBroadcast(a4 + k, d4, g); h = V.FusedMultiplyAddBroadcast(a4 + j, d4, h); }
            if (TCount.Value > 5) { g = V.FusedMultiplyAddBroadcast(a5 + k, d5, g); h = V.FusedMultiplyAddBroadcast(a5 + j, d5, h); }
            if (TCount.Value > 6) { g = V.FusedMultiplyAddBroadcast(a6 + k, d6, g); h = V.FusedMultiplyAddBroadcast(a6 + j, d6, h); }
            if (TCount.Value > 7) { g = V.FusedMultiplyAddBroadcast(a7 + k, d7, g); h = V.FusedMultiplyAddBroadcast(a7 + j, d7, h); }
            if (TCount.Value > 8) { g = V.FusedMultiplyAddBroadcast(a8 + k, d8, g); h = V.FusedMultiplyAddBroadcast(a8 + j, d8, h); }
            if (TCount.Value > 9) { g = V.FusedMultiplyAddBroadcast(a9 + k, d9, g); h = V.FusedMultiplyAddBroadcast(a9 + j, d9, h); }
            if (TCount.Value > 10) { g = V.FusedMultiplyAddBroadcast(a10 + k, d10, g); h = V.FusedMultiplyAddBroadcast(a10 + j, d10, h); }
            if (TCount.Value > 11) { g = V.FusedMultiplyAddBroadcast(a11 + k, d11, g); h = V.FusedMultiplyAddBroadcast(a11 + j, d11, h); }
            if (TCount.Value > 12) { g = V.FusedMultiplyAddBroadcast(a12 + k, d12, g); h = V.FusedMultiplyAddBroadcast(a12 + j, d12, h); }
            if (TCount.Value > 13) { g = V.FusedMultiplyAddBroadcast(a13 + k, d13, g); h = V.FusedMultiplyAddBroadcast(a13 + j, d13, h); }
            if (TCount.Value > 14) { g = V.FusedMultiplyAddBroadcast(a14 + k, d14, g); h = V.FusedMultiplyAddBroadcast(a14 + j, d14, h); }
            if (TCount.Value > 15) { g = V.FusedMultiplyAddBroadcast(a15 + k, d15, g); h = V.FusedMultiplyAddBroadcast(a15 + j, d15, h); }
            if (TTarget.MovesWeights)
            {
                V.FusedMultiplyAdd(s, g, V.Load(row)).Store(row);   // W += (−η/m)·Σₓ, one rounding
                V.FusedMultiplyAdd(s, h, V.Load(nextRow)).Store(nextRow);
            }
            else
            {
                g.Store(row);
                h.Store(nextRow);
            }
        }
        if (t < inputCount)
        {
            int k = inputList[t];
            float* row = target + (long)k * stride;
            var g = TTarget.MovesWeights ? V.Zero : V.Load(row);
            g = V.FusedMultiplyAddBroadcast(a0 + k, d0, g);
            if (TCount.Value > 1) g = V.FusedMultiplyAddBroadcast(a1 + k, d1, g);
            if (TCount.Value > 2) g = V.FusedMultiplyAddBroadcast(a2 + k, d2, g);
            if (TCount.Value > 3) g = V.FusedMultiplyAddBroadcast(a3 + k, d3, g);
            if (TCount.Value > 4) g = V.FusedMultiplyAddBroadcast(a4 + k, d4, g);
            if (TCount.Value > 5) g = V.FusedMultiplyAddBroadcast(a5 + k, d5, g);
            if (TCount.Value > 6) g = V.FusedMultiplyAddBroadcast(a6 + k, d6, g);
            if (TCount.Value > 7) g = V.FusedMultiplyAddBroadcast(a7 + k, d7, g);
            if (TCount.Value > 8) g = V.FusedMultiplyAddBroadcast(a8 + k, d8, g);
            if (TCount.Value > 9) g = V.FusedMultiplyAddBroadcast(a9 + k, d9, g);
            if (TCount.Value > 10) g = V.FusedMultiplyAddBroadcast(a10 + k, d10, g);
            if (TCount.Value > 11) g = V.FusedMultiplyAddBroadcast(a11 + k, d11, g);
            if (TCount.Value > 12) g = V.FusedMultiplyAddBroadcast(a12 + k, d12, g);
            if (TCount.Value > 13) g = V.FusedMultiplyAddBroadcast(a13 + k, d13, g);
            if (TCount.Value > 14) g = V.FusedMultiplyAddBroadcast(a14 + k, d14, g);
            if (TCount.Value > 15) g = V.FusedMultiplyAddBroadcast(a15 + k, d15, g);
            if (TTarget.MovesWeights) V.FusedMultiplyAdd(s, g, V.Load(row)).Store(row);
            else g.Store(row);
        }
    }

    /// <summary>
    /// The size of the forward group that example <paramref name="x0"/> starts, when a batch of <paramref name="m"/> is
    /// split evenly into groups of at most 8 (10 → 5 + 5, 50 → 8 + 6 × 7, 100 → 9 × 8 + 4 × 7).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int GroupSize(int m, int x0)
    {
        int groups = (m + V.GroupLimit - 1) / V.GroupLimit;
        int small = m / groups, large = m % groups;  // the first `large` groups get one more
        int g = x0 < large * (small + 1) ? x0 / (small + 1) : large + (x0 - large * (small + 1)) / small;
        return g < large ? small + 1 : small;
    }
}

/// <summary>Lists of the inputs k that are not 0: the positions of the set bits of a mask, for the kernels' input lists.</summary>
internal static unsafe class InputLists
{
    /// <summary>
    /// The positions of the set bits of <paramref name="mask"/>, in increasing order, into <paramref name="list"/>; returns
    /// how many. A byte of the mask at a time: its bits' positions come from a table of 8 per byte value and are written 8
    /// at once (the list needs room for 8 entries past its end), and the list grows by the byte's count of set bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Of(ulong* mask, int words, int* list)
    {
        int count = 0;
        int* positions = BitPositions;
        for (int w = 0; w < words; w++)
        {
            ulong bits = mask[w];
            if (bits == 0) continue;
            for (int b = 0; b < 64; b += 8)
            {
                int value = (int)(bits >> b) & 0xFF;
                var offset = Vector128.Create(w * 64 + b);
                (Vector128.Load(positions + 8 * value) + offset).Store(list + count);
                (Vector128.Load(positions + 8 * value + 4) + offset).Store(list + count + 4);
                count += BitOperations.PopCount((uint)value);
            }
        }
        return count;
    }

    /// <summary>For each byte value v, the positions of its set bits (8 ints, the unused ones 0).</summary>
    private static readonly int* BitPositions = MakeBitPositions();

    private static int* MakeBitPositions()
    {
        var table = (int*)NativeMemory.AlignedAlloc(256 * 8 * sizeof(int), 64);   // lives as long as the program
        for (int value = 0; value < 256; value++)
        {
            int count = 0;
            for (int bit = 0; bit < 8; bit++)
                if ((value >> bit & 1) != 0) table[8 * value + count++] = bit;
            while (count < 8) table[8 * value + count++] = 0;
        }
        return table;
    }
}

/// <summary>Where <see cref="FastKernels{V}.OuterProducts{TTarget}(int, float*, int, int*, int, float*, int, float*, float)"/> puts the gradient rows it sums.</summary>
internal interface IOuterProductTarget
{
    /// <summary>True: move the weights by scale·g; false: add g into the gradient buffer.</summary>
    static abstract bool MovesWeights { get; }
}

/// <summary>Add the gradient rows into the gradient buffer.</summary>
internal struct IntoGradient : IOuterProductTarget { public static bool MovesWeights => false; }

/// <summary>Move the weights by scale × the gradient rows.</summary>
internal struct IntoWeights : IOuterProductTarget { public static bool MovesWeights => true; }

/// <summary>A number of examples known when the JIT compiles a kernel, so that it keeps one register per example.</summary>
internal interface IExampleCount
{
    /// <summary>The number.</summary>
    static abstract int Value { get; }
}

/// <summary>The group sizes the kernels are compiled for: <c>WeightedSums&lt;Examples.Five&gt;</c> sums five examples at once.</summary>
internal static class Examples
{
#pragma warning disable CS1591   // each is the number its name says
    public struct One : IExampleCount { public static int Value => 1; }
    public struct Two : IExampleCount { public static int Value => 2; }
    public struct Three : IExampleCount { public static int Value => 3; }
    public struct Four : IExampleCount { public static int Value => 4; }
    public struct Five : IExampleCount { public static int Value => 5; }
    public struct Six : IExampleCount { public static int Value => 6; }
    public struct Seven : IExampleCount { public static int Value => 7; }
    public struct Eight : IExampleCount { public static int Value => 8; }
    public struct Nine : IExampleCount { public static int Value => 9; }
    public struct Ten : IExampleCount { public static int Value => 10; }
    public struct Eleven : IExampleCount { public static int Value => 11; }
    public struct Twelve : IExampleCount { public static int Value => 12; }
    public struct Thirteen : IExampleCount { public static int Value => 13; }
    public struct Fourteen : IExampleCount { public static int Value => 14; }
    public struct Fifteen : IExampleCount { public static int Value => 15; }
    public struct Sixteen : IExampleCount { public static int Value => 16; }
#pragma warning restore CS1591
}
