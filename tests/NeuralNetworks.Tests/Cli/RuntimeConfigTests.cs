using System.Text.Json.Nodes;

namespace NeuralNetworks.Tests.Cli;

/// <summary>The programs here keep matrices up to 1 MiB off the large object heap (Directory.Build.props says why).</summary>
public class RuntimeConfigTests
{
    [Fact]
    public void The_command_line_and_the_tests_run_with_a_1_MiB_large_object_threshold()
    {
        Assert.Equal(1_048_576L, Convert.ToInt64(AppContext.GetData("System.GC.LOHThreshold"), System.Globalization.CultureInfo.InvariantCulture));
        var cli = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "NeuralNetworks.Cli.runtimeconfig.json")))!;
        Assert.Equal(1_048_576, (int)cli["runtimeOptions"]!["configProperties"]!["System.GC.LOHThreshold"]!);
    }
}
