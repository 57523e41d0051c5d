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
    public void A_label_far_above_the_others_is_named_with_where_it_is_as_a_likely_damaged_byte()
    {
        // Found by an audit: digits 0–9 and one stray 200 gave only "784-16-16-201 would fit".
        byte[] labels = [.. Enumerable.Range(0, 30).Select(i => (byte)(i % 10))];
        labels[17] = 200;
        var data = new DataSet(new byte[30 * 400], labels, 400, 201, "my-digits training", 20, 20);

        var e = Assert.Throws<ArgumentException>(() => Network.Create([400, 16, 10], seed: 1).Evaluate(data));

        Assert.Contains("layers 400-16-201 would fit", e.Message);
        Assert.Contains("only 11 of the 201 label values 0–200 occur, and the largest, 200, stands apart from the others (up to 9): "
                        + "it is on 1 example, the first at example 17. Is the labels file damaged there?", e.Message);
        // Many classes, all used: no such note.
        var many = new DataSet(new byte[30 * 400], [.. Enumerable.Range(0, 30).Select(i => (byte)i)], 400, 30, "thirty", 20, 20);
        Assert.DoesNotContain("damaged", Assert.Throws<ArgumentException>(() => Network.Create([400, 16, 10], seed: 1).Evaluate(many)).Message);
    }

    [Fact]
    public void A_fitting_network_trains_without_complaint()
    {
        var result = Network.Create([400, 16, 16, 10], seed: 1).Train(TwentyByTwenty(), new TrainingOptions { Epochs = 1, BatchSize = 3 });
        Assert.Single(result.History.Epochs);
    }
}
