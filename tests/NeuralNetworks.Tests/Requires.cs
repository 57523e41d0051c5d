using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests;

/// <summary>
/// The test categories (xunit traits "Category"). A test that needs more than the .NET SDK and a few seconds carries
/// one, so the fast subset (<see cref="FastSubsetFilter"/>) can leave it out; <see cref="Requires"/> fails a test
/// that does such work without its category.
/// </summary>
public static class Category
{
    /// <summary>Reads the real MNIST files (data/mnist): seconds to load, often minutes to train.</summary>
    public const string Mnist = "Mnist";

    /// <summary>Long-running work that needs no outside program (fuzzing, whole-course runs).</summary>
    public const string Slow = "Slow";

    /// <summary>Starts a notebook kernel: the project's runner (a child process) or the stock kernel through Jupyter.</summary>
    public const string Notebooks = "Notebooks";

    /// <summary>Starts headless Chromium.</summary>
    public const string Browser = "Browser";

    /// <summary>Runs Python peers (NumPy, PyTorch).</summary>
    public const string Peers = "Peers";

    /// <summary>Every category the fast subset leaves out.</summary>
    public static readonly string[] Heavy = [Mnist, Slow, Notebooks, Browser, Peers];

    /// <summary>The filter of the README's fast unit-test command.</summary>
    public static string FastSubsetFilter => string.Join("&", Heavy.Select(c => $"Category!={c}"));
}

/// <summary>
/// What a test needs from the machine. Where a program is missing the test is reported as skipped, with the reason
/// and the command that installs it; under CI=true it fails instead, so CI cannot pass without running it.
/// Each also fails a test that lacks the category its work belongs to (<see cref="Category"/>).
/// </summary>
internal static class Requires
{
    /// <summary>The path of headless Chromium (the test must carry <see cref="Category.Browser"/>).</summary>
    public static string Chromium()
    {
        Trait(Category.Browser, "starts Chromium");
        var found = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        return found ?? Missing("headless Chromium is not installed (sudo apt-get install -y chromium)");
    }

    /// <summary>Debian's Python 3 with the given modules, e.g. "numpy", "torch" (the test must carry <paramref name="category"/>).</summary>
    /// <returns>The python3 to run.</returns>
    public static string Python(string category, params string[] modules)
    {
        Trait(category, $"runs Python ({string.Join(", ", modules)})");
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) return Missing("python3 is not installed (sudo apt-get install -y python3 python3-numpy python3-torch)");
        var missing = modules.Where(m => !Imports(python, m)).ToArray();
        return missing.Length == 0 ? python
            : Missing($"python3 cannot import {string.Join(", ", missing)} (sudo apt-get install -y {string.Join(" ", missing.Select(m => $"python3-{m}"))})");
    }

    /// <summary>
    /// What the native build of the tool links with (NativeTool.targets): on Linux clang or gcc (the test must carry
    /// <see cref="Category.Slow"/>: publishing takes a minute or two).
    /// </summary>
    public static void NativeToolchain()
    {
        Trait(Category.Slow, "publishes the native tool");
        if (!OperatingSystem.IsLinux()) Missing("the native tool's tests run on Linux only (elsewhere it links with that system's own toolchain)");
        if (!File.Exists("/usr/bin/clang") && !File.Exists("/usr/bin/gcc"))
            Missing("no C toolchain to link the native tool (sudo apt-get install -y gcc libc6-dev)");
    }

    /// <summary>
    /// Reports the running test as skipped with <paramref name="reason"/>, or fails it under CI=true; never returns.
    /// </summary>
    [DoesNotReturn]
    public static string Missing(string reason) => Missing(reason, Environment.GetEnvironmentVariable("CI"));

    /// <summary><see cref="Missing(string)"/> with the value of CI given (for its own tests).</summary>
    [DoesNotReturn]
    public static string Missing(string reason, string? ci)
    {
        if (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail($"CI=true, and this test cannot run here: {reason}");
        Assert.Skip(reason);
        throw new UnreachableException();
    }

    /// <summary>Fails the running test unless it carries the category <paramref name="category"/>.</summary>
    /// <param name="category">The category the work belongs to.</param>
    /// <param name="work">What the test does, for the message, e.g. "starts Chromium".</param>
    public static void Trait(string category, string work)
    {
        var context = TestContext.Current;
        var traits = context.Test?.Traits ?? context.TestCase?.Traits;
        if (traits is null) return;   // not inside a test (a fixture being made, or a tool run outside xunit)
        if (traits.TryGetValue("Category", out var categories) && categories.Contains(category)) return;
        Assert.Fail($"this test {work} but has no [Trait(\"Category\", \"{category}\")], so the fast subset ({Category.FastSubsetFilter}) would run it");
    }

    /// <summary>A test that reads the bundled MNIST files must carry <see cref="Category.Mnist"/>.</summary>
    [ModuleInitializer]
    internal static void WatchMnist() =>
        Mnist.Loading += folder =>
        {
            if (Mnist.IsBundledFolder(folder)) Trait(Category.Mnist, $"reads the MNIST files in {folder}");
        };

    private static bool Imports(string python, string module)
    {
        try
        {
            var run = ChildProcess.Run(new ProcessStartInfo(python, ["-c", $"import {module}"]), TimeSpan.FromMinutes(1));
            return run.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
