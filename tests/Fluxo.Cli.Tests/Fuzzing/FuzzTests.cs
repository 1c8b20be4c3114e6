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
        else
        {
            // A campaign keeps its findings; the build folders and scratch files are large and only the findings matter.
            foreach (var sub in Directory.GetDirectories(_work).Where(d => Path.GetFileName(d) != "Findings"))
            {
                Directory.Delete(sub, recursive: true);
            }
        }
    }

    public static TheoryData<string> Formats => ["flimp", "ir-json", "pipes-json", "trace-text", "trace-binary", "policy", "workload", "bindings"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void MutatedInputsNeverCrashOrHang(string format)
    {
        var inputs = Setting("FLUXO_FUZZ_INPUTS", 12);
        var seed = Setting("FLUXO_FUZZ_SEED", 18);
        var options = new FuzzOptions(TimeSpan.FromSeconds(30), Setting("FLUXO_FUZZ_PROCESS_EVERY", 1000), Setting("FLUXO_FUZZ_BUILDS", 0),
            Setting("FLUXO_FUZZ_SECONDS", 0) is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : null);
        var result = new FuzzCampaign(_work, options).Run(format, inputs, seed);
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{result.Format}\t{result.Inputs}\t{result.Crashes}\t{result.Hangs}\t{result.Compiled}\t{result.Built}\t{result.BuildFailures}\t{result.ProcessRuns}\t{result.Elapsed.TotalSeconds:F1}");
        log.WriteLine(line);
        if (Environment.GetEnvironmentVariable("FLUXO_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.AppendAllText(report, line + "\n" + string.Concat(result.Findings.Select(f => "  " + f + "\n")));
        }

        Assert.True(result.Findings.Count == 0, string.Join("\n", result.Findings));
    }

    private static int Setting(string name, int otherwise) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var n) ? n : otherwise;
}
