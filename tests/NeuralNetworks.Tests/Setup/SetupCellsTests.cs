using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests.Setup;

/// <summary>
/// The one-line setup every notebook shares — <c>#r "nuget: NeuralNetworks, x.y.z"</c> — and what it relies on:
/// the package's kernel extension script (extension.dib) and the package the build writes.
/// </summary>
public sealed partial class SetupCellsTests
{
    private static string Canonical => NotebookFiles.SetupCell(NotebookFiles.CanonicalNotebook);

    private static string ExtensionScript => File.ReadAllText(Path.Combine(NotebookFiles.Root, "src", "NeuralNetworks", "Course", "extension.dib"));

    /// <summary>The package version the build packs (src/NeuralNetworks/Course/Package.targets).</summary>
    private static string PackageVersion =>
        XDocument.Load(Path.Combine(NotebookFiles.Root, "src", "NeuralNetworks", "Course", "Package.targets"))
            .Descendants("Version").Single().Value;

    private static string[] CodeLines(string cell) =>
        cell.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToArray();

    [GeneratedRegex("""^#!csharp\s*$""", RegexOptions.Multiline)]
    private static partial Regex CSharpCellMarker();

    [Fact]
    public void Every_notebook_starts_with_the_one_line_setup_cell()
    {
        Assert.Equal([$"#r \"nuget: NeuralNetworks, {PackageVersion}\""], CodeLines(Canonical));
        foreach (var notebook in NotebookFiles.All)
        {
            var cells = NotebookFiles.Cells(notebook);
            var firstCode = cells.Select((c, i) => (c, i)).First(x => x.c.Kind == "code").i;
            Assert.True(cells.Take(firstCode).All(c => c.Kind == "markdown"), $"{Path.GetFileName(notebook)}: only markdown may come before the setup cell.");
            Assert.True(NotebookFiles.SetupCell(notebook) == Canonical,
                $"{Path.GetFileName(notebook)}: its first code cell differs from the setup cell of {Path.GetFileName(NotebookFiles.CanonicalNotebook)} (scripts/one-line-setup.py writes it).");
        }
    }

    [Fact]
    public void No_notebook_builds_hooks_loads_or_registers_anything_itself()
    {
        string[] plumbing = ["Process", "AssemblyResolve", "AssemblyLoadContext", "Formatter.Register", "../"];
        foreach (var notebook in NotebookFiles.All)
        {
            foreach (var (kind, source) in NotebookFiles.Cells(notebook).Where(c => c.Kind == "code"))
            {
                var found = plumbing.Where(word => source.Contains(word, StringComparison.Ordinal)).ToArray();
                Assert.True(found.Length == 0, $"{Path.GetFileName(notebook)}: a code cell uses {string.Join(", ", found)}:\n{source}");
            }
        }
    }

    [Fact]
    public void The_extension_script_hands_over_FSharp_Core_in_a_cell_before_anything_touches_Plotly()
    {
        var cells = CSharpCellMarker().Split(ExtensionScript).Skip(1).ToArray();
        Assert.Equal(2, cells.Length);
        Assert.Contains("AppDomain.CurrentDomain.AssemblyResolve", cells[0]);
        Assert.DoesNotContain("Plotly", CodeLines(cells[0]).Aggregate("", string.Concat));
        Assert.DoesNotContain("NeuralNetworks", CodeLines(cells[0]).Aggregate("", string.Concat));
        Assert.StartsWith("#!meta", ExtensionScript);
        Assert.Contains("\"defaultKernelName\":\"csharp\"", ExtensionScript);
    }

    [Fact]
    public void The_extension_script_adds_the_usings_registers_the_formatters_and_loads_plotly_last()
    {
        var cell = CSharpCellMarker().Split(ExtensionScript)[^1];
        foreach (var layer in new[] { "Model", "Data", "Training", "Plotting", "Course" })
            Assert.Contains($"using NeuralNetworks.{layer};", cell);
        Assert.Contains("using MathNet.Numerics.LinearAlgebra;", cell);
        Assert.Contains("Formatter.Register(type, (value, writer) => writer.Write(NotebookHtml.Of(value)), \"text/html\")", cell);
        Assert.Contains("foreach (var type in NotebookHtml.FormattedTypes)", cell);
        Assert.EndsWith("NotebookHtml.PlotlyLoader", cell.TrimEnd());
    }

    [Fact]
    public void The_built_package_carries_the_library_the_extension_script_the_data_and_the_licences()
    {
        var nupkg = Path.Combine(NotebookFiles.Root, "artifacts", "package", $"NeuralNetworks.{PackageVersion}.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} is missing: building the library packs it.");
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        string[] expected =
        [
            "lib/net10.0/NeuralNetworks.dll", "interactive-extensions/dotnet/extension.dib", "LICENSE", "LICENSE-course", "data/README.md",
            .. Mnist.Sha256.Keys.Select(file => "data/mnist/" + file),
        ];
        Assert.All(expected, entry => Assert.Contains(entry, entries));
        using var script = new StreamReader(zip.GetEntry("interactive-extensions/dotnet/extension.dib")!.Open());
        Assert.Equal(ExtensionScript, script.ReadToEnd());
        using var nuspec = new StreamReader(zip.GetEntry("NeuralNetworks.nuspec")!.Open());
        var dependencies = XDocument.Parse(nuspec.ReadToEnd()).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => (string)e.Attribute("id")!).ToHashSet();
        Assert.Superset(new HashSet<string> { "MathNet.Numerics", "Plotly.NET", "Newtonsoft.Json" }, dependencies);
    }

    /// <summary>
    /// What would make two packs of the same library source differ is absent from the built package: the commit (in the
    /// nuspec and the assembly's version), the build's time (in every zip entry) and this clone's folder (in the
    /// library's debug path). So a commit that leaves the library alone, or a second clone, does not replace the copy of
    /// the package the notebooks load from the NuGet folder.
    /// </summary>
    [Fact]
    public void The_built_package_holds_no_commit_no_build_time_and_no_path_of_this_clone()
    {
        var nupkg = Path.Combine(NotebookFiles.Root, "artifacts", "package", $"NeuralNetworks.{PackageVersion}.nupkg");
        Assert.True(File.Exists(nupkg), $"{nupkg} is missing: building the library packs it.");
        using var zip = ZipFile.OpenRead(nupkg);
        Assert.All(zip.Entries, e => Assert.True(e.LastWriteTime.UtcDateTime.Year == 2026 && e.LastWriteTime.UtcDateTime.DayOfYear == 1,
            $"{e.FullName} is dated {e.LastWriteTime:u}, the time it was packed"));
        using var nuspec = new StreamReader(zip.GetEntry("NeuralNetworks.nuspec")!.Open());
        Assert.DoesNotContain("commit=", nuspec.ReadToEnd());
        using var library = new MemoryStream();
        using (var dll = zip.GetEntry("lib/net10.0/NeuralNetworks.dll")!.Open()) dll.CopyTo(library);
        var bytes = library.ToArray();
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(NotebookFiles.Root.TrimEnd('/') + "/")));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes("1.0.0+")));
    }

    [Fact]
    public void The_packed_data_is_found_beside_the_packed_library()
    {
        // The layout of the package: lib/net10.0/NeuralNetworks.dll and data/mnist/ under one folder.
        var package = Path.Combine(Path.GetTempPath(), "nn-package-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var lib = Directory.CreateDirectory(Path.Combine(package, "lib", "net10.0")).FullName;
            var data = Directory.CreateDirectory(Path.Combine(package, "data", "mnist")).FullName;
            File.WriteAllBytes(Path.Combine(data, Mnist.TrainingImagesFile), []);
            Assert.Equal(data, Mnist.FindDataDirectory(lib));
        }
        finally
        {
            Directory.Delete(package, recursive: true);
        }
    }

    [Fact]
    public void The_tool_manifest_pins_the_stock_kernel()
    {
        var manifest = File.ReadAllText(Path.Combine(NotebookFiles.Root, ".config", "dotnet-tools.json"));
        Assert.Matches("\"microsoft.dotnet-interactive\":\\s*\\{\\s*\"version\":\\s*\"1.0.712001\"", manifest);
    }
}
