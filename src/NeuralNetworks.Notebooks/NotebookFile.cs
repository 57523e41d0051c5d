using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// A Jupyter notebook (nbformat 4) held as JSON, so that everything the runner does not touch — cell
/// metadata, tags, sources — survives byte for byte. Saved the way Jupyter saves: keys sorted, one-space
/// indent, trailing newline.
/// </summary>
public sealed partial class NotebookFile
{
    private NotebookFile(JsonObject root) => Root = root;

    /// <summary>The whole document.</summary>
    public JsonObject Root { get; }

    /// <summary>The cells, in order.</summary>
    public IReadOnlyList<JsonObject> Cells =>
        (Root["cells"] as JsonArray ?? []).OfType<JsonObject>().ToList();

    /// <summary>
    /// Reads a notebook; a file that is not a notebook gives an <see cref="InvalidDataException"/> naming it and what is
    /// wrong: bytes that are not UTF-8 (nbformat's encoding; the first bad byte is named, never read as U+FFFD), JSON that
    /// does not parse, no "cells" array, or a cell of the wrong shape (<see cref="CellProblem"/>). A UTF-8 byte-order mark
    /// is skipped.
    /// </summary>
    /// <param name="path">The .ipynb file.</param>
    public static NotebookFile Load(string path)
    {
        var text = Utf8Text(path, File.ReadAllBytes(path));
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidDataException($"{path} is empty, not a Jupyter notebook");
        JsonNode? node;
        try
        {
            // A key twice in one object is refused here (by default the node would throw when that object is first used).
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(JsonProblem(path, Encoding.UTF8.GetBytes(text), e), e);
        }
        if (node is not JsonObject root || root["cells"] is not JsonArray cells)
            throw new InvalidDataException($"{path} is not a Jupyter notebook (no \"cells\" array)");
        for (int i = 0; i < cells.Count; i++)
        {
            if (CellProblem(cells[i]) is { } problem)
                throw new InvalidDataException($"{path}: cell {i + 1}: {problem}");
        }
        return new NotebookFile(root);
    }

    /// <summary>
    /// What is wrong with a cell that every reader of a notebook here would trip over, or null: it must be an object whose
    /// cell_type and id (when given) are strings, whose source is a string or a list of strings, and whose metadata is an
    /// object. E.g. "cell_type is 3, not a string".
    /// </summary>
    private static string? CellProblem(JsonNode? cell)
    {
        if (cell is not JsonObject o) return $"the cell is {Shown(cell)}, not an object";
        foreach (var key in (string[])["cell_type", "id"])
        {
            if (o.TryGetPropertyValue(key, out var value) && value is not null && !IsString(value))
                return $"{key} is {Shown(value)}, not a string";
        }
        if (o.TryGetPropertyValue("metadata", out var metadata) && metadata is not null and not JsonObject)
            return $"metadata is {Shown(metadata)}, not an object";
        switch (o["source"])
        {
            case null:
                break;
            case JsonArray lines:
                for (int i = 0; i < lines.Count; i++)
                {
                    if (lines[i] is { } line && !IsString(line))
                        return $"source line {i + 1} is {Shown(line)}, not a string";
                }
                break;
            case { } source when !IsString(source):
                return $"source is {Shown(source)}, not a string or a list of strings";
        }
        return null;
    }

    private static bool IsString(JsonNode node) => node.GetValueKind() == JsonValueKind.String;

    /// <summary>A JSON value as a message shows it: 3, true, "x", {…} (at most 40 characters).</summary>
    private static string Shown(JsonNode? node)
    {
        var json = node?.ToJsonString() ?? "null";
        return json.Length <= 40 ? json : json[..39] + "…";
    }

    /// <summary>
    /// The text of the UTF-8 file <paramref name="path"/> holding <paramref name="bytes"/>, without its byte-order mark if
    /// it has one; an <see cref="InvalidDataException"/> naming the file and its first byte that is not UTF-8 otherwise.
    /// </summary>
    private static string Utf8Text(string path, byte[] bytes)
    {
        int start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var text = bytes.AsSpan(start);
        var chars = new char[text.Length];
        if (Utf8.ToUtf16(text, chars, out int read, out int written, replaceInvalidSequences: false) == OperationStatus.Done)
            return new string(chars, 0, written);
        int offset = start + read;
        var (line, column) = LineAndColumn(text, read);
        string utf16 = bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..] ? "; it starts with a UTF-16 byte-order mark: save it as UTF-8" : "";
        throw new InvalidDataException($"{path} is not UTF-8 text: the byte 0x{bytes[offset]:X2} at byte offset {offset} (line {line}, column {column}) "
                                       + $"is not valid UTF-8{utf16}");
    }

    /// <summary>What is wrong with the JSON of <paramref name="path"/>, and where: the parser's message with its 0-based line
    /// and byte position turned into the 1-based line and column an editor shows.</summary>
    private static string JsonProblem(string path, byte[] utf8, JsonException e)
    {
        if (e.LineNumber is { } lineIndex && e.BytePositionInLine is { } position)
        {
            int lineStart = 0;
            for (long l = 0; l < lineIndex && lineStart < utf8.Length; l++)
            {
                int next = Array.IndexOf(utf8, (byte)'\n', lineStart);
                lineStart = next < 0 ? utf8.Length : next + 1;
            }
            var (line, column) = LineAndColumn(utf8, (int)Math.Min(utf8.Length, lineStart + position));
            string gist = ParserPosition().Replace(e.Message, "").TrimEnd(' ', '.');
            return $"{path} is not valid JSON: {gist} (line {line}, column {column})";
        }
        // A key twice in one object: the parser does not say where, so find it.
        var reader = new Utf8JsonReader(utf8);
        var keys = new Stack<HashSet<string>?>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    keys.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.StartArray:
                    keys.Push(null);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    keys.Pop();
                    break;
                case JsonTokenType.PropertyName when !keys.Peek()!.Add(reader.GetString()!):
                    var (line, column) = LineAndColumn(utf8, (int)reader.TokenStartIndex);
                    return $"{path} is not a Jupyter notebook: the key \"{reader.GetString()}\" appears twice in one object (line {line}, column {column})";
            }
        }
        return $"{path} is not valid JSON: {e.Message}";
    }

    [GeneratedRegex(@"\s*LineNumber: \d+ \| BytePositionInLine: \d+\.?$")]
    private static partial Regex ParserPosition();

    /// <summary>The 1-based line and column (in characters) of the byte at <paramref name="offset"/> of the UTF-8
    /// <paramref name="text"/>, which must be valid before it.</summary>
    private static (int Line, int Column) LineAndColumn(ReadOnlySpan<byte> text, int offset)
    {
        var before = text[..offset];
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        int characters = 0;
        foreach (var b in before[lineStart..])
            if ((b & 0xC0) != 0x80) characters++;   // not a continuation byte: a character starts here
        return (before.Count((byte)'\n') + 1, characters + 1);
    }

    /// <summary>A cell's type: "code", "markdown" or "raw".</summary>
    public static string CellType(JsonObject cell) => (string?)cell["cell_type"] ?? "raw";

    /// <summary>A cell's source as one string (nbformat allows a string or a list of lines).</summary>
    public static string Source(JsonObject cell) => MultilineText(cell["source"]);

    /// <summary>Joins an nbformat "multiline string" (a string or an array of strings).</summary>
    public static string MultilineText(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue value => (string?)value ?? "",
        _ => "",
    };

    /// <summary>Splits text into lines that keep their "\n", as Jupyter stores sources and outputs.</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    /// <summary>
    /// The kernel a code cell asks for (.NET Interactive stores it in the cell metadata); C# when none is given.
    /// </summary>
    public static string KernelName(JsonObject cell) =>
        (string?)cell["metadata"]?["polyglot_notebook"]?["kernelName"]
        ?? (string?)cell["metadata"]?["dotnet_interactive"]?["language"]
        ?? "csharp";

    /// <summary>
    /// True when the cell is tagged "solution": in Jupyter's <c>metadata.tags</c>, or in the
    /// <c>polyglot_notebook</c> / <c>dotnet_interactive</c> metadata .NET Interactive writes.
    /// </summary>
    public static bool IsSolution(JsonObject cell) => HasTag(cell, "solution");

    /// <summary>
    /// True when the cell is a course's check: a code cell tagged "check", or one that calls <c>Check.Answer(</c> (its
    /// output, ✓ or ✗, names the right answer).
    /// </summary>
    public static bool IsCheck(JsonObject cell) =>
        CellType(cell) == "code" && (HasTag(cell, CheckTag) || Source(cell).Contains("Check.Answer(", StringComparison.Ordinal));

    /// <summary>The tag of a course's check cells.</summary>
    public const string CheckTag = "check";

    /// <summary>
    /// True when the cell is tagged <paramref name="tag"/>: in Jupyter's <c>metadata.tags</c>, or in the
    /// <c>polyglot_notebook</c> / <c>dotnet_interactive</c> metadata .NET Interactive writes.
    /// </summary>
    public static bool HasTag(JsonObject cell, string tag)
    {
        var metadata = cell["metadata"];
        return new[] { metadata?["tags"], metadata?["polyglot_notebook"]?["tags"], metadata?["dotnet_interactive"]?["tags"] }
            .OfType<JsonArray>()
            .Any(tags => tags.Any(t => t is JsonValue v && v.TryGetValue(out string? s) && s == tag));
    }

    /// <summary>
    /// The language the notebook's metadata names when it is not one .NET Interactive runs (C#, F#, PowerShell, or a
    /// Polyglot notebook's), e.g. "python" for a notebook written for Jupyter's Python kernel; null when it names none or
    /// one of those. Read from <c>metadata.kernelspec.language</c>, else <c>metadata.language_info.name</c>.
    /// </summary>
    public string? ForeignLanguage
    {
        get
        {
            var metadata = Root["metadata"];
            var language = Text(metadata?["kernelspec"]?["language"]) ?? Text(metadata?["language_info"]?["name"]);
            return language is null || DotNetLanguages.Contains(language.Trim()) ? null : language.Trim();

            static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue(out string? s) && s.Trim().Length > 0 ? s : null;
        }
    }

    private static readonly HashSet<string> DotNetLanguages = new(StringComparer.OrdinalIgnoreCase)
        { "C#", "csharp", "F#", "fsharp", "PowerShell", "pwsh", "polyglot-notebook", "dotnet-interactive" };

    /// <summary>
    /// Makes the document nbformat 4.5: every cell has a unique id (kept where it already has a valid one,
    /// otherwise derived from its position and source, so repeated runs give the same ids), code cells have
    /// outputs and execution_count, and the notebook names the .NET C# kernel.
    /// </summary>
    public void Normalize()
    {
        Root["nbformat"] = 4;
        Root["nbformat_minor"] = 5;
        var metadata = Root["metadata"] as JsonObject ?? [];
        Root["metadata"] = metadata;
        metadata["kernelspec"] ??= new JsonObject
        {
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
            ["name"] = ".net-csharp",
        };
        // A notebook of another language keeps its own metadata: no C# language_info is added to a Python notebook.
        if (ForeignLanguage is null) metadata["language_info"] ??= new JsonObject
        {
            ["file_extension"] = ".cs",
            ["mimetype"] = "text/x-csharp",
            ["name"] = "C#",
            ["pygments_lexer"] = "csharp",
            ["version"] = "13.0",
        };

        var seen = new HashSet<string>();
        var cells = Cells;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            cell["metadata"] ??= new JsonObject();
            cell["source"] ??= "";
            var id = (string?)cell["id"];
            if (id is null || !IsValidId(id) || !seen.Add(id))
            {
                id = NewId(i, Source(cell), seen);
                cell["id"] = id;
            }
            if (CellType(cell) == "code")
            {
                cell["outputs"] ??= new JsonArray();
                if (!cell.ContainsKey("execution_count")) cell["execution_count"] = null;
            }
            else
            {
                cell.Remove("outputs");
                cell.Remove("execution_count");
            }
        }
    }

    /// <summary>Removes every output and execution count (the committed form of a notebook).</summary>
    public void ClearOutputs()
    {
        Normalize();
        foreach (var cell in Cells.Where(c => CellType(c) == "code"))
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
    }

    /// <summary>Rewrites every text of every output (streams, errors, and the text/* entries of displays) with <paramref name="map"/>.</summary>
    public void MapOutputText(Func<string, string> map)
    {
        // A text changed by the map is written back in the form it had: one string, or nbformat's list of lines.
        JsonNode? Mapped(JsonNode? node)
        {
            var text = MultilineText(node);
            var mapped = map(text);
            if (mapped == text) return node?.DeepClone();
            if (node is not JsonArray) return JsonValue.Create(mapped);
            var lines = new JsonArray();
            for (int at = 0; at < mapped.Length;)
            {
                int end = mapped.IndexOf('\n', at);
                int next = end < 0 ? mapped.Length : end + 1;
                lines.Add(mapped[at..next]);
                at = next;
            }
            return lines;
        }
        foreach (var output in Cells.Where(c => CellType(c) == "code").SelectMany(c => (c["outputs"] as JsonArray ?? []).OfType<JsonObject>()))
        {
            if (output["text"] is { } stream) output["text"] = Mapped(stream);
            if (output["evalue"] is { } evalue) output["evalue"] = Mapped(evalue);
            if (output["traceback"] is JsonArray traceback)
                output["traceback"] = new JsonArray(traceback.Select(line => (JsonNode?)JsonValue.Create(map((string?)line ?? ""))).ToArray());
            if (output["data"] is JsonObject data)
                foreach (var mime in data.Select(e => e.Key).Where(k => k.StartsWith("text/", StringComparison.Ordinal)).ToList())
                    data[mime] = Mapped(data[mime]);
        }
    }

    /// <summary>
    /// Deletes every code cell tagged "solution" (the student's handout keeps the exercise's answer cell and its
    /// check, so an unanswered exercise reports "not answered"); returns how many were deleted.
    /// </summary>
    public int RemoveSolutions()
    {
        var cells = Root["cells"] as JsonArray ?? [];
        var solutions = cells.OfType<JsonObject>().Where(c => CellType(c) == "code" && IsSolution(c)).ToList();
        foreach (var cell in solutions) cells.Remove(cell);
        return solutions.Count;
    }

    /// <summary>The text of the first level-1 heading in a markdown cell, if any.</summary>
    public string? Title() => Cells
        .Where(c => CellType(c) == "markdown")
        .SelectMany(c => Source(c).Split('\n'))
        .Select(line => line.TrimEnd())
        .FirstOrDefault(line => line.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim();

    /// <summary>A deep copy.</summary>
    public NotebookFile Clone() => new((JsonObject)Root.DeepClone());

    /// <summary>Serializes as Jupyter does: keys sorted, one-space indent, non-ASCII kept, trailing newline.</summary>
    public string ToJson()
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 1,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, options))
            Sorted(Root)!.WriteTo(writer);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> (UTF-8, no BOM).</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson(), new UTF8Encoding(false));

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };

    private static bool IsValidId(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string NewId(int index, string source, HashSet<string> seen)
    {
        for (var salt = 0; ; salt++)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{index}:{salt}:{source}"));
            var id = Convert.ToHexStringLower(hash)[..8];
            if (seen.Add(id)) return id;
        }
    }
}
