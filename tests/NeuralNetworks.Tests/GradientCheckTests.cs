using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;
using NeuralNetworks.Plotting;
using Plotly.NET;
using static NeuralNetworks.Tests.TestNetworks;

namespace NeuralNetworks.Tests;

/// <summary>
/// The gradient check reports what matters: relative error where the gradient is sizeable, absolute error where it is
/// nearly 0, so a saturated network's round-off is not called a bug and a wrong gradient is; the one-parameter finite
/// differences agree with Backward; the chart and the summary say the same.
/// </summary>
public class GradientCheckTests
{
    /// <summary>Notebook 08's situation: N(0, 1) weights saturate neurons, whose gradients are ~10⁻¹⁵ and round-off-sized.</summary>
    private static (Network Network, Matrix<double> X, Matrix<double> Y) Saturated()
    {
        var network = Network.Create([30, 6, 5, 3], seed: 1);
        var random = new Random(3);
        var X = M.Dense(30, 2, (k, _) => k % 4 == 0 ? 0 : 3 * random.NextDouble());
        return (network, X, RandomTargets(3, 2, random));
    }

    [Fact]
    public void Round_off_on_nearly_zero_gradients_is_not_called_a_bug()
    {
        var (network, X, Y) = Saturated();
        var check = GradientCheck.Run(network, X, Y);
        var raw = check.Layers.SelectMany(l => l.RelativeErrorW.Enumerate().Concat(l.RelativeErrorB.Enumerate())).Max();
        // The raw relative error over every parameter is large (round-off between numbers of 10⁻¹³ and smaller)…
        Assert.True(raw > 1e-3, $"raw max relative error {raw}: the test network should have round-off-sized gradients");
        // …but where the gradient is sizeable backprop agrees, and the nearly-zero ones agree in absolute terms.
        Assert.True(check.Agrees, check.ToString());
        Assert.InRange(check.MaxRelativeError, 0, 1e-6);
        Assert.InRange(check.MaxAbsoluteErrorNearZero, 0, 1e-10);
        Assert.True(check.SizeableCount > 0 && check.SizeableCount < check.Count, $"{check.SizeableCount} of {check.Count}");
        Assert.Equal(network.ParameterCount, check.Count);
        Assert.StartsWith($"Gradient check (ε = 1e-4), {check.Count} parameters: agrees with finite differences. {check.SizeableCount} sizeable gradients", check.ToString());
        Assert.Contains("below 1e-4", check.ToString());
        Assert.DoesNotContain("NOT", check.ToString());
    }

    [Fact]
    public void A_wrong_gradient_is_called_a_bug_and_the_worst_entry_named()
    {
        var (network, X, Y) = Saturated();
        var right = network.Backward(network.Forward(X), Y);
        // ∂C/∂W² one-and-a-half times too large in one entry: the kind of slip a student's backward pass makes.
        var gradW2 = right[2].GradW.Clone();
        var (j, k, _) = gradW2.EnumerateIndexed().MaxBy(t => Math.Abs(t.Item3));
        gradW2[j, k] *= 1.5;
        var wrong = right with { Layers = right.Layers.Select(r => r.Layer == 2 ? r with { GradW = gradW2 } : r).ToArray() };

        var check = GradientCheck.Run(network, X, Y, wrong);

        Assert.False(check.Agrees);
        Assert.Equal(0.2, check.MaxRelativeError, 1e-6);   // |1.5n − n| / (1.5|n| + |n|)
        Assert.Equal($"W²[{j}, {k}]", check.Worst!.Name);
        Assert.Contains($"DISAGREES with finite differences: the gradient has a bug (worst: W²[{j}, {k}]: gradient", check.ToString());
        Assert.Contains("NOT below 1e-4", check.ToString());
    }

    [Fact]
    public void Checking_given_gradients_is_checking_backprop_when_they_are_backprops()
    {
        var (network, X, Y) = Saturated();
        var direct = GradientCheck.Run(network, X, Y);
        var given = GradientCheck.Run(network, X, Y, network.Backward(network.Forward(X), Y));
        for (int l = 1; l <= 3; l++)
        {
            Assert.Equal(direct[l].NumericalGradW, given[l].NumericalGradW);
            Assert.Equal(direct[l].GradB, given[l].GradB);
        }
        Assert.Throws<ArgumentException>(() => GradientCheck.Run(Network.Create([30, 6, 3]), X, Y, direct.Layers.Count == 3 ? network.Backward(network.Forward(X), Y) : null!));
    }

    [Fact]
    public void One_weight_one_bias_and_one_delta_by_central_differences_equal_Backward()
    {
        var network = Network.Create([6, 4, 3], seed: 2, initialization: Initialization.Scaled);
        var random = new Random(5);
        var X = Uniform(6, 3, random);
        var Y = RandomTargets(3, 3, random);
        var backward = network.Backward(network.Forward(X), Y);
        Assert.Equal(backward[1].GradW[2, 5], GradientCheck.Weight(network, X, Y, 1, 2, 5), 1e-9);
        Assert.Equal(backward[2].GradB[1], GradientCheck.Bias(network, X, Y, 2, 1), 1e-9);
        // δ is per example: ∂Cₓ/∂zˡⱼ of example x's own cost, no 1/m.
        Assert.Equal(backward[1].Delta[3, 2], GradientCheck.Delta(network, X, Y, 1, 3, 2), 1e-9);
        Assert.Equal(backward[2].Delta[0, 1], GradientCheck.Delta(network, X, Y, 2, 0, 1), 1e-9);
        Assert.NotEqual(0, backward[1].Delta[3, 2]);
    }

    [Fact]
    public void An_entry_is_judged_by_relative_error_when_sizeable_and_by_absolute_error_when_not()
    {
        var sizeable = new GradientCheckEntry(2, false, 3, 5, 0.0123, 0.0124);
        Assert.True(sizeable.IsSizeable);
        Assert.Equal(0.0001 / 0.0247, sizeable.RelativeError, 1e-12);
        Assert.False(sizeable.Agrees);
        Assert.Equal("W²[3, 5]: gradient 0.0123, numerical 0.0124, relative error 4.0e-3", sizeable.ToString());
        var tiny = new GradientCheckEntry(1, true, 7, 0, 1e-15, 3e-10);
        Assert.False(tiny.IsSizeable);
        Assert.True(tiny.RelativeError > 0.99);
        Assert.True(tiny.Agrees);
        Assert.Equal("b¹[7]: gradient 1e-15, numerical 3e-10, both nearly 0, |g − n| = 3.0e-10", tiny.ToString());
    }

    [Fact]
    public void The_chart_colours_sizeable_gradients_by_log_relative_error_and_greys_the_rest()
    {
        var (network, X, Y) = Saturated();
        var check = GradientCheck.Run(network, X, Y);
        var chart = Charts.GradientCheck(check);
        var figure = JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;
        var traces = figure.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(6, traces.Length);   // per layer: the grey "nearly 0" heatmap under the coloured one
        for (int l = 1; l <= 3; l++)
        {
            var (grey, coloured) = (traces[2 * (l - 1)], traces[2 * (l - 1) + 1]);
            var layer = check[l];
            for (int j = 0; j < layer.GradW.RowCount; j++)
                for (int k = 0; k < layer.GradW.ColumnCount; k++)
                {
                    var entry = new GradientCheckEntry(l, false, j, k, layer.GradW[j, k], layer.NumericalGradW[j, k]);
                    var z = coloured.GetProperty("z")[j][k];
                    var g = grey.GetProperty("z")[j][k];
                    if (entry.IsSizeable)
                    {
                        Assert.Equal(Math.Max(Math.Log10(Math.Max(entry.RelativeError, 1e-300)), -12), z.GetDouble(), 1e-3);
                        Assert.Equal(JsonValueKind.Null, g.ValueKind);
                    }
                    else
                    {
                        Assert.Equal(JsonValueKind.Null, z.ValueKind);
                        Assert.Equal(1, g.GetDouble());
                    }
                }
        }
        var title = figure.GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!;
        Assert.StartsWith("Gradient check (ε = 1e-4): backprop agrees with finite differences", title);
        var panels = figure.GetProperty("layout").GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("text").GetString()!).ToArray();
        Assert.StartsWith($"W¹: {check[1].Entries.Count(e => !e.IsBias && e.IsSizeable)} sizeable, max relative error", panels[0]);
        Assert.Contains("nearly 0 (grey), max |g − n|", panels[0]);
        Assert.Equal(2, JsonDocument.Parse(GenericChart.toJson(Charts.GradientCheck(check, layer: 2))).RootElement.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void The_chart_of_a_wrong_gradient_says_so_in_its_title()
    {
        var (network, X, Y) = Saturated();
        var right = network.Backward(network.Forward(X), Y);
        var wrong = right with { Layers = right.Layers.Select(r => r with { GradW = r.GradW * 2 }).ToArray() };
        var title = JsonDocument.Parse(GenericChart.toJson(Charts.GradientCheck(GradientCheck.Run(network, X, Y, wrong))))
            .RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString()!;
        Assert.StartsWith("Gradient check (ε = 1e-4): backprop DISAGREES with finite differences", title);
    }
}
