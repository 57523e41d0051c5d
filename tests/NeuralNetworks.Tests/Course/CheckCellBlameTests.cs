using NeuralNetworks.Course;
using NeuralNetworks.Notebooks;

namespace NeuralNetworks.Tests.Course;

/// <summary>
/// In a notebook every cell is compiled into a class Submission#N, the check cell's too. An exception from the check
/// cell's own code (it indexes with the answer, or reads a variable an earlier failed cell never set) is not the
/// student's code failing: a student's audit (2026-12-06) got "your code threw … (in your function CostOf)" for a
/// local function of the check cell. Run in a real kernel, since only there are the cells Submission classes.
/// </summary>
[Trait("Category", Category.Notebooks)]
public sealed class CheckCellBlameTests
{
    [Fact]
    public async Task An_exception_in_the_check_cells_own_code_is_not_blamed_on_the_student_but_one_in_theirs_is()
    {
        using var kernel = new NotebookKernel();
        async Task<string> Run(string code)
        {
            var result = await kernel.RunCellAsync(code, "csharp", TimeSpan.FromMinutes(2));
            Assert.True(result.Error is null, result.Error);
            return string.Concat(result.Outputs.SelectMany(o => o?["text"]?.AsArray() ?? []).Select(t => (string?)t));
        }

        await Run($"#r \"{typeof(Check).Assembly.Location}\"\nusing NeuralNetworks.Course;\nCheck.ThrowOnFailure = false;");
        await Run("int? mostExpensive = 10000;\nFunc<double, double>? mySigmoid = z => throw new InvalidOperationException(\"not yet\");");

        var outOfRange = await Run("""
            double CostOf(int i) => new double[] { 0.6, 2.5, 1.2 }[i];
            Check.Answer("Exercise 2 (mostExpensive)", mostExpensive, i => Check.Equal("the dearest digit's cost", 2.5, CostOf(i)));
            """);
        Assert.Contains("✗ Exercise 2 (mostExpensive): the check could not use your answer (IndexOutOfRangeException: ", outOfRange);
        Assert.Contains("is it in the range the exercise asks for", outOfRange);
        Assert.DoesNotContain("in your function", outOfRange);

        var theirs = await Run("""
            Check.Answer("Build it 4 (mySigmoid)", mySigmoid, f => Check.Equal("σ(0)", 0.5, f(0)));
            """);
        Assert.Contains("✗ Build it 4 (mySigmoid): your code threw InvalidOperationException: not yet (in your code)", theirs);
    }
}
