using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Data;

namespace NeuralNetworks.Fast;

/// <summary>What every width of <see cref="FastNetwork{V}"/> shares: which networks it supports, which width this CPU runs.</summary>
internal static class FastNetwork
{
    /// <summary>Examples sharing each loaded row of Wᵀ in the forward pass (one accumulator register each).</summary>
    public const int MaxGroup = 8;

    /// <summary>
    /// A shard of at most this many examples (two forward groups) keeps all its δ in registers while the gradient rows
    /// Σₓ aₓ[k]·δₓ are summed, and moves the weights in the same pass; larger ones sum per forward group.
    /// </summary>
    public const int MaxUpdateGroup = 2 * MaxGroup;

    /// <summary>
    /// Mini-batches of this many examples and more are split into two halves (shards), each computing its own
    /// gradient, on two threads when there are two cores. The split depends only on the batch size, never on the
    /// core count, so the same seed gives the same weights bit for bit on one core or two.
    /// </summary>
    public const int ShardedFrom = 32;

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
        if (Network.PairingProblem(network.Activation, network.OutputActivation, network.Cost) is { } pairing) return pairing.Message;
        if (network.Cost != Cost.Quadratic && network.Cost != Cost.CrossEntropy && network.Cost != Cost.LogLikelihood)
            return $"the cost '{network.Cost.Name}' is not one of the built-in costs (quadratic, cross-entropy, log-likelihood)";
        if (network.OutputActivation == Activation.Softmax && network.Cost != Cost.LogLikelihood)
            return $"a softmax output is fast only with the log-likelihood cost, not {network.Cost.Name}";
        foreach (var a in new[] { network.Activation, network.OutputActivation })
            if (a != Activation.Sigmoid && a != Activation.Tanh && a != Activation.ReLU && a != Activation.Softmax)
                return $"the activation '{a.Name}' has no fast kernel";
        return null;
    }

    /// <summary>Shards a mini-batch of <paramref name="m"/> examples is split into: 2 from <see cref="ShardedFrom"/> on, else 1.</summary>
    public static int ShardsFor(int m) => m >= ShardedFrom ? 2 : 1;
}

/// <summary>
/// The fast twin of <see cref="Network"/>: the same maths in float32 with
/// hand-fused SIMD kernels, no allocation per step. Students read <see cref="Network"/>;
/// this class exists only to make training quick and is proved equal to it by FastPathTests.
/// The kernels are written once over <typeparamref name="V"/>, 16 float lanes: <see cref="Floats512"/> (one
/// Vector512, AVX-512), <see cref="Floats256"/> (two Vector256, AVX2) or <see cref="Floats128"/> (four Vector128,
/// NEON), chosen by whoever creates it; the JIT compiles each width separately.
/// </summary>
/// <remarks>
/// Layout (why it looks like this):
/// <list type="bullet">
/// <item>Wˡ is stored TRANSPOSED, as nˡ⁻¹ rows of pˡ floats, pˡ = nˡ rounded up to 16 (one Vector512, two
/// Vector256 or four Vector128 per 16 neurons; padding lanes hold 0 and stay 0). Then zₓ = bˡ + Σₖ aₓ[k]·(row k
/// of Wˡᵀ) is a broadcast-FMA per input k with no horizontal sums, and the gradient row k, Σₓ aₓ[k]·δₓ, has the same shape.</item>
/// <item>Examples go through the forward pass in groups of up to 8, one accumulator register each, so every row
/// of Wᵀ loaded from memory feeds up to 8 FMAs; a batch of up to 16 sums its gradient in one group (all δ in registers).</item>
/// <item>One rounding per step: the mini-batch's gradient is summed first, then each parameter moves once,
/// w ← w + (−η/m)·Σₓ ∂Cₓ/∂w in one fused multiply-add, as the reference does. A batch of up to 16 sums its
/// gradient row in a register and updates the weight row straight away; larger batches sum into a gradient buffer.</item>
/// <item>Batches of 32 and more are split into two shards (<see cref="Shard"/>) with their own buffers and
/// gradients, run on two threads; the two gradients are added in a fixed order (shard 0 + shard 1), so the
/// result does not depend on the number of threads.</item>
/// <item>Layer 1 skips the inputs k that are 0 in every example of a group (MNIST is ~80 % black): adding
/// 0·w is exact for finite w, so the skip changes no bit of the result, only the time.</item>
/// <item>Every buffer is allocated once (aligned native memory) and reused: no GC work per step.</item>
/// </list>
/// Arithmetic order is fixed (no reductions whose order depends on timing or on the thread count), so the same seed
/// gives the same result bit for bit on the same machine. Every width does the same operations lane by lane, so
/// they all give the same weights; only the cost's horizontal sums may differ in the last bit.
/// </remarks>
internal sealed unsafe class FastNetwork<V> : IDisposable where V : struct, ISimdFloats<V>
{
    private const int MaxGroup = FastNetwork.MaxGroup;

    private enum Kind { Sigmoid, Tanh, ReLU, Softmax }

    private readonly int L;
    private readonly int[] n;              // n⁰…nᴸ
    private readonly int[] p;              // p[l]: row stride of layer l's buffers (n rounded up to 16)
    private readonly Kind[] kind;          // σ of layer l (index l ≥ 1)
    private readonly bool crossEntropy;
    private readonly bool logLikelihood;   // softmax output with C = −ln a_y
    private readonly double momentum;      // μ, Nesterov and λ of the update rule (v ← μv + g); all 0: plain SGD
    private readonly bool nesterov;
    private readonly double weightDecay;
    private readonly bool plain;
    private readonly float*[] VW;          // [l] = the velocity of Wˡ, transposed like WT (momentum and weight decay only)
    private readonly float*[] VB;          // [l] = the velocity of bˡ
    private readonly int words;            // 64-bit words of an input mask (one bit per input k)
    private readonly float*[] WT;          // [l] = (Wˡ)ᵀ, n[l−1] × p[l]
    private readonly float*[] B;           // [l] = bˡ, p[l]
    private readonly float*[] Wrows;       // [l ≥ 2] = Wˡ by rows j (n[l] × p[l−1]) for BP2, refreshed after each step
    private readonly float* zeros;         // a bias of 0 for BP2
    private readonly int* identity;        // 0, 1, 2, …: "every k" for layers ≥ 2
    private readonly int* touched;         // the inputs k not 0 in some example of the batch: the rows of W¹ a step moves
    private readonly ulong* touchedMask;
    private readonly V[][] laneMask;       // [l][chunk]: all-ones on real neurons, 0 on padding
    private readonly void* block;
    private readonly Shard[] shards;       // shard 0 also evaluates the test set
    private readonly Partner? partner;     // the second thread, when there are two shards and two threads
    private int m;                         // examples in the current batch
    private int shardCount;                // shards the current batch is split into

    /// <param name="network">The network whose architecture and starting parameters this copies.</param>
    /// <param name="capacity">The most examples a batch holds.</param>
    /// <param name="threads">Threads for sharded batches: 1 or 2 (the result is the same bit for bit).</param>
    /// <param name="update">μ, Nesterov and λ of the update rule (null: plain SGD).</param>
    public FastNetwork(Network network, int capacity, int threads = 1, UpdateRule? update = null)
    {
        update ??= UpdateRule.Plain;
        momentum = update.Momentum;
        nesterov = update.Nesterov;
        weightDecay = update.WeightDecay;
        plain = update.IsPlain;
        L = network.LayerCount;
        n = network.Sizes.ToArray();
        p = new int[L + 1];
        for (int l = 0; l <= L; l++) p[l] = RoundUp(n[l]);
        kind = new Kind[L + 1];
        for (int l = 1; l <= L; l++) kind[l] = KindOf(network.ActivationOf(l));
        crossEntropy = network.Cost == Cost.CrossEntropy;
        logLikelihood = network.Cost == Cost.LogLikelihood;
        words = (n[0] + 63) / 64;

        long bytes = 0;
        long Reserve(long count, int size) { long at = bytes; bytes += (count * size + 63) / 64 * 64; return at; }
        var wAt = new long[L + 1]; var bAt = new long[L + 1]; var rAt = new long[L + 1]; var vwAt = new long[L + 1]; var vbAt = new long[L + 1];
        for (int l = 1; l <= L; l++) { wAt[l] = Reserve((long)n[l - 1] * p[l], 4); bAt[l] = Reserve(p[l], 4); }
        for (int l = 1; l <= L; l++) { vwAt[l] = Reserve(plain ? 0 : (long)n[l - 1] * p[l], 4); vbAt[l] = Reserve(plain ? 0 : p[l], 4); }
        for (int l = 2; l <= L; l++) rAt[l] = Reserve((long)n[l] * p[l - 1], 4);
        long zeroAt = Reserve(p.Max(), 4), iAt = Reserve(n.Max(), 4), tAt = Reserve(n[0], 4), tmAt = Reserve(words, 8);
        block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(block, (nuint)bytes);
        byte* at = (byte*)block;
        WT = new float*[L + 1]; B = new float*[L + 1]; Wrows = new float*[L + 1];
        for (int l = 1; l <= L; l++) { WT[l] = (float*)(at + wAt[l]); B[l] = (float*)(at + bAt[l]); }
        VW = new float*[L + 1]; VB = new float*[L + 1];
        for (int l = 1; l <= L; l++) { VW[l] = (float*)(at + vwAt[l]); VB[l] = (float*)(at + vbAt[l]); }
        for (int l = 2; l <= L; l++) Wrows[l] = (float*)(at + rAt[l]);
        zeros = (float*)(at + zeroAt); identity = (int*)(at + iAt); touched = (int*)(at + tAt); touchedMask = (ulong*)(at + tmAt);
        for (int k = 0; k < n.Max(); k++) identity[k] = k;

        laneMask = new V[L + 1][];
        for (int l = 1; l <= L; l++)
        {
            laneMask[l] = new V[p[l] / V.Count];
            for (int c = 0; c < laneMask[l].Length; c++)
                laneMask[l][c] = V.LessThan(V.Indices + V.Create(c * V.Count), V.Create(n[l]));   // neuron index < n (exact in float)
        }
        int shardsNeeded = FastNetwork.ShardsFor(capacity);
        shards = new Shard[shardsNeeded];
        for (int s = 0; s < shardsNeeded; s++) shards[s] = new Shard(this, (capacity + shardsNeeded - 1) / shardsNeeded);
        if (shardsNeeded > 1 && threads > 1) partner = new Partner();   // a thread of its own for shard 1
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
        RefreshRows();
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
    /// Everything of a step up to the update, for the mini-batch <paramref name="rows"/> of the data set whose pixel
    /// bytes start at <paramref name="pixels"/>: load, forward pass with BP1 and the cost, BP2, and each shard's
    /// gradient (on two threads for a sharded batch). The weights do not move. <paramref name="next"/> are the
    /// next step's rows, to prefetch. Returns the mean cost C = (1/m) Σₓ Cₓ.
    /// </summary>
    public double Gradient(byte* pixels, byte* allLabels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        m = rows.Length;
        shardCount = FastNetwork.ShardsFor(m);
        if (shardCount > shards.Length) throw new InvalidOperationException($"A batch of {m} is larger than this buffer's capacity.");
        if (shardCount == 1)
        {
            shards[0].Load(pixels, allLabels, rows, next);
            shards[0].Forward();
            shards[0].Backward(sumGradient: shards[0].UpdateGroups > 1 || !plain);
        }
        else
        {
            int half = (m + 1) / 2, nextHalf = (next.Length + 1) / 2;
            if (partner is null)
            {
                shards[0].Run(pixels, allLabels, rows[..half], next[..nextHalf]);
                shards[1].Run(pixels, allLabels, rows[half..], next[nextHalf..]);
            }
            else
            {
                partner.Start(shards[1], pixels, allLabels, rows[half..], next[nextHalf..]);
                shards[0].Run(pixels, allLabels, rows[..half], next[..nextHalf]);
                partner.Finish();
            }
        }
        double sum = 0;
        for (int s = 0; s < shardCount; s++)
            for (int x = 0; x < shards[s].M; x++) sum += shards[s].ExampleCost[x];   // in example order, whatever the threads
        return sum / m;
    }

    /// <summary>
    /// The gradient step for the batch <see cref="Gradient"/> saw, each parameter rounded once (BP3, BP4):
    /// bˡ ← bˡ + (−η/m) Σₓ δˡₓ and Wˡ ← Wˡ + (−η/m) Σₓ δˡₓ(aˡ⁻¹ₓ)ᵀ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
    public void Step(double learningRate)
    {
        if (!plain)
        {
            StepWithMomentum(learningRate);
            return;
        }
        float scale = (float)(-learningRate / m);
        var s = V.Create(scale);
        var first = shards[0];
        for (int l = 1; l <= L; l++)
        {
            int chunks = p[l] / V.Count;
            for (int c = 0; c < chunks; c++)
            {
                var sum = V.Load(first.Gb[l] + c * V.Count);
                if (shardCount > 1) sum = sum + V.Load(shards[1].Gb[l] + c * V.Count);
                V.FusedMultiplyAdd(s, sum, V.Load(B[l] + c * V.Count)).Store(B[l] + c * V.Count);   // BP3 + step
            }
        }
        if (shardCount == 1 && first.UpdateGroups == 1)
        {
            // One group: sum Σₓ aₓ[k]·δₓ in a register and move row k of Wᵀ at once (BP4 + step, fused).
            for (int l = 1; l <= L; l++)
            {
                int* ks = l == 1 ? first.UpdateActive : identity;
                int kc = l == 1 ? first.UpdateActiveCount[0] : n[l - 1];
                for (int c = 0; c < p[l] / V.Count; c++)
                    OuterProducts<StepMode>(first.M, first.A[l - 1], p[l - 1], ks, kc, WT[l] + c * V.Count, p[l], first.D[l] + c * V.Count, scale);
            }
        }
        else
        {
            // The gradient rows are summed (per shard) in G: W += (−η/m)·(G₀ + G₁) row by row, then G ← 0 for the next step.
            int tc = TouchedInputs();
            for (int l = 1; l <= L; l++)
            {
                int* ks = l == 1 ? touched : identity;
                int kc = l == 1 ? tc : n[l - 1];
                float* g0 = first.G[l], g1 = shardCount > 1 ? shards[1].G[l] : null;
                for (int t = 0; t < kc; t++)
                    for (int c = 0; c < p[l] / V.Count; c++)
                    {
                        long at = (long)ks[t] * p[l] + c * V.Count;
                        var sum = V.Load(g0 + at);
                        V.Zero.Store(g0 + at);
                        if (g1 != null) { sum = sum + V.Load(g1 + at); V.Zero.Store(g1 + at); }
                        V.FusedMultiplyAdd(s, sum, V.Load(WT[l] + at)).Store(WT[l] + at);
                    }
            }
        }
        RefreshRows();
    }

    /// <summary>
    /// The step with momentum and weight decay, for every parameter (decay and velocity move even the
    /// weights of inputs that were 0): g = (1/m) Σₓ ∇Cₓ + λW (weights only), v ← μv + g, W ← W − η·v, or
    /// W ← W − η·(g + μv) with Nesterov. The summed gradients are set back to 0 for the next step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void StepWithMomentum(double learningRate)
    {
        var eta = V.Create((float)learningRate);
        var mu = V.Create((float)momentum);
        var lambda = V.Create((float)weightDecay);
        var perExample = V.Create(1f / m);
        for (int l = 1; l <= L; l++)
        {
            for (int c = 0; c < p[l]; c += V.Count)
            {
                var sum = V.Load(shards[0].Gb[l] + c);
                if (shardCount > 1) sum = sum + V.Load(shards[1].Gb[l] + c);
                var g = sum * perExample;
                var v = mu * V.Load(VB[l] + c) + g;
                v.Store(VB[l] + c);
                (V.Load(B[l] + c) - eta * (nesterov ? g + mu * v : v)).Store(B[l] + c);
            }
            float* g0 = shards[0].G[l], g1 = shardCount > 1 ? shards[1].G[l] : null;
            for (long i = 0, count = (long)n[l - 1] * p[l]; i < count; i += V.Count)
            {
                var sum = V.Load(g0 + i);
                V.Zero.Store(g0 + i);
                if (g1 != null) { sum = sum + V.Load(g1 + i); V.Zero.Store(g1 + i); }
                var w = V.Load(WT[l] + i);
                var g = sum * perExample + lambda * w;                 // padding lanes: 0 + λ·0 = 0, and stay 0
                var v = mu * V.Load(VW[l] + i) + g;
                v.Store(VW[l] + i);
                (w - eta * (nesterov ? g + mu * v : v)).Store(WT[l] + i);
            }
        }
        RefreshRows();
    }

    /// <summary>Mean cost and accuracy (argmax of aᴸ equals the label) on a data set, by the float forward pass.</summary>
    public (double Cost, double Accuracy) Evaluate(DataSet data)
    {
        var shard = shards[0];
        var rows = new int[shard.Capacity];
        double costSum = 0;
        int correct = 0;
        fixed (byte* pixels = data.AllPixelBytes)
        fixed (byte* allLabels = data.AllLabels)
            for (int start = 0; start < data.Count; start += shard.Capacity)
            {
                int count = Math.Min(shard.Capacity, data.Count - start);
                for (int x = 0; x < count; x++) rows[x] = start + x;
                shard.Load(pixels, allLabels, rows.AsSpan(0, count), []);
                shard.Forward();
                for (int x = 0; x < count; x++)
                {
                    costSum += shard.ExampleCost[x];
                    if (shard.Predicted(x) == shard.Labels[x]) correct++;
                }
            }
        return (costSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>The union of the shards' non-zero inputs into <see cref="touched"/>; returns how many.</summary>
    private int TouchedInputs()
    {
        for (int w = 0; w < words; w++)
        {
            ulong bits = 0;
            for (int s = 0; s < shardCount; s++) bits |= shards[s].Touched[w];
            touchedMask[w] = bits;
        }
        return ListOf(touchedMask, words, touched);
    }

    /// <summary>Wˡ by rows j for BP2 (a 16×16 copy per layer ≥ 2: cheaper than horizontal sums per example).</summary>
    private void RefreshRows()
    {
        for (int l = 2; l <= L; l++)
            for (int k = 0; k < n[l - 1]; k++)
                for (int j = 0; j < n[l]; j++)
                    Wrows[l][(long)j * p[l - 1] + k] = WT[l][(long)k * p[l] + j];
    }

    /// <summary>The positions of the set bits of <paramref name="mask"/>, in increasing order; returns how many.</summary>
    private static int ListOf(ulong* mask, int words, int* list)
    {
        int count = 0;
        for (int w = 0; w < words; w++)
            for (ulong bits = mask[w]; bits != 0; bits &= bits - 1)
                list[count++] = w * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits);
        return count;
    }

    /// <summary>
    /// One shard of a mini-batch: its examples' activations, δ and gradient, in buffers of its own, so that two
    /// shards can run at once on two threads while reading the same weights.
    /// </summary>
    private sealed class Shard : IDisposable
    {
        private readonly FastNetwork<V> net;
        public readonly int Capacity;
        public readonly float*[] A;            // [l] = aˡ for each example of the shard (A[0] = the input X)
        public readonly float*[] D;            // [l] = σ′(zˡ) after the forward pass, δˡ after backward
        public readonly float*[] G;            // [l] = Σₓ δˡₓ(aˡ⁻¹ₓ)ᵀ transposed like Wᵀ, 0 between steps (when summed here)
        public readonly float*[] Gb;           // [l] = Σₓ δˡₓ
        private readonly float* backward;      // (Wˡ)ᵀδˡ per example, before ⊙ σ′
        private readonly float* Zout;          // zᴸ per example (argmax for sigmoid / tanh outputs, see Predicted)
        public readonly double* ExampleCost;   // Cₓ per example
        public readonly byte* Labels;          // label of each example
        private readonly ulong* masks;         // per forward group: bit k set when input k is not 0 in some example
        private readonly int* active;          // per forward group: those inputs k
        private readonly int* activeCount;
        public int* UpdateActive;              // per update group: its inputs k (the forward groups' lists, or the union for one group)
        public int* UpdateActiveCount;
        private readonly int* unionList;       // the shard's inputs when it is one update group
        private readonly int* unionCount;
        public readonly ulong* Touched;        // the union over the shard
        private readonly void* block;
        public int M;                          // examples in the shard now
        public int UpdateGroups;

        public Shard(FastNetwork<V> net, int capacity)
        {
            this.net = net;
            Capacity = capacity;
            int L = net.L, n0 = net.n[0];
            int[] p = net.p;
            int groups = (capacity + MaxGroup - 1) / MaxGroup + 1;
            long bytes = 0;
            long Reserve(long count, int size) { long at = bytes; bytes += (count * size + 63) / 64 * 64; return at; }
            var aAt = new long[L + 1]; var dAt = new long[L + 1]; var gAt = new long[L + 1]; var gbAt = new long[L + 1];
            for (int l = 0; l <= L; l++) aAt[l] = Reserve((long)capacity * p[l], 4);
            for (int l = 1; l <= L; l++)
            {
                dAt[l] = Reserve((long)capacity * p[l], 4);
                gAt[l] = Reserve((long)net.n[l - 1] * p[l], 4);
                gbAt[l] = Reserve(p[l], 4);
            }
            long eAt = Reserve((long)capacity * p.Max(), 4), zAt = Reserve((long)capacity * p[L], 4), cAt = Reserve(capacity, 8),
                 lAt = Reserve(capacity, 1), mAt = Reserve((long)groups * net.words, 8), actAt = Reserve((long)groups * n0, 4),
                 acAt = Reserve(groups, 4), uAt = Reserve(n0, 4), ucAt = Reserve(1, 4), tAt = Reserve(net.words, 8);
            block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
            NativeMemory.Clear(block, (nuint)bytes);
            byte* at = (byte*)block;
            A = new float*[L + 1]; D = new float*[L + 1]; G = new float*[L + 1]; Gb = new float*[L + 1];
            for (int l = 0; l <= L; l++)
            {
                A[l] = (float*)(at + aAt[l]);
                if (l == 0) continue;
                D[l] = (float*)(at + dAt[l]); G[l] = (float*)(at + gAt[l]); Gb[l] = (float*)(at + gbAt[l]);
            }
            backward = (float*)(at + eAt); Zout = (float*)(at + zAt); ExampleCost = (double*)(at + cAt); Labels = at + lAt;
            masks = (ulong*)(at + mAt); active = (int*)(at + actAt); activeCount = (int*)(at + acAt);
            unionList = (int*)(at + uAt); unionCount = (int*)(at + ucAt); Touched = (ulong*)(at + tAt);
        }

        /// <summary>Load, forward pass and the gradient summed into <see cref="G"/>.</summary>
        public void Run(byte* pixels, byte* allLabels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
        {
            Load(pixels, allLabels, rows, next);
            Forward();
            Backward(sumGradient: true);
        }

        /// <summary>
        /// a⁰ = byte / 255 for the examples <paramref name="rows"/>, their labels, and per group the inputs that are
        /// not 0. Then asks the CPU to start fetching <paramref name="next"/> (the next step's rows) so they are in
        /// cache when the next step needs them: shuffled rows are scattered over 47 MB.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
        public void Load(byte* pixels, byte* allLabels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
        {
            M = rows.Length;
            int n0 = net.n[0], p0 = net.p[0], words = net.words;
            float* X = A[0];
            var scale = V.Create(1f / 255f);
            for (int x = 0; x < M; x++)
            {
                byte* src = pixels + (long)rows[x] * n0;
                float* dst = X + (long)x * p0;
                Labels[x] = allLabels[rows[x]];
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

            // Per forward group, the inputs k that are non-zero in at least one of its examples: OR the byte rows.
            int groups = 0;
            for (int x0 = 0; x0 < M; groups++)
            {
                int size = GroupSize(M, x0);
                ulong* mask = masks + (long)groups * words;
                int k = 0;
                for (; k + 64 <= n0; k += 64) mask[k / 64] = V.NonZeroBytes64(pixels, rows.Slice(x0, size), n0, k);
                if (k < n0)
                {
                    ulong bits = 0;
                    for (; k < n0; k++)
                    {
                        int any = 0;
                        for (int x = x0; x < x0 + size; x++) any |= pixels[(long)rows[x] * n0 + k];
                        if (any != 0) bits |= 1UL << (k % 64);
                    }
                    mask[words - 1] = bits;
                }
                activeCount[groups] = ListOf(mask, words, active + (long)groups * n0);
                x0 += size;
            }
            // The shard's union of inputs (the rows of W¹ it moves); up to 16 examples sum the gradient in one group over it.
            for (int w = 0; w < words; w++)
            {
                ulong bits = 0;
                for (int g = 0; g < groups; g++) bits |= masks[(long)g * words + w];
                Touched[w] = bits;
            }
            if (M <= FastNetwork.MaxUpdateGroup)
            {
                UpdateGroups = 1;
                unionCount[0] = ListOf(Touched, words, unionList);
                UpdateActive = unionList;
                UpdateActiveCount = unionCount;
            }
            else
            {
                UpdateGroups = groups;
                UpdateActive = active;
                UpdateActiveCount = activeCount;
            }
        }

        /// <summary>
        /// The forward pass of the loaded examples, fused with BP1 and the cost: for l = 1…L, zˡ = Wˡaˡ⁻¹ + bˡ,
        /// aˡ = σ(zˡ), keeping σ′(zˡ); at the output δᴸ and Cₓ (into <see cref="ExampleCost"/>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
        public void Forward()
        {
            int L = net.L;
            int[] n = net.n, p = net.p;
            for (int l = 1; l <= L; l++)
            {
                int chunks = p[l] / V.Count;
                for (int g = 0, x0 = 0; x0 < M; g++)
                {
                    int size = GroupSize(M, x0);
                    int* ks = l == 1 ? active + (long)g * n[0] : net.identity;
                    int kc = l == 1 ? activeCount[g] : n[l - 1];
                    float* input = A[l - 1] + (long)x0 * p[l - 1];
                    for (int c = 0; c < chunks; c++)
                        WeightedSums(size, input, p[l - 1], ks, kc, net.WT[l] + c * V.Count, p[l], net.B[l] + c * V.Count, A[l] + (long)x0 * p[l] + c * V.Count);
                    x0 += size;
                }
                if (l < L) ActivateHidden(l);
            }
            ActivateOutput();
        }

        /// <summary>
        /// Backpropagation for the examples the last <see cref="Forward"/> saw: BP2 δˡ = ((Wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ′(zˡ),
        /// BP3 summed, Σₓ δˡₓ into <see cref="Gb"/>, and when <paramref name="sumGradient"/> BP4 summed,
        /// Σₓ δˡₓ(aˡ⁻¹ₓ)ᵀ added into <see cref="G"/> (otherwise <see cref="Step"/> sums it in registers).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
        public void Backward(bool sumGradient)
        {
            int L = net.L;
            int[] n = net.n, p = net.p;
            // BP2, from the top down: (Wˡ)ᵀδˡ = Σⱼ δˡ[j]·(row j of Wˡ), the same broadcast-FMA shape as the forward pass.
            for (int l = L; l >= 2; l--)
            {
                int chunks = p[l - 1] / V.Count;
                for (int x0 = 0; x0 < M;)
                {
                    int size = GroupSize(M, x0);
                    for (int c = 0; c < chunks; c++)
                        WeightedSums(size, D[l] + (long)x0 * p[l], p[l], net.identity, n[l], net.Wrows[l] + c * V.Count, p[l - 1], net.zeros, backward + (long)x0 * p[l - 1] + c * V.Count);
                    x0 += size;
                }
                for (int x = 0; x < M; x++)
                    for (int c = 0; c < chunks; c++)
                    {
                        float* lower = D[l - 1] + (long)x * p[l - 1] + c * V.Count;   // σ′(zˡ⁻¹), padding lanes 0: becomes δˡ⁻¹
                        (V.Load(lower) * V.Load(backward + (long)x * p[l - 1] + c * V.Count)).Store(lower);
                    }
            }
            for (int l = 1; l <= L; l++)
            {
                int chunks = p[l] / V.Count;
                for (int c = 0; c < chunks; c++)
                {
                    var sum = V.Zero;
                    for (int x = 0; x < M; x++) sum = sum + V.Load(D[l] + (long)x * p[l] + c * V.Count);   // BP3: Σₓ δˡₓ
                    sum.Store(Gb[l] + c * V.Count);
                }
                if (!sumGradient) continue;
                for (int u = 0, x0 = 0; x0 < M; u++)
                {
                    int size = UpdateGroups == 1 ? M : GroupSize(M, x0);
                    int* ks = l == 1 ? UpdateActive + (long)u * n[0] : net.identity;
                    int kc = l == 1 ? UpdateActiveCount[u] : n[l - 1];
                    for (int c = 0; c < chunks; c++)
                        OuterProducts<SumMode>(size, A[l - 1] + (long)x0 * p[l - 1], p[l - 1], ks, kc, G[l] + c * V.Count, p[l], D[l] + (long)x0 * p[l] + c * V.Count, 0);
                    x0 += size;
                }
            }
        }

        /// <summary>
        /// argmaxⱼ aᴸⱼ of example x, the first on ties (as MathNet's MaximumIndex). Sigmoid and tanh are
        /// increasing, so their argmax is that of zᴸ: in float σ(z) rounds to 1 from z ≈ 17 on (in double
        /// from 37), and comparing z keeps two saturated outputs apart as the double reference does.
        /// </summary>
        public int Predicted(int x)
        {
            int L = net.L;
            float* v = (net.kind[L] == Kind.ReLU ? A[L] : Zout) + (long)x * net.p[L];
            int best = 0;
            for (int j = 1; j < net.n[L]; j++)
                if (v[j] > v[best]) best = j;
            return best;
        }

        /// <summary>aˡ = σ(zˡ) in place and σ′(zˡ) into D[l], for a hidden layer; padding lanes set to 0.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // fully optimised from the first step: no slow first epoch
        private void ActivateHidden(int l)
        {
            int stride = net.p[l], chunks = stride / V.Count;
            for (int x = 0; x < M; x++)
                for (int c = 0; c < chunks; c++)
                {
                    float* z = A[l] + (long)x * stride + c * V.Count;
                    var mask = net.laneMask[l][c];
                    var a = Activate(net.kind[l], V.Load(z), out var derivative);
                    (a & mask).Store(z);
                    (derivative & mask).Store(D[l] + (long)x * stride + c * V.Count);
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
            int L = net.L, stride = net.p[L], chunks = stride / V.Count;
            for (int x = 0; x < M; x++)
            {
                if (net.logLikelihood)
                {
                    ExampleCost[x] = SoftmaxOutput(x);
                    continue;
                }
                double cost = 0;
                var label = V.Create(Labels[x]);
                for (int c = 0; c < chunks; c++)
                {
                    long at = (long)x * stride + c * V.Count;
                    var mask = net.laneMask[L][c];
                    var z = V.Load(A[L] + at);
                    z.Store(Zout + at);
                    var a = Activate(net.kind[L], z, out var derivative) & mask;
                    var y = V.EqualTo(V.Indices + V.Create(c * V.Count), label) & V.One;   // one-hot: neuron index = label
                    var error = (a - y) & mask;
                    V delta;
                    if (net.crossEntropy)
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
                ExampleCost[x] = cost;
            }
        }

        /// <summary>
        /// A softmax output with the log-likelihood cost for example x, whose zᴸ is in A[L]: aⱼ = e^(zⱼ − max z) / Σₖ e^(zₖ − max z)
        /// (the same value as e^zⱼ / Σₖ e^zₖ, without overflow), BP1 δᴸ = aᴸ − y, and Cₓ = −ln a_y = ln Σₖ e^(zₖ − max z) − (z_y − max z),
        /// from z (as <see cref="Cost.Value(LayerForward, Matrix{double})"/>) so that it stays finite when a_y rounds to 0.
        /// </summary>
        private double SoftmaxOutput(int x)
        {
            int L = net.L, count = net.n[L], stride = net.p[L];
            float* z = Zout + (long)x * stride, a = A[L] + (long)x * stride, delta = D[L] + (long)x * stride;
            for (int j = 0; j < stride; j++) z[j] = a[j];
            float max = z[0];
            for (int j = 1; j < count; j++) max = Math.Max(max, z[j]);
            double sum = 0;
            for (int j = 0; j < count; j++) { a[j] = MathF.Exp(z[j] - max); sum += a[j]; }
            for (int j = 0; j < count; j++)
            {
                a[j] = (float)(a[j] / sum);
                delta[j] = a[j] - (j == Labels[x] ? 1f : 0f);
            }
            for (int j = count; j < stride; j++) { a[j] = 0; delta[j] = 0; }
            return Math.Log(sum) - (z[Labels[x]] - max);
        }

        private bool disposed;

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            NativeMemory.AlignedFree(block);
        }
    }

    /// <summary>
    /// The second thread: offered one shard's <see cref="Shard.Run"/> per step. It spins a little before sleeping,
    /// because a step at batch 32 lasts only tens of microseconds. When the calling thread has finished its own shard
    /// and the partner has not started (on a busy machine it may not have been scheduled yet), the calling thread takes
    /// the shard back and runs it itself: the same work either way, so the same result, and no wait for a descheduled thread.
    /// </summary>
    private sealed class Partner : IDisposable
    {
        private const int Idle = 0, Offered = 1, Taken = 2, Done = 3, TakenBack = 4;
        private readonly Thread thread;
        private readonly ManualResetEventSlim go = new(false, 2000), done = new(false, 2000);
        private Shard? shard;
        private nint pixels, labels;
        private int[] rows = [];
        private int rowCount, nextCount;
        private Exception? failure;
        private int state = Idle;
        private volatile bool stopping;

        public Partner()
        {
            thread = new Thread(Loop) { IsBackground = true, Name = "FastNetwork partner" };
            thread.Start();
        }

        /// <summary>Offers <see cref="Shard.Run"/> of <paramref name="target"/> to the second thread.</summary>
        public void Start(Shard target, byte* pixels, byte* labels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
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

        public void Dispose()
        {
            stopping = true;
            go.Set();
            thread.Join();
            go.Dispose();
            done.Dispose();
        }
    }

    // 1 / (1 + e^(−z)) is exactly 1.0 in double from z = 36.7368005696771 on, and exactly 0 once e^(−z) overflows.


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
    /// BP4 for a group of up to 16 examples (their δ held in registers), row k by row k of Wᵀ's shape:
    /// g = Σₓ a[k]·δₓ, summed in example order. <see cref="SumMode"/> adds it into the gradient buffer
    /// (g starts from the buffer's row); <see cref="StepMode"/> moves the weights at once,
    /// row k of Wᵀ ← row + (−η/m)·g, one rounding per weight.
    /// </summary>
    private static void OuterProducts<TMode>(int size, float* input, int inStride, int* ks, int kc, float* target, int stride, float* delta, float scale)
        where TMode : struct, IMode
    {
        switch (size)
        {
            case 1: OuterProducts<S1, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 2: OuterProducts<S2, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 3: OuterProducts<S3, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 4: OuterProducts<S4, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 5: OuterProducts<S5, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 6: OuterProducts<S6, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 7: OuterProducts<S7, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 8: OuterProducts<S8, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 9: OuterProducts<S9, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 10: OuterProducts<S10, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 11: OuterProducts<S11, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 12: OuterProducts<S12, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 13: OuterProducts<S13, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 14: OuterProducts<S14, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            case 15: OuterProducts<S15, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
            default: OuterProducts<S16, TMode>(input, inStride, ks, kc, target, stride, delta, scale); break;
        }
    }

    // The δ rows have the same stride as the weight rows (both p[l]). TSize.Value is a JIT-time constant: the ifs vanish.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OuterProducts<TSize, TMode>(float* input, int inStride, int* ks, int kc, float* target, int stride, float* delta, float scale)
        where TSize : struct, IGroupSize where TMode : struct, IMode
    {
        V d0 = default, d1 = default, d2 = default, d3 = default, d4 = default, d5 = default, d6 = default, d7 = default, d8 = default, d9 = default, d10 = default, d11 = default, d12 = default, d13 = default, d14 = default, d15 = default;
        d0 = V.Load(delta + 0 * stride);
        if (TSize.Value > 1) d1 = V.Load(delta + 1 * stride);
        if (TSize.Value > 2) d2 = V.Load(delta + 2 * stride);
        if (TSize.Value > 3) d3 = V.Load(delta + 3 * stride);
        if (TSize.Value > 4) d4 = V.Load(delta + 4 * stride);
        if (TSize.Value > 5) d5 = V.Load(delta + 5 * stride);
        if (TSize.Value > 6) d6 = V.Load(delta + 6 * stride);
        if (TSize.Value > 7) d7 = V.Load(delta + 7 * stride);
        if (TSize.Value > 8) d8 = V.Load(delta + 8 * stride);
        if (TSize.Value > 9) d9 = V.Load(delta + 9 * stride);
        if (TSize.Value > 10) d10 = V.Load(delta + 10 * stride);
        if (TSize.Value > 11) d11 = V.Load(delta + 11 * stride);
        if (TSize.Value > 12) d12 = V.Load(delta + 12 * stride);
        if (TSize.Value > 13) d13 = V.Load(delta + 13 * stride);
        if (TSize.Value > 14) d14 = V.Load(delta + 14 * stride);
        if (TSize.Value > 15) d15 = V.Load(delta + 15 * stride);
        float* i0 = input, i1 = i0 + inStride, i2 = i1 + inStride, i3 = i2 + inStride, i4 = i3 + inStride, i5 = i4 + inStride, i6 = i5 + inStride, i7 = i6 + inStride, i8 = i7 + inStride, i9 = i8 + inStride, i10 = i9 + inStride, i11 = i10 + inStride, i12 = i11 + inStride, i13 = i12 + inStride, i14 = i13 + inStride, i15 = i14 + inStride;
        var s = V.Create(scale);
        for (int t = 0; t < kc; t++)
        {
            int k = ks[t];
            float* at = target + (long)k * stride;
            var g = TMode.Step ? V.Zero : V.Load(at);
            g = V.FusedMultiplyAdd(V.Create(i0[k]), d0, g);
            if (TSize.Value > 1) g = V.FusedMultiplyAdd(V.Create(i1[k]), d1, g);
            if (TSize.Value > 2) g = V.FusedMultiplyAdd(V.Create(i2[k]), d2, g);
            if (TSize.Value > 3) g = V.FusedMultiplyAdd(V.Create(i3[k]), d3, g);
            if (TSize.Value > 4) g = V.FusedMultiplyAdd(V.Create(i4[k]), d4, g);
            if (TSize.Value > 5) g = V.FusedMultiplyAdd(V.Create(i5[k]), d5, g);
            if (TSize.Value > 6) g = V.FusedMultiplyAdd(V.Create(i6[k]), d6, g);
            if (TSize.Value > 7) g = V.FusedMultiplyAdd(V.Create(i7[k]), d7, g);
            if (TSize.Value > 8) g = V.FusedMultiplyAdd(V.Create(i8[k]), d8, g);
            if (TSize.Value > 9) g = V.FusedMultiplyAdd(V.Create(i9[k]), d9, g);
            if (TSize.Value > 10) g = V.FusedMultiplyAdd(V.Create(i10[k]), d10, g);
            if (TSize.Value > 11) g = V.FusedMultiplyAdd(V.Create(i11[k]), d11, g);
            if (TSize.Value > 12) g = V.FusedMultiplyAdd(V.Create(i12[k]), d12, g);
            if (TSize.Value > 13) g = V.FusedMultiplyAdd(V.Create(i13[k]), d13, g);
            if (TSize.Value > 14) g = V.FusedMultiplyAdd(V.Create(i14[k]), d14, g);
            if (TSize.Value > 15) g = V.FusedMultiplyAdd(V.Create(i15[k]), d15, g);
            if (TMode.Step) V.FusedMultiplyAdd(s, g, V.Load(at)).Store(at);   // W += (−η/m)·Σₓ, one rounding
            else g.Store(at);
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
        : a == Activation.Softmax ? Kind.Softmax
        : throw new NotSupportedException($"No fast kernel for the activation '{a.Name}'.");

    private bool disposed;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        partner?.Dispose();
        foreach (var shard in shards) shard.Dispose();
        NativeMemory.AlignedFree(block);
    }

    private interface IMode { static abstract bool Step { get; } }
    private struct SumMode : IMode { public static bool Step => false; }
    private struct StepMode : IMode { public static bool Step => true; }

    private interface IGroupSize { static abstract int Value { get; } }
    private struct S1 : IGroupSize { public static int Value => 1; }
    private struct S2 : IGroupSize { public static int Value => 2; }
    private struct S3 : IGroupSize { public static int Value => 3; }
    private struct S4 : IGroupSize { public static int Value => 4; }
    private struct S5 : IGroupSize { public static int Value => 5; }
    private struct S6 : IGroupSize { public static int Value => 6; }
    private struct S7 : IGroupSize { public static int Value => 7; }
    private struct S8 : IGroupSize { public static int Value => 8; }
    private struct S9 : IGroupSize { public static int Value => 9; }
    private struct S10 : IGroupSize { public static int Value => 10; }
    private struct S11 : IGroupSize { public static int Value => 11; }
    private struct S12 : IGroupSize { public static int Value => 12; }
    private struct S13 : IGroupSize { public static int Value => 13; }
    private struct S14 : IGroupSize { public static int Value => 14; }
    private struct S15 : IGroupSize { public static int Value => 15; }
    private struct S16 : IGroupSize { public static int Value => 16; }
}
