using System.Text.Json.Nodes;
using NeuralNetworks.Notebooks;
using NeuralNetworks.Tests.Notebooks;
using Plotly.NET;
using NeuralNetworks.Plotting;
using NeuralNetworks.Course;

namespace NeuralNetworks.Tests.Browser;

/// <summary>
/// The four slider charts in a page exported as <c>notebooks run</c> exports (plotly.js once, no network), opened in
/// headless Chromium: every frame is registered, moving to a frame redraws the chart with that frame's numbers, Play
/// carries the slider along, and a chart wider than the page's column is fitted to it.
/// </summary>
[Trait("Category", Category.Browser)]
public sealed class SliderPageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public void Slider_charts_draw_their_frames_offline_and_the_slider_follows_Play()
    {
        Requires.Chromium();
        var (weights, digits) = SliderChartsTests.QuarterDetector();
        var charts = new[]
        {
            Charts.BiasSlider(weights, digits, digit: 0, minBias: -10, maxBias: 10, step: 5),
            Charts.SigmoidSlider(zMax: 4, step: 1),
            Charts.LearningRateSlider(SliderChartsTests.C2, SliderChartsTests.Grad2, learningRates: [0.02, 0.15, 0.21]),
            Charts.WeightImagesOverEpochs(SliderChartsTests.History()),
            Charts.Digits(digits, Enumerable.Range(0, 16).ToArray(), columns: 8),   // 1,060 pixels wide, like 09's mistakes
        };
        var folder = NotebookCli.NewTempDirectory();
        try
        {
            var page = ExportedPage(folder, charts);
            using var chromium = HeadlessChromium.Open(page,
                "document.querySelectorAll('.js-plotly-plot').length === 5 && Array.from(document.querySelectorAll('.js-plotly-plot'))" +
                ".slice(0, 4).every(gd => gd._transitionData && gd._transitionData._frames.length > 0) && document.readyState === 'complete'");

            for (int c = 0; c < 4; c++)
            {
                var names = Charts.FrameNames(charts[c]);
                var gd = $"document.querySelectorAll('.js-plotly-plot')[{c}]";
                Assert.Equal(names, chromium.Evaluate($"{gd}._transitionData._frames.map(f => f.name)")!.AsArray().Select(n => (string)n!));

                // Move to the last frame by name, as a slider step does, and read back what plotly now draws.
                var last = names[^1];
                var drawn = chromium.Evaluate($$"""
                    (async () => {
                      const gd = {{gd}};
                      const frame = gd._transitionData._frames.find(f => f.name === '{{last}}');
                      await Plotly.animate(gd, ['{{last}}'], { mode: 'immediate', frame: { duration: 0, redraw: true }, transition: { duration: 0 } });
                      const t = frame.traces[frame.traces.length - 1], d = frame.data[frame.data.length - 1];
                      const key = d.z ? 'z' : 'y';
                      return { title: gd.layout.title.text, expected: frame.layout.title.text,
                               same: JSON.stringify(gd.data[t][key]) === JSON.stringify(d[key]),
                               svg: gd.querySelectorAll('.main-svg').length };
                    })()
                    """)!;
                Assert.Equal((string)drawn["expected"]!, (string)drawn["title"]!);
                Assert.True((bool)drawn["same"]!, $"chart {c}: the drawn trace is not the frame's");
                Assert.True((int)drawn["svg"]! > 0);
            }

            // Play on the weight images, pressed like a reader would: the slider follows to the last epoch.
            // Under a loaded CI machine one press once left the slider short of the end after 30 s (4 frames of 0.7 s): then
            // the slider's position is logged and Play pressed once more, as a reader would; two misses fail.
            const string imagesChart = "document.querySelectorAll('.js-plotly-plot')[3]";
            for (int press = 1; ; press++)
            {
                chromium.Evaluate($"Plotly.animate({imagesChart}, ['epoch 0'], {{ mode: 'immediate', frame: {{ duration: 0 }}, transition: {{ duration: 0 }} }})");
                chromium.Evaluate($"{imagesChart}.querySelector('.updatemenu-button').dispatchEvent(new MouseEvent('click', {{ bubbles: true }}))");
                try
                {
                    chromium.WaitFor($"{imagesChart}._fullLayout.sliders[0].active === 3", TimeSpan.FromSeconds(30));
                    break;
                }
                catch (TimeoutException) when (press == 1)
                {
                    output.WriteLine($"after the first press the slider stood at {chromium.Evaluate($"{imagesChart}._fullLayout.sliders[0].active")}; pressing Play again");
                }
            }

            // The 1,060-pixel gallery now fits its column.
            var fit = chromium.Numbers("(() => { const gd = document.querySelectorAll('.js-plotly-plot')[4]; return [gd._fullLayout.width, gd.closest('.output').clientWidth]; })()");
            output.WriteLine($"wide chart drawn {fit[0]} px wide in a {fit[1]} px column");
            Assert.True(fit[1] < 1060, "the column should be narrower than the chart, or there is nothing to fit");
            Assert.True(fit[0] <= fit[1], $"the chart is {fit[0]} px wide in a {fit[1]} px column");
            Assert.Empty(chromium.Errors());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // A notebook whose outputs are the charts as the notebooks' formatter shows them, exported as `notebooks run` does.
    private static string ExportedPage(string folder, IEnumerable<GenericChart> charts)
    {
        var cells = new JsonArray(charts.Select((chart, i) => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = i + 1,
            ["metadata"] = new JsonObject(),
            ["source"] = "chart",
            ["outputs"] = new JsonArray(new JsonObject
            {
                ["output_type"] = "display_data",
                ["metadata"] = new JsonObject(),
                ["data"] = new JsonObject { ["text/html"] = NotebookHtml.Chart(chart) },
            }),
        }).ToArray());
        var notebook = Path.Combine(folder, "sliders.ipynb");
        File.WriteAllText(notebook, new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject(),
            ["cells"] = cells,
        }.ToJsonString());
        var page = Path.Combine(folder, "sliders.html");
        File.WriteAllText(page, new HtmlExporter(WebAssets.Load()).Export(NotebookFile.Load(notebook), "Sliders"));
        return page;
    }
}
