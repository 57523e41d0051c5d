using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NeuralNetworks.Tests.Setup;

/// <summary>The setup cells every notebook shares: the same text everywhere, and the package versions of the build.</summary>
public sealed partial class SetupCellsTests
{
    private static IReadOnlyList<string> Canonical => NotebookFiles.SetupCells(NotebookFiles.CanonicalNotebook);

    [GeneratedRegex("""^#r "nuget:\s*(?<name>[^,"]+?)\s*,\s*(?<version>[^"]+?)\s*"\s*$""", RegexOptions.Multiline)]
    private static partial Regex NugetReference();

    private static Dictionary<string, string> CentralVersions() =>
        XDocument.Load(Path.Combine(NotebookFiles.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(p => (string)p.Attribute("Include")!, p => (string)p.Attribute("Version")!);

    private static Dictionary<string, string> SetupPackages() =>
        NugetReference().Matches(string.Concat(Canonical))
            .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["version"].Value);

    [Fact]
    public void Every_notebook_starts_with_the_canonical_setup_cells()
    {
        Assert.Equal(2, Canonical.Count);
        Assert.StartsWith("// Setup 1/2", Canonical[0]);
        Assert.StartsWith("// Setup 2/2", Canonical[1]);
        foreach (var notebook in NotebookFiles.All)
        {
            var cells = NotebookFiles.Cells(notebook);
            var firstCode = cells.Select((c, i) => (c, i)).First(x => x.c.Kind == "code").i;
            Assert.True(cells.Take(firstCode).All(c => c.Kind == "markdown"), $"{Path.GetFileName(notebook)}: only markdown may come before the setup cells.");
            var setup = NotebookFiles.SetupCells(notebook);
            Assert.True(setup.SequenceEqual(Canonical),
                $"{Path.GetFileName(notebook)}: its first two code cells differ from the setup cells of {Path.GetFileName(NotebookFiles.CanonicalNotebook)}; copy them verbatim.");
        }
    }

    [Fact]
    public void Setup_cells_pin_the_versions_of_Directory_Packages_props()
    {
        var central = CentralVersions();
        var setup = SetupPackages();
        Assert.Equal(["MathNet.Numerics", "Plotly.NET", "Plotly.NET.CSharp", "Plotly.NET.Interactive"], setup.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, version) in setup)
        {
            Assert.True(central.TryGetValue(name, out var pinned), $"{name} is referenced by the setup cell but not pinned in Directory.Packages.props.");
            Assert.True(pinned == version, $"{name}: the setup cell loads {version}, Directory.Packages.props pins {pinned}.");
        }
    }

    [Fact]
    public void Setup_cells_load_every_package_the_library_is_built_against()
    {
        var library = XDocument.Load(Path.Combine(NotebookFiles.Root, "src", "NeuralNetworks", "NeuralNetworks.csproj"));
        var references = library.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!)
            .Where(name => name != "FSharp.Core"); // the kernel brings its own; the setup cell hands it to Plotly.NET
        Assert.All(references, name => Assert.Contains(name, SetupPackages().Keys));
    }

    [Fact]
    public void Setup_installs_the_FSharp_Core_resolver_before_any_Plotly_package_loads()
    {
        Assert.Contains("AppDomain.CurrentDomain.AssemblyResolve", Canonical[0]);
        Assert.DoesNotContain("#r", Canonical[0]);
        Assert.Contains("#r \"nuget: Plotly.NET,", Canonical[1]);
    }

    [Fact]
    public void Setup_builds_and_loads_the_library_from_a_path_that_does_not_depend_on_the_configuration()
    {
        Assert.Contains("build ../src/NeuralNetworks/NeuralNetworks.csproj -c Release -o ../artifacts/notebook-lib", Canonical[0]);
        Assert.Contains("#r \"../artifacts/notebook-lib/NeuralNetworks.dll\"", Canonical[1]);
        Assert.Contains("artifacts/", File.ReadAllText(Path.Combine(NotebookFiles.Root, ".gitignore")));
    }

    [Fact]
    public void Setup_registers_the_formatters_after_the_Plotly_NET_Interactive_reference()
    {
        var cell = Canonical[1];
        Assert.True(cell.IndexOf("#r \"nuget: Plotly.NET.Interactive", StringComparison.Ordinal) < cell.IndexOf("Formatter.Register", StringComparison.Ordinal));
        Assert.EndsWith("NotebookHtml.PlotlyLoader", cell.TrimEnd());
    }

    [Fact]
    public void The_tool_manifest_pins_the_stock_kernel()
    {
        var manifest = File.ReadAllText(Path.Combine(NotebookFiles.Root, ".config", "dotnet-tools.json"));
        Assert.Matches("\"microsoft.dotnet-interactive\":\\s*\\{\\s*\"version\":\\s*\"1.0.712001\"", manifest);
    }
}
