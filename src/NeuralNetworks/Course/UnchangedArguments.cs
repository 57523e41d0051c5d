using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Model;

namespace NeuralNetworks.Course;

/// <summary>
/// A function the student builds returns a new value and leaves what it was given as it was. The checks could not see
/// otherwise — they call it on copies of their data — but the notebook's later cells call it on the notebook's own
/// variables (its digits, its forward pass, its network's weights), and a function that writes into its arguments
/// (<c>a.Subtract(y, a)</c>, <c>pass[l].Z.MapInplace(…)</c>, <c>w[k] *= a[k]</c>) would change them under those cells:
/// a ✓ here, then a ✗ in a cell the student did not write. So each build-it check calls the student's function through
/// <see cref="Guard{T1, TResult}"/>: every vector, matrix and byte array it is given (and every matrix of a forward pass
/// or a network) is copied before the call and compared after it, and a change is a ✗ that names the argument, the entry
/// and both values — once per check, however many calls change something.
/// </summary>
internal static class UnchangedArguments
{
    /// <summary><paramref name="yours"/>, checked after each call for changes to its argument.</summary>
    public static Func<T1, TResult> Guard<T1, TResult>(Func<T1, TResult> yours, string function, string p1)
    {
        var told = new Told();
        return x1 => Call(told, function, () => yours(x1), (p1, x1));
    }

    /// <summary><paramref name="yours"/>, checked after each call for changes to its arguments.</summary>
    public static Func<T1, T2, TResult> Guard<T1, T2, TResult>(Func<T1, T2, TResult> yours, string function, string p1, string p2)
    {
        var told = new Told();
        return (x1, x2) => Call(told, function, () => yours(x1, x2), (p1, x1), (p2, x2));
    }

    /// <summary><paramref name="yours"/>, checked after each call for changes to its arguments.</summary>
    public static Func<T1, T2, T3, TResult> Guard<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> yours, string function, string p1, string p2, string p3)
    {
        var told = new Told();
        return (x1, x2, x3) => Call(told, function, () => yours(x1, x2, x3), (p1, x1), (p2, x2), (p3, x3));
    }

    /// <summary>Whether a guarded function's ✗ was printed already: when a ✗ does not throw (ThrowOnFailure off), one is enough.</summary>
    private sealed class Told
    {
        public bool Already;
    }

    private static TResult Call<TResult>(Told told, string function, Func<TResult> call, params (string Name, object? Value)[] arguments)
    {
        if (told.Already) return call();
        var before = arguments.Select(a => Numbers(a.Name, a.Value)).ToArray();
        var result = call();
        for (int i = 0; i < arguments.Length; i++)
        {
            foreach (var (name, copy, now) in before[i].Zip(Numbers(arguments[i].Name, arguments[i].Value), (b, n) => (b.Name, b.Values, n.Values)))
            {
                if (FirstChange(copy, now) is not { } at) continue;
                string entry = copy.ColumnCount == 1 ? $"[{at.Row}]" : $"[{at.Row}, {at.Column}]";
                told.Already = true;
                Check.Fail($"{function} leaves its arguments as they were",
                    $"your {function} changed its argument {arguments[i].Name}: {name}{entry} went from {Check.Number(copy[at.Row, at.Column])} " +
                    $"to {Check.Number(now[at.Row, at.Column])}. " +
                    (arguments[i].Value is byte[]
                        ? "The notebook hands your function the file's own bytes, and the next read of them would get the changed ones: read " +
                          "them without writing (Array.Reverse(bytes, …) and bytes[k] = … write into the array; shifts of bytes[k] do not)"
                        : "The notebook hands your function its own data, and its later cells would get the changed values: compute into a " +
                          "new vector or matrix instead (a − y and W * a make new ones; a.Subtract(y, a), MapInplace and x[k] = … write into x)"));
                return result;
            }
        }
        return result;
    }

    /// <summary>The matrices an argument holds, each named and copied: a vector or a byte array as one column, a forward
    /// pass's every input, W, b, z and a, a network's weights and biases. Nothing for other values.</summary>
    private static List<(string Name, Matrix<double> Values)> Numbers(string name, object? value) => value switch
    {
        Vector<double> v => [(name, v.ToColumnMatrix())],
        byte[] bytes => [(name, Matrix<double>.Build.Dense(bytes.Length, 1, (i, _) => bytes[i]))],
        Matrix<double> m => [(name, m.Clone())],
        ForwardPass pass => pass.Layers.SelectMany(l => new (string, Matrix<double>)[]
        {
            ($"{name}[{l.Layer}].Input", l.Input.Clone()), ($"{name}[{l.Layer}].W", l.W.Clone()), ($"{name}[{l.Layer}].b", l.b.ToColumnMatrix()),
            ($"{name}[{l.Layer}].Z", l.Z.Clone()), ($"{name}[{l.Layer}].A", l.A.Clone()),
        }).ToList(),
        Network network => Enumerable.Range(1, network.LayerCount).SelectMany(l => new (string, Matrix<double>)[]
        {
            ($"{name}.W({l})", network.W(l).Clone()), ($"{name}.b({l})", network.b(l).ToColumnMatrix()),
        }).ToList(),
        _ => [],
    };

    private static (int Row, int Column)? FirstChange(Matrix<double> before, Matrix<double> after)
    {
        for (int j = 0; j < before.ColumnCount; j++)
            for (int i = 0; i < before.RowCount; i++)
                if (!before[i, j].Equals(after[i, j])) return (i, j);
        return null;
    }
}
