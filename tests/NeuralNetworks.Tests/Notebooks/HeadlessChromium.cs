using System.Diagnostics;

namespace NeuralNetworks.Tests.Notebooks;

/// <summary>Headless Chromium as the browser tests run it: offline, a profile of its own, the DOM after the page ran.</summary>
internal static class HeadlessChromium
{
    /// <summary>
    /// Opens <paramref name="address"/> in <paramref name="chromium"/> with every host unresolvable (nothing can leave the
    /// machine), lets it run for <paramref name="virtualTime"/> of virtual time and returns the DOM it then has. Fails the
    /// test, naming <paramref name="name"/>, when Chromium exits with an error or takes longer than <paramref name="timeout"/>.
    /// Its profile goes into <paramref name="work"/>; <paramref name="extra"/> adds switches, e.g. a window size.
    /// </summary>
    public static string DumpDom(string chromium, string work, string address, string name, TimeSpan virtualTime, TimeSpan timeout,
        params string[] extra)
    {
        var start = new ProcessStartInfo(chromium);
        string[] args =
        [
            .. Browser.HeadlessChromium.OfflineSwitches(Path.Combine(work, "profile")),
            .. extra,
            $"--virtual-time-budget={(int)virtualTime.TotalMilliseconds}", "--dump-dom", address,
        ];
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var browser = ChildProcess.Run(start, timeout);
        Assert.False(browser.TimedOut, $"{name}: chromium did not finish within {timeout.TotalSeconds:0} s");
        Assert.True(browser.ExitCode == 0, $"{name}: chromium exited with {browser.ExitCode}: {browser.Stderr}");
        return browser.Stdout;
    }
}
