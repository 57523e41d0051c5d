using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Data;

/// <summary>
/// Saves and loads a network as JSON: sizes, activations, cost, and every weight and bias. Numbers are written
/// in their shortest round-trip form, so loading gives back exactly the same doubles.
/// </summary>
public static partial class NetworkJson
{
    // Serialisation code generated at build time (System.Text.Json's source generator) rather than built by reflection
    // on first use: saving the network was 85 ms of `train`'s 0.9 s process, mostly that first-use work.
    private static readonly JsonTypeInfo<Dto> DtoJson = DtoContext.Default.Dto;

    [JsonSourceGenerationOptions(WriteIndented = true)]
    [JsonSerializable(typeof(Dto))]
    private sealed partial class DtoContext : JsonSerializerContext;

    /// <summary>The JSON text of a network. Weights are nested arrays, W[l−1][j][k] = Wˡⱼₖ.</summary>
    public static string ToJson(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var dto = new Dto(network.Sizes.ToArray(), network.Activation.Name, network.OutputActivation.Name, network.Cost.Name,
            network.Weights.Select(W => W.ToRowArrays()).ToArray(),
            network.Biases.Select(b => b.ToArray()).ToArray());
        return JsonSerializer.Serialize(dto, DtoJson);
    }

    /// <summary>The network a JSON text describes.</summary>
    /// <exception cref="FormatException">The text is not a network this library wrote: says what is wrong.</exception>
    public static Network FromJson(string json, string source = "the JSON text")
    {
        Dto? dto;
        try
        {
            dto = JsonSerializer.Deserialize(json, DtoJson);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source} is not valid network JSON: {e.Message}", e);
        }
        if (dto?.Sizes is null || dto.Weights is null || dto.Biases is null || dto.Activation is null || dto.Cost is null)
            throw new FormatException($"{source} lacks one of sizes, activation, cost, weights, biases.");
        try
        {
            var W = dto.Weights.Select(rows => Matrix<double>.Build.DenseOfRowArrays(rows)).ToArray();
            var b = dto.Biases.Select(v => Vector<double>.Build.DenseOfArray(v)).ToArray();
            var network = new Network(W, b, Activation.Parse(dto.Activation), Cost.Parse(dto.Cost),
                Activation.Parse(dto.OutputActivation ?? dto.Activation));
            if (!network.Sizes.SequenceEqual(dto.Sizes))
                throw new FormatException($"{source} says sizes {string.Join("-", dto.Sizes)} but its weights make {network.Shape}.");
            return network;
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException)
        {
            throw new FormatException($"{source} does not describe a network: {e.Message}", e);
        }
    }

    /// <summary>Writes the network to a JSON file (folders are created): <c>network.Save("network.json")</c>.</summary>
    public static void Save(this Network network, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, ToJson(network));
    }

    extension(Network)
    {
        /// <summary>Reads a network from a JSON file written by <see cref="Save"/>: <c>Network.Load("network.json")</c>.</summary>
        public static Network Load(string path) => FromJson(File.ReadAllText(path), path);
    }

    private sealed record Dto(
        [property: JsonPropertyName("sizes")] int[] Sizes,
        [property: JsonPropertyName("activation")] string Activation,
        [property: JsonPropertyName("outputActivation")] string? OutputActivation,
        [property: JsonPropertyName("cost")] string Cost,
        [property: JsonPropertyName("weights")] double[][][] Weights,
        [property: JsonPropertyName("biases")] double[][] Biases);
}
