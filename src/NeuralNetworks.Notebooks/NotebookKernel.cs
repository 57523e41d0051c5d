using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace NeuralNetworks.Notebooks;

/// <summary>How one cell ended.</summary>
/// <param name="Outputs">The nbformat outputs the cell produced, in order.</param>
/// <param name="Error">The error message when the cell failed or timed out; null when it succeeded.</param>
/// <param name="TimedOut">True when the cell ran past the time limit (the kernel is then unusable).</param>
public sealed record CellResult(JsonArray Outputs, string? Error, bool TimedOut);

/// <summary>
/// An in-process .NET Interactive kernel set up as the stock Jupyter / VS Code hosts set it up:
/// a <see cref="CompositeKernel"/> holding a <see cref="CSharpKernel"/> with kernel helpers, value sharing and
/// <c>#r "nuget:"</c>, and kernel extensions loaded from each added package's
/// <c>interactive-extensions/dotnet</c> folder: assemblies with an <c>IKernelExtension</c> (that is how
/// Plotly.NET.Interactive registers its formatters) and an <c>extension.dib</c> script, run in the notebook's kernel
/// (that is how the NeuralNetworks package sets a notebook up).
/// </summary>
public sealed class NotebookKernel : IDisposable
{
    private readonly CompositeKernel _kernel;
    private readonly ConcurrentQueue<string> _packageRoots = new();
    private readonly HashSet<string> _loadedExtensionAssemblies = [];
    private readonly HashSet<string> _loadedExtensionScripts = [];
    private readonly object _gate = new();
    private JsonArray? _outputs;
    private int _executionCount;

    /// <summary>Creates a fresh kernel; formatters registered by earlier notebooks in this process are reset.</summary>
    public NotebookKernel()
    {
        Formatter.ResetToDefault();
        ChartFallbackFormatter.RegisterWhenPlotlyLoads();
        var csharp = new CSharpKernel()
            .UseKernelHelpers()
            .UseValueSharing()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            });
        _kernel = new CompositeKernel { csharp };
        _kernel.DefaultKernelName = csharp.Name;

        _kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (_packageRoots.TryDequeue(out var root))
                await LoadExtensionsAsync(Path.Combine(root, "interactive-extensions", "dotnet"), context);
        });
        _kernel.RegisterForDisposal(_kernel.KernelEvents
            .OfType<PackageAdded>()
            .Select(e => e.PackageReference.PackageRoot)
            .Where(root => !string.IsNullOrEmpty(root))
            .Distinct()
            .Subscribe(_packageRoots.Enqueue));
        _kernel.RegisterForDisposal(_kernel.KernelEvents.Subscribe(Record));
    }

    /// <summary>
    /// Runs one cell's code. Outputs are collected from <see cref="Kernel.KernelEvents"/> (a command result's own
    /// event list misses what imported code displays). Past <paramref name="timeout"/> the cell is cancelled;
    /// if the code does not stop, it is left running and the result says <see cref="CellResult.TimedOut"/>.
    /// </summary>
    public async Task<CellResult> RunCellAsync(string code, string kernelName, TimeSpan timeout)
    {
        var outputs = new JsonArray();
        var executionCount = ++_executionCount;
        lock (_gate) _outputs = outputs;
        try
        {
            var submit = new SubmitCode(code, kernelName);
            var run = _kernel.SendAsync(submit);
            if (await Task.WhenAny(run, Task.Delay(timeout)) != run)
            {
                // Cooperative cancellation first; a busy loop ignores it, and then the kernel is abandoned.
                _ = _kernel.SendAsync(new Cancel());
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(2)));
                var message = $"Cell ran past its time limit of {timeout.TotalSeconds:0.#} s (--timeout) and was stopped.";
                lock (_gate) outputs.Add(ErrorOutput("TimeoutException", message, [message]));
                return new CellResult(outputs, message, TimedOut: true);
            }

            if (run.Exception?.GetBaseException() is { } crash)
            {
                lock (_gate) outputs.Add(ErrorOutput(crash.GetType().Name, crash.Message, crash.ToString().Split('\n')));
                return new CellResult(outputs, crash.Message, false);
            }

            var failed = run.Result.Events.OfType<CommandFailed>().LastOrDefault();
            lock (_gate)
            {
                foreach (var result in outputs.OfType<JsonObject>().Where(o => (string?)o["output_type"] == "execute_result"))
                    result["execution_count"] = executionCount;
                if (failed is null) return new CellResult(outputs, null, false);
                // A compile error's stack trace only shows the kernel's insides: the diagnostics say it all.
                var (ename, traceback) = failed.Exception switch
                {
                    CodeSubmissionCompilationErrorException e => (e.GetType().Name, e.Message.Split('\n')),
                    { } e => (e.GetType().Name, e.ToString().Split('\n')),
                    null => ("Error", failed.Message.Split('\n')),
                };
                outputs.Add(ErrorOutput(ename, failed.Exception?.Message ?? failed.Message, traceback));
                return new CellResult(outputs, failed.Message, false);
            }
        }
        finally
        {
            lock (_gate) _outputs = null;
        }
    }

    /// <summary>The execution count the last cell got (Jupyter's <c>In [n]</c>).</summary>
    public int ExecutionCount => _executionCount;

    /// <summary>Disposes the kernel (do not call for a kernel abandoned after a time-out).</summary>
    public void Dispose() => _kernel.Dispose();

    private void Record(KernelEvent e)
    {
        lock (_gate)
        {
            if (_outputs is not { } outputs) return;
            switch (e)
            {
                case StandardOutputValueProduced o:
                    AppendStream(outputs, "stdout", PlainText(o));
                    break;
                case StandardErrorValueProduced o:
                    AppendStream(outputs, "stderr", PlainText(o));
                    break;
                case ErrorProduced o:
                    // Reported without failing the command (e.g. an extension that would not load): show it.
                    AppendStream(outputs, "stderr", o.Message + "\n");
                    break;
                case DisplayedValueUpdated o when FindDisplay(outputs, o.ValueId) is { } shown:
                    shown["data"] = MimeBundle(o);
                    break;
                case ReturnValueProduced o when MimeBundle(o).Count > 0:
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result",
                        ["data"] = MimeBundle(o),
                        ["metadata"] = new JsonObject(),
                        ["execution_count"] = null,
                    });
                    break;
                case DisplayedValueProduced or DisplayedValueUpdated when e is DisplayEvent o && MimeBundle(o).Count > 0:
                    var display = new JsonObject
                    {
                        ["output_type"] = "display_data",
                        ["data"] = MimeBundle(o),
                        ["metadata"] = new JsonObject(),
                    };
                    if (o.ValueId is { } id) _displayIds.AddOrUpdate(display, id);
                    outputs.Add(display);
                    break;
            }
        }
    }

    // Display ids are kept out of the saved JSON (nbformat keeps them in "transient", which is not written).
    // An update whose id matches no earlier display (the C# helper's display(...).Update(...) in this kernel
    // version publishes a different id than its display: docs/notebook-runner.md) is appended as a new display_data.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonObject, string> _displayIds = new();

    private JsonObject? FindDisplay(JsonArray outputs, string? valueId) => valueId is null
        ? null
        : outputs.OfType<JsonObject>().LastOrDefault(o => _displayIds.TryGetValue(o, out var id) && id == valueId);

    private static JsonObject MimeBundle(DisplayEvent e)
    {
        var bundle = new JsonObject();
        foreach (var value in e.FormattedValues.Where(v => !v.SuppressDisplay))
        {
            bundle[value.MimeType] = value.MimeType.EndsWith("json", StringComparison.Ordinal)
                && TryParseJson(value.Value) is { } json
                    ? json
                    : NotebookFile.Lines(value.Value);
        }
        return bundle;
    }

    private static JsonNode? TryParseJson(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string PlainText(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value
        ?? e.FormattedValues.FirstOrDefault()?.Value
        ?? "";

    private static void AppendStream(JsonArray outputs, string name, string text)
    {
        if (text.Length == 0) return;
        if (outputs.Count > 0 && outputs[^1] is JsonObject last
            && (string?)last["output_type"] == "stream" && (string?)last["name"] == name && last["text"] is JsonArray lines)
        {
            // The new lines are added to the stream's (the first joins an unfinished last line): the same lines as splitting
            // the whole text again, without doing so on every write (a hostile user's audit, 2026-12-06: a cell printing 20 MB
            // line by line did not end in 600 s).
            var added = NotebookFile.Lines(text).Select(l => (string)l!).ToList();
            if (lines.Count > 0 && (string?)lines[^1] is { } unfinished && !unfinished.EndsWith('\n'))
            {
                lines[^1] = unfinished + added[0];
                added.RemoveAt(0);
            }
            foreach (var line in added) lines.Add(line);
            return;
        }
        outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = NotebookFile.Lines(text) });
    }

    private static JsonObject ErrorOutput(string ename, string evalue, IEnumerable<string> traceback) => new()
    {
        ["output_type"] = "error",
        ["ename"] = ename,
        ["evalue"] = evalue,
        ["traceback"] = new JsonArray(traceback.Select(line => (JsonNode?)line.TrimEnd('\r')).ToArray()),
    };

    // What the stock hosts do after a package is added: load every assembly in the package's
    // interactive-extensions/dotnet folder and call each IKernelExtension's OnLoadAsync, then run its
    // extension.dib script in the notebook's kernel (the NeuralNetworks package's setup is such a script).
    private async Task LoadExtensionsAsync(string directory, KernelInvocationContext context)
    {
        if (!Directory.Exists(directory)) return;
        await LoadAssemblyExtensionsAsync(directory, context);
        var script = Path.Combine(directory, "extension.dib");
        if (!File.Exists(script) || !_loadedExtensionScripts.Add(Path.GetFullPath(script))) return;
        KernelInvocationContextExtensions.Display(context, $"Loading extension script from {script}", "text/plain");
        await _kernel.LoadAndRunInteractiveDocument(new FileInfo(script));
    }

    private async Task LoadAssemblyExtensionsAsync(string directory, KernelInvocationContext context)
    {
        foreach (var dll in Directory.GetFiles(directory, "*.dll").Order(StringComparer.Ordinal))
        {
            if (!_loadedExtensionAssemblies.Add(AssemblyName.GetAssemblyName(dll).FullName)) continue;
            var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(dll);
            var extensionTypes = assembly.GetExportedTypes()
                .Where(t => t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }
                            && typeof(IKernelExtension).IsAssignableFrom(t));
            foreach (var type in extensionTypes)
            {
                try
                {
                    var extension = (IKernelExtension)Activator.CreateInstance(type)!;
                    await extension.OnLoadAsync(_kernel);
                    context.Publish(new KernelExtensionLoaded(extension, context.Command));
                }
                catch (Exception e)
                {
                    context.Publish(new ErrorProduced($"Failed to load kernel extension {type.Name} from {dll}: {e.Message}", context.Command));
                    context.Fail(context.Command, new KernelExtensionLoadException(e));
                }
            }
        }
    }
}
