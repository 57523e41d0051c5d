using MathNet.Numerics.LinearAlgebra;

namespace NeuralNetworks.Course;

/// <summary>
/// A mistake students make at one step, and what that step would give if they had made it. A check that is handed
/// likely mistakes (<see cref="Check.Equal(string, Matrix{double}, Matrix{double}, double, Mistake[])"/>) names the one
/// a wrong answer matches, e.g. "σ′ left out of BP1: δᴸ = aᴸ − y is BP1 without its factor σ′(zᴸ)".
/// </summary>
/// <param name="Name">The mistake in a few words, e.g. "σ′ applied to a instead of z".</param>
/// <param name="Explanation">What it means and how to put it right.</param>
/// <param name="WouldGive">What the step gives with this mistake, computed from the library's right intermediates. It may
/// throw (a mistake whose shapes cannot chain here): it is then not considered.</param>
public sealed record Mistake(string Name, string Explanation, Func<Matrix<double>> WouldGive)
{
    /// <summary>A mistake whose result is a vector.</summary>
    public static Mistake Vector(string name, string explanation, Func<Vector<double>> wouldGive)
    {
        ArgumentNullException.ThrowIfNull(wouldGive);
        return new(name, explanation, () => wouldGive().ToColumnMatrix());
    }

    /// <summary>A mistake whose result is one number (a 1 × 1 matrix).</summary>
    public static Mistake Number(string name, string explanation, Func<double> wouldGive)
    {
        ArgumentNullException.ThrowIfNull(wouldGive);
        return new(name, explanation, () => Matrix<double>.Build.Dense(1, 1, wouldGive()));
    }
}
