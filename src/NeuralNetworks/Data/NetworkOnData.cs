using NeuralNetworks.Model;

namespace NeuralNetworks.Data;

/// <summary>A network applied to a whole data set.</summary>
public static class NetworkOnData
{
    /// <summary>The forward pass of every example of a data set (columns in the data set's order).</summary>
    public static ForwardPass Forward(this Network network, DataSet data)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        return network.Forward(data.Images(0, data.Count));
    }
}
