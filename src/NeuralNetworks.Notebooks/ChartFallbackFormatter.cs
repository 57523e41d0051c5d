using System.Reflection;
using Microsoft.DotNet.Interactive.Formatting;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// Shows a Plotly.NET chart as a chart (<c>GenericChart.toChartHTML</c>: a div and the script that draws it)
/// when nothing better is registered, instead of .NET Interactive's tree of the chart's properties.
/// It is registered as soon as Plotly.NET loads, so any formatter registered later — Plotly.NET.Interactive's
/// kernel extension, or the notebooks' own offline formatter — takes precedence over it.
/// </summary>
public static class ChartFallbackFormatter
{
    /// <summary>Registers the fallback now if Plotly.NET is loaded, otherwise as soon as it is.</summary>
    public static void RegisterWhenPlotlyLoads()
    {
        AppDomain.CurrentDomain.AssemblyLoad -= OnAssemblyLoad;
        AppDomain.CurrentDomain.AssemblyLoad += OnAssemblyLoad;
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()) TryRegister(assembly);
    }

    private static void OnAssemblyLoad(object? sender, AssemblyLoadEventArgs e) => TryRegister(e.LoadedAssembly);

    private static void TryRegister(Assembly assembly)
    {
        if (assembly.GetName().Name != "Plotly.NET") return;
        var toChartHtml = assembly.GetType("Plotly.NET.GenericChart")?.GetMethod("toChartHTML", BindingFlags.Public | BindingFlags.Static);
        if (toChartHtml?.GetParameters() is not [{ } chart]) return;
        Formatter.Register(
            chart.ParameterType,
            (chart, writer) => writer.Write((string)toChartHtml.Invoke(null, [chart])!),
            HtmlFormatter.MimeType);
    }
}
