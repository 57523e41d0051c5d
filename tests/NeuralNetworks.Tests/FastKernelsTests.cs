using NeuralNetworks.Fast;

namespace NeuralNetworks.Tests;

/// <summary>
/// The kernels' faster arrangements against their plain form, bit for bit, in every width (a width this CPU lacks runs in
/// software: slower, same results).
/// </summary>
public unsafe class FastKernelsTests
{
    [Theory]
    [InlineData(512)]
    [InlineData(256)]
    [InlineData(128)]
    public void Two_chunks_of_neurons_at_a_time_give_the_sums_of_one_chunk_at_a_time_bit_for_bit(int width)
    {
        switch (width)
        {
            case 512: CompareChunkings<Floats512>(); break;
            case 256: CompareChunkings<Floats256>(); break;
            default: CompareChunkings<Floats128>(); break;
        }
    }

    private static void CompareChunkings<V>() where V : struct, ISimdFloats<V>
    {
        var random = new Random(5);
        // 16 neurons: one chunk of 16 lanes, two of 8, four of 4; 48: three, six or twelve (an odd one left over at 512 bits).
        foreach (int stride in new[] { 16, 48 })
            for (int examples = 1; examples <= 8; examples++)
            {
                const int inputs = 37, aStride = 48;
                float Any() => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)));   // magnitudes that make the order matter
                var a = Enumerable.Range(0, examples * aStride).Select(_ => Any()).ToArray();
                var weights = Enumerable.Range(0, inputs * stride).Select(_ => Any()).ToArray();
                var bias = Enumerable.Range(0, stride).Select(_ => Any()).ToArray();
                var list = Enumerable.Range(0, inputs).Where(_ => random.Next(3) > 0).ToArray();   // some inputs skipped, as 0 pixels are
                float[] oneByOne = new float[examples * stride], twoByTwo = new float[examples * stride];
                fixed (float* pa = a, pw = weights, pb = bias, one = oneByOne, two = twoByTwo)
                fixed (int* pl = list)
                {
                    for (int c = 0; c < stride; c += V.Count)
                        FastKernels<V>.WeightedSums(examples, pa, aStride, pl, list.Length, pw + c, stride, pb + c, one + c);
                    FastKernels<V>.WeightedSumsOfAll(examples, pa, aStride, pl, list.Length, pw, stride, pb, two);
                }
                for (int i = 0; i < oneByOne.Length; i++)
                    Assert.True(BitConverter.SingleToInt32Bits(oneByOne[i]) == BitConverter.SingleToInt32Bits(twoByTwo[i]),
                        $"{V.Width} bits, {examples} examples, {stride} neurons: sum {i} is {twoByTwo[i]:R} two chunks at a time, {oneByOne[i]:R} one at a time");
            }
    }
}
