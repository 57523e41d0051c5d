namespace NeuralNetworks.Tests.Setup;

/// <summary>What "a chart that draws without internet" means in every test that looks at chart HTML.</summary>
internal static class OfflineChart
{
    /// <summary>The HTML draws a Plotly chart with the page's own plotly.js: a newPlot call, and no script
    /// fetched from anywhere (no script src, no CDN, no require.js loader).</summary>
    public static void AssertDrawsOffline(string html)
    {
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("cdn.plot.ly", html);
        Assert.DoesNotContain("require(", html);
        Assert.DoesNotContain("require.config", html);
        Assert.DoesNotContain("requirejs", html);
    }
}
