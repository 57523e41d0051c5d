using NeuralNetworks.Data;
using NeuralNetworks.Model;

namespace NeuralNetworks.Plotting;

public static partial class Charts
{
    /// <summary>
    /// The playground of a trained network: draw a digit (or load a test digit) and watch the network answer, with
    /// the 28×28 input it sees, the ten outputs aᴸ, the network diagram shaded by every activation, and the input
    /// gradient ∂aᴸⱼ/∂x for a digit j you pick. In a notebook it shows inline; <see cref="Playground.Save"/> writes
    /// it as a page that works offline.
    /// </summary>
    /// <param name="network">A network with 784 inputs (28×28 pixels), e.g. the one notebook 09 trains.</param>
    /// <param name="testDigits">Digits for the "random test digit" button; null loads the MNIST test set.</param>
    /// <param name="digitCount">How many of them (the first ones) go into the page.</param>
    public static Playground Playground(Network network, DataSet? testDigits = null, int digitCount = 300) =>
        new(network, testDigits ?? Mnist.LoadTest(), digitCount);
}
