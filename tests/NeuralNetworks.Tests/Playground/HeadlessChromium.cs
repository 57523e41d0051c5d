using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Tests.Browser;

/// <summary>
/// Debian's headless Chromium driven through the DevTools protocol (JSON messages over a WebSocket), with every host
/// name unresolvable so nothing leaves the machine: open a page, run JavaScript in it, move the mouse (which fires
/// pointer events). Small on purpose: no browser automation package needed.
/// </summary>
internal sealed partial class HeadlessChromium : IDisposable
{
    private readonly Process browser;
    private readonly ClientWebSocket socket = new();
    private readonly string profile;
    private int nextId;

    /// <summary>
    /// The switches every browser test starts Chromium with: headless, a profile of its own in <paramref name="profile"/>,
    /// no background traffic, and every host name unresolvable, so that nothing can leave the machine.
    /// </summary>
    public static string[] OfflineSwitches(string profile) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND", $"--user-data-dir={profile}",
    ];

    private HeadlessChromium(string executable, int width, int height)
    {
        profile = Path.Combine(Path.GetTempPath(), "nn-chromium-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[.. OfflineSwitches(profile), $"--window-size={width},{height}", "--remote-debugging-port=0", "about:blank"])
            start.ArgumentList.Add(arg);
        browser = Process.Start(start)!;
        try
        {
            Connect();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Connect()
    {
        browser.StandardOutput.ReadToEndAsync();

        // Chromium prints "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/…" when it is ready.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? line;
        int port = 0;
        while ((line = browser.StandardError.ReadLine()) is not null && DateTime.UtcNow < deadline)
        {
            if (Listening().Match(line) is { Success: true } m)
            {
                port = int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            }
        }
        if (port == 0) throw new InvalidOperationException("chromium did not open its DevTools port");
        browser.StandardError.ReadToEndAsync();

        // Under a loaded CI machine a fresh Chromium has once left this request unanswered for 100 s; a short timeout
        // lets Open start another browser instead.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        var targets = JsonNode.Parse(http.GetStringAsync($"http://127.0.0.1:{port}/json/list").GetAwaiter().GetResult())!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// A browser connected over DevTools; a browser that does not answer in time is killed and another started, up to
    /// three in all (the last failure is thrown).
    /// </summary>
    private static HeadlessChromium Launch(string executable, int width, int height)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new HeadlessChromium(executable, width, height);
            }
            catch (Exception e) when (attempt < 3 && e is TimeoutException or TaskCanceledException or HttpRequestException
                                          or WebSocketException or InvalidOperationException)
            {
                Console.Error.WriteLine($"chromium attempt {attempt} failed ({e.GetType().Name}: {e.Message}); starting another");
            }
        }
    }

    /// <summary>Opens <paramref name="path"/> and waits until <paramref name="readyExpression"/> is true in it.</summary>
    public static HeadlessChromium Open(string path, string readyExpression, int width = 1250, int height = 1000)
    {
        var chromium = Launch(Requires.Chromium(), width, height);
        try
        {
            chromium.Send("Page.enable");
            chromium.Send("Page.addScriptToEvaluateOnNewDocument", new JsonObject
            {
                ["source"] = "window.__errors = []; window.addEventListener('error', function (e) { window.__errors.push(String(e.message)); });",
            });
            chromium.Send("Page.navigate", new JsonObject { ["url"] = new Uri(Path.GetFullPath(path)).AbsoluteUri });
            chromium.WaitFor(readyExpression, TimeSpan.FromSeconds(60));
            return chromium;
        }
        catch
        {
            chromium.Dispose();
            throw;
        }
    }

    /// <summary>The value of a JavaScript expression (promises awaited), as JSON.</summary>
    public JsonNode? Evaluate(string expression)
    {
        var result = Send("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["awaitPromise"] = true,
        });
        if (result["exceptionDetails"] is { } error)
            throw new InvalidOperationException($"JavaScript failed: {error["exception"]?["description"] ?? error["text"]}");
        return result["result"]?["value"]?.DeepClone();
    }

    /// <summary>A JavaScript expression's value as an array of doubles.</summary>
    public double[] Numbers(string expression) => Evaluate(expression)!.AsArray().Select(n => (double)n!).ToArray();

    /// <summary>Waits until an expression is true.</summary>
    public void WaitFor(string expression, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (Evaluate($"!!({expression})") is JsonValue v && v.GetValue<bool>()) return;
            }
            catch (InvalidOperationException)
            {
                // the page is still loading
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"the page did not get to: {expression}");
    }

    /// <summary>A stroke with the left mouse button through <paramref name="points"/> (CSS pixels of the viewport).</summary>
    public void Stroke(IReadOnlyList<(double X, double Y)> points)
    {
        void Mouse(string type, (double X, double Y) p, int buttons) => Send("Input.dispatchMouseEvent", new JsonObject
        {
            ["type"] = type,
            ["x"] = p.X,
            ["y"] = p.Y,
            ["button"] = "left",
            ["buttons"] = buttons,
            ["clickCount"] = 1,
            ["pointerType"] = "mouse",
        });
        Mouse("mouseMoved", points[0], 0);
        Mouse("mousePressed", points[0], 1);
        foreach (var p in points.Skip(1)) Mouse("mouseMoved", p, 1);
        Mouse("mouseReleased", points[^1], 0);
    }

    /// <summary>Uncaught JavaScript errors since the page opened.</summary>
    public string[] Errors() => Evaluate("window.__errors")!.AsArray().Select(e => (string)e!).ToArray();

    private JsonObject Send(string method, JsonObject? parameters = null)
    {
        int id = ++nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None)
            .GetAwaiter().GetResult();
        var buffer = new byte[1 << 16];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = socket.ReceiveAsync(buffer, timeout.Token).GetAwaiter().GetResult();
                text.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);
            var reply = JsonNode.Parse(text.ToArray())!.AsObject();
            if ((int?)reply["id"] != id) continue; // an event, or an answer to something else
            if (reply["error"] is { } error) throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"]?.AsObject() ?? [];
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        try
        {
            if (!browser.HasExited) browser.Kill(entireProcessTree: true);
            browser.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        browser.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still hold a file for a moment; the temp folder is cleaned eventually
        }
    }

    [GeneratedRegex(@"DevTools listening on ws://[^:]+:(?<port>\d+)/")]
    private static partial Regex Listening();
}
