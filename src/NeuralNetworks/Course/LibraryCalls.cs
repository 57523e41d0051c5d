using System.Reflection;
using System.Reflection.Emit;

namespace NeuralNetworks.Course;

/// <summary>
/// Which of the library's methods a student's function calls: its compiled code (IL) read call by call, and, through the
/// calls into the notebook's own code (its lambdas, local functions and the methods of earlier cells), theirs. A student's
/// audit (H2) wrapped the library's answer in a lambda, <c>(a, y) =&gt; Cost.Quadratic.Of(a, y)</c>, and passed every
/// check; a build-it now names the library's methods that compute what it asks for, and an answer that calls one fails.
/// </summary>
/// <remarks>Only reading, never running: the answer's code is not called here. Code the runtime cannot show (a dynamic
/// method, a native one) is passed over, so this can miss a call, never invent one.</remarks>
internal static class LibraryCalls
{
    /// <summary>The most methods of the notebook's own code followed from one answer.</summary>
    private const int MostMethods = 500;

    private static readonly Assembly Library = typeof(LibraryCalls).Assembly;

    /// <summary>Every opcode by its value (two-byte ones by 0xFE00 + second byte).</summary>
    private static readonly Dictionary<int, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Size == 1 ? o.Value & 0xFF : 0xFE00 | (o.Value & 0xFF));

    /// <summary>
    /// The first of <paramref name="forbidden"/> (the library's methods, by their base definition, so that
    /// <c>Cost.Quadratic.Of</c> is <c>Cost.Of</c>) that <paramref name="answer"/> calls, directly or through the
    /// notebook's own code; null when it calls none of them.
    /// </summary>
    public static MethodBase? FirstOf(Delegate answer, IReadOnlyCollection<MethodBase> forbidden)
    {
        var start = answer.Method;
        if (start.Module.Assembly == Library) return forbidden.FirstOrDefault(f => SameMethod(f, start));
        var own = start.Module.Assembly;
        var seen = new HashSet<MethodBase> { start };
        var next = new Queue<(MethodBase Method, object? Target)>([(start, answer.Target)]);
        while (next.Count > 0 && seen.Count <= MostMethods)
        {
            var (method, target) = next.Dequeue();
            foreach (var (called, calledTarget) in Calls(method, target))
            {
                var assembly = called.Module.Assembly;
                if (assembly == Library)
                {
                    if (forbidden.FirstOrDefault(f => SameMethod(f, called)) is { } hit) return hit;
                }
                else if (IsNotebookCode(assembly, own) && seen.Add(called))
                    next.Enqueue((called, calledTarget));
            }
        }
        return null;
    }

    /// <summary>The library's methods of <paramref name="type"/> named <paramref name="names"/> (every overload), for <see cref="FirstOf"/>.</summary>
    public static IEnumerable<MethodBase> Named(Type type, params string[] names)
    {
        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            .Where(m => names.Contains(m.Name)).ToList();
        var missing = names.Where(n => methods.All(m => m.Name != n)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"{type.Name} has no public method {string.Join(" or ", missing)}", nameof(names));
        return methods;
    }

    /// <summary>"Cost.Of": how a ✗ names a method.</summary>
    public static string NameOf(MethodBase method) =>
        $"{method.DeclaringType?.Name}.{(method.IsSpecialName && method.Name.StartsWith("get_", StringComparison.Ordinal) ? method.Name[4..] : method.Name)}";

    /// <summary>
    /// Code a student wrote: the answer's own assembly, or another loaded from memory (each notebook cell is compiled into
    /// an assembly of its own, without a file), but not the library, the runtime or a package.
    /// </summary>
    private static bool IsNotebookCode(Assembly assembly, Assembly own) =>
        assembly == own || (!assembly.IsDynamic && assembly.Location.Length == 0 && assembly != Library);

    private static bool SameMethod(MethodBase forbidden, MethodBase called)
    {
        var method = called is MethodInfo info ? info.GetBaseDefinition() : called;
        if (method is MethodInfo { IsGenericMethod: true } generic) method = generic.GetGenericMethodDefinition();
        return method.Module == forbidden.Module && method.MetadataToken == forbidden.MetadataToken;
    }

    /// <summary>
    /// The methods <paramref name="method"/>'s IL calls, creates or takes a delegate to, and the methods of the delegates it
    /// reads from fields of <paramref name="target"/>, the object it runs on (a variable of the cell or of the enclosing
    /// function: <c>var f = Cost.Quadratic.Of; myCost = (a, y) =&gt; f(a, y);</c>), each with the object it would run on
    /// where known; none when it has no IL to read. Fields are read, never code run (no static field, whose first read
    /// could run the notebook's code).
    /// </summary>
    private static List<(MethodBase Method, object? Target)> Calls(MethodBase method, object? target)
    {
        var found = new List<(MethodBase, object?)>();
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or MethodAccessException) { il = null; }
        if (il is null) return found;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int at = 0; at < il.Length;)
        {
            int value = il[at++];
            if (value == 0xFE && at < il.Length) value = 0xFE00 | il[at++];
            if (!OpCodesByValue.TryGetValue(value, out var op)) break;   // not IL as this reader knows it: stop, never guess
            int operand = at;
            at += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * (at + 4 <= il.Length ? BitConverter.ToInt32(il, at) : 0),
                _ => 4,
            };
            if (operand + 4 > il.Length) continue;
            try
            {
                if (op.OperandType == OperandType.InlineMethod)
                {
                    if (method.Module.ResolveMethod(BitConverter.ToInt32(il, operand), typeArguments, methodArguments) is { } called)
                        found.Add((called, null));
                }
                else if (op.OperandType == OperandType.InlineField && target is not null
                         && method.Module.ResolveField(BitConverter.ToInt32(il, operand), typeArguments, methodArguments) is
                             { IsStatic: false } field
                         && typeof(Delegate).IsAssignableFrom(field.FieldType) && field.DeclaringType?.IsInstanceOfType(target) == true
                         && field.GetValue(target) is Delegate read)
                    found.AddRange(read.GetInvocationList().Select(d => ((MethodBase)d.Method, d.Target)));
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException or MissingMethodException
                                          or MissingFieldException or FieldAccessException) { }
        }
        return found;
    }
}
