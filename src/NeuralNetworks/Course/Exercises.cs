using NeuralNetworks.Model;

namespace NeuralNetworks.Course;

/// <summary>
/// The checks of the course's build-it-yourself exercises: each runs the student's function on real digits, compares
/// it with the library's answer (<see cref="Check.Equal(string, MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Matrix{double}, double, Mistake[])"/>)
/// and names the likely mistake a wrong answer matches. One file per part of the course: Exercises.Neurons.cs (02–05),
/// Exercises.Descent.cs (06–07), Exercises.Backprop.cs (08–09), Exercises.Better.cs (10–12).
/// </summary>
public static partial class Exercises
{
    /// <summary>The course's untrained network: 784-16-16-10, sigmoid, quadratic cost, seed 1 (notebooks 05–09).</summary>
    internal static Network CourseNetwork() => Network.Create([784, 16, 16, 10], seed: 1);

    /// <summary>A layer number as a superscript: 2 → "²".</summary>
    private static string Sup(int l) => Notation.Superscript(l);
}
