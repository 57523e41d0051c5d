using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NeuralNetworks.Tests.Notebooks;
using NeuralNetworks.Model;
using NeuralNetworks.Data;

namespace NeuralNetworks.Tests.Browser;

/// <summary>
/// The playground page that <c>notebooks run</c> exports, opened in headless Chromium with no network: its JavaScript
/// forward pass, preprocessing and input gradient give the library's numbers, and drawing on it changes its answer.
/// Without Chromium the tests are reported as skipped (under CI=true they fail).
/// </summary>
[Collection("Notebooks")]
[Trait("Category", Category.Notebooks)]
[Trait("Category", Category.Browser)]
[Trait("Category", Category.Mnist)]
public sealed partial class PlaygroundBrowserTests(ExportedNotebooks exported, ITestOutputHelper output)
{
    private const string Ready = "window.playground && document.querySelector('.nn-playground[data-ready]')";

    [Fact]
    public void The_page_embeds_the_network_in_the_library_save_format_and_no_remote_reference()
    {
        var page = exported.Read(NeuralNetworks.Notebooks.CourseHomePage.PlaygroundFile);

        var network = NetworkFromPage(page);

        Assert.Equal([784, 16, 16, 10], network.Sizes);
        Assert.Empty(HtmlExportTests.RemoteReferences(page));
        Assert.Equal(1, Regex.Count(page, @"plotly\.js v\d"));  // one copy of plotly.js
    }

    [Fact]
    public void Classify_in_the_page_gives_the_library_Forward_outputs_for_300_test_digits()
    {
        Requires.Chromium();
        var page = exported.Read(NeuralNetworks.Notebooks.CourseHomePage.PlaygroundFile);
        var network = NetworkFromPage(page);
        var test = Mnist.LoadTest();
        const int count = 300;
        using var chromium = HeadlessChromium.Open(exported.PathOf("playground.html"), Ready);

        // The page's own test digits are MNIST's first ones, pixel for pixel.
        Assert.Equal(count, (int)chromium.Evaluate("window.playground.digits.length")!);
        var pageLabels = chromium.Numbers("window.playground.digits.map(d => d.label)");
        Assert.Equal(Enumerable.Range(0, count).Select(i => (double)test.Label(i)), pageLabels);
        Assert.Equal(test.Image(123).ToArray(), chromium.Numbers("window.playground.digits[123].pixels"));

        // classify in the page on the library's inputs, against Forward on the same 300 digits as one batch.
        var X = test.Images(0, count);
        var pixels = new JsonArray(Enumerable.Range(0, count)
            .Select(i => (JsonNode)new JsonArray(X.Column(i).Select(v => (JsonNode)v).ToArray())).ToArray());
        var results = chromium.Evaluate($"{pixels.ToJsonString()}.map(x => window.playground.classify(x))")!.AsArray();
        var pass = network.Forward(X);

        double largest = 0;
        for (int i = 0; i < count; i++)
        {
            var result = results[i]!;
            var outputs = result["outputs"]!.AsArray().Select(v => (double)v!).ToArray();
            for (int j = 0; j < 10; j++) largest = Math.Max(largest, Math.Abs(outputs[j] - pass.Output[j, i]));
            Assert.Equal(pass.Predictions[i], Array.IndexOf(outputs, outputs.Max()));
            // activations[l] is aˡ for l = 0 … L
            var hidden = result["activations"]![1]!.AsArray().Select(v => (double)v!).ToArray();
            for (int k = 0; k < 16; k++) Assert.Equal(pass[1].A[k, i], hidden[k], 1e-9);
        }
        output.WriteLine($"largest |a_page − a_library| over {count} digits × 10 outputs: {largest:E2}");
        Assert.True(largest < 1e-6, $"outputs differ by {largest}");
        Assert.Empty(chromium.Errors());
    }

    [Fact]
    public void Input_gradient_in_the_page_matches_the_library_backpropagation()
    {
        Requires.Chromium();
        var network = NetworkFromPage(exported.Read("playground.html"));
        var test = Mnist.LoadTest();
        using var chromium = HeadlessChromium.Open(exported.PathOf("playground.html"), Ready);

        foreach (var (digit, target) in new[] { (0, 7), (0, 3), (1, 2), (1, 8), (7, 9), (42, 0) })
        {
            var expected = network.InputGradient(test.Image(digit), target);
            var actual = chromium.Numbers($"window.playground.inputGradient(window.playground.digits[{digit}].pixels, {target})");

            Assert.Equal(784, actual.Length);
            double scale = expected.AbsoluteMaximum();
            double difference = expected.Select((g, p) => Math.Abs(g - actual[p])).Max();
            Assert.True(scale > 0, "a gradient that is zero everywhere would prove nothing");
            Assert.True(difference <= 1e-6 * scale, $"digit {digit}, output {target}: max difference {difference:E2} against max |g| {scale:E2}");
        }
    }

    [Fact]
    public void Preprocessing_in_the_page_matches_the_library_on_made_up_drawings()
    {
        Requires.Chromium();
        using var chromium = HeadlessChromium.Open(exported.PathOf("playground.html"), Ready);

        foreach (var (width, height, ink) in Drawings())
        {
            var expected = NeuralNetworks.Plotting.Playground.Preprocess(ink, width, height);
            var array = "[" + string.Join(",", ink.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
            var actual = chromium.Numbers($"window.playground.preprocess({array}, {width}, {height})");

            Assert.Equal(784, actual.Length);
            Assert.True(expected.Sum() > 10, "the drawing should leave ink in the 28×28 input");
            Assert.Equal(expected.ToArray(), actual, (a, b) => Math.Abs(a - b) < 1e-12);
        }
    }

    [Fact]
    public void A_stroke_drawn_with_pointer_events_is_preprocessed_as_the_library_does_and_changes_the_answer()
    {
        Requires.Chromium();
        var network = NetworkFromPage(exported.Read("playground.html"));
        using var chromium = HeadlessChromium.Open(exported.PathOf("playground.html"), Ready);
        var box = chromium.Numbers("(() => { const r = document.querySelector('.pg-canvas').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()");
        string Answer() => (string)chromium.Evaluate("document.querySelector('.pg-answer').textContent")!;

        Assert.Equal("7", Answer());   // the page opens on test digit 0, a 7
        chromium.Evaluate("document.querySelector('button.pg-clear').click()");
        Assert.Equal("?", Answer());

        // A zero: an ellipse drawn as one stroke, a little off centre (the preprocessing centres it).
        var points = Enumerable.Range(0, 41).Select(s => 2 * Math.PI * s / 40)
            .Select(t => (box[0] + box[2] * (0.40 + 0.17 * Math.Sin(t)), box[1] + box[3] * (0.55 - 0.28 * Math.Cos(t))))
            .ToList();
        chromium.Stroke(points);

        var ink = chromium.Numbers("window.playground.canvasPixels()");
        var shown = chromium.Numbers("window.playground.input()");
        var expected = NeuralNetworks.Plotting.Playground.Preprocess(ink, 280, 280);
        Assert.True(ink.Count(v => v > 0) > 2000, "the stroke should have inked the canvas");
        Assert.Equal(expected.ToArray(), shown, (a, b) => Math.Abs(a - b) < 1e-12);

        var predicted = network.Predict(expected);
        output.WriteLine($"the drawn zero: the page says {Answer()}, the library {predicted}");
        Assert.Equal(predicted.ToString(CultureInfo.InvariantCulture), Answer());
        Assert.NotEqual("7", Answer());
        var bars = chromium.Numbers("Array.from(document.querySelectorAll('.pg-value')).map(e => Number(e.textContent))");
        var outputs = network.Output(expected);
        for (int j = 0; j < 10; j++) Assert.Equal(outputs[j], bars[j], 3);
        Assert.Empty(chromium.Errors());
    }

    /// <summary>Drawings with ink in awkward places: off centre, at an edge, wide and flat, faint and anti-aliased.</summary>
    private static IEnumerable<(int Width, int Height, double[] Ink)> Drawings()
    {
        double[] Make(int w, int h, Func<int, int, double> ink) =>
            Enumerable.Range(0, w * h).Select(p => Math.Clamp(ink(p % w, p / w), 0, 1)).ToArray();
        yield return (60, 50, Make(60, 50, (x, y) => Math.Abs(Math.Sqrt((x - 20) * (x - 20) + (y - 30) * (y - 30)) - 9) < 2.5 ? 1 : 0));
        yield return (40, 40, Make(40, 40, (x, y) => x >= 2 && x < 6 && y >= 0 && y < 33 ? 0.6 + 0.01 * y : 0));
        yield return (90, 30, Make(90, 30, (x, y) => Math.Max(0, 1 - Math.Abs(y - 12 - 0.1 * x) / 3)));
    }

    private static Network NetworkFromPage(string page)
    {
        var json = NetworkScript().Match(page);
        Assert.True(json.Success, "the page has no <script type=\"application/json\" id=\"network\">");
        return NetworkJson.FromJson(json.Groups["json"].Value, "the playground page");
    }

    [GeneratedRegex("""<script type="application/json" id="network"[^>]*>(?<json>.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex NetworkScript();
}
