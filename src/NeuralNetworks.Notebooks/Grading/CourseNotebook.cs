using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>An exercise's answer cell in the student's copy of a course notebook: the cell a student writes in.</summary>
/// <param name="Index">0-based position in the student's copy (cell <c>Index + 1</c> as a reader counts).</param>
/// <param name="Id">The cell's nbformat id.</param>
/// <param name="Source">The cell as the course gives it: the variables declared as null, unanswered.</param>
/// <param name="Variables">The variables it declares as null, e.g. <c>k1</c> for <c>int? k1 = null;</c>.</param>
public sealed record AnswerCell(int Index, string Id, string Source, IReadOnlyList<string> Variables)
{
    /// <summary>"your answer cell (cell 16: identity)", as messages name it.</summary>
    public string Name => $"your answer cell (cell {Index + 1}{(Variables.Count == 0 ? "" : ": " + string.Join(", ", Variables))})";
}

/// <summary>A check cell: the cell whose <c>Check.Answer(...)</c> records an exercise's result.</summary>
/// <param name="Index">0-based position in the student's copy.</param>
/// <param name="Id">The cell's nbformat id.</param>
/// <param name="Exercises">The exercises it checks, as <c>Check.Answer</c>'s first argument names them (usually one).</param>
/// <param name="Answers">Indexes of the answer cells it checks.</param>
public sealed record CheckCell(int Index, string Id, IReadOnlyList<string> Exercises, IReadOnlyList<int> Answers);

/// <summary>
/// A course notebook as the grader sees it: the student's copy (the teacher's notebook without its cells tagged
/// "solution"), its answer cells and its check cells. <see cref="Assemble"/> puts a submission's answer cells into a
/// fresh copy of it, so that nothing else a student changed (a check, the setup, a text) is run.
/// </summary>
/// <remarks>
/// Answer cells are the cells tagged "answer"; in a notebook without such tags, the code cell right before each
/// "solution" cell. Check cells are those tagged "check" and every cell that calls <c>Check.Answer(</c>.
/// </remarks>
public sealed partial class CourseNotebook
{
    /// <summary>The tag of an answer cell.</summary>
    public const string AnswerTag = "answer";

    /// <summary>The tag of a check cell.</summary>
    public const string CheckTag = NotebookFile.CheckTag;

    /// <summary>The tag of a solution cell (deleted from the student's copy).</summary>
    public const string SolutionTag = "solution";

    /// <summary>Metadata key under which an assembled notebook marks each cell's role for the worker.</summary>
    public const string GradingKey = "grading";

    private CourseNotebook(string name, string title, NotebookFile studentCopy, IReadOnlyList<AnswerCell> answers,
        IReadOnlyList<CheckCell> checks, int? setupCell)
    {
        Name = name;
        Title = title;
        StudentCopy = studentCopy;
        Answers = answers;
        Checks = checks;
        SetupCell = setupCell;
    }

    /// <summary>File name without extension, e.g. "00-setup-check".</summary>
    public string Name { get; }

    /// <summary>The notebook's H1, or its name.</summary>
    public string Title { get; }

    /// <summary>The student's copy: outputs cleared, solution cells deleted. Do not change it; <see cref="Assemble"/> copies it.</summary>
    public NotebookFile StudentCopy { get; }

    /// <summary>The answer cells, in order.</summary>
    public IReadOnlyList<AnswerCell> Answers { get; }

    /// <summary>The check cells, in order.</summary>
    public IReadOnlyList<CheckCell> Checks { get; }

    /// <summary>Index of the cell that loads the course package (<c>#r "nuget: NeuralNetworks, …"</c>), if any.</summary>
    public int? SetupCell { get; }

    /// <summary>Every exercise, in the order the checks run.</summary>
    public IEnumerable<string> Exercises => Checks.SelectMany(c => c.Exercises);

    /// <summary>Reads the teacher's notebook at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">It is not a notebook.</exception>
    public static CourseNotebook Load(string path) => FromTeacherCopy(Path.GetFileNameWithoutExtension(path), NotebookFile.Load(path));

    /// <summary>The course notebook from the teacher's copy (with solutions) of a notebook.</summary>
    public static CourseNotebook FromTeacherCopy(string name, NotebookFile teacher)
    {
        var copy = teacher.Clone();
        copy.ClearOutputs();
        var teacherCells = copy.Cells;
        var tagged = teacherCells.Any(c => HasTag(c, AnswerTag));
        // Where the answer cells are not tagged, the answer cell is the code cell right before a solution.
        var answerIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < teacherCells.Count; i++)
        {
            var cell = teacherCells[i];
            if (NotebookFile.CellType(cell) != "code") continue;
            var isAnswer = tagged
                ? HasTag(cell, AnswerTag)
                : i + 1 < teacherCells.Count && NotebookFile.CellType(teacherCells[i + 1]) == "code"
                  && IsSolutionCell(teacherCells[i + 1]) && !IsSolutionCell(cell);
            if (isAnswer) answerIds.Add(Id(cell));
        }

        copy.RemoveSolutions();
        var cells = copy.Cells;
        var answers = new List<AnswerCell>();
        var checks = new List<(int Index, string Id, IReadOnlyList<string> Exercises, string Source)>();
        int? setup = null;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (NotebookFile.CellType(cell) != "code") continue;
            var source = NotebookFile.Source(cell);
            if (setup is null && SetupLine().IsMatch(source)) setup = i;
            if (answerIds.Contains(Id(cell)))
                answers.Add(new AnswerCell(i, Id(cell), source, DeclaredVariables(source)));
            else if (NotebookFile.IsCheck(cell))
                checks.Add((i, Id(cell), ExerciseNames(source, i), source));
        }

        var checkCells = new List<CheckCell>();
        for (var c = 0; c < checks.Count; c++)
        {
            var (index, id, exercises, source) = checks[c];
            // The answers it reads: those after the previous check whose variables it names; else every answer after the
            // previous check; else any earlier answer it names.
            var previous = c == 0 ? -1 : checks[c - 1].Index;
            var between = answers.Where(a => a.Index > previous && a.Index < index).ToList();
            var named = answers.Where(a => a.Index < index && a.Variables.Any(v => MentionsIdentifier(source, v))).ToList();
            var recent = named.Where(a => a.Index > previous).ToList();
            var read = recent.Count > 0 ? recent : between.Count > 0 ? between : named;
            checkCells.Add(new CheckCell(index, id, exercises, read.Select(a => a.Index).ToList()));
        }
        return new CourseNotebook(name, copy.Title() ?? name, copy, answers, checkCells, setup);
    }

    /// <summary>
    /// A copy of the student's notebook with the answer cells of <paramref name="submission"/> put in (matched by cell
    /// id, then by order among the submission's answer cells), every cell's role written into its metadata
    /// (<c>metadata.grading</c>) for the worker. A cell listed in <paramref name="unanswered"/> keeps the course's
    /// unanswered source (the grader's way to run on past an answer that hangs or ends the process).
    /// </summary>
    /// <param name="submission">The student's notebook; null gives the untouched student copy.</param>
    /// <param name="unanswered">Indexes of answer cells to leave unanswered.</param>
    /// <returns>The notebook to run and, per answer cell index, where its source came from.</returns>
    public (NotebookFile Notebook, IReadOnlyDictionary<int, AnswerOrigin> Origins) Assemble(NotebookFile? submission, IReadOnlySet<int>? unanswered = null)
    {
        var notebook = StudentCopy.Clone();
        var cells = notebook.Cells;
        var taken = submission is null ? new Dictionary<int, (string Source, AnswerOrigin Origin)>() : TakeAnswers(submission);
        var origins = new Dictionary<int, AnswerOrigin>();
        foreach (var answer in Answers)
        {
            var cell = cells[answer.Index];
            var origin = taken.TryGetValue(answer.Index, out var yours) ? yours.Origin : AnswerOrigin.Missing;
            var source = yours.Source;
            if (origin != AnswerOrigin.Missing && string.IsNullOrWhiteSpace(source)) origin = AnswerOrigin.Empty;
            if (unanswered?.Contains(answer.Index) == true) origin = AnswerOrigin.LeftOut;
            if (origin is AnswerOrigin.ById or AnswerOrigin.ByOrder) cell["source"] = NotebookFile.Lines(source!);
            Metadata(cell)[GradingKey] = new JsonObject
            {
                ["role"] = "answer",
                ["unanswered"] = answer.Source,
                ["origin"] = origin.ToString(),
            };
            origins[answer.Index] = origin;
        }
        foreach (var check in Checks)
            Metadata(cells[check.Index])[GradingKey] = new JsonObject { ["role"] = "check", ["exercises"] = new JsonArray(check.Exercises.Select(e => (JsonNode?)e).ToArray()) };
        if (SetupCell is { } setup) Metadata(cells[setup])[GradingKey] = new JsonObject { ["role"] = "setup" };
        return (notebook, origins);
    }

    /// <summary>
    /// The names a submission's answer cells declare or assign that a later check cell uses, besides the answer's own
    /// variables and what the course's answer cell declares: a variable, method or type of the same name as one the check
    /// reads (say <c>var sigma = Activation.ReLU;</c>, <c>sigma = Activation.ReLU;</c>, or a class <c>Exercises</c>) would
    /// change what the check compares the answer with, or what it runs. The first such name per answer cell, with the check cell that uses it.
    /// </summary>
    /// <param name="submission">The student's notebook.</param>
    public IReadOnlyList<(AnswerCell Answer, string Name, int CheckCell)> Shadowing(NotebookFile submission)
    {
        var found = new List<(AnswerCell, string, int)>();
        foreach (var (index, (source, origin)) in TakeAnswers(submission))
        {
            if (origin is not (AnswerOrigin.ById or AnswerOrigin.ByOrder)) continue;
            var answer = Answers.First(a => a.Index == index);
            var own = new HashSet<string>(TopLevelNames(answer.Source).Concat(answer.Variables), StringComparer.Ordinal);
            var hit = (from name in NamesSet(source)
                       where !own.Contains(name)
                       from check in Checks
                       where check.Index > index && MentionsIdentifier(StripComments(NotebookFile.Source(StudentCopy.Cells[check.Index])), name)
                       select (name, check.Index)).FirstOrDefault();
            if (hit.name is not null) found.Add((answer, hit.name, hit.Index));
        }
        return found;
    }

    /// <summary>
    /// How many answer cells of <paramref name="submission"/> are filled in: found (by id, or by place) and changed from
    /// the course's unanswered cell, white space aside. Of two copies of a notebook, the grader grades the one with more.
    /// </summary>
    /// <param name="submission">The student's notebook.</param>
    public int AnswersFilledIn(NotebookFile submission) =>
        TakeAnswers(submission).Count(taken => WithoutSpace(taken.Value.Source) is { Length: > 0 } answer
                                               && answer != WithoutSpace(Answers.First(a => a.Index == taken.Key).Source));

    private static string WithoutSpace(string source) => Regex.Replace(source, @"\s+", "");

    /// <summary>
    /// Notes for answers a student wrote in a cell of their own: an answer cell still declaring its variable as null,
    /// followed (before the next cell of the course) by a code cell the course does not have that sets the variable.
    /// Only answer cells are graded, so such an answer counts as not answered; the note says where it is.
    /// </summary>
    /// <param name="submission">The student's notebook.</param>
    public IReadOnlyList<string> AnswersInAddedCells(NotebookFile submission)
    {
        var courseIds = new HashSet<string>(StudentCopy.Cells.Select(Id), StringComparer.Ordinal);
        var theirs = submission.Cells.ToList();
        var notes = new List<string>();
        foreach (var answer in Answers)
        {
            int at = theirs.FindIndex(c => Id(c) == answer.Id);
            if (at < 0 || !DeclaredVariables(NotebookFile.Source(theirs[at])).Intersect(answer.Variables).Any()) continue;
            for (int i = at + 1; i < theirs.Count && !courseIds.Contains(Id(theirs[i])); i++)
            {
                if (NotebookFile.CellType(theirs[i]) != "code") continue;
                var names = NamesSet(NotebookFile.Source(theirs[i]));
                var set = answer.Variables.FirstOrDefault(names.Contains);
                if (set is null) continue;
                notes.Add($"{answer.Name} is still null, but cell {i + 1} of your notebook, which you added, sets {set}: only the answer " +
                          "cell is graded, so this counts as not answered. Put your answer in the answer cell, in place of null");
                break;
            }
        }
        return notes;
    }

    // What a cell declares at the top level or assigns without declaring: the names it gives a value.
    private static IReadOnlyList<string> NamesSet(string source) => TopLevelNames(source).Union(AssignedNames(source)).ToList();

    /// <summary>
    /// The names a cell assigns to (<c>x = …</c>, <c>x += …</c>, <c>x++</c>) that it does not declare itself: variables of
    /// earlier cells it changes, now or when a function it defines runs.
    /// </summary>
    public static IReadOnlyList<string> AssignedNames(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(kind: SourceCodeKind.Script)).GetCompilationUnitRoot();
        var declared = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in root.DescendantNodes())
        {
            switch (node)
            {
                case VariableDeclaratorSyntax v: declared.Add(v.Identifier.ValueText); break;
                case ParameterSyntax p: declared.Add(p.Identifier.ValueText); break;
                case ForEachStatementSyntax f: declared.Add(f.Identifier.ValueText); break;
                case SingleVariableDesignationSyntax d: declared.Add(d.Identifier.ValueText); break;
                case LocalFunctionStatementSyntax l: declared.Add(l.Identifier.ValueText); break;
                case CatchDeclarationSyntax c: declared.Add(c.Identifier.ValueText); break;
            }
        }
        var targets = root.DescendantNodes().Select(node => node switch
        {
            AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } => name.Identifier.ValueText,
            PrefixUnaryExpressionSyntax { Operand: IdentifierNameSyntax name } u when u.IsKind(SyntaxKind.PreIncrementExpression) || u.IsKind(SyntaxKind.PreDecrementExpression) => name.Identifier.ValueText,
            PostfixUnaryExpressionSyntax { Operand: IdentifierNameSyntax name } => name.Identifier.ValueText,
            _ => null,
        });
        return targets.OfType<string>().Where(n => !declared.Contains(n)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The names a cell declares at the top level of a C# script: variables, local functions and methods, and types
    /// (classes, structs, records, interfaces, enums, delegates). A cell that does not parse declares what parses.
    /// </summary>
    public static IReadOnlyList<string> TopLevelNames(string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(kind: SourceCodeKind.Script)).GetCompilationUnitRoot();
        var names = new List<string>();
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local }:
                    names.AddRange(local.Declaration.Variables.Select(v => v.Identifier.ValueText));
                    break;
                case GlobalStatementSyntax { Statement: LocalFunctionStatementSyntax function }:
                    names.Add(function.Identifier.ValueText);
                    break;
                case FieldDeclarationSyntax field:
                    names.AddRange(field.Declaration.Variables.Select(v => v.Identifier.ValueText));
                    break;
                case MethodDeclarationSyntax method:
                    names.Add(method.Identifier.ValueText);
                    break;
                case PropertyDeclarationSyntax property:
                    names.Add(property.Identifier.ValueText);
                    break;
                case BaseTypeDeclarationSyntax type:
                    names.Add(type.Identifier.ValueText);
                    break;
                case DelegateDeclarationSyntax type:
                    names.Add(type.Identifier.ValueText);
                    break;
            }
        }
        return names.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    // The submission's answer cells: by id first; the rest in order among the submission's own answer cells (tagged
    // "answer", or else each code cell right before a check), accepted only when it names one of the answer's variables.
    private Dictionary<int, (string Source, AnswerOrigin Origin)> TakeAnswers(NotebookFile submission)
    {
        var theirs = submission.Cells;
        var byId = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var cell in theirs.Where(c => NotebookFile.CellType(c) == "code"))
            byId.TryAdd(Id(cell), cell);

        var result = new Dictionary<int, (string, AnswerOrigin)>();
        var used = new HashSet<JsonObject>(ReferenceEqualityComparer.Instance);
        foreach (var answer in Answers)
        {
            if (byId.TryGetValue(answer.Id, out var cell) && used.Add(cell))
                result[answer.Index] = (NotebookFile.Source(cell), AnswerOrigin.ById);
        }

        var tagged = theirs.Any(c => HasTag(c, AnswerTag));
        var candidates = new List<JsonObject>();
        for (var i = 0; i < theirs.Count; i++)
        {
            var cell = theirs[i];
            if (NotebookFile.CellType(cell) != "code" || used.Contains(cell)) continue;
            var next = theirs.Skip(i + 1).FirstOrDefault(c => NotebookFile.CellType(c) == "code");
            var isAnswer = tagged
                ? HasTag(cell, AnswerTag)
                : next is not null && NotebookFile.Source(next).Contains("Check.Answer(", StringComparison.Ordinal)
                  && !NotebookFile.Source(cell).Contains("Check.Answer(", StringComparison.Ordinal);
            if (isAnswer) candidates.Add(cell);
        }
        var open = Answers.Where(a => !result.ContainsKey(a.Index)).ToList();
        for (var k = 0; k < Math.Min(open.Count, candidates.Count); k++)
        {
            var source = NotebookFile.Source(candidates[k]);
            if (open[k].Variables.Any(v => MentionsIdentifier(source, v)))
                result[open[k].Index] = (source, AnswerOrigin.ByOrder);
        }
        return result;
    }

    /// <summary>True when <paramref name="cell"/> carries <paramref name="tag"/> in Jupyter's <c>metadata.tags</c> or in .NET Interactive's metadata.</summary>
    public static bool HasTag(JsonObject cell, string tag) => NotebookFile.HasTag(cell, tag);

    /// <summary>The variables a cell declares as null: <c>k1</c> in <c>int? k1 = null;</c>, <c>f</c> in <c>Func&lt;double, double&gt;? f = null;</c>.</summary>
    public static IReadOnlyList<string> DeclaredVariables(string source) =>
        NullDeclaration().Matches(StripComments(source)).Select(m => m.Groups["name"].Value).Distinct().ToList();

    /// <summary>
    /// The exercise names of the <c>Check.Answer("name", …)</c> calls in a cell's source; a name that is not a plain
    /// string literal is called "cell N".
    /// </summary>
    public static IReadOnlyList<string> ExerciseNames(string source, int index)
    {
        var names = new List<string>();
        foreach (Match call in CheckAnswerCall().Matches(source))
        {
            names.Add(call.Groups["literal"].Success && Unquote(call.Groups["literal"].Value) is { } name
                ? name
                : $"cell {index + 1}");
        }
        return names.Count == 0 ? [$"cell {index + 1}"] : names.Distinct().ToList();
    }

    /// <summary>True when <paramref name="identifier"/> occurs in <paramref name="source"/> as a whole word.</summary>
    public static bool MentionsIdentifier(string source, string identifier) =>
        Regex.IsMatch(source, $@"(?<![\w@]){Regex.Escape(identifier)}(?!\w)");

    private static bool IsSolutionCell(JsonObject cell) => HasTag(cell, SolutionTag);

    private static string Id(JsonObject cell) => (string?)cell["id"] ?? "";

    private static JsonObject Metadata(JsonObject cell)
    {
        if (cell["metadata"] is JsonObject metadata) return metadata;
        var created = new JsonObject();
        cell["metadata"] = created;
        return created;
    }

    private static string StripComments(string source) => LineComment().Replace(source, "");

    private static string? Unquote(string literal)
    {
        if (literal.StartsWith('@')) return literal[2..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
        var text = new StringBuilder();
        for (var i = 1; i < literal.Length - 1; i++)
        {
            var c = literal[i];
            if (c != '\\') { text.Append(c); continue; }
            if (++i >= literal.Length - 1) return null;
            switch (literal[i])
            {
                case 'n': text.Append('\n'); break;
                case 't': text.Append('\t'); break;
                case 'u' when i + 4 < literal.Length - 1:
                    text.Append((char)Convert.ToInt32(literal.Substring(i + 1, 4), 16));
                    i += 4;
                    break;
                default: text.Append(literal[i]); break;
            }
        }
        return text.ToString();
    }

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*NeuralNetworks\s*,""", RegexOptions.Multiline)]
    private static partial Regex SetupLine();

    [GeneratedRegex(@"(?<![\w.])(?<name>[A-Za-z_]\w*)\s*=\s*null\s*[;,]")]
    private static partial Regex NullDeclaration();

    [GeneratedRegex("""Check\s*\.\s*Answer\s*(?:<[^>()]*>)?\s*\(\s*(?<literal>@"(?:[^"]|"")*"|"(?:[^"\\\n]|\\.)*")?""")]
    private static partial Regex CheckAnswerCall();

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();
}

/// <summary>Where an answer cell of an assembled notebook came from.</summary>
public enum AnswerOrigin
{
    /// <summary>The submission's cell with the same id.</summary>
    ById,

    /// <summary>The submission's answer cell at the same place in order (its id had changed).</summary>
    ByOrder,

    /// <summary>The submission has no such cell: the course's unanswered cell ran.</summary>
    Missing,

    /// <summary>The submission's cell was empty: the course's unanswered cell ran.</summary>
    Empty,

    /// <summary>Left unanswered by the grader, after the answer hung or ended the process in an earlier run.</summary>
    LeftOut,
}
