using NeuralNetworks.Model;
using NeuralNetworks.Data;
using NeuralNetworks.Training;

namespace NeuralNetworks.Tests;

public sealed class DataSetFitTests
{
    // 3 examples of 20×20 pixels, labels 0–9 (10 classes).
    private static DataSet TwentyByTwenty() => new(new byte[3 * 400], [0, 5, 9], 400, 10, "my-digits training", 20, 20);

    [Fact]
    public void Training_a_784_network_on_20x20_images_names_the_data_the_shape_and_the_layers_that_fit()
    {
        var network = Network.Create([784, 16, 16, 10], seed: 1);
        var e = Assert.Throws<ArgumentException>(() => network.Train(TwentyByTwenty(), new TrainingOptions { Epochs = 1 }));
        Assert.Contains("my-digits training", e.Message);
        Assert.Contains("20×20 = 400 pixels", e.Message);
        Assert.Contains("takes 784 inputs", e.Message);
        Assert.Contains("layers 400-16-16-10 would fit", e.Message);
    }

    [Fact]
    public void Too_few_outputs_for_the_classes_names_the_output_layer_that_fits()
    {
        var network = Network.Create([400, 16, 3], seed: 1);
        var e = Assert.Throws<ArgumentException>(() => network.Evaluate(TwentyByTwenty()));
        Assert.Contains("10 classes", e.Message);
        Assert.Contains("gives 3 outputs", e.Message);
        Assert.Contains("layers 400-16-10 would fit", e.Message);
    }

    [Fact]
    public void A_fitting_network_trains_without_complaint()
    {
        var result = Network.Create([400, 16, 16, 10], seed: 1).Train(TwentyByTwenty(), new TrainingOptions { Epochs = 1, BatchSize = 3 });
        Assert.Single(result.History.Epochs);
    }
}
