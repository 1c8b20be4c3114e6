using System.Text.RegularExpressions;
using Fluxo.TestSupport;

namespace Fluxo.Tool.Tests;

/// <summary>
/// editors/vscode: the TextMate grammar tokenizes every sample as VS Code would (vscode-textmate + vscode-oniguruma,
/// installed into tools/ by scripts/install-deps.sh) and agrees with Flimp's lexer on comments, strings, numbers and keywords.
/// </summary>
public sealed partial class EditorGrammarTests
{
    [Fact]
    public void The_grammar_scopes_every_samples_comments_strings_numbers_and_keywords()
    {
        var script = Path.Combine(RepoPaths.Root, "editors", "vscode", "test", "tokenize-samples.mjs");
        var (exit, output, error) = Processes.Run("node", [script], RepoPaths.Root, TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, output + error);
        var m = Summary().Match(output);
        Assert.True(m.Success, output);
        var samples = Directory.GetFiles(RepoPaths.Samples, "*.flimp", SearchOption.AllDirectories).Length;
        Assert.Equal(samples, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0", m.Groups[2].Value);
    }

    [Fact]
    public void The_extension_manifest_points_at_its_grammar_and_language_configuration()
    {
        var dir = Path.Combine(RepoPaths.Root, "editors", "vscode");
        using var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "package.json")));
        var contributes = manifest.RootElement.GetProperty("contributes");
        var language = contributes.GetProperty("languages")[0];
        Assert.Equal(".flimp", language.GetProperty("extensions")[0].GetString());
        Assert.True(File.Exists(Path.Combine(dir, language.GetProperty("configuration").GetString()!)));
        Assert.True(File.Exists(Path.Combine(dir, contributes.GetProperty("grammars")[0].GetProperty("path").GetString()!)));
    }

    [GeneratedRegex(@"flimp grammar: (\d+) files, \d+ tokens checked .*, (\d+) mismatches")]
    private static partial Regex Summary();
}
