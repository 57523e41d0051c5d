using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using NeuralNetworks.Model;

namespace NeuralNetworks.Fast;

/// <summary>
/// One thread's buffers for a mini-batch: its examples' activations, δ and gradient, so that two shards can run at once
/// on two threads (the halves of a split step's inputs, or of an evaluation's examples) while reading the same weights.
/// Load, forward pass (with BP1 and the cost) and backward pass (BP2, BP3, BP4 summed) of <see cref="FastNetwork{V}"/>.
/// </summary>
internal sealed unsafe class FastShard<V> : IDisposable where V : struct, ISimdFloats<V>
{
    private readonly FastNetwork<V> net;
    private readonly float* weightedErrors;   // (Wˡ)ᵀδˡ per example, before ⊙ σ′(zˡ⁻¹); a room of errorStride floats per example
    private readonly int errorStride;         // the widest layer's stride: group g's room never moves, whatever the layer
    private readonly float* outputZ;          // zᴸ per example (the argmax of sigmoid and tanh outputs, see Predicted)
    private readonly ulong* groupMasks;       // per forward group: bit k set when input k is not 0 in some example of the group
    private readonly int* groupInputs;        // per forward group: those inputs k, ListStride entries reserved per group
    private readonly int* groupInputCounts;
    private readonly int* shardInputs;        // the shard's inputs when it is one update group
    private readonly int* shardInputCount;
    private readonly int* touchedInputs;      // the inputs set in TouchedMask, for the update of a split step
    private readonly void* block;             // every buffer, in one aligned allocation
    private readonly int[] rows;              // the data set's rows of the current examples, then (from Capacity on) the next step's
    private readonly int[] groupFirst;        // the first example of each forward group, and Count after the last
    private int nextCount;
    private int inputFrom, inputTo;           // the inputs of layer 1 this shard loads and sums over: all, or a split step's half
    private bool disposed;

    /// <summary>The most examples the shard holds.</summary>
    public int Capacity { get; }

    /// <summary>[l] = aˡ for each example of the shard, one row of <see cref="FastNetwork{V}.Strides"/>[l] floats each (A[0] = the input x).</summary>
    public float*[] A { get; }

    /// <summary>[l] = σ′(zˡ) after the forward pass, δˡ after the backward pass, one row per example.</summary>
    public float*[] Delta { get; }

    /// <summary>[l] = Σₓ δˡₓ(aˡ⁻¹ₓ)ᵀ laid out like the weights by input; 0 between steps (when summed here rather than in registers).</summary>
    public float*[] GradW { get; }

    /// <summary>[l] = Σₓ δˡₓ.</summary>
    public float*[] GradB { get; }

    /// <summary>
    /// A split step's partial sums of layer 1 per example (<see cref="PartialSums"/>): b¹ + Σ over the inputs below
    /// <see cref="FastNetwork{V}.InputSplit"/>, or Σ over those from it on.
    /// </summary>
    public float* PartialZ { get; }

    /// <summary>Cₓ per example.</summary>
    public double* ExampleCost { get; }

    /// <summary>The label of each example.</summary>
    public byte* Labels { get; }

    /// <summary>The inputs of layer 1 not 0 in some example of the shard: the rows of W¹ its gradient touches.</summary>
    public ulong* TouchedMask { get; }

    /// <summary>Per update group: the inputs k it sums over (the forward groups' lists, or the shard's union when it is one group).</summary>
    public int* UpdateInputs { get; private set; }

    /// <summary>The inputs k update group u sums over, in increasing order (<see cref="UpdateInputCounts"/>[u] of them).</summary>
    public int* UpdateInputsOf(int u) => UpdateInputs + (long)u * ListStride;

    /// <summary>Entries reserved per list of inputs: n⁰, and 8 more for <see cref="InputLists.Of"/>, which writes 8 at a time.</summary>
    private int ListStride => net.Sizes[0] + 8;

    /// <summary>Per update group: how many.</summary>
    public int* UpdateInputCounts { get; private set; }

    /// <summary>Examples in the shard now.</summary>
    public int Count { get; private set; }

    /// <summary>Update groups: 1 when the shard has at most 16 examples (all δ in registers), else its forward groups.</summary>
    public int UpdateGroupCount { get; private set; }

    /// <param name="net">The network whose layout the buffers follow.</param>
    /// <param name="capacity">The most examples the shard holds.</param>
    public FastShard(FastNetwork<V> net, int capacity)
    {
        this.net = net;
        Capacity = capacity;
        int L = net.LayerCount, n0 = net.Sizes[0], words = net.InputMaskWords;
        int[] stride = net.Strides;
        int groups = (capacity + V.GroupLimit - 1) / V.GroupLimit + 1;
        long bytes = 0;
        long Reserve(long count, int size) { long at = bytes; bytes += (count * size + 63) / 64 * 64; return at; }
        var aAt = new long[L + 1]; var deltaAt = new long[L + 1]; var gradWAt = new long[L + 1]; var gradBAt = new long[L + 1];
        for (int l = 0; l <= L; l++) aAt[l] = Reserve((long)capacity * stride[l], 4);
        for (int l = 1; l <= L; l++)
        {
            deltaAt[l] = Reserve((long)capacity * stride[l], 4);
            gradWAt[l] = Reserve((long)net.Sizes[l - 1] * stride[l], 4);
            gradBAt[l] = Reserve(stride[l], 4);
        }
        long errorsAt = Reserve((long)capacity * stride.Max(), 4), outputZAt = Reserve((long)capacity * stride[L], 4),
             costAt = Reserve(capacity, 8), labelsAt = Reserve(capacity, 1), masksAt = Reserve((long)groups * words, 8),
             inputsAt = Reserve((long)groups * ListStride, 4), inputCountsAt = Reserve(groups, 4), shardInputsAt = Reserve(ListStride, 4),
             shardInputCountAt = Reserve(1, 4), touchedAt = Reserve(words, 8), touchedInputsAt = Reserve(ListStride, 4),
             partialAt = Reserve((long)capacity * stride[1], 4);
        block = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        NativeMemory.Clear(block, (nuint)bytes);
        byte* at = (byte*)block;
        A = new float*[L + 1]; Delta = new float*[L + 1]; GradW = new float*[L + 1]; GradB = new float*[L + 1];
        for (int l = 0; l <= L; l++)
        {
            A[l] = (float*)(at + aAt[l]);
            if (l == 0) continue;
            Delta[l] = (float*)(at + deltaAt[l]); GradW[l] = (float*)(at + gradWAt[l]); GradB[l] = (float*)(at + gradBAt[l]);
        }
        weightedErrors = (float*)(at + errorsAt); errorStride = stride.Max(); outputZ = (float*)(at + outputZAt);
        ExampleCost = (double*)(at + costAt); Labels = at + labelsAt;
        groupMasks = (ulong*)(at + masksAt); groupInputs = (int*)(at + inputsAt); groupInputCounts = (int*)(at + inputCountsAt);
        shardInputs = (int*)(at + shardInputsAt); shardInputCount = (int*)(at + shardInputCountAt); TouchedMask = (ulong*)(at + touchedAt);
        touchedInputs = (int*)(at + touchedInputsAt); PartialZ = (float*)(at + partialAt);
        rows = new int[2 * capacity];
        groupFirst = new int[groups + 1];
        inputTo = n0;
    }

    /// <summary>Forward groups of the current examples (<see cref="Prepare"/>).</summary>
    public int GroupCount { get; private set; }

    /// <summary>The first example of forward group g.</summary>
    public int GroupFirst(int g) => groupFirst[g];

    /// <summary>
    /// Takes the examples <paramref name="rows"/> (rows of the data set) for the next passes, and <paramref name="next"/>,
    /// the next step's rows, to prefetch; splits them into forward groups of at most 8 (<see cref="FastKernels{V}.GroupSize"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare(ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        Count = rows.Length;
        nextCount = next.Length;
        (inputFrom, inputTo) = (0, net.Sizes[0]);
        rows.CopyTo(this.rows);
        next.CopyTo(this.rows.AsSpan(Capacity));
        int g = 0;
        for (int first = 0; first < Count; g++)
        {
            groupFirst[g] = first;
            first += FastKernels<V>.GroupSize(Count, first);
        }
        groupFirst[g] = Count;
        GroupCount = g;
    }

    /// <summary>
    /// Load, forward pass and the gradient summed into <see cref="GradW"/> and <see cref="GradB"/>, for the examples
    /// <see cref="Prepare"/> took, on one thread: a split step's batch (z¹ as its two partial sums, added) group by group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(byte* pixels, byte* allLabels)
    {
        GroupByGroup(pixels, allLabels, backward: true, split: true);
        Summarise(biases: true);
    }

    /// <summary>
    /// Makes this shard load and sum over the inputs [<paramref name="from"/>, <paramref name="to"/>) of layer 1 only (after
    /// <see cref="Prepare"/>, which resets it to all): its half of a split step on two threads.
    /// </summary>
    public void TakeInputs(int from, int to)
    {
        // Whole 64-bit words of the input masks: Load computes each word in one shard only.
        int n0 = net.Sizes[0];
        if (from < 0 || to < from || to > n0 || (from % 64 != 0 && from != n0) || (to % 64 != 0 && to != n0))
            throw new ArgumentOutOfRangeException(nameof(from), $"inputs [{from}, {to}) of {n0}: a half must start and end at a multiple of 64 or at the end");
        (inputFrom, inputTo) = (from, to);
    }

    /// <summary>
    /// A split step's first half on one of two threads: load this shard's inputs of every example and sum each example's
    /// layer-1 partial sum over them into <see cref="PartialZ"/> (with b¹ in the shard that holds the inputs from 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void PartialSums(byte* pixels, byte* allLabels)
    {
        compact = false;   // every example's inputs stay for BP4, after the other thread's partial sums are known
        Prefetch(pixels, rows, groupFirst[0], groupFirst[1]);
        for (int g = 0; g < GroupCount; g++)
        {
            PrefetchAhead(pixels, g);
            Load(pixels, allLabels, g);
            LayerOneSums(g, groupInputs + (long)g * ListStride, groupInputCounts[g], inputFrom == 0 ? net.Biases[1] : net.Zeros, PartialZ);
        }
    }

    /// <summary>
    /// A split step on two threads, once both partial sums of layer 1 are known, for the groups [<paramref name="fromGroup"/>,
    /// <paramref name="toGroup"/>) of this shard (shard 0, whichever thread calls): z¹ = <paramref name="low"/> +
    /// <paramref name="high"/>, the rest of the forward pass with BP1 and the cost, and BP2. Each thread does half the
    /// groups; a group's numbers do not depend on which thread computes them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LaterLayers(int fromGroup, int toGroup, float* low, float* high)
    {
        // The other thread's partial sums were written in its core's cache: ask for all of them at once, so that their
        // transfers overlap (adding them group by group without it took 1.6–2.0 µs a step when a cache line's round trip
        // between the cores took 0.5 µs, with it 1.0–1.4: docs/performance-history.md, "Morning of 2026-12-06, later").
        long first = (long)groupFirst[fromGroup] * net.Strides[1], count = (long)(groupFirst[toGroup] - groupFirst[fromGroup]) * net.Strides[1];
        FastNetwork.PrefetchFloats((low == PartialZ ? high : low) + first, count);
        for (int g = fromGroup; g < toGroup; g++)
        {
            AddPartialSums(g, low, high);
            ForwardAboveLayerOne(g);
            Backpropagate(g);
        }
    }

    /// <summary>
    /// A split step's gradient, once <see cref="LaterLayers"/> has run for every group of <paramref name="first"/> (shard 0):
    /// BP4 of this shard's rows of W¹ from the δ¹ in <paramref name="first"/>, and with <paramref name="laterLayers"/> (shard 0)
    /// BP4 of the later layers and BP3. The groups from <paramref name="otherFromGroup"/> on were computed on the other
    /// thread (shard 0) or all of them were (shard 1): their rows are asked for at once, as in <see cref="LaterLayers"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SplitGradient(FastShard<V> first, int otherFromGroup, int otherToGroup, bool laterLayers)
    {
        int[] stride = net.Strides;
        int from = groupFirst[otherFromGroup], count = groupFirst[otherToGroup] - from;
        for (int l = 1; l <= (laterLayers ? net.LayerCount : 1); l++)
        {
            FastNetwork.PrefetchFloats(first.Delta[l] + (long)from * stride[l], (long)count * stride[l]);
            if (laterLayers && l < net.LayerCount) FastNetwork.PrefetchFloats(first.A[l] + (long)from * stride[l], (long)count * stride[l]);
        }
        for (int g = 0; g < GroupCount; g++) SumGradientOf(g, laterLayers, first.Delta[1]);
        Summarise(laterLayers);
    }

    /// <summary>The inputs set in <see cref="TouchedMask"/> (the rows of W¹ this shard's gradient touches) into <see cref="TouchedInputs"/>; returns how many.</summary>
    public int ListTouchedInputs() => InputLists.Of(TouchedMask, net.InputMaskWords, touchedInputs);

    /// <summary>The list <see cref="ListTouchedInputs"/> wrote.</summary>
    public int* TouchedInputs => touchedInputs;

    /// <summary>
    /// Forward pass only (for an evaluation), group by group; the shard's <see cref="A"/>[0] then holds only the last
    /// group's inputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(byte* pixels, byte* allLabels) => GroupByGroup(pixels, allLabels, backward: false);

    /// <summary>
    /// Each group in turn, on this thread alone: load its inputs a⁰ into one group's room at the start of A[0], the
    /// forward pass, and with <paramref name="backward"/> BP2 and BP4 summed into <see cref="GradW"/> as soon as the group's
    /// δ are known, so that the group's inputs are used while they are in the cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GroupByGroup(byte* pixels, byte* allLabels, bool backward, bool split = false)
    {
        compact = true;
        Prefetch(pixels, rows, groupFirst[0], groupFirst[1]);
        for (int g = 0; g < GroupCount; g++)
        {
            PrefetchAhead(pixels, g);
            Load(pixels, allLabels, g);
            if (split) SplitForward(g);
            else Forward(g);
            if (!backward) continue;
            Backpropagate(g);
            SumGradientOf(g);
        }
        compact = false;
    }

    /// <summary>Asks for the rows of the group after g, or when g is the last, the next step's first group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrefetchAhead(byte* pixels, int g)
    {
        if (g + 1 < GroupCount) Prefetch(pixels, rows, groupFirst[g + 1], groupFirst[g + 2]);
        else if (nextCount > 0) Prefetch(pixels, rows.AsSpan(Capacity, nextCount), 0, FastKernels<V>.GroupSize(nextCount, 0));
    }

    /// <summary>True while a group's a⁰ are written at the start of A[0] rather than at their examples' rows.</summary>
    private bool compact;

    /// <summary>Where example x's a⁰ are: its row of A[0], or in compact mode its place in its group's room.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private float* InputsOf(int x, int groupFirstExample) => A[0] + (long)(compact ? x - groupFirstExample : x) * net.Strides[0];

    /// <summary>
    /// Everything of the forward groups [<paramref name="firstGroup"/>, <paramref name="endGroup"/>) that needs no other
    /// group: load their examples, the forward pass with BP1 and the cost, and with <paramref name="backward"/> BP2. Groups
    /// share nothing here, so two threads may each take a range (what they compute does not depend on who computes it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Examples(byte* pixels, byte* allLabels, int firstGroup, int endGroup, bool backward)
    {
        for (int g = firstGroup; g < endGroup; g++) Load(pixels, allLabels, g);
        Prefetch(pixels, rows.AsSpan(Capacity, nextCount), groupFirst[firstGroup], groupFirst[endGroup]);
        for (int g = firstGroup; g < endGroup; g++)
        {
            Forward(g);
            if (backward) Backpropagate(g);
        }
    }

    /// <summary>
    /// a⁰ = byte / 255 for the examples of group g, their labels, and the inputs that are not 0 in some example of the
    /// group (an OR of the byte rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Load(byte* pixels, byte* allLabels, int g)
    {
        int n0 = net.Sizes[0], words = net.InputMaskWords, from = inputFrom, to = inputTo;   // from: a multiple of 64
        int first = groupFirst[g], size = groupFirst[g + 1] - first;
        var scale = V.Create(1f / 255f);
        for (int x = first; x < first + size; x++)
        {
            byte* source = pixels + (long)rows[x] * n0;
            float* input = InputsOf(x, first);
            Labels[x] = allLabels[rows[x]];
            int k = from;
            for (; k + V.Count <= to; k += V.Count)
                (V.LoadBytes(source + k) * scale).Store(input + k);
            for (; k < to; k++) input[k] = source[k] * (1f / 255f);
        }
        ulong* mask = groupMasks + (long)g * words;
        int word = 0;
        for (; (word + 1) * 64 <= n0; word++)
            mask[word] = word * 64 >= from && word * 64 < to ? V.NonZeroBytes64(pixels, rows.AsSpan(first, size), n0, word * 64) : 0;
        if (word < words && (word * 64 < from || word * 64 >= to)) mask[word] = 0;
        else if (word < words)
        {
            // The last, partial word (MNIST: 784 = 12 × 64 + 16), 16 bytes at a time, then byte by byte. Byte by byte
            // alone it cost about 1.3 µs of a 35 µs step at batch 100 (docs/performance-history.md, "Morning of 2026-12-06").
            ulong bits = 0;
            int k = word * 64;
            for (; k + 16 <= n0; k += 16)
            {
                var any = Vector128<byte>.Zero;
                for (int x = first; x < first + size; x++) any |= Vector128.Load(pixels + (long)rows[x] * n0 + k);
                bits |= (ulong)(~Vector128.Equals(any, Vector128<byte>.Zero).ExtractMostSignificantBits() & 0xFFFF) << (k % 64);
            }
            for (; k < n0; k++)
            {
                int any = 0;
                for (int x = first; x < first + size; x++) any |= pixels[(long)rows[x] * n0 + k];
                if (any != 0) bits |= 1UL << (k % 64);
            }
            mask[word] = bits;
        }
        groupInputCounts[g] = InputLists.Of(mask, words, groupInputs + (long)g * ListStride);
    }

    /// <summary>
    /// Asks the CPU to start fetching the next step's rows of examples [<paramref name="first"/>, <paramref name="end"/>)
    /// (the same thread will load them), so that they are in its cache then: shuffled rows are scattered over 47 MB.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Prefetch(byte* pixels, ReadOnlySpan<int> rowsOf, int first, int end)
    {
        if (first < Math.Min(end, rowsOf.Length))
            FastNetwork.PrefetchRows(pixels, rowsOf[first..Math.Min(end, rowsOf.Length)], net.Sizes[0], inputFrom, inputTo);
    }

    /// <summary>
    /// The forward pass of group g, fused with BP1 and the cost: for l = 1…L, zˡ = Wˡaˡ⁻¹ + bˡ, aˡ = σ(zˡ), keeping σ′(zˡ);
    /// at the output δᴸ and Cₓ (into <see cref="ExampleCost"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(int g)
    {
        LayerOneSums(g, groupInputs + (long)g * ListStride, groupInputCounts[g], net.Biases[1], A[1]);
        ForwardAboveLayerOne(g);
    }

    /// <summary>
    /// The forward pass of group g in a split step, on one thread: z¹ as the two partial sums a split step's threads compute
    /// (b¹ + Σ over the inputs below <see cref="FastNetwork{V}.InputSplit"/>, and Σ over the others), added, then as
    /// <see cref="Forward"/>. The same operations in the same order as on two threads, so the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SplitForward(int g)
    {
        int* list = groupInputs + (long)g * ListStride;
        int count = groupInputCounts[g], low = FastNetwork<V>.FirstAtLeast(list, count, net.InputSplit);
        LayerOneSums(g, list, low, net.Biases[1], PartialZ);
        LayerOneSums(g, list + low, count - low, net.Zeros, A[1]);
        AddPartialSums(g, PartialZ, A[1]);
        ForwardAboveLayerOne(g);
    }

    /// <summary>z¹ = <paramref name="bias"/> + Σₖ a⁰ₓ[k]·(row k of W¹) over the inputs k of <paramref name="list"/>, for group g's examples, into <paramref name="z"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LayerOneSums(int g, int* list, int count, float* bias, float* z)
    {
        int stride0 = net.Strides[0], stride1 = net.Strides[1];
        int first = groupFirst[g], size = groupFirst[g + 1] - first;
        for (int c = 0; c < stride1; c += V.Count)
            FastKernels<V>.WeightedSums(size, InputsOf(first, first), stride0, list, count, net.WeightsByInput[1] + c, stride1,
                bias + c, z + (long)first * stride1 + c);
    }

    /// <summary>z¹ = <paramref name="low"/> + <paramref name="high"/> into A[1] for group g's examples: a split step's two partial sums, always in this order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddPartialSums(int g, float* low, float* high)
    {
        int stride1 = net.Strides[1];
        for (long at = (long)groupFirst[g] * stride1, end = (long)groupFirst[g + 1] * stride1; at < end; at += V.Count)
            (V.Load(low + at) + V.Load(high + at)).Store(A[1] + at);
    }

    /// <summary>The forward pass of group g from z¹ on: a¹ = σ(z¹), then for l = 2…L as <see cref="Forward"/>, with BP1 and the cost.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ForwardAboveLayerOne(int g)
    {
        int L = net.LayerCount;
        int[] n = net.Sizes, stride = net.Strides;
        int first = groupFirst[g], size = groupFirst[g + 1] - first;
        if (L > 1) ActivateHidden(1, first, size);
        for (int l = 2; l <= L; l++)
        {
            for (int c = 0; c < stride[l]; c += V.Count)
                FastKernels<V>.WeightedSums(size, A[l - 1] + (long)first * stride[l - 1], stride[l - 1], net.EveryInput, n[l - 1],
                    net.WeightsByInput[l] + c, stride[l], net.Biases[l] + c, A[l] + (long)first * stride[l] + c);
            if (l < L) ActivateHidden(l, first, size);
        }
        ActivateOutput(first, size);
    }

    /// <summary>BP2 for group g, from the top down: δˡ = ((Wˡ⁺¹)ᵀδˡ⁺¹) ⊙ σ′(zˡ), with (Wˡ⁺¹)ᵀδˡ⁺¹ = Σⱼ δˡ⁺¹[j]·(row j of Wˡ⁺¹), the same broadcast-FMA shape as the forward pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Backpropagate(int g)
    {
        int[] n = net.Sizes, stride = net.Strides;
        int first = groupFirst[g], size = groupFirst[g + 1] - first;
        // The group's own room of the scratch, from its first example's place at the widest stride: the two threads of a
        // split step backpropagate different groups at once, and a room placed at each layer's stride instead overlapped
        // another group's when the layers' widths differ (a layer of 20 under layers of 16: a race that changed the weights).
        float* errors = weightedErrors + (long)first * errorStride;
        for (int l = net.LayerCount; l >= 2; l--)
        {
            for (int c = 0; c < stride[l - 1]; c += V.Count)
                FastKernels<V>.WeightedSums(size, Delta[l] + (long)first * stride[l], stride[l], net.EveryInput, n[l],
                    net.WeightsByNeuron[l] + c, stride[l - 1], net.Zeros, errors + c);
            for (int i = 0; i < size; i++)
                for (int c = 0; c < stride[l - 1]; c += V.Count)
                {
                    float* lower = Delta[l - 1] + (long)(first + i) * stride[l - 1] + c;   // σ′(zˡ⁻¹), padding lanes 0: becomes δˡ⁻¹
                    (V.Load(lower) * V.Load(errors + (long)i * stride[l - 1] + c)).Store(lower);
                }
        }
    }

    /// <summary>
    /// What needs every group, after the forward and backward passes: the inputs of layer 1 the shard touches (the union
    /// of its groups') and, with <paramref name="biases"/>, BP3 summed, Σₓ δˡₓ into <see cref="GradB"/> in example order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Summarise(bool biases = true)
    {
        int words = net.InputMaskWords;
        for (int w = 0; w < words; w++)
        {
            ulong bits = 0;
            for (int g = 0; g < GroupCount; g++) bits |= groupMasks[(long)g * words + w];
            TouchedMask[w] = bits;
        }
        if (!biases) return;
        int[] stride = net.Strides;
        for (int l = 1; l <= net.LayerCount; l++)
            for (int c = 0; c < stride[l]; c += V.Count)
            {
                var sum = V.Zero;
                for (int x = 0; x < Count; x++) sum = sum + V.Load(Delta[l] + (long)x * stride[l] + c);   // BP3: Σₓ δˡₓ
                sum.Store(GradB[l] + c);
            }
    }

    /// <summary>
    /// The update groups of a shard whose gradient the step sums itself (unsharded; after <see cref="Summarise"/>): one
    /// group of all examples over their union of inputs when there are at most 16, else its forward groups.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ChooseUpdateGroups()
    {
        if (Count <= FastNetwork.MaxUpdateGroup)
        {
            UpdateGroupCount = 1;
            shardInputCount[0] = InputLists.Of(TouchedMask, net.InputMaskWords, shardInputs);
            UpdateInputs = shardInputs;
            UpdateInputCounts = shardInputCount;
        }
        else
        {
            UpdateGroupCount = GroupCount;
            UpdateInputs = groupInputs;
            UpdateInputCounts = groupInputCounts;
        }
    }

    /// <summary>The examples of update group u: its first, and how many (all examples when there is one group).</summary>
    public (int First, int Count) UpdateGroup(int u) => UpdateGroupCount == 1 ? (0, Count) : (groupFirst[u], groupFirst[u + 1] - groupFirst[u]);

    /// <summary>BP4 summed, Σₓ δˡₓ(aˡ⁻¹ₓ)ᵀ added into <see cref="GradW"/>, every row of every layer, update group by update group.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SumGradient()
    {
        int[] n = net.Sizes, stride = net.Strides;
        for (int l = 1; l <= net.LayerCount; l++)
            for (int u = 0; u < UpdateGroupCount; u++)
            {
                var (first, size) = UpdateGroup(u);
                int* inputList = l == 1 ? UpdateInputsOf(u) : net.EveryInput;
                int inputCount = l == 1 ? UpdateInputCounts[u] : n[l - 1];
                for (int c = 0; c < stride[l]; c += V.Count)
                    FastKernels<V>.OuterProducts<IntoGradient>(size, A[l - 1] + (long)first * stride[l - 1], stride[l - 1], inputList, inputCount,
                        GradW[l] + c, stride[l], Delta[l] + (long)first * stride[l] + c, 0);
            }
    }

    /// <summary>
    /// BP4 of forward group g added into <see cref="GradW"/>, in example order: the rows of W¹ its input list holds, and with
    /// <paramref name="laterLayers"/> every row of the later layers. δ¹ is read from <paramref name="deltaOne"/> when given
    /// (a split step's second shard reads shard 0's), else from <see cref="Delta"/>[1].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SumGradientOf(int g, bool laterLayers = true, float* deltaOne = null)
    {
        int[] n = net.Sizes, stride = net.Strides;
        int first = groupFirst[g], size = groupFirst[g + 1] - first;
        for (int l = 1; l <= (laterLayers ? net.LayerCount : 1); l++)
        {
            int* inputList = l == 1 ? groupInputs + (long)g * ListStride : net.EveryInput;
            int inputCount = l == 1 ? groupInputCounts[g] : n[l - 1];
            float* a = l == 1 ? InputsOf(first, first) : A[l - 1] + (long)first * stride[l - 1];
            for (int c = 0; c < stride[l]; c += V.Count)
                FastKernels<V>.OuterProducts<IntoGradient>(size, a, stride[l - 1], inputList, inputCount,
                    GradW[l] + c, stride[l], (l == 1 && deltaOne != null ? deltaOne : Delta[l]) + (long)first * stride[l] + c, 0);
        }
    }

    /// <summary>
    /// argmaxⱼ aᴸⱼ of example x, the first on ties (as MathNet's MaximumIndex). Sigmoid and tanh are
    /// increasing, so their argmax is that of zᴸ: in float σ(z) rounds to 1 from z ≈ 17 on (in double
    /// from 37), and comparing z keeps two saturated outputs apart as the double reference does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Predicted(int x)
    {
        int L = net.LayerCount;
        float* output = (net.Activations[L] == FastActivation.ReLU ? A[L] : outputZ) + (long)x * net.Strides[L];
        int best = 0;
        for (int j = 1; j < net.Sizes[L]; j++)
            if (output[j] > output[best]) best = j;
        return best;
    }

    /// <summary>aˡ = σ(zˡ) in place and σ′(zˡ) into Delta[l], for a hidden layer and the examples [first, first + count); padding lanes set to 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ActivateHidden(int l, int first, int count)
    {
        int stride = net.Strides[l];
        var kind = net.Activations[l];
        for (int x = first; x < first + count; x++)
            for (int c = 0; c < stride; c += V.Count)
            {
                float* z = A[l] + (long)x * stride + c;
                var real = net.RealNeurons[l][c / V.Count];
                var a = FastKernels<V>.Activate(kind, V.Load(z), out var derivative);
                (a & real).Store(z);
                (derivative & real).Store(Delta[l] + (long)x * stride + c);
            }
    }

    /// <summary>
    /// The output layer for the examples [first, first + count): aᴸ = σ(zᴸ), then BP1 and the cost Cₓ of each example,
    /// y being one-hot at the label (<see cref="QuadraticOutput"/>, <see cref="CrossEntropyOutput"/>, <see cref="SoftmaxOutput"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ActivateOutput(int first, int count)
    {
        for (int x = first; x < first + count; x++)
            ExampleCost[x] = net.LogLikelihood ? SoftmaxOutput(x) : net.CrossEntropy ? CrossEntropyOutput(x) : QuadraticOutput(x);
    }

    // The output layer's methods are compiled each on its own (NoInlining): inlined into one method, their lane values did
    // not fit the JIT's tracking of locals and went through the stack, each operation a store and a load (a 3 KB frame,
    // 210 spills in the AVX2 code of 2026-12-05); on their own they stay in registers. The same operations either way.
    // Quadratic and cross-entropy share their first lines but not a method: one method with both costs spilled as much
    // (the cross-entropy's e^x and ln inlined beside σ). docs/performance-history.md, "Afternoon of 2026-12-05".

    /// <summary>
    /// Quadratic cost for example x, whose zᴸ is in A[L]: δᴸ = (aᴸ − y) ⊙ σ′(zᴸ) (BP1), Cₓ = ½‖aᴸ − y‖² (squares summed in
    /// double: in float they overflow long before the reference's do).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private double QuadraticOutput(int x)
    {
        int L = net.LayerCount, stride = net.Strides[L];
        var kind = net.Activations[L];
        double cost = 0;
        var label = V.Create(Labels[x]);
        for (int c = 0; c < stride; c += V.Count)
        {
            long at = (long)x * stride + c;
            var real = net.RealNeurons[L][c / V.Count];
            var z = V.Load(A[L] + at);
            z.Store(outputZ + at);
            var a = FastKernels<V>.Activate(kind, z, out var derivative) & real;
            var y = V.EqualTo(V.Indices + V.Create(c), label) & V.One;   // one-hot: neuron index = label
            var error = (a - y) & real;
            cost += 0.5 * error.SumOfSquaresAsDouble();
            a.Store(A[L] + at);
            (error * (derivative & real)).Store(Delta[L] + at);                 // BP1
        }
        return cost;
    }

    /// <summary>
    /// Cross-entropy with a sigmoid output for example x, whose zᴸ is in A[L]: δᴸ = aᴸ − y (BP1, the sigmoid shortcut), and
    /// Cₓ = Σⱼ [yⱼ ln(1 + e^(−zⱼ)) + (1 − yⱼ) ln(1 + e^(zⱼ))] = Σⱼ softplus(zⱼ) − yⱼzⱼ, the same value as
    /// −Σ [y ln a + (1 − y) ln(1 − a)] but computed from z: in float 1 − a rounds to 0 from z ≈ 17 on, which would report
    /// a divergence the double reference does not see (it sees one from z ≈ 36.7, kept below).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private double CrossEntropyOutput(int x)
    {
        int L = net.LayerCount, stride = net.Strides[L];
        var kind = net.Activations[L];
        double cost = 0;
        var label = V.Create(Labels[x]);
        for (int c = 0; c < stride; c += V.Count)
        {
            long at = (long)x * stride + c;
            var real = net.RealNeurons[L][c / V.Count];
            var z = V.Load(A[L] + at);
            z.Store(outputZ + at);
            var a = FastKernels<V>.Activate(kind, z, out _) & real;
            var y = V.EqualTo(V.Indices + V.Create(c), label) & V.One;   // one-hot: neuron index = label
            // Cₓ = Σⱼ softplus(zⱼ) − yⱼ zⱼ: cross-entropy from z, finite wherever z is (as Cost.Value computes it).
            var softplus = V.Max(z, V.Zero) + V.Log(V.One + V.Exp(-V.Abs(z)));
            cost += ((softplus - y * z) & real).SumAsDouble();
            a.Store(A[L] + at);
            ((a - y) & real).Store(Delta[L] + at);                              // BP1
        }
        return cost;
    }

    /// <summary>
    /// A softmax output with the log-likelihood cost for example x, whose zᴸ is in A[L]: aⱼ = e^(zⱼ − max z) / Σₖ e^(zₖ − max z)
    /// (the same value as e^zⱼ / Σₖ e^zₖ, without overflow), BP1 δᴸ = aᴸ − y, and Cₓ = −ln a_y = ln Σₖ e^(zₖ − max z) − (z_y − max z),
    /// from z (as <see cref="Cost.Value(LayerForward, MathNet.Numerics.LinearAlgebra.Matrix{double})"/>) so that it stays finite when a_y rounds to 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double SoftmaxOutput(int x)
    {
        int L = net.LayerCount, count = net.Sizes[L], stride = net.Strides[L];
        float* z = outputZ + (long)x * stride, a = A[L] + (long)x * stride, delta = Delta[L] + (long)x * stride;
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

    /// <summary>Frees the shard's buffers.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        NativeMemory.AlignedFree(block);
    }
}
