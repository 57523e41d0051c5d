using System.Text;
using System.Text.RegularExpressions;

namespace NeuralNetworks.Notebooks;

/// <summary>
/// Writes the student handout: a folder a teacher can zip and give to a class. It holds the notebooks (outputs
/// stripped, cells tagged "solution" deleted unless asked to keep them), the course library as a NuGet package
/// in <c>packages/</c> beside the packages it uses, with a <c>NuGet.config</c> naming that folder, a one-step installer
/// (<c>dotnet restore install-package.proj</c>), the course doctor (<c>dotnet run --file doctor.cs</c>, with the kernel tool
/// pinned in <c>.config/dotnet-tools.json</c> and VS Code's recommended extensions in <c>.vscode/extensions.json</c>), a
/// README for students and the licences. The MNIST digits travel inside the package (its <c>data/mnist</c>), where
/// <c>Mnist.Load()</c> finds them from any folder.
/// </summary>
public static partial class Handout
{
    /// <summary>The package id of the course library, as the notebooks' setup line names it.</summary>
    public const string PackageId = "NeuralNetworks";

    /// <summary>What was written.</summary>
    /// <param name="Notebooks">The notebook files written.</param>
    /// <param name="SolutionsRemoved">Solution cells deleted, over all notebooks.</param>
    /// <param name="PackageVersion">The version of the course package the notebooks load.</param>
    /// <param name="Dependencies">How many of the packages the library uses were put beside it in packages/.</param>
    public sealed record Result(IReadOnlyList<string> Notebooks, int SolutionsRemoved, string PackageVersion, int Dependencies);

    /// <summary>
    /// Writes the handout for <paramref name="notebooks"/> into <paramref name="outDirectory"/>.
    /// </summary>
    /// <param name="notebooks">The teacher's notebooks (with solutions), in order.</param>
    /// <param name="outDirectory">The handout folder; created if needed. Notebooks already there are replaced.</param>
    /// <param name="repositoryRoot">The repository: LICENSE, LICENSE-course and artifacts/package/ come from it.</param>
    /// <param name="keepSolutions">True keeps the solution cells (a teacher's or a self-study copy).</param>
    /// <exception cref="InvalidDataException">The notebooks name no course package, or different versions of it.</exception>
    /// <exception cref="FileNotFoundException">The package or a licence file is missing (the message says how to make it).</exception>
    /// <exception cref="ArgumentException"><paramref name="outDirectory"/> holds a notebook read, or files that are not an earlier handout's.</exception>
    public static Result Write(IReadOnlyList<string> notebooks, string outDirectory, string repositoryRoot, bool keepSolutions)
    {
        Sources.NotWrittenOver(notebooks, path => Path.Combine(outDirectory, Path.GetFileName(path)),
            keepSolutions ? "its handout copy" : "its handout copy, without its solution cells,");
        // A folder of other files would lose those named as the handout's (README.md, LICENSE, NuGet.config, …).
        if (Directory.Exists(outDirectory) && Directory.EnumerateFileSystemEntries(outDirectory).Any()
            && !File.Exists(Path.Combine(outDirectory, InstallProjectFile)))
            throw new ArgumentException($"{outDirectory} is not empty and is not an earlier handout (it has no {InstallProjectFile}): the handout " +
                                        "writes README.md, LICENSE, NuGet.config and its notebooks there, over any files of those names. Give a new or " +
                                        "empty folder, or an earlier handout's to write it again.");
        var version = PackageVersion(notebooks);
        var package = Path.Combine(repositoryRoot, "artifacts", "package", $"{PackageId}.{version}.nupkg");
        if (!File.Exists(package))
            throw new FileNotFoundException($"the notebooks load {PackageId} {version}, but {package} does not exist: build the library first (dotnet build src/NeuralNetworks -c Release)", package);
        string[] licences = ["LICENSE", "LICENSE-course"];
        foreach (var licence in licences.Select(l => Path.Combine(repositoryRoot, l)).Where(l => !File.Exists(l)))
            throw new FileNotFoundException($"{licence} is missing: the handout must carry the course's licences", licence);

        Directory.CreateDirectory(Path.Combine(outDirectory, "packages"));
        foreach (var old in Directory.GetFiles(Path.Combine(outDirectory, "packages"), $"{PackageId}.*.nupkg")) File.Delete(old);
        File.Copy(package, Path.Combine(outDirectory, "packages", Path.GetFileName(package)));
        var dependencies = CopyDependencies(repositoryRoot, Path.Combine(outDirectory, "packages"));
        foreach (var licence in licences) File.Copy(Path.Combine(repositoryRoot, licence), Path.Combine(outDirectory, licence), overwrite: true);

        var written = new List<string>();
        var removed = 0;
        foreach (var path in notebooks)
        {
            var notebook = NotebookFile.Load(path);
            notebook.ClearOutputs();
            if (!keepSolutions) removed += notebook.RemoveSolutions();
            var target = Path.Combine(outDirectory, Path.GetFileName(path));
            notebook.Save(target);
            written.Add(target);
        }

        var utf8 = new UTF8Encoding(false);
        WriteDoctor(outDirectory, repositoryRoot, utf8);
        File.WriteAllText(Path.Combine(outDirectory, "NuGet.config"), NuGetConfig, utf8);
        File.WriteAllText(Path.Combine(outDirectory, InstallProjectFile), InstallProject(version), utf8);
        File.WriteAllText(Path.Combine(outDirectory, "README.md"), Readme(version, written, keepSolutions), utf8);
        return new Result(written, removed, version, dependencies);
    }

    /// <summary>The one-step installer of the handout (<c>dotnet restore install-package.proj</c>); its presence marks a handout's folder.</summary>
    public const string InstallProjectFile = "install-package.proj";

    /// <summary>The doctor's file in the handout: <c>dotnet run --file doctor.cs</c> checks the student's machine.</summary>
    public const string DoctorFile = "doctor.cs";

    // The doctor (the same source as `notebooks doctor`, Doctor/CourseDoctor.cs) as a .NET 10 file-based program, and
    // what it checks against: the kernel tool pinned as in the repository, and VS Code's recommended extensions. Without
    // PublishAot=false a file-based program restores the native AOT compiler (over 100 MB, from the internet) first.
    private static void WriteDoctor(string outDirectory, string repositoryRoot, Encoding utf8)
    {
        var source = Path.Combine(repositoryRoot, "src", "NeuralNetworks.Notebooks", "Doctor", "CourseDoctor.cs");
        if (!File.Exists(source)) throw new FileNotFoundException($"{source} is missing: the handout carries the doctor", source);
        File.WriteAllText(Path.Combine(outDirectory, DoctorFile),
            "#:property PublishAot=false\n// Checks this machine for the course: dotnet run --file doctor.cs (add -- --fix for the safe repairs).\n" + File.ReadAllText(source), utf8);

        var tools = Path.Combine(repositoryRoot, ".config", "dotnet-tools.json");
        if (File.Exists(tools))
        {
            Directory.CreateDirectory(Path.Combine(outDirectory, ".config"));
            File.Copy(tools, Path.Combine(outDirectory, ".config", "dotnet-tools.json"), overwrite: true);
        }
        var extensions = Path.Combine(repositoryRoot, ".vscode", "extensions.json");
        if (File.Exists(extensions))
        {
            var options = new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true };
            var recommended = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(extensions), documentOptions: options)?["recommendations"]?.DeepClone();
            Directory.CreateDirectory(Path.Combine(outDirectory, ".vscode"));
            var json = new System.Text.Json.Nodes.JsonObject { ["recommendations"] = recommended ?? new System.Text.Json.Nodes.JsonArray() };
            File.WriteAllText(Path.Combine(outDirectory, ".vscode", "extensions.json"),
                json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", utf8);
        }
    }

    // The packages the library depends on, at the versions its restore resolved (src/NeuralNetworks/obj/
    // project.assets.json), copied from the NuGet package folder, so that installing the handout needs no internet.
    // A package missing there is left out: the student's restore then fetches it from nuget.org.
    private static int CopyDependencies(string repositoryRoot, string packagesDirectory)
    {
        var assetsFile = Path.Combine(repositoryRoot, "src", "NeuralNetworks", "obj", "project.assets.json");
        if (!File.Exists(assetsFile)) return 0;
        var assets = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(assetsFile))!;
        var folders = assets["packageFolders"]?.AsObject().Select(f => f.Key).ToArray() ?? [];
        var copied = 0;
        foreach (var (_, library) in assets["libraries"]?.AsObject() ?? [])
        {
            if ((string?)library?["type"] != "package" || (string?)library["path"] is not { } path) continue;
            var parts = path.Split('/');
            var nupkg = folders.Select(folder => Path.Combine(folder, path, $"{parts[0]}.{parts[1]}.nupkg")).FirstOrDefault(File.Exists);
            if (nupkg is null) continue;
            File.Copy(nupkg, Path.Combine(packagesDirectory, Path.GetFileName(nupkg)), overwrite: true);
            copied++;
        }
        return copied;
    }

    /// <summary>The version of the course package that <paramref name="notebooks"/> load with <c>#r "nuget: NeuralNetworks, x"</c>.</summary>
    /// <exception cref="InvalidDataException">None of them loads it, or two load different versions.</exception>
    public static string PackageVersion(IReadOnlyList<string> notebooks)
    {
        var versions = notebooks
            .SelectMany(path => NotebookFile.Load(path).Cells.Where(c => NotebookFile.CellType(c) == "code")
                .SelectMany(c => SetupLine().Matches(NotebookFile.Source(c)).Select(m => (path, m.Groups["version"].Value))))
            .ToList();
        if (versions.Count == 0)
            throw new InvalidDataException($"no notebook loads the course package (#r \"nuget: {PackageId}, <version>\"): {string.Join(", ", notebooks.Select(Path.GetFileName))}");
        if (versions.Select(v => v.Item2).Distinct().Count() > 1)
            throw new InvalidDataException($"the notebooks load different versions of {PackageId}: " +
                string.Join(", ", versions.Select(v => $"{Path.GetFileName(v.path)} {v.Item2}")));
        return versions[0].Item2;
    }

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*NeuralNetworks\s*,\s*(?<version>[^"\s]+)\s*"\s*$""", RegexOptions.Multiline)]
    private static partial Regex SetupLine();

    // Relative source paths in a NuGet.config are relative to the file: the kernel (whose working directory is
    // the notebook's folder in VS Code and Jupyter) and `dotnet restore` both find the package in packages/.
    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <!-- The course library, NeuralNetworks.<version>.nupkg, and the packages it uses. nuget.org stays a source. -->
            <add key="neuralnetworks-course" value="packages" />
          </packageSources>
        </configuration>

        """;

    private static string InstallProject(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <!-- Run once: `dotnet restore install-package.proj`. It copies the course library and the packages it uses
               (MathNet.Numerics, Plotly.NET, ...) from packages/ into your NuGet package folder, where the notebooks'
               first line, #r "nuget: {PackageId}, {version}", finds it. Nothing is built. -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="{PackageId}" Version="[{version}]" />
          </ItemGroup>
        </Project>

        """;

    /// <summary>The handout's README.md, for students: install, check, open; in the class's copy (solutions removed),
    /// how to hand work in (<see cref="HandingIn"/>).</summary>
    /// <param name="version">The version of the course package the notebooks load.</param>
    /// <param name="notebooks">The notebooks in the handout, in order.</param>
    /// <param name="solutions">True for a copy that keeps the worked solutions (a teacher's or a self-study copy).</param>
    public static string Readme(string version, IReadOnlyList<string> notebooks, bool solutions) => $"""
        # Neural networks, one matrix at a time

        C# notebooks that build the network from 3Blue1Brown's series — 784 inputs, two hidden layers of 16
        neurons, 10 outputs — and train it on handwritten digits (MNIST), one equation at a time.

        You need the [.NET 10 SDK](https://dotnet.microsoft.com/download), and VS Code with the *Polyglot
        Notebooks* extension (or Jupyter with the .NET kernel: see below).

        ## 1. Make the course library available (once)

        In this folder, run

        ```sh
        dotnet restore install-package.proj
        ```

        It puts the course library, `{PackageId} {version}` (from `packages/`, with the MNIST digits inside), and the
        packages it uses (also in `packages/`) into your NuGet package folder. Neither this step nor the notebooks
        need the internet.
        (Had an earlier copy of this course? First delete the folder `neuralnetworks/{version}` in your NuGet package
        folder, `~/.nuget/packages` or `%UserProfile%\.nuget\packages`: NuGet never replaces a version it has.)

        ## 2. Check your machine

        In this folder, run

        ```sh
        dotnet run --file {DoctorFile}
        ```

        It checks, line by line, what the notebooks need — the .NET SDK, the course library in your NuGet package folder,
        the notebook kernel (pinned in `.config/dotnet-tools.json`), a Jupyter kernel for C# that starts and listens on
        your machine only, VS Code's recommended extensions — and runs the notebooks' first line in the kernel. Each line
        is ✓, or ✗ with the command that mends it. `dotnet run --file {DoctorFile} -- --fix` makes the safe repairs (restores
        the kernel, registers it for Jupyter and VS Code's Jupyter extension, installs the library) and checks again;
        restoring the kernel tool is the one step that needs the internet.

        ## 3. Open the notebooks

        Open this folder in VS Code, open `{Path.GetFileName(notebooks[0])}` and choose **Run All**. Every notebook starts
        with one line, `#r "nuget: {PackageId}, {version}"`, which loads the library, its charts and its `using`s.
        VS Code offers the recommended extensions (`.vscode/extensions.json`) when you open the folder.

        With Jupyter instead: `dotnet run --file {DoctorFile} -- --fix` registers the C# kernel, then `jupyter lab` in this folder.

        {(solutions
            ? "This copy keeps the worked solutions (the cells tagged `solution`)."
            : "Each exercise has a cell for your answer and a check below it: run the check and it tells you whether you got it, or that it is not answered yet.")}

        If something goes wrong: **restart the kernel** and Run All again (a kernel loads the library once), and run
        `dotnet run --file {DoctorFile}`: it says what is missing.

        {(solutions ? "" : HandingIn(Path.GetFileName(notebooks[0])))}## Notebooks

        {string.Join("\n", notebooks.Select(n => $"- `{Path.GetFileName(n)}`"))}

        ## Licences

        The code (the library in `packages/` and the notebooks' code cells) is under the MIT licence (`LICENSE`); the
        course text and figures are under CC BY 4.0 (`LICENSE-course`). The MNIST data inside the package keeps its
        own terms (its `data/README.md`).

        """;

    /// <summary>The README's section on handing work in, as <c>notebooks grade</c> reads it (docs/grading.md): answer
    /// cells only, course notebook names, one copy of each. <paramref name="example"/> is a notebook's file name.</summary>
    private static string HandingIn(string example) => $"""
        ## Handing in your work

        - Write each answer in its **answer cell**, the code cell that declares it as `null`: replace `null` with your
          answer. Grading takes only your answer cells into a fresh copy of the notebook: an answer written in a cell
          you added is not graded, and an answer cell that needs code from one fails.
        - Hand the notebooks back with their names unchanged (`{example}`): in a folder or a `.zip` named after you,
          or one by one, each named after you and the notebook (`yourname-{example}`).
        - Keep one copy of each notebook: of two copies, only the one with more answers filled in is graded (of two with
          as many, the one in the shallower folder).


        """;
}
