using System.Globalization;
using Xunit.Abstractions;

namespace Fluxo.Cli.Tests.Fuzzing;

/// <summary>
/// A short fuzz run of every input format through the commands that read it: no crash, no hang. The campaign in
/// scripts/fuzz.sh runs the same harness with many more inputs (FLUXO_FUZZ_INPUTS, FLUXO_FUZZ_SEED, FLUXO_FUZZ_REPORT).
/// </summary>
public sealed class FuzzTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("fluxo-fuzz-").FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("FLUXO_FUZZ_KEEP") != "1")
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    public static TheoryData<string> Formats => ["flimp", "ir-json", "pipes-json", "trace-text", "trace-binary", "policy", "workload", "bindings"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedInputsNeverCrashOrHang(string format)
    {
        var inputs = int.TryParse(Environment.GetEnvironmentVariable("FLUXO_FUZZ_INPUTS"), CultureInfo.InvariantCulture, out var n) ? n : 12;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FLUXO_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : 18;
        var result = new FuzzCampaign(_work, TimeSpan.FromSeconds(30)).Run(format, inputs, seed);
        var line = string.Create(CultureInfo.InvariantCulture, $"{result.Format}\t{result.Inputs}\t{result.Crashes}\t{result.Hangs}\t{result.Elapsed.TotalSeconds:F1}");
        log.WriteLine(line);
        if (Environment.GetEnvironmentVariable("FLUXO_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, line + "\n" + string.Concat(result.Findings.Select(f => "  " + f + "\n")));
        }

        Assert.True(result.Findings.Count == 0, string.Join("\n", result.Findings));
    }
}
