using NeuralNetworks.Model;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

public class NetworkJsonTests
{
    [Fact]
    public void Saving_and_loading_gives_back_exactly_the_same_network()
    {
        var network = Network.Create([784, 16, 16, 10], seed: 11, activation: Activation.Tanh, cost: Cost.CrossEntropy);
        var path = Path.Combine(Path.GetTempPath(), $"nn-{Guid.NewGuid():N}", "net.json");
        try
        {
            network.Save(path);
            var loaded = Network.Load(path);
            Assert.Equal(network.Sizes, loaded.Sizes);
            Assert.Same(Activation.Tanh, loaded.Activation);
            Assert.Same(Activation.Sigmoid, loaded.OutputActivation);
            Assert.Same(Cost.CrossEntropy, loaded.Cost);
            for (int l = 1; l <= 3; l++)
            {
                Assert.True(network.W(l).Equals(loaded.W(l)), $"W{l} differs");   // exact, bit for bit
                Assert.True(network.b(l).Equals(loaded.b(l)), $"b{l} differs");
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("not json", "not valid network JSON")]
    [InlineData("{}", "lacks one of")]
    [InlineData("""{"sizes":[2,1],"activation":"sigmoid","cost":"quadratic","weights":[[[1,2,3]]],"biases":[[0]]}""", "says sizes 2-1")]
    [InlineData("""{"sizes":[2,1],"activation":"swish","cost":"quadratic","weights":[[[1,2]]],"biases":[[0]]}""", "Unknown activation 'swish'")]
    public void Broken_json_is_rejected_saying_what_is_wrong(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => NetworkJson.FromJson(json, "test.json"));
        Assert.Contains(expected, e.Message);
    }
}
