using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks;

/// <summary>What every width of <see cref="FastNetwork{V}"/> shares: which networks it supports, which width this CPU runs.</summary>
internal static class FastNetwork
{
    /// <summary>Examples sharing each loaded row of Wᵀ.</summary>
    public const int MaxGroup = 8;

    /// <summary>Floats per padded row: 16, one Vector512, two Vector256 or four Vector128.</summary>
    public const int Padding = 16;

    /// <summary>
    /// The widest SIMD width this CPU runs in hardware, in bits (512 with AVX-512, 256 with AVX2, 128 with NEON on
    /// ARM64), or null.
    /// </summary>
    public static int? AcceleratedWidth =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128HasFusedMultiplyAdd ? 128 : null;

    /// <summary>
    /// Vector128 is accelerated and so is its fused multiply-add: always on ARM64 (NEON), on x64 only with FMA3.
    /// Without it (x64 with AVX2 switched off: .NET 10 switches FMA off with it) Vector128.FusedMultiplyAdd runs
    /// lane by lane in software and the 128-bit kernels were slower than the reference (measured 3.1 s per epoch).
    /// </summary>
    public static bool Vector128HasFusedMultiplyAdd =>
        Vector128.IsHardwareAccelerated && (Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported);

    /// <summary>Why the fast path cannot train this network, or null when it can.</summary>
    public static string? Unsupported(Network network)
    {
        if (network.Cost != Cost.Quadratic && network.Cost != Cost.CrossEntropy)
            return $"the cost '{network.Cost.Name}' is not one of the built-in costs (quadratic, cross-entropy)";
        if (network.Cost == Cost.CrossEntropy && network.OutputActivation != Activation.Sigmoid)
            return "cross-entropy without a sigmoid output";
        foreach (var a in new[] { network.Activation, network.OutputActivation })
            if (a != Activation.Sigmoid && a != Activation.Tanh && a != Activation.ReLU)
                return $"the activation '{a.Name}' has no fast kernel";
        return null;
    }
}

/// <summary>
/// The fast twin of <see cref="Network"/> used by <see cref="FastTrainer"/>: the same maths in float32 with
/// hand-fused SIMD kernels, one thread, no allocation per step. Students read <see cref="Network"/>;
/// this class exists only to make training quick and is proved equal to it by FastPathTests.
/// The kernels are written once over <typeparamref name="V"/>, 16 float lanes: <see cref="Floats512"/> (one
/// Vector512, AVX-512), <see cref="Floats256"/> (two Vector256, AVX2) or <see cref="Floats128"/> (four Vector128,
/// NEON), chosen by <see cref="FastTrainer"/>; the JIT compiles each width separately.
/// </summary>
/// <remarks>
/// Layout (why it looks like this):
/// <list type="bullet">
/// <item>Wˡ is stored TRANSPOSED, as nˡ⁻¹ rows of pˡ floats, pˡ = nˡ rounded up to 16 (one Vector512, two
/// Vector256 or four Vector128 per 16 neurons; padding lanes hold 0 and stay 0). Then zₓ = bˡ + Σₖ aₓ[k]·(row k
/// of Wˡᵀ) is a broadcast-FMA per input k with no horizontal sums, and the update row k += Σₓ aₓ[k]·δₓ has the same shape.</item>
/// <item>Examples go through in groups of up to 8, one accumulator register each, so every row of Wᵀ loaded
/// from memory feeds up to 8 FMAs.</item>
/// <item>Layer 1 skips the inputs k that are 0 in every example of a group (MNIST is ~80 % black): adding
/// 0·w is exact for finite w, so the skip changes no bit of the result, only the time.</item>
/// <item>Every buffer is allocated once (aligned native memory) and reused: no GC work per step.</item>
/// </list>
/// Arithmetic order is fixed (no threads, no reductions whose order depends on timing), so the same seed
/// gives the same result bit for bit on the same machine. Every width does the same operations lane by lane, so
/// they all give the same weights; only the cost's horizontal sums may differ in the last bit.
/// </remarks>
internal sealed unsafe class FastNetwork<V> : IDisposable where V : struct, ISimdFloats<V>
{
    private const int MaxGroup = FastNetwork.MaxGroup;

    private enum Kind { Sigmoid, Tanh, ReLU }

    private readonly int L;
    private readonly int[] n;              // n⁰…nᴸ
    private readonly int[] p;              // p[l]: row stride of layer l's buffers (n rounded up to 16)
    private readonly Kind[] kind;          // σ of layer l (index l ≥ 1)
    private readonly bool crossEntropy;
    private readonly int capacity;         // most examples a batch buffer holds
    private readonly float*[] WT;          // [l] = (Wˡ)ᵀ, n[l−1] × p[l]
    private readonly float*[] B;           // [l] = bˡ, p[l]
    private readonly float*[] A;           // [l] = aˡ for each example of the batch (A[0] = the input X)
    private readonly float*[] D;           // [l] = σ′(zˡ) after the forward pass, δˡ after backward, −η/m·δˡ for the update
    private readonly float*[] Wrows;      // [l ≥ 2] = Wˡ by rows j (n[l] × p[l−1]), refreshed each step for BP2
    private readonly float* backward;      // (Wˡ)ᵀδˡ per example, before ⊙ σ′
    private readonly float* zeros;         // a bias of 0 for BP2
    private readonly float* Zout;          // zᴸ per example (argmax for sigmoid / tanh outputs, see Predicted)
    private readonly double* exampleCost;  // Cₓ per example of the batch
    private readonly int* identity;        // 0, 1, 2, …: "every k" for layers ≥ 2
    private readonly int* active;          // per group: the inputs k not 0 in some example of the group
    private readonly int* activeCount;
    private readonly byte* labels;         // label of each example of the batch
    private readonly V[][] laneMask;       // [l][chunk]: all-ones on real neurons, 0 on padding
    private readonly void* block;
    private int m;                         // examples in the current batch

    public FastNetwork(Network network, int capacity)
    {
        L = network.LayerCount;
        n = network.Sizes.ToArray();
        p = new int[L + 1];
        for (int l = 0; l <= L; l++) p[l] = RoundUp(n[l]);
        kind = new Kind[L + 1];
        for (int l = 1; l <= L; l++) kind[l] = KindOf(network.ActivationOf(l));
        crossEntropy = network.Cost == Cost.CrossEntropy;
        this.capacity = capacity;
        int groups = (capacity + MaxGroup - 1) / MaxGroup + 1;

        // One aligned block for everything: sizes in bytes, each region rounded up to 64 bytes.
        long bytes = 0;
        long Reserve(long count, int size) { long at = bytes; bytes += (count * size + 63) / 64 * 64; return at; }
        var wAt = new long[L + 1]; var bAt = new long[L + 1]; var aAt = new long[L + 1]; var dAt = new long[L + 1];
        for (int l = 1; l <= L; l++) { wAt[l] = Reserve((long)n[l - 1] * p[l], 4); bAt[l] = Reserve(p[l], 4); dAt[l] = Reserve((long)capacity * p[l], 4); }
        for (int l = 0; l <= L; l++) aAt[l] = Reserve((long)capacity * p[l], 4);
        var rAt = new long[L + 1];
        for (int l = 2; l <= L; l++) rAt[l] = Reserve((long)n[l] * p[l - 1], 4);
        long eAt = Reserve((long)capacity * p.Max(), 4), zeroAt = Reserve(p.Max(), 4);
        long zAt = Reserve((long)capacity * p[L], 4), cAt = Reserve(capacity, 8), iAt = Reserve(n.Max(), 4),
             actAt = Reserve((long)groups * n[0], 4), acAt = Reserve(groups, 4), lAt = Reserve(capacity, 1);
        block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(block, (nuint)bytes);
        byte* at = (byte*)block;
        WT = new float*[L + 1]; B = new float*[L + 1]; A = new float*[L + 1]; D = new float*[L + 1];
        for (int l = 0; l <= L; l++)
        {
            A[l] = (float*)(at + aAt[l]);
            if (l == 0) continue;
            WT[l] = (float*)(at + wAt[l]); B[l] = (float*)(at + bAt[l]); D[l] = (float*)(at + dAt[l]);
        }
        Wrows = new float*[L + 1];
        for (int l = 2; l <= L; l++) Wrows[l] = (float*)(at + rAt[l]);
        backward = (float*)(at + eAt); zeros = (float*)(at + zeroAt);
        Zout = (float*)(at + zAt); exampleCost = (double*)(at + cAt); identity = (int*)(at + iAt);
        active = (int*)(at + actAt); activeCount = (int*)(at + acAt); labels = at + lAt;
        for (int k = 0; k < n.Max(); k++) identity[k] = k;

        laneMask = new V[L + 1][];
        for (int l = 1; l <= L; l++)
        {
            laneMask[l] = new V[p[l] / V.Count];
            for (int c = 0; c < laneMask[l].Length; c++)
                laneMask[l][c] = V.LessThan(V.Indices + V.Create(c * V.Count), V.Create(n[l]));   // neuron index < n (exact in float)
        }
        SetParameters(network);
    }

    /// <summary>Copies W and b of <paramref name="network"/> (rounded to float) into the transposed layout.</summary>
    public void SetParameters(Network network)
    {
        for (int l = 1; l <= L; l++)
        {
            var W = network.W(l);
            var b = network.b(l);
            for (int j = 0; j < n[l]; j++)
            {
                for (int k = 0; k < n[l - 1]; k++) WT[l][(long)k * p[l] + j] = (float)W[j, k];
                B[l][j] = (float)b[j];
            }
        }
    }

    /// <summary>A double <see cref="Network"/> of the same kind as <paramref name="template"/> holding the current weights.</summary>
    public Network ToNetwork(Network template)
    {
        var W = new Matrix<double>[L];
        var b = new MathNet.Numerics.LinearAlgebra.Vector<double>[L];
        for (int l = 1; l <= L; l++)
        {
            float* w = WT[l], bias = B[l];
            int stride = p[l];
            W[l - 1] = Matrix<double>.Build.Dense(n[l], n[l - 1], (j, k) => w[(long)k * stride + j]);
            b[l - 1] = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(n[l], j => bias[j]);
        }
        return template.WithParameters(W, b);
    }

    /// <summary>
    /// Loads the examples <paramref name="rows"/> of the data set whose pixel bytes start at
    /// <paramref name="pixels"/>: a⁰ = byte / 255 into the batch buffer, labels, and per group the inputs
    /// that are not 0. Then asks the CPU to start fetching <paramref name="next"/> (the next step's rows)
    /// so they are in cache when the next step needs them: shuffled rows are scattered over 47 MB.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
    public void Load(byte* pixels, byte* allLabels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        m = rows.Length;
        int n0 = n[0];
        float* X = A[0];
        var scale = V.Create(1f / 255f);
        for (int x = 0; x < m; x++)
        {
            byte* src = pixels + (long)rows[x] * n0;
            float* dst = X + (long)x * p[0];
            labels[x] = allLabels[rows[x]];
            int k = 0;
            for (; k + V.Count <= n0; k += V.Count)
                (V.LoadBytes(src + k) * scale).Store(dst + k);
            for (; k < n0; k++) dst[k] = src[k] * (1f / 255f);
        }
        if (Sse.IsSupported)
            foreach (int row in next)
            {
                byte* src = pixels + (long)row * n0;
                for (int k = 0; k < n0; k += 64) Sse.Prefetch0(src + k);
                Sse.Prefetch0(src + n0 - 1);
            }

        // Per group, the inputs k that are non-zero in at least one of its examples: OR the byte rows.
        for (int g = 0, x0 = 0; x0 < m; g++)
        {
            int size = GroupSize(m, x0);
            int* list = active + (long)g * n0;
            int count = 0, k = 0;
            for (; k + 64 <= n0; k += 64)
            {
                ulong bits = V.NonZeroBytes64(pixels, rows.Slice(x0, size), n0, k);
                while (bits != 0)
                {
                    list[count++] = k + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                }
            }
            for (; k < n0; k++)
            {
                int any = 0;
                for (int x = x0; x < x0 + size; x++) any |= pixels[(long)rows[x] * n0 + k];
                if (any != 0) list[count++] = k;
            }
            activeCount[g] = count;
            x0 += size;
        }
    }

    /// <summary>
    /// The forward pass of the loaded batch, fused with BP1 and the cost: for l = 1…L, zˡ = Wˡaˡ⁻¹ + bˡ,
    /// aˡ = σ(zˡ), keeping σ′(zˡ); at the output δᴸ and Cₓ. Returns the mean cost C = (1/m) Σₓ Cₓ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
    public double Forward()
    {
        for (int l = 1; l <= L; l++)
        {
            int chunks = p[l] / V.Count;
            for (int g = 0, x0 = 0; x0 < m; g++)
            {
                int size = GroupSize(m, x0);
                int* ks = l == 1 ? active + (long)g * n[0] : identity;
                int kc = l == 1 ? activeCount[g] : n[l - 1];
                float* input = A[l - 1] + (long)x0 * p[l - 1];
                for (int c = 0; c < chunks; c++)
                    WeightedSums(size, input, p[l - 1], ks, kc, WT[l] + c * V.Count, p[l], B[l] + c * V.Count, A[l] + (long)x0 * p[l] + c * V.Count);
                x0 += size;
            }
            if (l < L) ActivateHidden(l);
        }
        ActivateOutput();
        double sum = 0;
        for (int x = 0; x < m; x++) sum += exampleCost[x];
        return sum / m;
    }

    /// <summary>
    /// Backpropagation and the gradient step for the batch the last <see cref="Forward"/> saw:
    /// BP2 δˡ = ((Wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ′(zˡ) for every layer first (it must read the weights before they move),
    /// then BP3 and BP4 fused with the update: bˡ += Σₓ (−η/m)δˡₓ and Wˡ += Σₓ (−η/m)δˡₓ(aˡ⁻¹ₓ)ᵀ, added
    /// straight into the weights (no gradient buffer).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
    public void BackwardAndStep(double learningRate)
    {
        // BP2, from the top down: (Wˡ)ᵀδˡ = Σⱼ δˡ[j]·(row j of Wˡ), the same broadcast-FMA shape as the forward
        // pass once Wˡ is laid out by rows j (copied from Wᵀ: 16×16 numbers, cheaper than 16 horizontal sums per example).
        for (int l = L; l >= 2; l--)
        {
            float* W = Wrows[l];
            for (int k = 0; k < n[l - 1]; k++)
                for (int j = 0; j < n[l]; j++)
                    W[(long)j * p[l - 1] + k] = WT[l][(long)k * p[l] + j];
            int chunks = p[l - 1] / V.Count;
            for (int g = 0, x0 = 0; x0 < m; g++)
            {
                int size = GroupSize(m, x0);
                for (int c = 0; c < chunks; c++)
                    WeightedSums(size, D[l] + (long)x0 * p[l], p[l], identity, n[l], W + c * V.Count, p[l - 1], zeros, backward + (long)x0 * p[l - 1] + c * V.Count);
                x0 += size;
            }
            for (int x = 0; x < m; x++)
                for (int c = 0; c < chunks; c++)
                {
                    float* lower = D[l - 1] + (long)x * p[l - 1] + c * V.Count;   // σ′(zˡ⁻¹), padding lanes 0: becomes δˡ⁻¹
                    (V.Load(lower) * V.Load(backward + (long)x * p[l - 1] + c * V.Count)).Store(lower);
                }
        }

        // BP3 + BP4 + step. Scale δ once by −η/m so the update is a plain sum of outer products.
        var scale = V.Create((float)(-learningRate / m));
        for (int l = 1; l <= L; l++)
        {
            int chunks = p[l] / V.Count;
            for (int x = 0; x < m; x++)
                for (int c = 0; c < chunks; c++)
                {
                    float* d = D[l] + (long)x * p[l] + c * V.Count;
                    var scaled = V.Load(d) * scale;
                    scaled.Store(d);
                    (V.Load(B[l] + c * V.Count) + scaled).Store(B[l] + c * V.Count);   // BP3: bˡ += −η/m δˡₓ
                }
            for (int g = 0, x0 = 0; x0 < m; g++)
            {
                int size = GroupSize(m, x0);
                int* ks = l == 1 ? active + (long)g * n[0] : identity;
                int kc = l == 1 ? activeCount[g] : n[l - 1];
                float* input = A[l - 1] + (long)x0 * p[l - 1];
                for (int c = 0; c < chunks; c++)
                    AddOuterProducts(size, input, p[l - 1], ks, kc, WT[l] + c * V.Count, p[l], D[l] + (long)x0 * p[l] + c * V.Count);
                x0 += size;
            }
        }
    }

    /// <summary>Mean cost and accuracy (argmax of aᴸ equals the label) on a data set, by the float forward pass.</summary>
    public (double Cost, double Accuracy) Evaluate(DataSet data)
    {
        var rows = new int[capacity];
        double costSum = 0;
        int correct = 0;
        fixed (byte* pixels = data.AllPixelBytes)
        fixed (byte* allLabels = data.AllLabels)
            for (int start = 0; start < data.Count; start += capacity)
            {
                int count = Math.Min(capacity, data.Count - start);
                for (int x = 0; x < count; x++) rows[x] = start + x;
                Load(pixels, allLabels, rows.AsSpan(0, count), []);
                costSum += Forward() * count;
                for (int x = 0; x < count; x++)
                    if (Predicted(x) == labels[x]) correct++;
            }
        return (costSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>
    /// argmaxⱼ aᴸⱼ of example x, the first on ties (as MathNet's MaximumIndex). Sigmoid and tanh are
    /// increasing, so their argmax is that of zᴸ: in float σ(z) rounds to 1 from z ≈ 17 on (in double
    /// from 37), and comparing z keeps two saturated outputs apart as the double reference does.
    /// </summary>
    private int Predicted(int x)
    {
        float* v = (kind[L] == Kind.ReLU ? A[L] : Zout) + (long)x * p[L];
        int best = 0;
        for (int j = 1; j < n[L]; j++)
            if (v[j] > v[best]) best = j;
        return best;
    }

    /// <summary>aˡ = σ(zˡ) in place and σ′(zˡ) into D[l], for a hidden layer; padding lanes set to 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
    private void ActivateHidden(int l)
    {
        int chunks = p[l] / V.Count;
        for (int x = 0; x < m; x++)
            for (int c = 0; c < chunks; c++)
            {
                float* z = A[l] + (long)x * p[l] + c * V.Count;
                var mask = laneMask[l][c];
                var a = Activate(kind[l], V.Load(z), out var derivative);
                (a & mask).Store(z);
                (derivative & mask).Store(D[l] + (long)x * p[l] + c * V.Count);
            }
    }

    /// <summary>
    /// The output layer: aᴸ = σ(zᴸ), then BP1 and the cost of each example, y being one-hot at the label.
    /// Quadratic: δᴸ = (aᴸ − y) ⊙ σ′(zᴸ), Cₓ = ½‖aᴸ − y‖² (squares summed in double: in float they overflow
    /// long before the reference's do). Cross-entropy with a sigmoid output: δᴸ = aᴸ − y, and
    /// Cₓ = Σⱼ [yⱼ ln(1 + e^(−zⱼ)) + (1 − yⱼ) ln(1 + e^(zⱼ))] = Σⱼ softplus(zⱼ) − yⱼzⱼ, the same value as
    /// −Σ [y ln a + (1 − y) ln(1 − a)] but computed from z: in float 1 − a rounds to 0 from z ≈ 17 on,
    /// which would report a divergence the double reference does not see (it sees one from z ≈ 36.7, kept below).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
    private void ActivateOutput()
    {
        int chunks = p[L] / V.Count;
        for (int x = 0; x < m; x++)
        {
            double cost = 0;
            var label = V.Create(labels[x]);
            for (int c = 0; c < chunks; c++)
            {
                long at = (long)x * p[L] + c * V.Count;
                var mask = laneMask[L][c];
                var z = V.Load(A[L] + at);
                z.Store(Zout + at);
                var a = Activate(kind[L], z, out var derivative) & mask;
                var y = V.EqualTo(V.Indices + V.Create(c * V.Count), label) & V.One;   // one-hot: neuron index = label
                var error = (a - y) & mask;
                V delta;
                if (crossEntropy)
                {
                    delta = error;                                                     // BP1, sigmoid shortcut
                    // Cₓ = Σⱼ softplus(zⱼ) − yⱼ zⱼ: cross-entropy from z, finite wherever z is (as Cost.Value computes it).
                    var softplus = V.Max(z, V.Zero) + V.Log(V.One + V.Exp(-V.Abs(z)));
                    cost += ((softplus - y * z) & mask).SumAsDouble();
                }
                else
                {
                    delta = error * (derivative & mask);                              // BP1
                    cost += 0.5 * error.SumOfSquaresAsDouble();
                }
                a.Store(A[L] + at);
                delta.Store(D[L] + at);
            }
            exampleCost[x] = cost;
        }
    }

    /// <summary>a = σ(z) and σ′(z) for 16 lanes, as <see cref="Activation"/> defines them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V Activate(Kind kind, V z, out V derivative)
    {
        var one = V.One;
        switch (kind)
        {
            case Kind.Sigmoid:
            {
                var s = one / (one + V.Exp(-z));                            // σ(z) = 1 / (1 + e^(−z))
                derivative = s * (one - s);                                         // σ′ = σ(1 − σ)
                return s;
            }
            case Kind.Tanh:
            {
                var t = one - V.Create(2f) / (V.Exp(z + z) + one);  // tanh z = 1 − 2 / (e^(2z) + 1)
                derivative = one - t * t;
                return t;
            }
            default:
            {
                var positive = V.GreaterThan(z, V.Zero);     // like z > 0 ? z : 0 (NaN → 0)
                derivative = positive & one;
                return positive & z;
            }
        }
    }

    /// <summary>
    /// z = b + Σₖ a[k]·(row k of Wᵀ) for a group of up to 8 examples and 16 neurons: each row of Wᵀ is
    /// loaded once and used by every example of the group (one accumulator register per example).
    /// </summary>
    private static void WeightedSums(int size, float* input, int inStride, int* ks, int kc, float* w, int wStride, float* bias, float* output)
    {
        switch (size)
        {
            case 1: WeightedSums<S1>(input, inStride, ks, kc, w, wStride, bias, output); break;
            case 2: WeightedSums<S2>(input, inStride, ks, kc, w, wStride, bias, output); break;
            case 3: WeightedSums<S3>(input, inStride, ks, kc, w, wStride, bias, output); break;
            case 4: WeightedSums<S4>(input, inStride, ks, kc, w, wStride, bias, output); break;
            case 5: WeightedSums<S5>(input, inStride, ks, kc, w, wStride, bias, output); break;
            case 6: WeightedSums<S6>(input, inStride, ks, kc, w, wStride, bias, output); break;
            case 7: WeightedSums<S7>(input, inStride, ks, kc, w, wStride, bias, output); break;
            default: WeightedSums<S8>(input, inStride, ks, kc, w, wStride, bias, output); break;
        }
    }

    // The output rows have the same stride as the weight rows (both p[l]).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSums<TSize>(float* input, int inStride, int* ks, int kc, float* w, int wStride, float* bias, float* output)
        where TSize : struct, IGroupSize
    {
        // TSize.Value is a JIT-time constant: the ifs below vanish and the accumulators live in registers.
        var b = V.Load(bias);
        V z0 = b, z1 = b, z2 = b, z3 = b, z4 = b, z5 = b, z6 = b, z7 = b;
        float* i0 = input, i1 = i0 + inStride, i2 = i1 + inStride, i3 = i2 + inStride,
               i4 = i3 + inStride, i5 = i4 + inStride, i6 = i5 + inStride, i7 = i6 + inStride;
        for (int t = 0; t < kc; t++)
        {
            int k = ks[t];
            var row = V.Load(w + (long)k * wStride);
            z0 = V.FusedMultiplyAdd(V.Create(i0[k]), row, z0);
            if (TSize.Value > 1) z1 = V.FusedMultiplyAdd(V.Create(i1[k]), row, z1);
            if (TSize.Value > 2) z2 = V.FusedMultiplyAdd(V.Create(i2[k]), row, z2);
            if (TSize.Value > 3) z3 = V.FusedMultiplyAdd(V.Create(i3[k]), row, z3);
            if (TSize.Value > 4) z4 = V.FusedMultiplyAdd(V.Create(i4[k]), row, z4);
            if (TSize.Value > 5) z5 = V.FusedMultiplyAdd(V.Create(i5[k]), row, z5);
            if (TSize.Value > 6) z6 = V.FusedMultiplyAdd(V.Create(i6[k]), row, z6);
            if (TSize.Value > 7) z7 = V.FusedMultiplyAdd(V.Create(i7[k]), row, z7);
        }
        z0.Store(output);
        if (TSize.Value > 1) z1.Store(output + wStride);
        if (TSize.Value > 2) z2.Store(output + 2 * wStride);
        if (TSize.Value > 3) z3.Store(output + 3 * wStride);
        if (TSize.Value > 4) z4.Store(output + 4 * wStride);
        if (TSize.Value > 5) z5.Store(output + 5 * wStride);
        if (TSize.Value > 6) z6.Store(output + 6 * wStride);
        if (TSize.Value > 7) z7.Store(output + 7 * wStride);
    }

    /// <summary>
    /// BP4 fused with the step: row k of Wᵀ += Σₓ a[k]·δ′ₓ for a group of up to 8 examples, δ′ = −η/m·δ
    /// held in registers, each row loaded and stored once per group.
    /// </summary>
    private static void AddOuterProducts(int size, float* input, int inStride, int* ks, int kc, float* w, int wStride, float* delta)
    {
        switch (size)
        {
            case 1: AddOuterProducts<S1>(input, inStride, ks, kc, w, wStride, delta); break;
            case 2: AddOuterProducts<S2>(input, inStride, ks, kc, w, wStride, delta); break;
            case 3: AddOuterProducts<S3>(input, inStride, ks, kc, w, wStride, delta); break;
            case 4: AddOuterProducts<S4>(input, inStride, ks, kc, w, wStride, delta); break;
            case 5: AddOuterProducts<S5>(input, inStride, ks, kc, w, wStride, delta); break;
            case 6: AddOuterProducts<S6>(input, inStride, ks, kc, w, wStride, delta); break;
            case 7: AddOuterProducts<S7>(input, inStride, ks, kc, w, wStride, delta); break;
            default: AddOuterProducts<S8>(input, inStride, ks, kc, w, wStride, delta); break;
        }
    }

    // The δ rows have the same stride as the weight rows (both p[l]).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddOuterProducts<TSize>(float* input, int inStride, int* ks, int kc, float* w, int wStride, float* delta)
        where TSize : struct, IGroupSize
    {
        var d0 = V.Load(delta);
        V d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default;
        if (TSize.Value > 1) d1 = V.Load(delta + wStride);
        if (TSize.Value > 2) d2 = V.Load(delta + 2 * wStride);
        if (TSize.Value > 3) d3 = V.Load(delta + 3 * wStride);
        if (TSize.Value > 4) d4 = V.Load(delta + 4 * wStride);
        if (TSize.Value > 5) d5 = V.Load(delta + 5 * wStride);
        if (TSize.Value > 6) d6 = V.Load(delta + 6 * wStride);
        if (TSize.Value > 7) d7 = V.Load(delta + 7 * wStride);
        float* i0 = input, i1 = i0 + inStride, i2 = i1 + inStride, i3 = i2 + inStride,
               i4 = i3 + inStride, i5 = i4 + inStride, i6 = i5 + inStride, i7 = i6 + inStride;
        for (int t = 0; t < kc; t++)
        {
            int k = ks[t];
            float* at = w + (long)k * wStride;
            var row = V.Load(at);
            row = V.FusedMultiplyAdd(V.Create(i0[k]), d0, row);
            if (TSize.Value > 1) row = V.FusedMultiplyAdd(V.Create(i1[k]), d1, row);
            if (TSize.Value > 2) row = V.FusedMultiplyAdd(V.Create(i2[k]), d2, row);
            if (TSize.Value > 3) row = V.FusedMultiplyAdd(V.Create(i3[k]), d3, row);
            if (TSize.Value > 4) row = V.FusedMultiplyAdd(V.Create(i4[k]), d4, row);
            if (TSize.Value > 5) row = V.FusedMultiplyAdd(V.Create(i5[k]), d5, row);
            if (TSize.Value > 6) row = V.FusedMultiplyAdd(V.Create(i6[k]), d6, row);
            if (TSize.Value > 7) row = V.FusedMultiplyAdd(V.Create(i7[k]), d7, row);
            row.Store(at);
        }
    }

    /// <summary>Groups split a batch evenly into at most 8 examples each (10 → 5 + 5, 100 → 9 × 8 + 4 × 7).</summary>
    private static int GroupSize(int m, int x0)
    {
        int groups = (m + MaxGroup - 1) / MaxGroup;
        int small = m / groups, large = m % groups;  // the first `large` groups get one more
        int g = x0 < large * (small + 1) ? x0 / (small + 1) : large + (x0 - large * (small + 1)) / small;
        return g < large ? small + 1 : small;
    }

    private static int RoundUp(int count) => (count + FastNetwork.Padding - 1) / FastNetwork.Padding * FastNetwork.Padding;

    private static Kind KindOf(Activation a) =>
        a == Activation.Sigmoid ? Kind.Sigmoid : a == Activation.Tanh ? Kind.Tanh : a == Activation.ReLU ? Kind.ReLU
        : throw new NotSupportedException($"No fast kernel for the activation '{a.Name}'.");

    private bool disposed;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        NativeMemory.AlignedFree(block);
    }

    private interface IGroupSize { static abstract int Value { get; } }
    private struct S1 : IGroupSize { public static int Value => 1; }
    private struct S2 : IGroupSize { public static int Value => 2; }
    private struct S3 : IGroupSize { public static int Value => 3; }
    private struct S4 : IGroupSize { public static int Value => 4; }
    private struct S5 : IGroupSize { public static int Value => 5; }
    private struct S6 : IGroupSize { public static int Value => 6; }
    private struct S7 : IGroupSize { public static int Value => 7; }
    private struct S8 : IGroupSize { public static int Value => 8; }
}
