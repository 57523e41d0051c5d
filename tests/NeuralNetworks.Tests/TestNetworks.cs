using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>Small networks and data made up for tests, so they run in milliseconds.</summary>
internal static class TestNetworks
{
    public static readonly MatrixBuilder<double> M = Matrix<double>.Build;
    public static readonly VectorBuilder<double> V = Vector<double>.Build;

    /// <summary>2-2-1 sigmoid network with hand-picked weights (worked through by hand in
    /// NetworkTests.A_forward_pass_of_a_tiny_network_matches_the_hand_computation).</summary>
    public static Network Tiny(Cost? cost = null) => new(
        [M.DenseOfArray(new[,] { { 0.1, 0.2 }, { -0.3, 0.4 } }), M.DenseOfArray(new[,] { { 0.7, -0.8 } })],
        [V.Dense([0.5, -0.6]), V.Dense([0.9])],
        cost: cost);

    /// <summary>A data set of <paramref name="count"/> random "images" whose label is decided by which quarter of
    /// the image is brightest, so a network can learn it.</summary>
    public static DataSet Quadrants(int count, int seed, int side = 8)
    {
        var random = new Random(seed);
        int n = side * side;
        var pixels = new byte[count * n];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(4);
            labels[i] = (byte)label;
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    int quadrant = (r < side / 2 ? 0 : 2) + (c < side / 2 ? 0 : 1);
                    int value = random.Next(0, 100) + (quadrant == label ? 155 : 0);
                    pixels[i * n + r * side + c] = (byte)value;
                }
        }
        return new DataSet(pixels, labels, n, classCount: 4, name: "quadrants", side, side);
    }

    /// <summary>Random matrix with entries uniform in [lo, hi).</summary>
    public static Matrix<double> Uniform(int rows, int columns, Random random, double lo = 0, double hi = 1) =>
        M.Dense(rows, columns, (_, _) => lo + (hi - lo) * random.NextDouble());

    /// <summary>One-hot targets for random classes, one column per example.</summary>
    public static Matrix<double> RandomTargets(int classes, int m, Random random)
    {
        var Y = M.Dense(classes, m);
        for (int x = 0; x < m; x++) Y[random.Next(classes), x] = 1;
        return Y;
    }
}
