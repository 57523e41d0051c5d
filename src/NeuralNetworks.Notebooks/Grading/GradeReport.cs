using System.Net;
using System.Text;

namespace NeuralNetworks.Notebooks.Grading;

/// <summary>
/// Writes what <see cref="Grader"/> found: <c>grades.csv</c> (student, notebook, exercise, result, message),
/// <c>grades.html</c> (students × exercises at a glance, each mark's message on hover, a count per student and per
/// exercise) and <c>feedback/&lt;student&gt;.html</c> (each exercise with its result, its message and what the check
/// printed). The pages are self-contained: no script, no font, nothing fetched.
/// </summary>
public static class GradeReport
{
    /// <summary>The CSV's header line.</summary>
    public const string CsvHeader = "student,notebook,exercise,result,message";

    /// <summary>Writes the three outputs into <paramref name="folder"/>.</summary>
    /// <param name="folder">The out folder.</param>
    /// <param name="run">What was graded.</param>
    /// <param name="studentFolders">Each student's file name (without .html) under feedback/.</param>
    public static void Write(string folder, GradingRun run, IReadOnlyDictionary<string, string> studentFolders)
    {
        var utf8 = new UTF8Encoding(false);
        // With a byte-order mark: Excel then reads the ✓, σ and names as UTF-8.
        File.WriteAllText(Path.Combine(folder, "grades.csv"), Csv(run.Rows), new UTF8Encoding(true));
        File.WriteAllText(Path.Combine(folder, "grades.html"), Overview(run, studentFolders), utf8);
        var feedback = Path.Combine(folder, "feedback");
        if (Directory.Exists(feedback)) foreach (var old in Directory.GetFiles(feedback, "*.html")) File.Delete(old);
        Directory.CreateDirectory(feedback);
        foreach (var student in run.Students)
        {
            var name = student[0].Student;
            File.WriteAllText(Path.Combine(feedback, studentFolders[name] + ".html"), Feedback(run, student), utf8);
        }
    }

    /// <summary>The CSV text (RFC 4180: fields with a comma, quote or line break quoted; a field that a spreadsheet would
    /// read as a formula — starting with =, +, -, @ — gets a leading apostrophe).</summary>
    public static string Csv(IEnumerable<ExerciseGrade> rows)
    {
        var text = new StringBuilder(CsvHeader).Append("\r\n");
        foreach (var row in rows)
        {
            text.AppendJoin(',', new[] { row.Student, row.Notebook, row.Exercise, row.ResultText, row.Message }.Select(Field)).Append("\r\n");
        }
        return text.ToString();
    }

    /// <summary>Splits CSV text written by <see cref="Csv"/> into rows of fields (the header included).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> ParseCsv(string text)
    {
        var rows = new List<IReadOnlyList<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                fields.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add(fields);
                fields = [];
            }
            else if (c != '\uFEFF' || i != 0) field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); rows.Add(fields); }
        return rows;
    }

    private static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value != value.Trim()
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
    }

    private static string Overview(GradingRun run, IReadOnlyDictionary<string, string> studentFolders)
    {
        var exercises = run.Course.SelectMany(c => c.Exercises.Select(e => (Notebook: c.Name, Exercise: e))).ToList();
        var body = new StringBuilder();
        body.Append($"<h1>Grades</h1>\n<p>{run.Students.Count} student{(run.Students.Count == 1 ? "" : "s")} · {exercises.Count} exercises in ")
            .Append(string.Join(", ", run.Course.Select(c => H(c.Title))))
            .Append($" · graded in {run.Elapsed.TotalMinutes:0.0} min. Hover over a mark for its message; a name opens that student's feedback page.</p>\n");
        foreach (var problem in run.GraderProblems)
            body.Append($"<p class=\"problem\">Not the students' doing: {H(problem)}. Run <code>notebooks doctor</code>, then grade again.</p>\n");
        body.Append("<table class=\"grid\">\n<thead><tr><th rowspan=\"2\" class=\"name\">student</th>");
        foreach (var course in run.Course)
            body.Append($"<th colspan=\"{Math.Max(1, course.Exercises.Count())}\" class=\"notebook\">{H(course.Title)}</th>");
        body.Append("<th rowspan=\"2\">passed</th></tr>\n<tr>");
        foreach (var (_, exercise) in exercises) body.Append($"<th class=\"exercise\" title=\"{H(exercise)}\">{H(ShortName(exercise))}</th>");
        body.Append("</tr></thead>\n<tbody>\n");
        foreach (var student in run.Students)
        {
            var name = student[0].Student;
            var grades = student.SelectMany(n => n.Grades).ToList();
            body.Append($"<tr><th class=\"name\"><a href=\"feedback/{Uri.EscapeDataString(studentFolders[name])}.html\">{H(name)}</a></th>");
            foreach (var grade in grades)
                body.Append($"<td class=\"{Css(grade.Result)}\" title=\"{H(grade.ResultText)}: {H(grade.Message)}\">{ExerciseGrade.Mark(grade.Result)}</td>");
            body.Append($"<td class=\"count\">{grades.Count(g => g.Result == GradeResult.Passed)} / {grades.Count}</td></tr>\n");
        }
        body.Append("</tbody>\n<tfoot><tr><th class=\"name\">passed by</th>");
        for (var k = 0; k < exercises.Count; k++)
        {
            var passed = run.Students.Count(s => s.SelectMany(n => n.Grades).ElementAtOrDefault(k)?.Result == GradeResult.Passed);
            body.Append($"<td class=\"count\">{passed}</td>");
        }
        body.Append("<td></td></tr></tfoot>\n</table>\n");
        body.Append("<p class=\"legend\">").AppendJoin(" · ", Enum.GetValues<GradeResult>().Select(r => $"<span class=\"{Css(r)}\">{ExerciseGrade.Mark(r)}</span> {ExerciseGrade.Text(r)}")).Append("</p>\n");
        body.Append("<p class=\"legend\">Every result comes from the course's own checks, run on a fresh copy of each notebook holding only the student's answer cells. grades.csv has the same results with their messages.</p>\n");
        return Page("Grades", body.ToString());
    }

    private static string Feedback(GradingRun run, IReadOnlyList<NotebookGrades> student)
    {
        var name = student[0].Student;
        var grades = student.SelectMany(n => n.Grades).ToList();
        var body = new StringBuilder();
        body.Append($"<p class=\"back\"><a href=\"../grades.html\">All students</a></p>\n<h1>Feedback for {H(name)}</h1>\n")
            .Append($"<p>{grades.Count(g => g.Result == GradeResult.Passed)} of {grades.Count} exercises passed.</p>\n");
        foreach (var notebook in student)
        {
            var course = run.Course.First(c => c.Name == notebook.Notebook);
            body.Append($"<h2>{H(course.Title)}</h2>\n<table class=\"feedback\">\n<thead><tr><th>exercise</th><th></th><th>result</th><th>why</th></tr></thead>\n<tbody>\n");
            foreach (var grade in notebook.Grades)
            {
                body.Append($"<tr><td>{H(grade.Exercise)}</td><td class=\"{Css(grade.Result)}\">{ExerciseGrade.Mark(grade.Result)}</td><td>{H(grade.ResultText)}</td><td>{H(grade.Message)}");
                if (grade.Result is not GradeResult.Passed and not GradeResult.NotAnswered && grade.Printed.Trim().Length > 0)
                    body.Append($"<details><summary>what the check printed</summary><pre>{H(grade.Printed.TrimEnd())}</pre></details>");
                body.Append("</td></tr>\n");
            }
            body.Append("</tbody></table>\n");
            if (notebook.Notes.Count > 0)
                body.Append("<ul class=\"notes\">").AppendJoin("", notebook.Notes.Select(n => $"<li>{H(n)}</li>")).Append("</ul>\n");
        }
        body.Append("<p class=\"legend\">Only your answer cells were graded: each ran in a fresh copy of the notebook, with the course's own checks.</p>\n");
        return Page($"Feedback: {name}", body.ToString());
    }

    // "Exercise 1 (identity)" → "identity"; "Build it 2 · a layer's weighted sums (myWeightedSums)" → "myWeightedSums".
    private static string ShortName(string exercise)
    {
        var open = exercise.LastIndexOf('(');
        return open >= 0 && exercise.EndsWith(')') ? exercise[(open + 1)..^1] : exercise;
    }

    private static string Css(GradeResult result) => result.ToString().ToLowerInvariant();

    private static string H(string text) => WebUtility.HtmlEncode(text);

    private static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{H(title)}}</title>
        <style>
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em; color: #222; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; }
        table.grid td { text-align: center; min-width: 1.6em; }
        th.exercise { font-weight: normal; font-size: 0.85em; writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
        th.name { text-align: left; }
        td.count { text-align: right; font-variant-numeric: tabular-nums; }
        .passed { background: #e3f5e1; color: #1b6b13; }
        .failed { background: #fde2e1; color: #a31a12; }
        .notanswered { background: #f3f3f3; color: #777; }
        .error { background: #fff1d6; color: #8a5300; }
        .timedout { background: #ede4fb; color: #5b2aa8; }
        .notsubmitted { background: #fafafa; color: #aaa; }
        .notanotebook { background: #fde2e1; color: #a31a12; }
        table.feedback td { vertical-align: top; }
        pre { white-space: pre-wrap; font-size: 0.85em; background: #f7f7f7; padding: 0.5em; }
        .legend, .back { color: #555; font-size: 0.9em; }
        .problem { background: #fde2e1; padding: 0.5em; }
        </style>
        </head>
        <body>
        {{body}}</body>
        </html>

        """;
}
