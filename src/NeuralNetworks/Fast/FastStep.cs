using System.Runtime.CompilerServices;
using NeuralNetworks.Data;

namespace NeuralNetworks.Fast;

// The training step of FastNetwork<V>: the gradient of a mini-batch (per shard, on one thread or two), the update of
// every parameter, and the evaluation of a data set by the same forward pass.
internal sealed unsafe partial class FastNetwork<V>
{
    /// <summary>
    /// Everything of a step up to the update, for the mini-batch <paramref name="rows"/> of the data set whose pixel
    /// bytes start at <paramref name="pixels"/>: load, forward pass with BP1 and the cost, BP2, and each shard's
    /// gradient (on two threads for a sharded batch). The weights do not move. <paramref name="next"/> are the
    /// next step's rows, to prefetch. Returns the mean cost C = (1/m) Σₓ Cₓ.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double Gradient(byte* pixels, byte* allLabels, ReadOnlySpan<int> rows, ReadOnlySpan<int> next)
    {
        m = rows.Length;
        shardCount = FastNetwork.ShardsFor(m);
        if (shardCount > shards.Length) throw new InvalidOperationException($"A batch of {m} is larger than this buffer's capacity.");
        if (shardCount == 1)
        {
            var only = shards[0];
            only.Load(pixels, allLabels, rows, next);
            only.Forward();
            only.Backward(sumGradient: only.UpdateGroupCount > 1 || !plainStep);
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
                partner.Offer(shards[1], pixels, allLabels, rows[half..], next[nextHalf..]);
                shards[0].Run(pixels, allLabels, rows[..half], next[..nextHalf]);
                partner.Finish();
            }
        }
        double sum = 0;
        for (int s = 0; s < shardCount; s++)
            for (int x = 0; x < shards[s].Count; x++) sum += shards[s].ExampleCost[x];   // in example order, whatever the threads
        return sum / m;
    }

    /// <summary>
    /// The gradient step for the batch <see cref="Gradient"/> saw, each parameter rounded once (BP3, BP4):
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
        float scale = (float)(-learningRate / m);
        var s = V.Create(scale);
        var first = shards[0];
        for (int l = 1; l <= LayerCount; l++)
            for (int c = 0; c < Strides[l]; c += V.Count)
            {
                var sum = V.Load(first.GradB[l] + c);
                if (shardCount > 1) sum = sum + V.Load(shards[1].GradB[l] + c);
                V.FusedMultiplyAdd(s, sum, V.Load(Biases[l] + c)).Store(Biases[l] + c);   // BP3 + step
            }
        if (shardCount == 1 && first.UpdateGroupCount == 1)
        {
            // One group: sum Σₓ aₓ[k]·δₓ in a register and move row k of the weights at once (BP4 + step, fused).
            for (int l = 1; l <= LayerCount; l++)
            {
                int* inputList = l == 1 ? first.UpdateInputs : EveryInput;
                int inputCount = l == 1 ? first.UpdateInputCounts[0] : Sizes[l - 1];
                for (int c = 0; c < Strides[l]; c += V.Count)
                    FastKernels<V>.OuterProducts<IntoWeights>(first.Count, first.A[l - 1], Strides[l - 1], inputList, inputCount,
                        WeightsByInput[l] + c, Strides[l], first.Delta[l] + c, scale);
            }
        }
        else
        {
            // The gradient rows were summed (per shard) into GradW: W += (−η/m)·(G₀ + G₁) row by row, then G ← 0 for the next step.
            int touchedCount = TouchedInputs();
            for (int l = 1; l <= LayerCount; l++)
            {
                int* inputList = l == 1 ? touchedInputs : EveryInput;
                int inputCount = l == 1 ? touchedCount : Sizes[l - 1];
                float* g0 = first.GradW[l], g1 = shardCount > 1 ? shards[1].GradW[l] : null, weights = WeightsByInput[l];
                for (int t = 0; t < inputCount; t++)
                    for (int c = 0; c < Strides[l]; c += V.Count)
                    {
                        long at = (long)inputList[t] * Strides[l] + c;
                        var sum = V.Load(g0 + at);
                        V.Zero.Store(g0 + at);
                        if (g1 != null) { sum = sum + V.Load(g1 + at); V.Zero.Store(g1 + at); }
                        V.FusedMultiplyAdd(s, sum, V.Load(weights + at)).Store(weights + at);
                    }
            }
        }
        RefreshWeightsByNeuron();
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

    /// <summary>Mean cost and accuracy (argmax of aᴸ equals the label) on a data set, by the float forward pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        return FastKernels<V>.ListOf(touchedMask, InputMaskWords, touchedInputs);
    }
}
