using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralNetworks.Course;

/// <summary>How an exercise's check ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ExerciseOutcome>))]
public enum ExerciseOutcome
{
    /// <summary>Answered, and every check passed (✓).</summary>
    Passed,

    /// <summary>Answered, and a check failed or the answer's code threw (✗).</summary>
    Failed,

    /// <summary>The answer is still null (◌).</summary>
    NotAnswered,
}

/// <summary>What one <see cref="Check.Answer{T}(string, T, Action{T})"/> concluded.</summary>
/// <param name="Exercise">The exercise, as the check names it, e.g. "Exercise 1 (k1)".</param>
/// <param name="Outcome">✓, ✗ or not answered.</param>
/// <param name="Message">The first ✗ line, or what passed.</param>
public sealed record ExerciseResult(string Exercise, ExerciseOutcome Outcome, string Message)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>One line of JSON: {"exercise":…,"outcome":"Passed"|"Failed"|"NotAnswered","message":…}.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a line written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The line is not such a result.</exception>
    public static ExerciseResult FromJson(string line) =>
        JsonSerializer.Deserialize<ExerciseResult>(line, Options) ?? throw new JsonException("not an exercise result: " + line);
}
