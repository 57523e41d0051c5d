using System.Reflection;
using MathNet.Numerics.LinearAlgebra;
using NeuralNetworks.Course;
using NeuralNetworks.Model;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// <see cref="LibraryCalls"/>: which of the library's methods a function calls, read from its compiled code — through its
/// own lambdas and methods, never by running it (a student's audit, H2: <c>(a, y) =&gt; Cost.Quadratic.Of(a, y)</c> passed
/// every check of 06's build-it). The same in a real notebook kernel: Course/WrongAnswers (04, 05, 06, 08, 11).
/// </summary>
public sealed class LibraryCallsTests
{
    private static readonly MethodBase[] CostOf = [.. LibraryCalls.Named(typeof(Cost), nameof(Cost.Of), nameof(Cost.Value))];
    private static readonly MethodBase[] SigmaPrime = [.. LibraryCalls.Named(typeof(Activation), nameof(Activation.Derivative))];

    private static string? Called(Delegate answer, MethodBase[] forbidden) =>
        LibraryCalls.FirstOf(answer, forbidden) is { } method ? LibraryCalls.NameOf(method) : null;

    private static double Helper(Vector<double> a, Vector<double> y) => Cost.Quadratic.Of(a, y);

    private static double Written(Vector<double> a, Vector<double> y) => 0.5 * (a - y).DotProduct(a - y);

    [Fact]
    public void A_lambda_that_wraps_the_librarys_cost_calls_it()
    {
        Func<Vector<double>, Vector<double>, double> wrapped = (a, y) => Cost.Quadratic.Of(a, y);
        Assert.Equal("Cost.Of", Called(wrapped, CostOf));   // callvirt on the base method: Quadratic's override is Cost.Of
    }

    [Fact]
    public void So_does_one_that_converts_its_arguments_first_as_the_audit_did()
    {
        Func<Vector<double>, Vector<double>, double> converted = (a, y) => Cost.Quadratic.Value(a.ToColumnMatrix(), y.ToColumnMatrix());
        Assert.Equal("Cost.Value", Called(converted, CostOf));
    }

    [Fact]
    public void The_call_is_found_through_a_method_of_ones_own_and_through_a_lambda_inside_a_lambda()
    {
        Func<Vector<double>, Vector<double>, double> viaMethod = (a, y) => Helper(a, y);
        Func<Vector<double>, Vector<double>, double> methodGroup = Helper;
        Func<Vector<double>, Vector<double>, double> nested = (a, y) => Enumerable.Range(0, 1).Sum(_ => Cost.Quadratic.Of(a, y));
        double Local(Vector<double> a, Vector<double> y) => Cost.CrossEntropy.Of(a, y);
        Func<Vector<double>, Vector<double>, double> viaLocal = Local;

        Assert.Equal("Cost.Of", Called(viaMethod, CostOf));
        Assert.Equal("Cost.Of", Called(methodGroup, CostOf));
        Assert.Equal("Cost.Of", Called(nested, CostOf));
        Assert.Equal("Cost.Of", Called(viaLocal, CostOf));
    }

    [Fact]
    public void A_function_written_out_calls_none_even_when_it_uses_the_library_elsewhere()
    {
        Func<Vector<double>, Vector<double>, double> written = Written;
        Func<Vector<double>, Vector<double>, double> loop = (a, y) =>
        {
            double sum = 0;
            for (int j = 0; j < a.Count; j++) sum += (a[j] - y[j]) * (a[j] - y[j]);
            return sum / 2;
        };
        // σ′ from the library's σ is the lesson of 04's build-it 5: only σ′ itself is the library's answer there.
        Func<double, double> sigmaPrime = z => Activation.Sigmoid.Apply(z) * (1 - Activation.Sigmoid.Apply(z));

        Assert.Null(Called(written, CostOf));
        Assert.Null(Called(loop, CostOf));
        Assert.Null(Called(sigmaPrime, SigmaPrime));
        Assert.Equal("Activation.Derivative", Called((Func<double, double>)(z => Activation.Sigmoid.Derivative(z)), SigmaPrime));
    }

    [Fact]
    public void A_delegate_held_in_a_variable_and_called_is_followed_to_what_it_calls()
    {
        // The ✗ names Cost.Of; the next try holds it in a variable first (in a notebook: a variable of the cell).
        Func<Vector<double>, Vector<double>, double> library = Cost.Quadratic.Of;
        Func<Vector<double>, Vector<double>, double> wrapped = (a, y) => Cost.Quadratic.Of(a, y);
        double half = 0.5;
        Func<Vector<double>, Vector<double>, double> viaVariable = (a, y) => library(a, y);
        Func<Vector<double>, Vector<double>, double> viaOwnDelegate = (a, y) => wrapped(a, y);
        Func<Vector<double>, Vector<double>, double> readsOnlyHalf = (a, y) => half * (a - y).DotProduct(a - y);   // same captures, not read

        Assert.Equal("Cost.Of", Called(viaVariable, CostOf));
        Assert.Equal("Cost.Of", Called(viaOwnDelegate, CostOf));
        Assert.Null(Called(readsOnlyHalf, CostOf));
    }

    [Fact]
    public void The_librarys_method_handed_in_as_it_is_is_the_call()
    {
        Func<Vector<double>, Vector<double>, double> handedIn = Cost.Quadratic.Of;
        Assert.Equal("Cost.Of", Called(handedIn, CostOf));
        Assert.Null(Called(handedIn, SigmaPrime));
    }

    [Fact]
    public void Recursion_ends_and_a_property_reads_as_its_name()
    {
        Func<int, int>? countdown = null;
        countdown = n => n <= 0 ? 0 : countdown!(n - 1);
        Assert.Null(Called(countdown, CostOf));

        var count = LibraryCalls.Named(typeof(Network), "get_" + nameof(Network.ParameterCount)).ToArray();
        Func<int[], int> parameters = sizes => Network.Create(sizes).ParameterCount;
        Assert.Equal("Network.ParameterCount", Called(parameters, count));
    }

    [Fact]
    public void A_name_the_type_does_not_have_is_a_mistake_of_the_course_said_at_once() =>
        Assert.Contains("Cost has no public method Off",
            Assert.Throws<ArgumentException>(() => LibraryCalls.Named(typeof(Cost), "Of", "Off").ToList()).Message);
}
