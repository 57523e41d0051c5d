// The course doctor: checks, line by line, what opening the course's notebooks needs on this machine, and with --fix
// makes the safe repairs. One file with no dependency beyond .NET, so that it runs two ways: in the repository as the
// command line's `notebooks doctor [--fix]`, and in a handout as `dotnet run --file doctor.cs [-- --fix]` (the handout
// carries this file as doctor.cs).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Notebooks.Doctor;

/// <summary>How to run the doctor.</summary>
/// <param name="StartFolder">Where to look for the course: the repository (a folder holding NeuralNetworks.slnx, here or
/// above) or a handout (a folder holding install-package.proj and packages/).</param>
/// <param name="Fix">Make the safe repairs, then check again.</param>
/// <param name="FixCommand">The command that runs the doctor with --fix, as the user types it (named in the fixes).</param>
public sealed record DoctorOptions(string StartFolder, bool Fix, string FixCommand);

/// <summary>
/// Checks what opening the notebooks needs, printing one line per check — ✓, or ✗ with the one command that mends it:
/// the .NET SDK (against global.json in the repository); the course package in the NuGet package folder, and whether it
/// is this checkout's (or this handout's) build; the pinned kernel tool restored; a Jupyter kernel for C# registered,
/// that starts and listens on localhost only; VS Code's recommended extensions where <c>code</c> is on the PATH. Then it
/// starts the kernel once and runs the course's setup line in it. <c>--fix</c> makes the safe repairs (restore the tool,
/// create Jupyter's kernels folder, register the kernel with <c>--http-local-only</c>, build or install the package,
/// forget a kernel restore cache entry that points elsewhere) and checks again. Exit code 0 only when every line is ✓.
/// </summary>
public static class CourseDoctor
{
    /// <summary>The Jupyter kernel name of the C# kernel.</summary>
    public const string KernelName = ".net-csharp";

    /// <summary>The kernel tool's package id, as the tool manifest names it.</summary>
    public const string ToolId = "microsoft.dotnet-interactive";

    /// <summary>The course package's id.</summary>
    public const string PackageId = "NeuralNetworks";

    private static readonly TimeSpan KernelStartLimit = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan SetupLineLimit = TimeSpan.FromMinutes(5);

    /// <summary>The handout's entry point: <c>dotnet run --file doctor.cs [-- --fix]</c>, run in the handout's folder.</summary>
    /// <param name="args"><c>--fix</c>, or <c>--help</c>.</param>
    /// <returns>0 when every line is ✓; 1 when one is not; 2 for an unknown argument.</returns>
    public static int Main(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine("Checks what opening the course's notebooks needs on this machine, line by line.\n"
                              + "Usage: dotnet run --file doctor.cs [-- --fix]   (--fix makes the safe repairs, then checks again)");
            return 0;
        }
        if (args.FirstOrDefault(a => a != "--fix") is { } unknown)
        {
            Console.Error.WriteLine($"error: unknown argument '{unknown}'; the only option is --fix");
            return 2;
        }
        return Run(new DoctorOptions(Directory.GetCurrentDirectory(), args.Contains("--fix"), "dotnet run --file doctor.cs -- --fix"), Console.Out);
    }

    /// <summary>True when <paramref name="folder"/> is in the repository or a handout (where <see cref="Run"/> can check).</summary>
    public static bool FindsCourse(string folder) => Course.Find(folder) is not null;

    /// <summary>Runs the checks (and the repairs with <see cref="DoctorOptions.Fix"/>), printing to <paramref name="output"/>.</summary>
    /// <returns>0 when every line is ✓, 1 otherwise, 2 when <see cref="DoctorOptions.StartFolder"/> is in no course.</returns>
    public static int Run(DoctorOptions options, TextWriter output)
    {
        var course = Course.Find(options.StartFolder);
        if (course is null)
        {
            output.WriteLine($"✗ {options.StartFolder} is not in the course: run the doctor in the repository (it holds NeuralNetworks.slnx) or in the handout's folder (it holds install-package.proj)");
            return 2;
        }
        output.WriteLine($"Checking what the notebooks need, for {(course.IsRepository ? "the repository" : "the handout")} in {course.Root}");
        var lines = Check(course, options, output);
        var failed = lines.Where(l => l.Ok == false).ToList();
        if (options.Fix && failed.Any(l => l.Repair is not null))
        {
            output.WriteLine();
            output.WriteLine("Repairing:");
            foreach (var line in failed.Where(l => l.Repair is not null))
            {
                output.WriteLine($"→ {line.RepairText}");
                try
                {
                    var result = line.Repair!();
                    output.WriteLine(result is null ? "  done" : $"  did not work: {result}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    output.WriteLine($"  did not work: {e.Message}");
                }
            }
            output.WriteLine();
            output.WriteLine("Checking again:");
            lines = Check(course, options with { Fix = false }, output);
            failed = lines.Where(l => l.Ok == false).ToList();
        }
        var checkedLines = lines.Count(l => l.Ok is not null);
        output.WriteLine();
        if (failed.Count == 0)
        {
            output.WriteLine($"All {checkedLines} checks passed: open {course.FirstNotebook} and Run All.");
            return 0;
        }
        output.WriteLine($"{failed.Count} of {checkedLines} checks failed."
                         + (options.Fix ? " The lines above say what is left to do." : $" `{options.FixCommand}` makes the safe repairs (restore the kernel tool, create Jupyter's kernels folder, register the kernel for localhost only, {(course.IsRepository ? "build" : "install")} the package), then checks again."));
        return 1;
    }

    // ---- the checks --------------------------------------------------------------------------------------------

    private static List<Line> Check(Course course, DoctorOptions options, TextWriter output)
    {
        var lines = new List<Line>();
        void Add(Line line)
        {
            lines.Add(line);
            output.WriteLine(line.ToString());
        }

        // Without a home folder every later line misleads (a tool "not restored", a kernel that dies in its start-up): say so, alone.
        if (HomeProblem() is { } home)
        {
            Add(home);
            Add(Line.Skipped("the .NET SDK, the kernel tool, the package, the kernel and the setup line: not checked until the line above is ✓"));
            return lines;
        }
        var sdk = Sdk(course);
        Add(sdk);
        var packages = GlobalPackagesFolder(course.Root);
        var tool = Tool(course, packages);
        Add(tool.Line);
        Add(Package(course, packages));
        foreach (var line in KernelCache(course, packages)) Add(line);
        var spec = KernelSpec(course, packages, options);
        foreach (var line in spec.Lines) Add(line);
        if (spec.Argv is { } argv) Add(KernelStarts(course, spec.Path!, argv, options));
        var ready = lines.All(l => l.Ok != false);
        foreach (var line in VsCode(course)) Add(line);
        Add(!ready
            ? Line.Skipped("the setup line in the kernel: not tried until the lines above are ✓")
            : SetupLine(course, packages, spec.Argv ?? tool.Command));
        return lines;
    }

    /// <summary>A ✗ when this user's home folder is not set or not there (HOME, or USERPROFILE on Windows); else null.
    /// .NET's tools, NuGet and the kernel keep their files under it: without it the kernel stops as it starts.</summary>
    private static Line? HomeProblem()
    {
        var variable = OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME";
        var home = Environment.GetEnvironmentVariable(variable);
        var fix = OperatingSystem.IsWindows() ? "sign in as a user with a profile, or set USERPROFILE to your profile folder"
            : "export HOME=/path/to/your/home (e.g. export HOME=/home/$(whoami)), then run the doctor again";
        if (string.IsNullOrWhiteSpace(home))
            return Line.Fail($"{variable} is not set: .NET's tools, NuGet's packages and the kernel keep their files in your home folder "
                             + "(without it the kernel stops as it starts, in Telemetry.Paths)", fix);
        if (!Directory.Exists(home))
            return Line.Fail($"{variable} is {home}, a folder that does not exist: .NET's tools, NuGet's packages and the kernel keep their files there", fix);
        return null;
    }

    private static Line Sdk(Course course)
    {
        const string install = "install the .NET 10 SDK: https://dotnet.microsoft.com/download/dotnet/10.0";
        var asks = course.GlobalJson is { } json ? $"global.json asks for {json}" : "the notebooks need .NET 10 or later";
        Exec run;
        try
        {
            run = Exec.Run(course.Root, TimeSpan.FromMinutes(1), "dotnet", "--version");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return Line.Fail("no `dotnet` on the PATH", install);
        }
        var version = run.Stdout.Trim();
        if (run.ExitCode != 0 || !Version.TryParse(version.Split('-')[0], out var parsed))
            return Line.Fail($".NET SDK: none that fits ({asks}): {FirstLine(run.Stderr + run.Stdout)}", install);
        return parsed.Major < 10
            ? Line.Fail($".NET SDK {version} is older than .NET 10 ({asks})", install)
            : Line.Pass($".NET SDK {version} ({asks})");
    }

    private static (Line Line, string[]? Command) Tool(Course course, string packages)
    {
        if (course.ToolVersion is not { } version)
            return (Line.Fail("no tool manifest (.config/dotnet-tools.json) pins the kernel tool", $"dotnet new tool-manifest && dotnet tool install Microsoft.dotnet-interactive --version 1.0.712001"), null);
        var what = $"the kernel tool dotnet-interactive {version} (pinned in .config/dotnet-tools.json)";
        var run = Exec.Run(course.Root, TimeSpan.FromMinutes(1), "dotnet", "tool", "run", "dotnet-interactive", "--", "--version");
        var dll = ToolDll(version, packages);
        if (run.ExitCode == 0 && run.Stdout.Trim().StartsWith(version, StringComparison.Ordinal) && dll is not null)
            return (Line.Pass($"{what} is restored"), ["dotnet", dll]);
        return (Line.Fail($"{what} is not restored", "dotnet tool restore",
            () => Exec.Run(course.Root, TimeSpan.FromMinutes(10), "dotnet", "tool", "restore").Problem), null);
    }

    private static Line Package(Course course, string packages)
    {
        var version = course.PackageVersion;
        var cached = Path.Combine(packages, PackageId.ToLowerInvariant(), version);
        var hashFile = Path.Combine(cached, $"{PackageId.ToLowerInvariant()}.{version}.nupkg.sha512");
        var reference = course.ReferencePackage;
        var name = $"{PackageId} {version}";
        string build = "dotnet build " + Path.Combine("src", PackageId) + " -c Release";
        Func<string?> rebuild = () => Exec.Run(course.Root, TimeSpan.FromMinutes(15), "dotnet", "build", Path.Combine("src", PackageId), "-c", "Release").Problem;
        Func<string?> install = () =>
        {
            if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            return Exec.Run(course.Root, TimeSpan.FromMinutes(10), "dotnet", "restore", "install-package.proj").Problem;
        };
        var fix = course.IsRepository ? build : "dotnet restore install-package.proj";
        var repair = course.IsRepository ? rebuild : install;

        if (!File.Exists(reference))
        {
            return course.IsRepository
                ? Line.Fail($"{name} has not been built in this checkout ({reference} is missing)", build, rebuild)
                : Line.Fail($"{name} is missing from this folder ({reference}): ask for the handout again", "(none: the handout is incomplete)");
        }
        if (course.IsRepository && course.NewestSource() is { } newer && newer.Time > File.GetLastWriteTimeUtc(reference))
            return Line.Fail($"{Path.GetRelativePath(course.Root, newer.Path)} changed after {name} was packed", build, rebuild);
        if (!File.Exists(hashFile))
        {
            var removeFirst = !course.IsRepository && Directory.Exists(cached) ? $"{RemoveCommand(cached)} && " : "";
            return Line.Fail($"{name} is not in your NuGet package folder ({packages})", removeFirst + fix, repair);
        }
        if (File.ReadAllText(hashFile).Trim() != Sha512(reference))
        {
            var from = course.IsRepository ? "this checkout's build" : "the handout's";
            return Line.Fail($"your NuGet package folder holds another build of {name} than {from} ({cached})",
                course.IsRepository ? build : $"{RemoveCommand(cached)} && {fix}", repair);
        }
        return Line.Pass($"{name} in your NuGet package folder is {(course.IsRepository ? "this checkout's build" : "the handout's")} ({cached})");
    }

    // The kernels keep a cache of what each #r "nuget:" resolved to (~/.packagemanagement/nuget/Cache), keyed by the
    // package and version only: after the NuGet package folder changed, they load the package from the old folder.
    private static IEnumerable<Line> KernelCache(Course course, string packages)
    {
        var cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".packagemanagement", "nuget", "Cache");
        if (!Directory.Exists(cache)) yield break;
        var expected = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(packages, PackageId.ToLowerInvariant(), course.PackageVersion)));
        foreach (var file in Directory.GetFiles(cache, "*.resolvedReferences.paths").Order(StringComparer.Ordinal))
        {
            var stale = File.ReadLines(file)
                .Select(l => l.Split(','))
                .Where(f => f.Length > 2 && f[0].Equals(PackageId, StringComparison.OrdinalIgnoreCase) && f[1] == course.PackageVersion)
                .Select(f => Path.TrimEndingDirectorySeparator(f[2]))
                .FirstOrDefault(root => !root.Equals(expected, StringComparison.Ordinal));
            if (stale is null) continue;
            yield return Line.Fail($"the kernels' restore cache ({file}) sends {PackageId} {course.PackageVersion} to {stale}, not to your NuGet package folder",
                RemoveCommand(file), what: $"forget the kernels' cached restore {file}", repair: () =>
                {
                    File.Delete(file);
                    var script = Path.ChangeExtension(Path.ChangeExtension(file, null), ".csx");
                    if (File.Exists(script)) File.Delete(script);
                    return null;
                });
        }
    }

    private static (IReadOnlyList<Line> Lines, string? Path, string[]? Argv) KernelSpec(Course course, string packages, DoctorOptions options)
    {
        var dataDir = JupyterDataDir(course.Root);
        var kernels = Path.Combine(dataDir, "kernels");
        var target = Path.Combine(kernels, KernelName, "kernel.json");
        Func<string?> register = () =>
        {
            var dll = ToolDll(course.ToolVersion ?? "", packages);
            if (dll is null) return "the kernel tool is not restored (dotnet tool restore)";
            WriteKernelSpec(target, dll);
            return null;
        };
        var found = KernelSearchPath(dataDir).Select(d => Path.Combine(d, KernelName, "kernel.json")).FirstOrDefault(File.Exists);
        if (found is null)
        {
            var lines = new List<Line>();
            if (!Directory.Exists(kernels))
                lines.Add(Line.Fail($"Jupyter's kernels folder {kernels} does not exist (registering a kernel needs it)", MakeFolderCommand(kernels),
                    () => { Directory.CreateDirectory(kernels); return null; }));
            lines.Add(Line.Fail($"no Jupyter kernel for C# ({KernelName}) is registered", options.FixCommand, register,
                $"register the C# kernel in {target}: it starts the pinned kernel tool, listening on localhost only"));
            return (lines, null, null);
        }

        string[] argv;
        try
        {
            argv = (JsonNode.Parse(File.ReadAllText(found))?["argv"] as JsonArray ?? []).Select(a => (string?)a ?? "").ToArray();
        }
        catch (JsonException e)
        {
            return ([Line.Fail($"the C# kernel's {found} is not valid JSON: {e.Message}", options.FixCommand, register, $"register the C# kernel again in {target}")], null, null);
        }
        if (argv.Length == 0 || !argv.Contains("{connection_file}"))
            return ([Line.Fail($"the C# kernel's {found} has no argv with {{connection_file}}", options.FixCommand, register, $"register the C# kernel again in {target}")], null, null);
        var registered = Line.Pass($"a Jupyter kernel for C# is registered ({found})");
        if (!argv.Contains("--http-local-only"))
        {
            return ([registered, Line.Fail("its kernel.json lacks --http-local-only: the kernel's HTTP API would listen on every network interface", options.FixCommand,
                () => { AddLocalOnly(found); return null; }, $"add --http-local-only to the argv of {found}")], found, argv);
        }
        return ([registered], found, argv);
    }

    private static Line KernelStarts(Course course, string specPath, string[] argv, DoctorOptions options)
    {
        var connection = Path.Combine(Path.GetTempPath(), $"course-doctor-{Guid.NewGuid():N}.json");
        var ports = FreePorts(5);
        File.WriteAllText(connection, new JsonObject
        {
            ["shell_port"] = ports[0], ["iopub_port"] = ports[1], ["stdin_port"] = ports[2], ["control_port"] = ports[3], ["hb_port"] = ports[4],
            ["ip"] = "127.0.0.1", ["key"] = Guid.NewGuid().ToString("N"), ["transport"] = "tcp", ["signature_scheme"] = "hmac-sha256", ["kernel_name"] = KernelName,
        }.ToJsonString());
        var command = argv.Select(a => a.Replace("{connection_file}", connection, StringComparison.Ordinal)
            .Replace("{resource_dir}", Path.GetDirectoryName(specPath)!, StringComparison.Ordinal)).ToArray();
        var rewrite = () =>
        {
            var dll = ToolDll(course.ToolVersion ?? "", GlobalPackagesFolder(course.Root));
            if (dll is null) return "the kernel tool is not restored (dotnet tool restore)";
            WriteKernelSpec(specPath, dll);
            return (string?)null;
        };
        var clock = Stopwatch.StartNew();
        var listening = new List<string>();
        var log = new StringBuilder();
        Process process;
        try
        {
            process = Start(command, course.NotebooksFolder, redirectInput: false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            File.Delete(connection);
            return Line.Fail($"the C# kernel ({string.Join(' ', argv.Take(3))} …) cannot be started: {e.Message}", options.FixCommand, rewrite,
                $"register the C# kernel again in {specPath}, starting the pinned kernel tool by its path");
        }
        void Read(string? text)
        {
            if (text is null) return;
            lock (log) log.AppendLine(text);
            var match = Regex.Match(text, @"Now listening on:\s*(?<url>\S+)");
            if (match.Success) lock (listening) listening.Add(match.Groups["url"].Value);
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var up = false;
        try
        {
            while (clock.Elapsed < KernelStartLimit && !process.HasExited && !up)
            {
                up = Accepts(ports[0]);
                if (!up) Thread.Sleep(250);
            }
            // The HTTP API starts beside the Jupyter sockets: give it a moment to say where it listens.
            for (var i = 0; up && i < 20 && !process.HasExited; i++)
            {
                lock (listening) if (listening.Count > 0) break;
                Thread.Sleep(250);
            }
            Thread.Sleep(500);
        }
        finally
        {
            Stop(process);
            File.Delete(connection);
        }
        if (!up)
        {
            string said;
            lock (log) said = FirstLine(log.ToString());
            return Line.Fail($"the C# kernel did not start within {KernelStartLimit.TotalSeconds:0} s ({string.Join(' ', argv.Take(3))} …){(said.Length > 0 ? ": " + said : "")}",
                options.FixCommand, rewrite, $"register the C# kernel again in {specPath}, starting the pinned kernel tool by its path");
        }
        string[] urls;
        lock (listening) urls = [.. listening];
        var open = urls.Where(u => !IsLoopback(u)).ToList();
        if (open.Count > 0)
        {
            return Line.Fail($"the C# kernel starts but its HTTP API listens on {string.Join(", ", open)}: not on localhost only", options.FixCommand,
                () => { AddLocalOnly(specPath); return null; }, $"add --http-local-only to the argv of {specPath}");
        }
        return Line.Pass($"the C# kernel starts ({clock.Elapsed.TotalSeconds:0.0} s) and listens on localhost only ({(urls.Length == 0 ? "127.0.0.1" : string.Join(", ", urls))})");
    }

    private static IEnumerable<Line> VsCode(Course course)
    {
        var code = FindOnPath(OperatingSystem.IsWindows() ? ["code.cmd", "code.exe"] : ["code"]);
        if (code is null)
        {
            yield return Line.Skipped("VS Code: `code` is not on the PATH, so its extensions were not checked (in VS Code: Shell Command: Install 'code' command in PATH)");
            yield break;
        }
        var wanted = course.RecommendedExtensions();
        Exec run;
        try
        {
            run = Exec.Run(course.Root, TimeSpan.FromMinutes(1), code, "--list-extensions");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            run = new Exec(-1, "", e.Message);
        }
        if (run.ExitCode != 0)
        {
            yield return Line.Fail($"VS Code: `code --list-extensions` failed: {FirstLine(run.Stderr + run.Stdout)}", "code --list-extensions");
            yield break;
        }
        var installed = run.Stdout.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = wanted.Where(w => !installed.Contains(w)).ToList();
        foreach (var extension in missing)
            yield return Line.Fail($"VS Code lacks the recommended extension {extension}", $"code --install-extension {extension}");
        if (missing.Count == 0) yield return Line.Pass($"VS Code has the recommended extensions ({string.Join(", ", wanted)})");
    }

    // The real proof: start the kernel (its stdio front end: the same program the kernel spec starts) in the notebooks'
    // folder, send the course's setup line and a check, and wait for both to succeed.
    private static Line SetupLine(Course course, string packages, string[]? kernel)
    {
        var setup = $"#r \"nuget: {PackageId}, {course.PackageVersion}\"";
        if (kernel is null || kernel.Length == 0) return Line.Fail($"no kernel to run the setup line in ({setup})", "dotnet tool restore");
        var jupyter = Array.IndexOf(kernel, "jupyter");
        string[] command = [.. (jupyter > 0 ? kernel[..jupyter] : kernel), "stdio", "--default-kernel", "csharp"];
        var clock = Stopwatch.StartNew();
        Process process;
        try
        {
            process = Start(command, course.NotebooksFolder, redirectInput: true);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return Line.Fail($"the kernel ({string.Join(' ', command.Take(2))}) cannot be started: {e.Message}", "dotnet tool restore");
        }
        var done = new Dictionary<string, (bool Ok, string Message)>();
        var printed = new StringBuilder();
        string? loadedFrom = null;
        var gate = new object();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } data || data[0] != '{') return;
            JsonNode? envelope;
            try { envelope = JsonNode.Parse(data); }
            catch (JsonException) { return; }
            var type = (string?)envelope?["eventType"];
            var token = (string?)envelope?["command"]?["token"];
            lock (gate)
            {
                switch (type)
                {
                    case "CommandSucceeded" when token is not null:
                        done[token] = (true, "");
                        break;
                    case "CommandFailed" when token is not null:
                        done[token] = (false, (string?)envelope?["event"]?["message"] ?? "failed");
                        break;
                    case "PackageAdded" when string.Equals((string?)envelope?["event"]?["packageReference"]?["packageName"], PackageId, StringComparison.OrdinalIgnoreCase):
                        loadedFrom = (string?)envelope?["event"]?["packageReference"]?["packageRoot"];
                        break;
                    case "StandardOutputValueProduced":
                        foreach (var value in envelope?["event"]?["formattedValues"] as JsonArray ?? [])
                            if ((string?)value?["mimeType"] == "text/plain") printed.Append((string?)value?["value"]);
                        break;
                }
                Monitor.PulseAll(gate);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string[] cells = [setup, "Check.That(\"the course library answers in this kernel\", Network.Create([784, 16, 16, 10], seed: 1).Sizes.Sum() == 826)"];
            for (var i = 0; i < cells.Length; i++)
            {
                var token = $"course-doctor-{i + 1}";
                var envelope = new JsonObject
                {
                    ["token"] = token,
                    ["commandType"] = "SubmitCode",
                    ["command"] = new JsonObject { ["code"] = cells[i], ["targetKernelName"] = "csharp" },
                };
                process.StandardInput.WriteLine(envelope.ToJsonString());
                process.StandardInput.Flush();
                lock (gate)
                {
                    while (!done.ContainsKey(token) && !process.HasExited && clock.Elapsed < SetupLineLimit)
                        Monitor.Wait(gate, TimeSpan.FromSeconds(1));
                    if (!done.TryGetValue(token, out var result))
                        return Line.Fail($"the kernel did not run {(i == 0 ? "the setup line" : "a check")} within {SetupLineLimit.TotalMinutes:0} minutes{(process.HasExited ? $" (it exited with code {process.ExitCode})" : "")}",
                            "restart the machine's kernels and run this again");
                    if (!result.Ok)
                        return Line.Fail($"the kernel could not run {(i == 0 ? $"the setup line {setup}" : "a check after it")}: {FirstLine(result.Message)}",
                            course.IsRepository ? "dotnet build " + Path.Combine("src", PackageId) + " -c Release" : "dotnet restore install-package.proj");
                }
            }
        }
        finally
        {
            Stop(process);
        }
        lock (gate)
        {
            var expected = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(packages, PackageId.ToLowerInvariant(), course.PackageVersion)));
            if (loadedFrom is not null && !Path.TrimEndingDirectorySeparator(Path.GetFullPath(loadedFrom)).Equals(expected, StringComparison.Ordinal))
            {
                return Line.Fail($"the kernel loaded {PackageId} {course.PackageVersion} from {loadedFrom}, not from your NuGet package folder ({expected}): its restore cache remembers another folder",
                    RemoveCommand(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".packagemanagement", "nuget", "Cache")));
            }
            if (!printed.ToString().Contains('✓'))
                return Line.Fail($"the kernel ran the setup line, but the check after it printed no ✓: {FirstLine(printed.ToString())}", "restart the kernel and run this again");
            return Line.Pass($"the kernel ran the setup line {setup} in {clock.Elapsed.TotalSeconds:0} s ({PackageId} from {loadedFrom ?? "the package folder"}), and a check printed ✓");
        }
    }

    // ---- the machine ---------------------------------------------------------------------------------------------

    private static string GlobalPackagesFolder(string folder)
    {
        var run = Exec.Run(folder, TimeSpan.FromMinutes(1), "dotnet", "nuget", "locals", "global-packages", "--list");
        var match = Regex.Match(run.Stdout, @"global-packages:\s*(?<path>.+)");
        if (run.ExitCode == 0 && match.Success) return Path.TrimEndingDirectorySeparator(match.Groups["path"].Value.Trim());
        return Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    // Where `dotnet tool run` finds the restored tool: its resolver cache, else the package folders.
    private static string? ToolDll(string version, string packages)
    {
        var home = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") is { Length: > 0 } cliHome ? cliHome : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var resolver = Path.Combine(home, ".dotnet", "toolResolverCache", "1", ToolId);
        if (File.Exists(resolver))
        {
            try
            {
                foreach (var entry in JsonNode.Parse(File.ReadAllText(resolver)) as JsonArray ?? [])
                    if ((string?)entry?["Version"] == version && (string?)entry?["PathToExecutable"] is { } path && File.Exists(path)) return path;
            }
            catch (JsonException) { /* a damaged cache: look in the package folders */ }
        }
        return new[] { packages, Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages") }
            .Select(root => Path.Combine(root, ToolId, version, "tools", "net10.0", "any", "Microsoft.DotNet.Interactive.App.dll"))
            .FirstOrDefault(File.Exists);
    }

    private static string JupyterDataDir(string folder)
    {
        if (Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } set) return set;
        if (FindOnPath(OperatingSystem.IsWindows() ? ["jupyter.exe"] : ["jupyter"]) is { } jupyter)
        {
            try
            {
                var run = Exec.Run(folder, TimeSpan.FromMinutes(1), jupyter, "--data-dir");
                if (run.ExitCode == 0 && run.Stdout.Trim().Length > 0) return run.Stdout.Trim();
            }
            catch (System.ComponentModel.Win32Exception) { /* computed below */ }
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "jupyter");
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Jupyter");
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return Path.Combine(xdg is { Length: > 0 } ? xdg : Path.Combine(home, ".local", "share"), "jupyter");
    }

    // Jupyter's order: $JUPYTER_PATH, the user's data folder, then the system's.
    private static IEnumerable<string> KernelSearchPath(string dataDir)
    {
        foreach (var entry in (Environment.GetEnvironmentVariable("JUPYTER_PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            yield return Path.Combine(entry, "kernels");
        yield return Path.Combine(dataDir, "kernels");
        if (OperatingSystem.IsWindows())
        {
            yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "jupyter", "kernels");
        }
        else
        {
            yield return "/usr/local/share/jupyter/kernels";
            yield return "/usr/share/jupyter/kernels";
        }
    }

    // The kernel the doctor registers starts the pinned tool by its path, so it works from any folder without a
    // global tool, and listens on localhost only.
    private static void WriteKernelSpec(string path, string toolDll)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var spec = new JsonObject
        {
            ["argv"] = new JsonArray("dotnet", toolDll, "jupyter", "--default-kernel", "csharp", "{connection_file}", "--http-local-only"),
            ["display_name"] = ".NET (C#)",
            ["language"] = "C#",
        };
        File.WriteAllText(path, spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static void AddLocalOnly(string path)
    {
        var spec = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var argv = spec["argv"]!.AsArray();
        if (argv.Any(a => (string?)a == "--http-local-only")) return;
        var at = argv.Select(a => (string?)a).ToList().IndexOf("{connection_file}");
        argv.Insert(at < 0 ? argv.Count : at + 1, "--http-local-only");
        File.WriteAllText(path, spec.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static bool IsLoopback(string url)
    {
        var host = Regex.Match(url, @"^\w+://(?<host>\[[^\]]+\]|[^:/]+)").Groups["host"].Value.Trim('[', ']');
        return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    private static Process Start(string[] command, string folder, bool redirectInput)
    {
        var start = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        return Process.Start(start) ?? throw new InvalidOperationException($"could not start {command[0]}");
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { /* already gone */ }
        process.Dispose();
    }

    private static string? FindOnPath(string[] names) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);

    private static string Sha512(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToBase64String(SHA512.HashData(stream));
    }

    private static string RemoveCommand(string path) =>
        OperatingSystem.IsWindows()
            ? (Directory.Exists(path) ? $"rmdir /s /q \"{path}\"" : $"del \"{path}\"")
            : $"rm -rf '{path}'";

    private static string MakeFolderCommand(string path) => OperatingSystem.IsWindows() ? $"mkdir \"{path}\"" : $"mkdir -p '{path}'";

    private static string FirstLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";

    // ---- pieces --------------------------------------------------------------------------------------------------

    /// <summary>One line of the report: ✓, ✗ (with the command that mends it, and the repair --fix makes), or – (not checked).</summary>
    private sealed record Line(bool? Ok, string Text, string? FixText = null, Func<string?>? Repair = null, string? RepairWhat = null)
    {
        public static Line Pass(string text) => new(true, text);

        /// <summary>A ✗ line: <paramref name="fix"/> is the command the user can type; <paramref name="repair"/>, what --fix does
        /// (described by <paramref name="what"/>, else by the command); it returns null when it worked, else what went wrong.</summary>
        public static Line Fail(string text, string fix, Func<string?>? repair = null, string? what = null) => new(false, text, fix, repair, what);

        public static Line Skipped(string text) => new(null, text);

        public string RepairText => RepairWhat ?? FixText ?? Text;

        public override string ToString() => Ok switch
        {
            true => $"✓ {Text}",
            false => $"✗ {Text}\n    fix: {FixText}",
            null => $"– {Text}",
        };
    }

    /// <summary>A finished program: exit code and output.</summary>
    private sealed record Exec(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Null when it succeeded, else what went wrong.</summary>
        public string? Problem => ExitCode == 0 ? null : $"exit code {ExitCode}: {FirstLine(Stderr.Length > 0 ? Stderr : Stdout)}";

        public static Exec Run(string folder, TimeSpan limit, string file, params string[] arguments)
        {
            using var process = Start([file, .. arguments], folder, redirectInput: false);
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                return new Exec(-1, stdout.Result, $"{file} did not finish within {limit.TotalMinutes:0} minutes");
            }
            process.WaitForExit();
            return new Exec(process.ExitCode, stdout.Result, stderr.Result);
        }
    }

    /// <summary>The course on this machine: the repository, or a handout.</summary>
    private sealed record Course(string Root, bool IsRepository, string NotebooksFolder, string PackageVersion, string FirstNotebook)
    {
        /// <summary>The package the NuGet package folder should hold: the checkout's build, or the handout's copy.</summary>
        public string ReferencePackage => IsRepository
            ? Path.Combine(Root, "artifacts", "package", $"{PackageId}.{PackageVersion}.nupkg")
            : Path.Combine(Root, "packages", $"{PackageId}.{PackageVersion}.nupkg");

        /// <summary>"10.0.100, rollForward latestFeature" from the repository's global.json.</summary>
        public string? GlobalJson
        {
            get
            {
                var path = Path.Combine(Root, "global.json");
                if (!IsRepository || !File.Exists(path)) return null;
                var sdk = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })?["sdk"];
                return $"{(string?)sdk?["version"]}, rollForward {(string?)sdk?["rollForward"] ?? "latestPatch"}";
            }
        }

        /// <summary>The kernel tool's version in .config/dotnet-tools.json.</summary>
        public string? ToolVersion
        {
            get
            {
                var path = Path.Combine(Root, ".config", "dotnet-tools.json");
                return File.Exists(path) ? (string?)JsonNode.Parse(File.ReadAllText(path))?["tools"]?[ToolId]?["version"] : null;
            }
        }

        /// <summary>The extensions .vscode/extensions.json recommends.</summary>
        public IReadOnlyList<string> RecommendedExtensions()
        {
            var path = Path.Combine(Root, ".vscode", "extensions.json");
            if (!File.Exists(path)) return [];
            var json = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return (json?["recommendations"] as JsonArray ?? []).Select(r => (string?)r).OfType<string>().ToList();
        }

        /// <summary>The library's most recently changed source file (repository only).</summary>
        public (string Path, DateTime Time)? NewestSource()
        {
            var folder = Path.Combine(Root, "src", PackageId);
            if (!Directory.Exists(folder)) return null;
            string[] kinds = [".cs", ".csproj", ".targets", ".props", ".dib", ".js", ".css", ".html"];
            return Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Where(f => kinds.Contains(Path.GetExtension(f)) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Select(f => (f, File.GetLastWriteTimeUtc(f)))
                .OrderByDescending(f => f.Item2)
                .Select(f => ((string, DateTime)?)f)
                .FirstOrDefault();
        }

        public static Course? Find(string start)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NeuralNetworks.slnx")))
                    return Make(dir.FullName, isRepository: true, Path.Combine(dir.FullName, "notebooks"));
            }
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "install-package.proj")) && Directory.Exists(Path.Combine(dir.FullName, "packages")))
                    return Make(dir.FullName, isRepository: false, dir.FullName);
            }
            return null;
        }

        private static Course Make(string root, bool isRepository, string notebooks)
        {
            var files = Directory.Exists(notebooks) ? Directory.GetFiles(notebooks, "*.ipynb").Order(StringComparer.Ordinal).ToList() : [];
            var version = files.Select(SetupVersion).FirstOrDefault(v => v is not null) ?? "1.0.0";
            var first = files.Count > 0 ? Path.GetRelativePath(root, files[0]) : "the first notebook";
            return new Course(root, isRepository, Directory.Exists(notebooks) ? notebooks : root, version, first);
        }

        // The version in the notebook's setup line, #r "nuget: NeuralNetworks, 1.0.0".
        private static string? SetupVersion(string notebook)
        {
            try
            {
                foreach (var cell in JsonNode.Parse(File.ReadAllText(notebook))?["cells"] as JsonArray ?? [])
                {
                    // Not NotebookFile.MultilineText: this file also runs alone, as the handout's doctor.cs.
                    var source = cell?["source"] switch
                    {
                        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
                        JsonValue value => (string?)value ?? "",
                        _ => "",
                    };
                    var match = Regex.Match(source, $@"#r\s+""nuget:\s*{PackageId}\s*,\s*(?<version>[^""\s]+)\s*""");
                    if (match.Success) return match.Groups["version"].Value;
                }
            }
            catch (JsonException) { /* not a notebook: look at the next */ }
            return null;
        }
    }
}
