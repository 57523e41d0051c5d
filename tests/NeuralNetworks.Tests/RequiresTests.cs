namespace NeuralNetworks.Tests;

/// <summary>How a test behaves where what it needs is missing: reported as skipped with the reason, or failed on CI.</summary>
public sealed class RequiresTests
{
    [Fact]
    public void Under_CI_a_missing_program_fails_the_test()
    {
        var failure = Assert.ThrowsAny<Exception>(() => Requires.Missing("jupyter is not on PATH", ci: "true"));
        Assert.Contains("CI=true, and this test cannot run here: jupyter is not on PATH", failure.Message);
    }

    [Fact]
    public void A_test_that_starts_a_browser_without_its_category_fails()
    {
        var failure = Assert.ThrowsAny<Exception>(Requires.Chromium);
        Assert.Contains("starts Chromium but has no [Trait(\"Category\", \"Browser\")]", failure.Message);
    }

    [Fact]
    public void A_test_that_reads_the_MNIST_files_without_its_category_fails()
    {
        var failure = Assert.ThrowsAny<Exception>(() => NeuralNetworks.Data.Mnist.LoadTest());
        Assert.Contains("reads the MNIST files", failure.Message);
        Assert.Contains("[Trait(\"Category\", \"Mnist\")]", failure.Message);
    }

    [Fact]
    [Trait("Category", Category.Browser)]
    public void A_test_with_its_category_gets_past_the_check() =>
        Requires.Trait(Category.Browser, "starts Chromium");

    [Fact]
    public void The_READMEs_fast_subset_leaves_out_every_heavy_category()
    {
        var readme = File.ReadAllText(Path.Combine(Setup.NotebookFiles.Root, "README.md"));
        Assert.Contains($"--filter \"{Category.FastSubsetFilter}\"", readme);
    }
}
