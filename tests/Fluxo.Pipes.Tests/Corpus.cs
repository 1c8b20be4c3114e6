using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;
using Fluxo.TestSupport;

namespace Fluxo.Pipes.Tests;

/// <summary>The third-party pipe corpus beside the project; missing outside CI is reported, in CI it fails.</summary>
internal static class Corpus
{
    public static string Root => Path.Combine(RepoPaths.Shared, "pipes");

    public static string Pipes => Path.Combine(Root, "corpus");

    public static string Fixtures => Path.Combine(Root, "fixtures");

    public static bool Available => Directory.Exists(Pipes) && System.IO.File.Exists(Path.Combine(Fixtures, "urls.tsv"));

    /// <summary>True when the corpus can be used; otherwise fails in CI and explains itself outside it.</summary>
    public static bool Require()
    {
        if (Available)
        {
            return true;
        }

        var message = $"pipe corpus not found at {Root} (set FLUXO_SHARED to the directory holding pipes/)";
        Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase), message);
        Console.Error.WriteLine("skipped: " + message);
        return false;
    }

    /// <summary>A clock at 2015-06-01 12:00 UTC, when the fixtures were saved, so relative dates are reproducible.</summary>
    public static FixedClock Clock { get; } = new(new DateTimeOffset(2015, 6, 1, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());

    public static IEnumerable<string> Files() => Directory.EnumerateFiles(Pipes, "*.json").Order(StringComparer.Ordinal);

    public static string File(string name) => Path.Combine(Pipes, name.EndsWith(".json", StringComparison.Ordinal) ? name : name + ".json");

    public static (Fluxo.Ir.IrModule? Module, DiagnosticBag Diags) Import(string name)
    {
        var diags = new DiagnosticBag();
        var module = PipeImporter.ImportFile(File(name), null, diags);
        return (module, diags);
    }

    public static async Task<(PipeResult? Result, DiagnosticBag Diags)> RunAsync(string name, Dictionary<string, string>? inputs = null)
    {
        var (module, diags) = Import(name);
        Assert.True(module is not null, string.Join("\n", diags.Items));
        var options = PipeRunOptions.With(FixtureFetcher.Load(Fixtures), Corpus.Clock);
        var result = await PipeRunner.RunAsync(module!, inputs ?? [], options, diags);
        return (result, diags);
    }
}
