using System.Runtime.CompilerServices;
using NeuralNetworks.Data;

namespace NeuralNetworks.Fast;

// The training step of FastNetwork<V>: the gradient of a mini-batch, the update of every parameter, and the evaluation
// of a data set by the same forward pass — each split over two threads when there are two, in a way that does not change
// what is computed: a batch of 32 or more is a split step, split by the inputs of layer 1 (each thread loads its half
// of every example's pixels, sums z¹ over them and holds the rows of W¹ of its half and their gradient; the two partial
// sums are added in a fixed order, each thread computes the small later layers of half the forward groups into shard 0,
// and each reads the other's δ¹ for its BP4; a group's numbers do not depend on which thread computes them);
// a smaller one into its forward groups (which share nothing) and then into rows of the weights (each row summed by one
// thread, in example order); an evaluation into two halves whose costs are added in example order.
internal sealed unsafe partial class FastNetwork<V>
{
    /// <summary>
    /// Everything of a step up to the update, for the mini-batch <paramref name="rows"/> of the data set whose pixel
    /// bytes start at <paramref name="pixels"/>: load, forward pass with BP1 and the cost, BP2, BP3 and (for a split
    /// step or momentum) the BP4 sums, each row of W¹ in its half's shard. The weights do not move. <paramref name="next"/> are the next step's
    /// rows, to prefetch. Returns the mean cost C = (1/m) Σₓ Cₓ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Gradient(byte* pixels, byte* allLabels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        steps++;
        m = rows.Length;
        shardCount = FastNetwork.ShardsFor(m);
        if (m > shards[0].Capacity) throw new InvalidOperationException($"A batch of {m} is larger than this buffer's capacity.");
        this.pixels = pixels;
        labels = allLabels;
        if (shardCount == 1)
        {
            var only = shards[0];
            only.Prepare(rows, next);
            splitGroup = Helper is null ? only.GroupCount : HalfOfTheExamples(only);
            if (splitGroup < only.GroupCount)
            {
                partner!.Offer(secondGroups);
                only.Examples(pixels, allLabels, 0, splitGroup, backward: true);
                if (partner.Finish()) stepsOnTwo++;
            }
            else only.Examples(pixels, allLabels, 0, only.GroupCount, backward: true);
            only.Summarise();
            only.ChooseUpdateGroups();
            if (!plainStep) only.SumGradient();   // the momentum step reads every row of the summed gradient
        }
        else
        {
            var low = shards[0];
            low.Prepare(rows, next);
            splitOnTwo = Helper is not null;
            if (!splitOnTwo) low.Run(pixels, allLabels);
            else
            {
                var high = shards[1];
                high.Prepare(rows, next);
                low.TakeInputs(0, InputSplit);
                high.TakeInputs(InputSplit, Sizes[0]);
                laterSplitGroup = HalfOfTheExamples(low);
                partner!.Offer(secondInputs);
                low.PartialSums(pixels, allLabels);
                Volatile.Write(ref lowSumsOfStep.Value, steps);
                // Not started: run its part here (it then computes every group's later layers itself, as it finds our
                // partial sums ready), then ours. The same bits.
                bool finished = partner.TakeBack();
                if (!finished)
                {
                    WaitFor(ref highSumsOfStep, ref finished);
                    if (!finished)
                    {
                        low.LaterLayers(0, laterSplitGroup, low.PartialZ, high.PartialZ);
                        Volatile.Write(ref lowLaterOfStep.Value, steps);
                        WaitFor(ref highLaterOfStep, ref finished);
                    }
                }
                low.SplitGradient(low, finished ? low.GroupCount : laterSplitGroup, low.GroupCount, laterLayers: true);
                if (!finished && partner.Finish()) stepsOnTwo++;
            }
        }
        double sum = 0;
        for (int x = 0; x < shards[0].Count; x++) sum += shards[0].ExampleCost[x];   // in example order, whatever the threads
        return sum / m;
    }

    /// <summary>The gradient of the rows <paramref name="rows"/> of <paramref name="data"/>, as <see cref="Gradient(byte*, byte*, ReadOnlySpan{int}, ReadOnlySpan{int})"/> (for tests).</summary>
    internal double Gradient(DataSet data, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        fixed (byte* pixels = data.AllPixelBytes)
        fixed (byte* labels = data.AllLabels)
            return Gradient(pixels, labels, rows, next);
    }

    /// <summary>
    /// Spins until the partner has published this step in <paramref name="published"/>; if it ended its part without
    /// publishing it (it threw), <see cref="PartnerThread.Finish"/> rethrows what it threw, and <paramref name="finished"/> is set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WaitFor(ref PublishedStep published, ref bool finished)
    {
        if (partner!.Await(ref published, steps)) return;
        partner.Finish();
        finished = true;
    }

    /// <summary>
    /// The partner's part of a split step: its inputs' partial sums of layer 1, published; once the calling thread's are
    /// published too, the later layers of the second half of the groups (of every group when the calling thread took
    /// this part back and runs it itself), published; once the calling thread's half is published, BP4 of its rows of W¹.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SecondInputs()
    {
        var (low, high) = (shards[0], shards[1]);
        high.PartialSums(pixels, labels);
        Volatile.Write(ref highSumsOfStep.Value, steps);
        if (!partner!.AwaitCaller(ref lowSumsOfStep, steps)) return;   // disposed: the calling thread stopped mid-step
        bool alone = partner.IsTakenBack;
        low.LaterLayers(alone ? 0 : laterSplitGroup, low.GroupCount, low.PartialZ, high.PartialZ);
        Volatile.Write(ref highLaterOfStep.Value, steps);
        if (!alone && !partner.AwaitCaller(ref lowLaterOfStep, steps)) return;
        high.SplitGradient(low, 0, alone ? 0 : laterSplitGroup, laterLayers: false);
    }

    /// <summary>
    /// The partner, when there is one and it is not resting (<see cref="PartnerThread.Resting"/>: it was slow to finish a
    /// part lately, its core held by other processes); null: this thread does all the work. The split does not change a bit.
    /// </summary>
    private PartnerThread? Helper
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => stepsOnTwoThreads && partner is { Resting: false } ? partner : null;
    }

    /// <summary>
    /// The share of the steps so far whose gradient the partner shared: not those it was resting for, nor those whose part
    /// the calling thread took back because the partner had not started it (0 on one thread; null before any step).
    /// </summary>
    public double? ShareOnTwoThreads => steps == 0 ? null : (double)stepsOnTwo / steps;

    /// <summary>The partner for an evaluation, when there is one and it is not resting.</summary>
    private PartnerThread? EvaluationHelper
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        get => partner is { Resting: false } ? partner : null;
    }

    /// <summary>The first forward group of the partner's half: the group boundary nearest half the examples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int HalfOfTheExamples(FastShard<V> shard)
    {
        int g = 1;
        while (g < shard.GroupCount && 2 * shard.GroupFirst(g) < shard.Count) g++;
        return g;
    }

    /// <summary>
    /// The gradient step for the batch <see cref="Gradient(byte*, byte*, ReadOnlySpan{int}, ReadOnlySpan{int})"/> saw, each parameter rounded once (BP3, BP4):
    /// bˡ ← bˡ + (−η/m) Σₓ δˡₓ and Wˡ ← Wˡ + (−η/m) Σₓ δˡₓ(aˡ⁻¹ₓ)ᵀ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(double learningRate)
    {
        if (!plainStep)
        {
            StepWithMomentum(learningRate);
            return;
        }
        scale = (float)(-learningRate / m);
        if (shardCount == 1)
        {
            touchedCount = shards[0].UpdateGroupCount == 1 ? 0 : TouchedInputs();
            if (Helper is not null)
            {
                var only = shards[0];
                splitInput = only.UpdateGroupCount == 1 ? HalfOfTheRows(only.UpdateInputs, only.UpdateInputCounts[0]) : HalfOfTheRows(touchedInputs, touchedCount);
                partner!.Offer(secondRows);
                MoveRows(0, splitInput, lastPart: false);
                partner.Finish();
            }
            else MoveRows(0, Sizes[0], lastPart: true);
            return;
        }
        // A split step summed each row of W¹ in the shard of its half of the inputs (on one thread, all in shard 0):
        // W += (−η/m)·G row by row, then G ← 0 for the next step.
        if (!splitOnTwo) MoveSplitRows(shards[0], laterLayers: true);
        else if (Helper is not null)
        {
            partner!.Offer(secondSplitRows);
            MoveSplitRows(shards[0], laterLayers: true);
            partner.Finish();
        }
        else
        {
            MoveSplitRows(shards[0], laterLayers: true);
            MoveSplitRows(shards[1], laterLayers: false);
        }
    }

    /// <summary>
    /// The update of a split step for the rows of W¹ whose gradient <paramref name="shard"/> summed, and with
    /// <paramref name="laterLayers"/> the biases and the later layers (summed in shard 0): w ← w + (−η/m)·G, then G ← 0.
    /// Each row is moved by one thread from one sum, so one thread or two move every weight by the same amount.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MoveSplitRows(FastShard<V> shard, bool laterLayers)
    {
        int rowCount = shard.ListTouchedInputs();
        int* rows = shard.TouchedInputs;
        for (int l = 1; l <= (laterLayers ? LayerCount : 1); l++)
        {
            if (l > 1)
            {
                rowCount = Sizes[l - 1];
                rows = EveryInput;
            }
            MoveGradientRows(l, shard.GradW[l], rows, rowCount);
        }
        if (!laterLayers) return;
        MoveBiases(shard);
        RefreshWeightsByNeuron();
    }

    /// <summary>bˡ ← bˡ + (−η/m)·Σₓ δˡₓ for every layer, from the sums in <paramref name="shard"/>'s <see cref="FastShard{V}.GradB"/> (BP3 + step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MoveBiases(FastShard<V> shard)
    {
        var s = V.Create(scale);
        for (int l = 1; l <= LayerCount; l++)
            for (int c = 0; c < Strides[l]; c += V.Count)
                V.FusedMultiplyAdd(s, V.Load(shard.GradB[l] + c), V.Load(Biases[l] + c)).Store(Biases[l] + c);
    }

    /// <summary>Row k of Wˡ ← row k + (−η/m)·(row k of <paramref name="gradient"/>), then that gradient row ← 0, for the <paramref name="rowCount"/> rows k of <paramref name="rows"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MoveGradientRows(int l, float* gradient, int* rows, int rowCount)
    {
        var s = V.Create(scale);
        float* weights = WeightsByInput[l];
        for (int t = 0; t < rowCount; t++)
            for (int c = 0; c < Strides[l]; c += V.Count)
            {
                long at = (long)rows[t] * Strides[l] + c;
                var sum = V.Load(gradient + at);
                V.Zero.Store(gradient + at);
                V.FusedMultiplyAdd(s, sum, V.Load(weights + at)).Store(weights + at);
            }
    }

    /// <summary>
    /// The input where the partner's rows of W¹ begin: half of the rows the step moves, less what the partner does besides
    /// (the later layers, a row of 16 neurons each), so that both threads move about as many rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int HalfOfTheRows(int* list, int count)
    {
        int laterRows = 0, chunks = Strides[1] / V.Count;   // cost in rows of 16 neurons
        for (int l = 2; l <= LayerCount; l++) laterRows += Sizes[l - 1] * Strides[l] / V.Count;
        int first = Math.Clamp((count * chunks + laterRows) / (2 * chunks), 0, count);
        return first < count ? list[first] : Sizes[0];
    }

    /// <summary>
    /// The update of an unsharded batch for the rows k of W¹ in [<paramref name="fromInput"/>, <paramref name="toInput"/>),
    /// and with <paramref name="lastPart"/> the later layers too; the part from input 0 also moves the biases. Each row's
    /// sum runs over the examples in order whoever moves it, so one thread or two move every weight by the same amount.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MoveRows(int fromInput, int toInput, bool lastPart)
    {
        var only = shards[0];
        if (fromInput == 0) MoveBiases(only);
        for (int l = 1; l <= LayerCount; l++)
        {
            if (l > 1 && !lastPart) break;
            int from = l == 1 ? fromInput : 0, to = l == 1 ? toInput : Sizes[l - 1];
            if (only.UpdateGroupCount == 1)
            {
                // One group: sum Σₓ aₓ[k]·δₓ in a register and move row k of the weights at once (BP4 + step, fused).
                int count = l == 1 ? only.UpdateInputCounts[0] : Sizes[l - 1];
                int* list = Within(l == 1 ? only.UpdateInputs : EveryInput, ref count, from, to);
                for (int c = 0; c < Strides[l]; c += V.Count)
                    FastKernels<V>.OuterProducts<IntoWeights>(only.Count, only.A[l - 1], Strides[l - 1], list, count,
                        WeightsByInput[l] + c, Strides[l], only.Delta[l] + c, scale);
                continue;
            }
            // Several groups: sum each row into GradW group by group, then W += (−η/m)·G row by row and G ← 0.
            for (int u = 0; u < only.UpdateGroupCount; u++)
            {
                var (first, size) = only.UpdateGroup(u);
                int count = l == 1 ? only.UpdateInputCounts[u] : Sizes[l - 1];
                int* list = Within(l == 1 ? only.UpdateInputsOf(u) : EveryInput, ref count, from, to);
                for (int c = 0; c < Strides[l]; c += V.Count)
                    FastKernels<V>.OuterProducts<IntoGradient>(size, only.A[l - 1] + (long)first * Strides[l - 1], Strides[l - 1], list, count,
                        only.GradW[l] + c, Strides[l], only.Delta[l] + (long)first * Strides[l] + c, 0);
            }
            int rowCount = l == 1 ? touchedCount : Sizes[l - 1];
            int* rows = Within(l == 1 ? touchedInputs : EveryInput, ref rowCount, from, to);
            MoveGradientRows(l, only.GradW[l], rows, rowCount);
        }
        if (lastPart) RefreshWeightsByNeuron();
    }

    /// <summary>The part of the increasing <paramref name="list"/> of inputs k with <paramref name="from"/> ≤ k &lt; <paramref name="to"/>; <paramref name="count"/> becomes its length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int* Within(int* list, ref int count, int from, int to)
    {
        int start = FirstAtLeast(list, count, from), end = FirstAtLeast(list, count, to);
        count = end - start;
        return list + start;
    }

    /// <summary>The first index of the increasing <paramref name="list"/> whose input is at least <paramref name="k"/> (<paramref name="count"/> if none), by bisection.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static int FirstAtLeast(int* list, int count, int k)
    {
        int low = 0, high = count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (list[middle] < k) low = middle + 1;
            else high = middle;
        }
        return low;
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
        for (int l = 1; l <= LayerCount; l++)
        {
            for (int c = 0; c < Strides[l]; c += V.Count)
            {
                var sum = V.Load(shards[0].GradB[l] + c);
                if (shardCount > 1) sum = sum + V.Load(shards[1].GradB[l] + c);
                var g = sum * perExample;
                var v = mu * V.Load(biasVelocity[l] + c) + g;
                v.Store(biasVelocity[l] + c);
                (V.Load(Biases[l] + c) - eta * (nesterov ? g + mu * v : v)).Store(Biases[l] + c);
            }
            float* g0 = shards[0].GradW[l], g1 = shardCount > 1 ? shards[1].GradW[l] : null;
            for (long i = 0, count = (long)Sizes[l - 1] * Strides[l]; i < count; i += V.Count)
            {
                var sum = V.Load(g0 + i);
                V.Zero.Store(g0 + i);
                if (g1 != null) { sum = sum + V.Load(g1 + i); V.Zero.Store(g1 + i); }
                var w = V.Load(WeightsByInput[l] + i);
                var g = sum * perExample + lambda * w;                 // padding lanes: 0 + λ·0 = 0, and stay 0
                var v = mu * V.Load(weightVelocity[l] + i) + g;
                v.Store(weightVelocity[l] + i);
                (w - eta * (nesterov ? g + mu * v : v)).Store(WeightsByInput[l] + i);
            }
        }
        RefreshWeightsByNeuron();
    }

    /// <summary>
    /// Mean cost and accuracy (argmax of aᴸ equals the label) on a data set, by the float forward pass; the second half
    /// on the partner thread when there is one (the costs are added in example order either way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public (double Cost, double Accuracy) Evaluate(DataSet data)
    {
        if (evaluationCosts.Length < data.Count) (evaluationCosts, evaluationCorrect) = (new double[data.Count], new bool[data.Count]);
        int half = EvaluationHelper is null ? data.Count : data.Count / 2;
        fixed (byte* pixels = data.AllPixelBytes)
        fixed (byte* allLabels = data.AllLabels)
        {
            evaluatedPixels = pixels;
            evaluatedLabels = allLabels;
            (evaluatedFrom, evaluatedTo) = (half, data.Count);
            if (half < data.Count) partner!.Offer(secondHalf);
            Evaluate(shards[0], pixels, allLabels, 0, half);
            if (half < data.Count) partner!.Finish();
        }
        double costSum = 0;
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            costSum += evaluationCosts[i];
            if (evaluationCorrect[i]) correct++;
        }
        return (costSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>
    /// The examples [<paramref name="from"/>, <paramref name="to"/>) of a data set through <paramref name="shard"/>:
    /// each one's cost into evaluationCosts, and whether it was classified right into evaluationCorrect.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Evaluate(FastShard<V> shard, byte* pixels, byte* allLabels, int from, int to)
    {
        Span<int> rows = stackalloc int[shard.Capacity];
        for (int start = from; start < to; start += shard.Capacity)
        {
            int count = Math.Min(shard.Capacity, to - start);
            for (int x = 0; x < count; x++) rows[x] = start + x;
            shard.Prepare(rows[..count], []);
            shard.Evaluate(pixels, allLabels);
            for (int x = 0; x < count; x++)
            {
                evaluationCosts[start + x] = shard.ExampleCost[x];
                evaluationCorrect[start + x] = shard.Predicted(x) == shard.Labels[x];
            }
        }
    }

    // The partner's parts: what the calling thread set up before offering them, the second half of the work.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SecondGroups() => shards[0].Examples(pixels, labels, splitGroup, shards[0].GroupCount, backward: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SecondRows() => MoveRows(splitInput, Sizes[0], lastPart: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SecondSplitRows() => MoveSplitRows(shards[1], laterLayers: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SecondHalf() => Evaluate(shards[1], evaluatedPixels, evaluatedLabels, evaluatedFrom, evaluatedTo);

    /// <summary>The union of the shards' non-zero inputs into <see cref="touchedInputs"/>; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int TouchedInputs()
    {
        for (int w = 0; w < InputMaskWords; w++)
        {
            ulong bits = 0;
            for (int s = 0; s < shardCount; s++) bits |= shards[s].TouchedMask[w];
            touchedMask[w] = bits;
        }
        return InputLists.Of(touchedMask, InputMaskWords, touchedInputs);
    }
}
