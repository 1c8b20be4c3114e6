using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.TestSupport;

namespace Fluxo.Pipes.Tests;

/// <summary>The third-party pipe corpus kept in the repository (tests/data/pipes, see PROVENANCE.md); missing data fails.</summary>
internal static class Corpus
{
    public static string Root => RepoPaths.Pipes;

    public static string Pipes => Path.Combine(Root, "corpus");

    public static string Fixtures => Path.Combine(Root, "fixtures");

    /// <summary>Fails the calling test when the corpus is not where the repository keeps it: missing data never passes quietly.</summary>
    public static void Require() =>
        Assert.True(
            Directory.Exists(Pipes) && Directory.EnumerateFiles(Pipes, "*.json").Any() && System.IO.File.Exists(Path.Combine(Fixtures, "urls.tsv")),
            $"pipe corpus not found at {Root}: it is part of the repository (tests/data/pipes), restore it from git");

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
