using System.Text.Json;

namespace NeuralNetworks.Tests.Setup;

/// <summary>The repository's notebooks as the tests read them: cells with their kind and source text.</summary>
internal static class NotebookFiles
{
    /// <summary>The repository root: the folder holding NeuralNetworks.slnx, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The folder of the numbered notebooks.</summary>
    public static string NotebooksFolder => Path.Combine(Root, "notebooks");

    /// <summary>The notebook whose setup cell every notebook repeats verbatim.</summary>
    public static string CanonicalNotebook => Path.Combine(NotebooksFolder, "00-setup-check.ipynb");

    /// <summary>Every notebook in notebooks/.</summary>
    public static IReadOnlyList<string> All => Directory.GetFiles(NotebooksFolder, "*.ipynb").Order(StringComparer.Ordinal).ToArray();

    /// <summary>The cells of a notebook, in order: (cell_type, source).</summary>
    public static IReadOnlyList<(string Kind, string Source)> Cells(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("cells").EnumerateArray()
            .Select(cell => (cell.GetProperty("cell_type").GetString()!, SourceOf(cell)))
            .ToArray();
    }

    /// <summary>The first code cell of a notebook: its setup.</summary>
    public static string SetupCell(string path) => Cells(path).First(c => c.Kind == "code").Source;

    /// <summary>A cell's source, which .ipynb stores either as one string or as a list of lines.</summary>
    public static string SourceOf(JsonElement cell)
    {
        var source = cell.GetProperty("source");
        return source.ValueKind == JsonValueKind.Array
            ? string.Concat(source.EnumerateArray().Select(line => line.GetString()))
            : source.GetString() ?? "";
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "NeuralNetworks.slnx"))) return folder.FullName;
        throw new InvalidOperationException($"No NeuralNetworks.slnx above {AppContext.BaseDirectory}.");
    }
}
