using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using NeuralNetworks.Model;
using NeuralNetworks.Tests.Setup;

namespace NeuralNetworks.Tests;

/// <summary>
/// The library's folders are its layers, each its own namespace, and each uses only the ones before it:
/// Model ← Data ← Fast ← Training ← Plotting ← Course. Checked twice: in the compiled code (every type a method's IL,
/// a signature or a base type names) and in the source text (usings, qualified names, doc references).
/// </summary>
public sealed partial class LayerTests
{
    /// <summary>The layers in order: each may use those before it.</summary>
    public static readonly string[] Layers = ["Model", "Data", "Fast", "Training", "Plotting", "Course"];

    private static string LibraryFolder => Path.Combine(NotebookFiles.Root, "src", "NeuralNetworks");

    private static Assembly Library => typeof(Network).Assembly;

    [Fact]
    public void Every_folder_of_the_library_is_a_layer_and_every_file_declares_its_folders_namespace()
    {
        var folders = Directory.GetDirectories(LibraryFolder).Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj")).Order().ToArray();
        Assert.Equal(Layers.Order(), folders);
        Assert.Empty(Directory.GetFiles(LibraryFolder, "*.cs"));
        foreach (var layer in Layers)
            foreach (var file in Directory.GetFiles(Path.Combine(LibraryFolder, layer), "*.cs", SearchOption.AllDirectories))
                Assert.True(Regex.IsMatch(File.ReadAllText(file), $@"^namespace NeuralNetworks\.{layer};", RegexOptions.Multiline), $"{file} does not declare namespace NeuralNetworks.{layer}");
    }

    [Fact]
    public void Every_type_of_the_library_lives_in_a_layer()
    {
        // (The compiler adds a few types of its own, in System.* and Microsoft.* namespaces or none.)
        var outside = Library.GetTypes().Where(t => t.Namespace?.StartsWith("NeuralNetworks", StringComparison.Ordinal) == true && LayerOf(t) < 0)
            .Select(t => t.FullName).ToArray();
        Assert.Empty(outside);
    }

    [Fact]
    public void No_layer_uses_a_later_one_in_its_compiled_code()
    {
        var violations = new List<string>();
        foreach (var type in Library.GetTypes())
        {
            int layer = LayerOf(type);
            if (layer < 0) continue;
            foreach (var (used, where) in TypesUsedBy(type))
                if (LayerOf(used) > layer)
                    violations.Add($"{type.FullName} ({Layers[layer]}) uses {used.FullName} ({Layers[LayerOf(used)]}) in {where}");
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void No_layer_names_a_later_one_in_its_source_or_its_doc_comments()
    {
        var violations = new List<string>();
        for (int layer = 0; layer < Layers.Length; layer++)
        {
            var later = Layers[(layer + 1)..];
            if (later.Length == 0) continue;
            var pattern = new Regex($@"\b(?:NeuralNetworks\.)?(?:{string.Join("|", later)})\.[A-Z]\w*|using\s+NeuralNetworks\.(?:{string.Join("|", later)})\b");
            var laterTypes = Library.GetTypes().Where(t => LayerOf(t) > layer && !t.IsNested && !t.Name.StartsWith('<'))
                .Select(t => t.Name.Split('`')[0]).Distinct().ToArray();
            var typeName = new Regex($@"\b(?:{string.Join("|", laterTypes)})\b");
            foreach (var file in Directory.GetFiles(Path.Combine(LibraryFolder, Layers[layer]), "*.cs", SearchOption.AllDirectories))
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    var line = lines[i];
                    if (pattern.Match(line) is { Success: true } m)
                        violations.Add($"{Path.GetRelativePath(LibraryFolder, file)}:{i + 1}: {m.Value}");
                    else if (line.TrimStart().StartsWith("//", StringComparison.Ordinal) &&
                             DocReference().Matches(line).Select(r => r.Groups["name"].Value).FirstOrDefault(typeName.IsMatch) is { } name)
                        violations.Add($"{Path.GetRelativePath(LibraryFolder, file)}:{i + 1}: doc comment names {name}");
                }
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_library_references_neither_the_notebook_host_nor_the_command_line()
    {
        var references = Library.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        Assert.DoesNotContain("NeuralNetworks.Notebooks", references);
        Assert.DoesNotContain("NeuralNetworks.Cli", references);
    }

    [Fact]
    public void The_check_itself_finds_a_later_layer_in_a_method_body()
    {
        // The test of the tests: a method of this class that uses Course (Check) is found, with the method named.
        var used = TypesUsedBy(typeof(LayerProbe)).ToArray();
        Assert.Contains(used, u => u.Type == typeof(NeuralNetworks.Course.Check) && u.Where.Contains("UsesCheck"));
        Assert.Contains(used, u => u.Type == typeof(NeuralNetworks.Training.TrainingOptions) && u.Where.Contains("field"));
    }

    private sealed class LayerProbe
    {
#pragma warning disable CS0169, IDE0051 // read only by the test above, through reflection
        private NeuralNetworks.Training.TrainingOptions? options;
        private static bool UsesCheck() => NeuralNetworks.Course.Check.That("probe", true);
#pragma warning restore CS0169, IDE0051
    }

    /// <summary>The layer of a type of the library (by its namespace), or −1.</summary>
    private static int LayerOf(Type type)
    {
        while (type.IsNested) type = type.DeclaringType!;
        if (type.Assembly != Library) return -1;
        return Array.IndexOf(Layers, type.Namespace?.StartsWith("NeuralNetworks.", StringComparison.Ordinal) == true ? type.Namespace["NeuralNetworks.".Length..] : "");
    }

    /// <summary>Every type a type names: base type, interfaces, fields, properties, method signatures and method bodies.</summary>
    private static IEnumerable<(Type Type, string Where)> TypesUsedBy(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } baseType) foreach (var t in Flatten(baseType)) yield return (t, "its base type");
        foreach (var i in type.GetInterfaces()) foreach (var t in Flatten(i)) yield return (t, "an interface");
        foreach (var field in type.GetFields(all)) foreach (var t in Flatten(field.FieldType)) yield return (t, $"field {field.Name}");
        foreach (var property in type.GetProperties(all)) foreach (var t in Flatten(property.PropertyType)) yield return (t, $"property {property.Name}");
        foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            var signature = method is MethodInfo mi ? Flatten(mi.ReturnType) : [];
            foreach (var t in signature.Concat(method.GetParameters().SelectMany(p => Flatten(p.ParameterType))))
                yield return (t, $"the signature of {method.Name}");
            foreach (var t in TypesInBody(method)) yield return (t, $"the body of {method.Name}");
        }
    }

    private static IEnumerable<Type> Flatten(Type type)
    {
        if (type.HasElementType) return Flatten(type.GetElementType()!);
        if (type.IsGenericParameter) return [];
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Flatten).Prepend(type.GetGenericTypeDefinition()) : [type];
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The types named by the tokens of a method's IL (types, and the declaring types of fields and methods it uses).</summary>
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (InvalidOperationException) { il = null; }
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var opcode = OpCodesByValue[value];
            switch (opcode.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                case OperandType.InlineTok or OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField:
                    int token = BitConverter.ToInt32(il, i);
                    i += 4;
                    MemberInfo? member = null;
                    try { member = module.ResolveMember(token, typeArguments, methodArguments); }
                    catch (ArgumentException) { }
                    if (member is Type t) foreach (var f in Flatten(t)) yield return f;
                    else if (member?.DeclaringType is { } declaring) foreach (var f in Flatten(declaring)) yield return f;
                    break;
                default: i += 4; break;
            }
        }
    }

    /// <summary>What a doc comment points at: a cref="…" or a &lt;c&gt;…&lt;/c&gt;.</summary>
    [GeneratedRegex("""cref="(?<name>[^"]+)"|<c>(?<name>[^<]+)</c>""")]
    private static partial Regex DocReference();
}
