using System.CommandLine;
using System.Diagnostics;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests.Fuzzing;

/// <summary>The outcome of one format's campaign: inputs tried, crashes (exit other than 0/1, or a stack trace) and hangs.</summary>
internal sealed record FuzzResult(string Format, int Inputs, int Crashes, int Hangs, TimeSpan Elapsed, IReadOnlyList<string> Findings);

/// <summary>
/// Mutates valid inputs of every format Fluxo reads and feeds each to the commands that read it, in-process through
/// the real command tree. A finding keeps its input under <c>Findings</c> (in the work folder) so it can be replayed.
/// </summary>
internal sealed class FuzzCampaign(string work, TimeSpan hangAfter)
{
    private static string Samples => RepoPaths.Samples;

    private static string Weather => Path.Combine(Samples, "weather", "weather.flimp");

    private static string HotIps => Path.Combine(Samples, "weather", "workload-hot-ips.json");

    private static string Policy => Path.Combine(Samples, "weather", "policy-ip-subgraph.json");

    /// <summary>A format: its seeds, the file name a mutant is written to, and the commands (for input number k) that read it.</summary>
    private sealed record Format(string Name, IReadOnlyList<byte[]> Seeds, bool Binary, string FileName, Func<string, int, string[][]> Commands);

    public IReadOnlyList<string> Names => [.. Formats().Select(f => f.Name)];

    public FuzzResult Run(string format, int inputs, int seed)
    {
        var f = Formats().Single(x => x.Name == format);
        var mutator = new Mutator(seed);
        var findings = new List<string>();
        var crashes = 0;
        var hangs = 0;
        var clock = Stopwatch.StartNew();
        var dir = Path.Combine(work, format);
        Directory.CreateDirectory(dir);
        for (var k = 0; k < inputs && hangs == 0; k++)
        {
            var source = f.Seeds[k % f.Seeds.Count];
            var bytes = f.Binary ? mutator.Bytes(source) : System.Text.Encoding.UTF8.GetBytes(mutator.Text(System.Text.Encoding.UTF8.GetString(source)));
            var path = Path.Combine(dir, f.FileName);
            File.WriteAllBytes(path, bytes);
            foreach (var args in f.Commands(path, k))
            {
                var (exit, text, hung) = Invoke(args);
                if (hung || exit is not (0 or 1) || text.Contains("Unhandled exception", StringComparison.Ordinal) || text.Contains("   at Fluxo.", StringComparison.Ordinal))
                {
                    var keep = Path.Combine(work, "Findings", $"{format}-{seed}-{k}{Path.GetExtension(f.FileName)}");
                    Directory.CreateDirectory(Path.GetDirectoryName(keep)!);
                    File.WriteAllBytes(keep, bytes);
                    findings.Add($"{(hung ? "hang" : "crash")}: fluxo {string.Join(' ', args.Select(a => a == path ? keep : a))} (exit {exit}): {FirstLines(text)}");
                    crashes += hung ? 0 : 1;
                    hangs += hung ? 1 : 0;
                    break;
                }
            }

            foreach (var sub in Directory.GetDirectories(dir))
            {
                Directory.Delete(sub, recursive: true);
            }
        }

        return new FuzzResult(format, inputs, crashes, hangs, clock.Elapsed, findings);
    }

    private (int Exit, string Text, bool Hung) Invoke(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        using var cts = new CancellationTokenSource(hangAfter);
        var task = Task.Run(() => Program.BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cts.Token));
        if (!task.Wait(hangAfter + TimeSpan.FromSeconds(5)))
        {
            return (-1, "", true);
        }

        return task.IsFaulted ? (-2, task.Exception!.ToString(), false) : (task.Result, output + "\n" + error, false);
    }

    private static string FirstLines(string text) => string.Join(" | ", text.Split('\n').Where(l => l.Contains("exception", StringComparison.OrdinalIgnoreCase) || l.Contains(" at ", StringComparison.Ordinal)).Take(3));

    private IEnumerable<Format> Formats()
    {
        var traces = Path.Combine(work, "seeds");
        var text = Path.Combine(traces, "weather.trace");
        var binary = Path.Combine(traces, "weather.bin");
        if (!File.Exists(binary))
        {
            Directory.CreateDirectory(traces);
            Record(text, "text");
            Record(binary, "binary");
        }

        string Out(string path) => Path.Combine(Path.GetDirectoryName(path)!, "out");
        static byte[][] Files(IEnumerable<string> paths) => [.. paths.Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];
        var sampleDirs = Directory.GetDirectories(Samples).Where(d => Path.GetFileName(d) is not ("invalid" or "pipes")).ToList();

        yield return new("flimp", Files(sampleDirs.SelectMany(d => Directory.GetFiles(d, "*.flimp"))), false, "service.flimp",
            (p, k) => k % 5 == 0 ? [["check", p], ["compile", p, "-o", Out(p)]] : [["check", p]]);
        yield return new("ir-json", Files(sampleDirs.SelectMany(d => Directory.GetFiles(d, "*.ir.json"))), false, "service.ir.json",
            (p, k) => k % 5 == 0 ? [["graph", p], ["compile", p, "-o", Out(p)]] : [["graph", p]]);
        yield return new("pipes-json", Files(Directory.GetFiles(Path.Combine(Samples, "pipes"), "*.json")), false, "pipe.json",
            (p, _) => [["graph", p], ["compile", p, "--emit", "ir"]]);
        yield return new("trace-text", [File.ReadAllBytes(text)], false, "t.trace",
            (p, _) => [["simulate", Weather, "--trace", p, "--policy", Policy]]);
        yield return new("trace-binary", [File.ReadAllBytes(binary)], true, "t.bin",
            (p, _) => [["simulate", Weather, "--trace", p, "--policy", Policy]]);
        yield return new("policy", Files([Policy]), false, "policy.json",
            (p, k) => k % 5 == 0
                ? [["simulate", Weather, "--trace", text, "--policy", p], ["run", Weather, "-w", HotIps, "-n", "20", "--policy", p], ["compile", Weather, "--policy", p, "-o", Out(p)]]
                : [["simulate", Weather, "--trace", text, "--policy", p], ["run", Weather, "-w", HotIps, "-n", "20", "--policy", p]]);
        yield return new("workload", Files(Directory.GetFiles(Path.Combine(Samples, "weather"), "workload-*.json")), false, "workload.json",
            (p, _) => [["run", Weather, "-w", p, "-n", "20"]]);
        yield return new("bindings", Files([Path.Combine(Samples, "weather", "weather.bindings.json")]), false, "weather.bindings.json",
            (p, _) => [["run", Weather, "--bindings", p, "-w", HotIps, "-n", "20"]]);
    }

    private void Record(string trace, string format)
    {
        var (exit, text, _) = Invoke(["run", Weather, "-w", HotIps, "-n", "300", "-t", trace, "--trace-format", format]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"recording the seed trace failed: {text}");
        }
    }
}
