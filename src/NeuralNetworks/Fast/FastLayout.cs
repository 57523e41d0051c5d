using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Fast;

/// <summary>
/// The fast twin of <see cref="Network"/>: the same maths in float32 with hand-fused SIMD kernels, no allocation per
/// step. Students read <see cref="Network"/>; this class exists only to make training quick and is proved equal to it
/// by FastPathTests. The kernels (<see cref="FastKernels{V}"/>) are written once over <typeparamref name="V"/>, 16 float
/// lanes: <see cref="Floats512"/> (one Vector512, AVX-512), <see cref="Floats256"/> (two Vector256, AVX2) or
/// <see cref="Floats128"/> (four Vector128, NEON), chosen by whoever creates it; the JIT compiles each width separately.
/// </summary>
/// <remarks>
/// The class is split by concern: this file is the layout (where every parameter lives), FastStep.cs the training step
/// (gradient, update, evaluation), <see cref="FastShard{V}"/> the passes over one shard of a mini-batch,
/// <see cref="FastKernels{V}"/> the inner loops and <see cref="PartnerThread"/> the second thread.
/// <list type="bullet">
/// <item>Wˡ is stored by input (transposed), as nˡ⁻¹ rows of nˡ floats padded to a multiple of 16 (one Vector512, two
/// Vector256 or four Vector128 per 16 neurons; padding lanes hold 0 and stay 0). Then zₓ = bˡ + Σₖ aₓ[k]·(row k) is a
/// broadcast-FMA per input k with no horizontal sums, and the gradient row k, Σₓ aₓ[k]·δₓ, has the same shape.</item>
/// <item>Examples go through the forward pass in groups of up to 8, one accumulator register each, so every weight row
/// loaded from memory feeds up to 8 FMAs; a shard of up to 16 sums its gradient in one group (all δ in registers).</item>
/// <item>One rounding per step: the mini-batch's gradient is summed first, then each parameter moves once,
/// w ← w + (−η/m)·Σₓ ∂Cₓ/∂w in one fused multiply-add, as the reference does.</item>
/// <item>Batches of 32 and more are split steps: z¹ is summed over the inputs below <see cref="InputSplit"/> (with b¹) and
/// over the others, and the two sums are added in that order. On two threads each thread sums one half in a shard of
/// its own, keeps the rows of W¹ of its half (their gradient and their update), and computes the small later layers for
/// half the forward groups, into shard 0, where both read them: the result does not depend on the number of threads, and
/// no row of W¹ crosses from one core's cache to the other's.</item>
/// <item>Layer 1 skips the inputs k that are 0 in every example of a group (MNIST is ~80 % black): adding 0·w is exact
/// for finite w, so the skip changes no bit of the result, only the time.</item>
/// <item>Every buffer is allocated once (aligned native memory) and reused: no GC work per step.</item>
/// </list>
/// Arithmetic order is fixed (no reductions whose order depends on timing or on the thread count), so the same seed
/// gives the same result bit for bit on the same machine. Every width does the same operations lane by lane, so they
/// all give the same weights; only the cost's horizontal sums may differ in the last bit.
/// </remarks>
internal sealed unsafe partial class FastNetwork<V> : IDisposable where V : struct, ISimdFloats<V>
{
    /// <summary>L: the output layer's index, as in <see cref="Network.LayerCount"/>.</summary>
    public int LayerCount { get; }

    /// <summary>nˡ for l = 0…L.</summary>
    public int[] Sizes { get; }

    /// <summary>nˡ rounded up to 16 (<see cref="FastNetwork.Padded"/>): floats per row of every buffer of layer l.</summary>
    public int[] Strides { get; }

    /// <summary>σ of layer l, for l = 1…L.</summary>
    public FastActivation[] Activations { get; }

    /// <summary>The cost is cross-entropy (with a sigmoid output); otherwise quadratic or log-likelihood.</summary>
    public bool CrossEntropy { get; }

    /// <summary>A softmax output with the log-likelihood cost C = −ln a_y.</summary>
    public bool LogLikelihood { get; }

    /// <summary>[l] = Wˡ by input: row k (nˡ⁻¹ rows of <see cref="Strides"/>[l] floats) holds the weights from input k to every neuron of layer l.</summary>
    public float*[] WeightsByInput { get; }

    /// <summary>[l] = bˡ, <see cref="Strides"/>[l] floats.</summary>
    public float*[] Biases { get; }

    /// <summary>[l ≥ 2] = Wˡ by neuron: row j (nˡ rows of <see cref="Strides"/>[l − 1] floats) holds neuron j's weights, for BP2; refreshed after each step.</summary>
    public float*[] WeightsByNeuron { get; }

    /// <summary>[l] = the velocity of Wˡ, laid out like <see cref="WeightsByInput"/> (momentum and weight decay only).</summary>
    private readonly float*[] weightVelocity;

    /// <summary>[l] = the velocity of bˡ.</summary>
    private readonly float*[] biasVelocity;

    /// <summary>[l][chunk]: all-ones on the lanes of real neurons of layer l, 0 on padding.</summary>
    public V[][] RealNeurons { get; }

    /// <summary>0, 1, 2, …: the input list "every k", for the layers after the first.</summary>
    public int* EveryInput { get; }

    /// <summary>A bias of 0 (for BP2, which has the shape of a forward pass without a bias).</summary>
    public float* Zeros { get; }

    /// <summary>64-bit words of an input mask (one bit per input k of layer 1).</summary>
    public int InputMaskWords { get; }

    /// <summary>
    /// A split step's boundary (<see cref="FastNetwork.ShardedFrom"/>): z¹ is summed as b¹ + Σ over the inputs k below it,
    /// plus Σ over the others, on one thread or two (then each holds the rows of W¹ of its half, and no row of W¹ or of its
    /// gradient crosses from one core to the other). The multiple of 64 nearest half the inputs (MNIST: 384), at least 64.
    /// </summary>
    public int InputSplit { get; }

    private readonly double momentum;      // μ, Nesterov and λ of the update rule (v ← μv + g); all 0: plain SGD
    private readonly bool nesterov;
    private readonly double weightDecay;
    private readonly bool plainStep;
    private readonly int* touchedInputs;   // the inputs k not 0 in some example of the batch: the rows of W¹ a step moves
    private readonly ulong* touchedMask;
    private readonly void* block;          // every buffer above, in one aligned allocation
    private readonly FastShard<V>[] shards;    // two: the halves of a split step's inputs, or of an evaluation (shard 0 alone takes a step on one thread)
    private readonly PartnerThread? partner;   // the second thread, when there are two threads (for the steps, or only for evaluations)
    private readonly bool stepsOnTwoThreads;   // the steps use the partner too, not only the evaluations
    private long steps, stepsOnTwo;            // steps so far, and how many of them the partner shared (ShareOnTwoThreads)
    private readonly Action secondInputs, secondGroups, secondRows, secondSplitRows, secondHalf;   // the partner's parts of the work (FastStep.cs)
    private int m;                         // examples in the current batch
    private int shardCount;                // 2: the current batch is a split step (FastNetwork.ShardsFor); 1: not
    private bool splitOnTwo;               // the current split step's gradient is in two shards, each its half of the rows of W¹
    private PublishedStep lowSumsOfStep, highSumsOfStep;   // the last step whose partial sums of layer 1 each half has published
    private PublishedStep lowLaterOfStep, highLaterOfStep; // the last step whose later layers each thread has published for its groups
    private int laterSplitGroup;                           // a split step on two threads: the first group whose later layers the partner computes
    private byte* pixels, labels;          // the current step's data set, for the partner's part
    private int splitGroup;                // an unsharded batch's forward groups from here on are the partner's
    private int splitInput, touchedCount;  // an unsharded batch's rows of W¹ from this input on are the partner's; the rows it touches
    private float scale;                   // −η/m of the current step
    private byte* evaluatedPixels, evaluatedLabels;
    private int evaluatedFrom, evaluatedTo; // the partner's half of an evaluation
    private double[] evaluationCosts = []; // Cₓ of each example evaluated
    private bool[] evaluationCorrect = []; // whether it was classified right
    private bool disposed;

    /// <param name="network">The network whose architecture and starting parameters this copies.</param>
    /// <param name="capacity">The most examples a batch holds.</param>
    /// <param name="threads">Threads for the steps: 1 or 2 (the result is the same bit for bit).</param>
    /// <param name="update">μ, Nesterov and λ of the update rule (null: plain SGD).</param>
    /// <param name="evaluationThreads">Threads for <see cref="Evaluate(NeuralNetworks.Data.DataSet)"/> when the steps run on one (a forward pass over a data set
    /// shares nothing written: two threads halve it at every batch size). The steps' count when larger.</param>
    public FastNetwork(Network network, int capacity, int threads = 1, UpdateRule? update = null, int evaluationThreads = 1)
    {
        update ??= UpdateRule.Plain;
        momentum = update.Momentum;
        nesterov = update.Nesterov;
        weightDecay = update.WeightDecay;
        plainStep = update.IsPlain;
        int L = LayerCount = network.LayerCount;
        var n = Sizes = network.Sizes.ToArray();
        var stride = Strides = n.Select(FastNetwork.Padded).ToArray();
        Activations = new FastActivation[L + 1];
        for (int l = 1; l <= L; l++) Activations[l] = FastKernels<V>.KindOf(network.ActivationOf(l));
        CrossEntropy = network.Cost == Cost.CrossEntropy;
        LogLikelihood = network.Cost == Cost.LogLikelihood;
        InputMaskWords = (n[0] + 63) / 64;
        InputSplit = Math.Min(n[0], Math.Max(64, (n[0] / 2 + 32) / 64 * 64));

        // One block for everything, each buffer at a 64-byte boundary.
        long bytes = 0;
        long Reserve(long count, int size) { long at = bytes; bytes += (count * size + 63) / 64 * 64; return at; }
        var weightsAt = new long[L + 1]; var biasesAt = new long[L + 1]; var byNeuronAt = new long[L + 1];
        var weightVelocityAt = new long[L + 1]; var biasVelocityAt = new long[L + 1];
        for (int l = 1; l <= L; l++) { weightsAt[l] = Reserve((long)n[l - 1] * stride[l], 4); biasesAt[l] = Reserve(stride[l], 4); }
        for (int l = 1; l <= L; l++)
        {
            weightVelocityAt[l] = Reserve(plainStep ? 0 : (long)n[l - 1] * stride[l], 4);
            biasVelocityAt[l] = Reserve(plainStep ? 0 : stride[l], 4);
        }
        for (int l = 2; l <= L; l++) byNeuronAt[l] = Reserve((long)n[l] * stride[l - 1], 4);
        long zerosAt = Reserve(stride.Max(), 4), everyAt = Reserve(n.Max(), 4), touchedAt = Reserve(n[0] + 8, 4), touchedMaskAt = Reserve(InputMaskWords, 8);
        block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(block, (nuint)bytes);
        byte* at = (byte*)block;
        WeightsByInput = new float*[L + 1]; Biases = new float*[L + 1]; WeightsByNeuron = new float*[L + 1];
        weightVelocity = new float*[L + 1]; biasVelocity = new float*[L + 1];
        for (int l = 1; l <= L; l++)
        {
            WeightsByInput[l] = (float*)(at + weightsAt[l]);
            Biases[l] = (float*)(at + biasesAt[l]);
            weightVelocity[l] = (float*)(at + weightVelocityAt[l]);
            biasVelocity[l] = (float*)(at + biasVelocityAt[l]);
            if (l >= 2) WeightsByNeuron[l] = (float*)(at + byNeuronAt[l]);
        }
        Zeros = (float*)(at + zerosAt);
        EveryInput = (int*)(at + everyAt);
        touchedInputs = (int*)(at + touchedAt);
        touchedMask = (ulong*)(at + touchedMaskAt);
        for (int k = 0; k < n.Max(); k++) EveryInput[k] = k;

        RealNeurons = new V[L + 1][];
        for (int l = 1; l <= L; l++)
        {
            RealNeurons[l] = new V[stride[l] / V.Count];
            for (int c = 0; c < RealNeurons[l].Length; c++)
                RealNeurons[l][c] = V.LessThan(V.Indices + V.Create(c * V.Count), V.Create(n[l]));   // neuron index < n (exact in float)
        }
        // Two shards of the whole capacity each: a split step's halves of the inputs (each thread holds every example's
        // activations), or the halves of an evaluation on two threads.
        if (capacity < 2 * FastNetwork.ShardedFrom) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"Give room for at least {2 * FastNetwork.ShardedFrom} examples.");
        shards = [new FastShard<V>(this, capacity), new FastShard<V>(this, capacity)];
        stepsOnTwoThreads = threads > 1;
        if (threads > 1 || evaluationThreads > 1) partner = new PartnerThread();
        secondInputs = SecondInputs;
        secondGroups = SecondGroups;
        secondRows = SecondRows;
        secondSplitRows = SecondSplitRows;
        secondHalf = SecondHalf;
        SetParameters(network);
    }

    /// <summary>The second thread, when there is one: for tests, which hold it back (<see cref="PartnerThread.HoldBack"/>).</summary>
    internal PartnerThread? Partner => partner;

    /// <summary>Copies W and b of <paramref name="network"/> (rounded to float) into the layout by input.</summary>
    public void SetParameters(Network network)
    {
        for (int l = 1; l <= LayerCount; l++)
        {
            var W = network.W(l);
            var b = network.b(l);
            for (int j = 0; j < Sizes[l]; j++)
            {
                for (int k = 0; k < Sizes[l - 1]; k++) WeightsByInput[l][(long)k * Strides[l] + j] = (float)W[j, k];
                Biases[l][j] = (float)b[j];
            }
        }
        RefreshWeightsByNeuron();
    }

    /// <summary>Copies W and b of <paramref name="other"/>, a network of the same layout, bit for bit.</summary>
    public void CopyParametersFrom(FastNetwork<V> other)
    {
        if (!Sizes.AsSpan().SequenceEqual(other.Sizes)) throw new ArgumentException("The two networks have different layer sizes.", nameof(other));
        for (int l = 1; l <= LayerCount; l++)
        {
            new ReadOnlySpan<float>(other.WeightsByInput[l], Sizes[l - 1] * Strides[l]).CopyTo(new Span<float>(WeightsByInput[l], Sizes[l - 1] * Strides[l]));
            new ReadOnlySpan<float>(other.Biases[l], Strides[l]).CopyTo(new Span<float>(Biases[l], Strides[l]));
        }
        RefreshWeightsByNeuron();
    }

    /// <summary>A double <see cref="Network"/> of the same kind as <paramref name="template"/> holding the current weights.</summary>
    public Network ToNetwork(Network template)
    {
        var W = new Matrix<double>[LayerCount];
        var b = new MathNet.Numerics.LinearAlgebra.Vector<double>[LayerCount];
        for (int l = 1; l <= LayerCount; l++)
        {
            float* byInput = WeightsByInput[l], bias = Biases[l];
            int stride = Strides[l];
            W[l - 1] = Matrix<double>.Build.Dense(Sizes[l], Sizes[l - 1], (j, k) => byInput[(long)k * stride + j]);
            b[l - 1] = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(Sizes[l], j => bias[j]);
        }
        return template.WithParameters(W, b);
    }

    /// <summary>Wˡ by neuron from Wˡ by input, for BP2 (a 16×16 copy per layer after the first: cheaper than horizontal sums per example).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RefreshWeightsByNeuron()
    {
        for (int l = 2; l <= LayerCount; l++)
        {
            float* byInput = WeightsByInput[l], byNeuron = WeightsByNeuron[l];
            int inputs = Sizes[l - 1], neurons = Sizes[l], inputStride = Strides[l - 1], neuronStride = Strides[l];
            for (int k = 0; k < inputs; k++)
            {
                float* from = byInput + (long)k * neuronStride, to = byNeuron + k;   // row k of Wᵀ into column k of W
                for (int j = 0; j < neurons; j++, to += inputStride) *to = from[j];
            }
        }
    }

    /// <summary>Stops the partner thread and frees the native buffers.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        partner?.Dispose();
        foreach (var shard in shards) shard.Dispose();
        NativeMemory.AlignedFree(block);
    }
}
