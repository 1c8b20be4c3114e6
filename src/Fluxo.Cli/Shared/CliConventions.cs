using System.CommandLine;
using System.CommandLine.Parsing;

namespace Fluxo.Cli.Shared;

/// <summary>How a command prints its result: for people (text) or for programs (json, sarif).</summary>
internal enum OutputFormat
{
    Text,
    Json,
    Sarif,
}

/// <summary>
/// The options every command spells alike (`--output/-o`, `--format/-f`, `--handler/-H`, `--policy/-p`, `--trace/-t`),
/// and choices whose bad values are answered with the allowed values rather than a .NET type name.
/// </summary>
internal static class CliOptions
{
    /// <summary>The name standing for standard output wherever a command writes a file.</summary>
    public const string StandardOutput = "-";

    public static Option<string?> Output(string description) =>
        new("--output", "-o") { Description = description + " '-' is standard output." };

    public static Option<OutputFormat> Format(params OutputFormat[] allowed) =>
        Choice("--format", "text (for people) or " + string.Join(", ", allowed.Skip(1).Select(Name)) + " (for programs, diagnostics included).", OutputFormat.Text, allowed, "-f");

    public static Option<string?> Handler(string description) => new("--handler", "-H") { Description = description };

    /// <summary>An option taking one of an enum's values, lower-case on the command line.</summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue, T[]? allowed = null, params string[] aliases)
        where T : struct, Enum
    {
        var values = allowed ?? Enum.GetValues<T>();
        var option = new Option<T>(name, aliases)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Parse(result, name, values, defaultValue),
        };
        option.CompletionSources.Add(values.Select(Name).ToArray());
        return option;
    }

    public static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static T Parse<T>(ArgumentResult result, string name, T[] values, T defaultValue)
        where T : struct, Enum
    {
        if (result.Tokens.Count == 0)
        {
            return defaultValue;
        }

        var text = result.Tokens[0].Value;
        foreach (var v in values)
        {
            if (string.Equals(Name(v), text, StringComparison.OrdinalIgnoreCase))
            {
                return v;
            }
        }

        result.AddError($"{name} is one of {string.Join(", ", values.Select(Name))}; '{text}' is not one of them");
        return defaultValue;
    }
}

/// <summary>Documented exit codes, the same for every command (README, docs/tool.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Errors = 1;
    public const int Usage = 2;
    public const int Regression = 3;
}

/// <summary>Progress and status for people go to standard error, so standard output stays the result alone.</summary>
internal static class StatusConsole
{
    public static Spectre.Console.IAnsiConsole Error { get; } = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
    {
        Out = new Spectre.Console.AnsiConsoleOutput(Console.Error),
    });

    /// <summary>Live progress is drawn only on a terminal (or when asked), never into a redirected stream.</summary>
    public static bool Shows(bool wanted, bool forced = false) => forced || (wanted && !Console.IsErrorRedirected);
}
