using static NeuralNetworks.Tests.TestNetworks;
using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

/// <summary>
/// Each rule about the options lives in one place and reports which option broke it: <see cref="UpdateRule"/> for μ,
/// Nesterov and λ (the one value both training paths take), <see cref="TrainingOptions.Validate()"/> for the rest,
/// <see cref="Network"/>'s constructor for the activations and the cost, <see cref="DataSet.CheckFits"/> for the data.
/// </summary>
public class UpdateRuleTests
{
    public static TheoryData<string, double, bool, double> BadRules => new()
    {
        { "Momentum", 1.0, false, 0 },
        { "Momentum", -0.1, false, 0 },
        { "Momentum", double.NaN, false, 0 },
        { "Nesterov", 0.0, true, 0 },
        { "WeightDecay", 0.9, false, -1e-3 },
        { "WeightDecay", 0.0, false, double.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(BadRules))]
    public void A_rule_out_of_range_is_refused_naming_the_value_that_is(string parameter, double momentum, bool nesterov, double weightDecay)
    {
        var e = Assert.Throws<ArgumentException>(() => new UpdateRule(momentum, nesterov, weightDecay));
        Assert.Equal(parameter, e.ParamName);
        // The options refuse the same values, through the same rule, under the same names.
        var options = new TrainingOptions { Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay };
        Assert.Equal(parameter, Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    public static TheoryData<string, TrainingOptions> BadOptions => new()
    {
        { nameof(TrainingOptions.LearningRate), new TrainingOptions { LearningRate = 0 } },
        { nameof(TrainingOptions.LearningRate), new TrainingOptions { LearningRate = double.PositiveInfinity } },
        { nameof(TrainingOptions.Epochs), new TrainingOptions { Epochs = 0 } },
        { nameof(TrainingOptions.BatchSize), new TrainingOptions { BatchSize = -1 } },
        { nameof(TrainingOptions.ProgressEverySteps), new TrainingOptions { ProgressEverySteps = -1 } },
        { nameof(TrainingOptions.EarlyStoppingPatience), new TrainingOptions { EarlyStoppingPatience = 2 } },
        { nameof(TrainingOptions.MaxShift), new TrainingOptions { MaxShift = -1 } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Options_are_checked_before_any_data_naming_the_property_that_is_wrong(string property, TrainingOptions options)
    {
        Assert.Equal(property, Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }

    [Fact]
    public void Data_that_does_not_fit_is_reported_under_the_network_after_the_options_are_checked()
    {
        var data = Quadrants(20, seed: 1);
        var network = Network.Create([64, 5]);
        Assert.Equal("network", Assert.Throws<ArgumentException>(() => new TrainingOptions().Validate(network, data)).ParamName);
        Assert.Equal(nameof(TrainingOptions.MaxShift), Assert.Throws<ArgumentException>(() => new TrainingOptions { MaxShift = 8 }.Validate(Network.Create([64, 4]), data)).ParamName);
        new TrainingOptions().Validate(Network.Create([64, 3, 4]), data);
    }

    [Fact]
    public void The_plain_rule_is_gradient_descent_and_momentum_Step_is_the_rules_step()
    {
        var network = Network.Create([5, 4, 3], seed: 2);
        var random = new Random(1);
        var backward = network.Backward(network.Forward(Uniform(5, 6, random)), RandomTargets(3, 6, random));
        Assert.True(UpdateRule.Plain.IsPlain);
        Assert.False(new UpdateRule(WeightDecay: 0.1).IsPlain);
        Assert.False(new UpdateRule(0.9).IsPlain);

        var (plain, _) = UpdateRule.Plain.Step(network, backward, Velocity.Zero(network), 0.3);
        Assert.Equal(0.0, FastPathTests.MaxWeightDifference(plain, network.Step(backward, 0.3)));
        var rule = new UpdateRule(0.9, Nesterov: true, WeightDecay: 0.01);
        var (byRule, v) = rule.Step(network, backward, Velocity.Zero(network), 0.3);
        var (byMomentum, w) = Momentum.Step(network, backward, Velocity.Zero(network), 0.3, 0.9, nesterov: true, weightDecay: 0.01);
        Assert.Equal(0.0, FastPathTests.MaxWeightDifference(byRule, byMomentum));
        Assert.Equal(v.W[0], w.W[0]);
        Assert.Equal(rule, new TrainingOptions { Momentum = 0.9, Nesterov = true, WeightDecay = 0.01 }.ToUpdateRule());
    }

    [Theory]
    [InlineData(0.9, false, 0.0)]
    [InlineData(0.9, true, 1e-3)]
    [InlineData(0.0, false, 1e-2)]
    public void The_fast_path_takes_the_same_rule_as_the_readable_loop(double momentum, bool nesterov, double weightDecay)
    {
        var network = Network.Create([20, 8, 4], seed: 3, Activation.Tanh, Cost.LogLikelihood, Initialization.Scaled, Activation.Softmax);
        var data = FastPathTests.Synthetic(200, 20, 4, seed: 5);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 10, LearningRate = 0.05, Momentum = momentum, Nesterov = nesterov, WeightDecay = weightDecay, Seed = 2 };

        var reference = network.Train(data, options with { Engine = TrainingEngine.Reference });
        var fast = network.Train(data, options with { Engine = TrainingEngine.Fast });
        var plain = network.Train(data, options with { Engine = TrainingEngine.Fast, Momentum = 0, Nesterov = false, WeightDecay = 0 });

        Assert.Equal(TrainingEngine.Fast, fast.History.Engine.Engine);
        double between = FastPathTests.MaxWeightDifference(reference.Network, fast.Network);
        Assert.InRange(between, 0, 1e-5);
        // The rule matters: without it the fast path lands far from where it lands with it.
        Assert.True(FastPathTests.MaxWeightDifference(plain.Network, fast.Network) > 100 * between + 1e-4);
    }
}
