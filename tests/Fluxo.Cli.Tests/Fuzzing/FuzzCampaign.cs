using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests.Fuzzing;

/// <summary>
/// The outcome of one format's campaign: inputs tried, crashes (an exception escaping the command, exit other than
/// 0/1, or a stack trace in the output), hangs, compiles that succeeded, generated solutions built (and how many of
/// those failed to build), and commands also run through the real binary to check it behaves as in-process.
/// </summary>
internal sealed record FuzzResult(
    string Format, int Inputs, int Crashes, int Hangs, int Compiled, int Built, int BuildFailures, int ProcessRuns, TimeSpan Elapsed, IReadOnlyList<string> Findings);

/// <summary>How a campaign runs: the hang limit, every how many inputs the commands also run as a child
/// <c>fluxo</c> process, at most how many distinct compiled outputs are built with <c>dotnet build</c>, and a wall
/// time after which the campaign stops early (the result then counts the inputs tried).</summary>
internal sealed record FuzzOptions(TimeSpan HangAfter, int ProcessEvery, int MaxBuilds, TimeSpan? StopAfter = null);

/// <summary>
/// Mutates valid inputs of every format Fluxo reads and feeds each to the commands that read it, in-process through
/// the CLI's entry point (so thousands of inputs a minute), with a sample run again as a real process. A finding
/// keeps its input under <c>Findings</c> (in the work folder) so it can be replayed.
/// </summary>
internal sealed partial class FuzzCampaign(string work, FuzzOptions options)
{
    // The stack a real `fluxo` process runs commands on (its main thread, 8 MiB under the default ulimit); thread
    // pool threads have less, which would report overflows the binary does not have.
    private const int MainThreadStack = 8 * 1024 * 1024;

    private static string Samples => RepoPaths.Samples;

    private static string Weather => Path.Combine(Samples, "weather", "weather.flimp");

    private static string HotIps => Path.Combine(Samples, "weather", "workload-hot-ips.json");

    private static string Policy => Path.Combine(Samples, "weather", "policy-ip-subgraph.json");

    private static string Fixtures => Path.Combine(Samples, "pipes", "fixtures");

    private static string Binary => Path.Combine(AppContext.BaseDirectory, "fluxo.dll");

    /// <summary>A valid input and the sample folder it comes from (for its workload and bindings).</summary>
    private sealed record Seed(byte[] Bytes, string Folder)
    {
        public string? Workload => Directory.GetFiles(Folder, "workload-*.json").Order(StringComparer.Ordinal).FirstOrDefault();

        public string? Bindings => Directory.GetFiles(Folder, "*.bindings.json").FirstOrDefault();
    }

    /// <summary>A format: its seeds, the file name a mutant is written to, and the commands (for input number k) that read it.</summary>
    private sealed record Format(string Name, IReadOnlyList<Seed> Seeds, bool Binary, string FileName, Func<string, int, Seed, string[][]> Commands)
    {
        /// <summary>Rewrites a mutant (input number k) before it is tried; by default it is tried as mutated.</summary>
        public Func<byte[], int, byte[]> Prepare { get; init; } = (bytes, _) => bytes;
    }

    public FuzzResult Run(string format, int inputs, int seed)
    {
        var f = Formats().Single(x => x.Name == format);
        var mutator = new Mutator(seed);
        var findings = new List<string>();
        var (tried, crashes, hangs, compiled, processRuns) = (0, 0, 0, 0, 0);
        var clock = Stopwatch.StartNew();
        var dir = Path.Combine(work, format);
        Directory.CreateDirectory(dir);
        using var builder = new OutputBuilder(Path.Combine(work, "builds"), options.MaxBuilds);
        for (var k = 0; k < inputs && hangs == 0 && !(clock.Elapsed > options.StopAfter); k++)
        {
            tried++;
            var source = f.Seeds[k % f.Seeds.Count];
            var bytes = f.Prepare(f.Binary ? mutator.Bytes(source.Bytes) : System.Text.Encoding.UTF8.GetBytes(mutator.Text(System.Text.Encoding.UTF8.GetString(source.Bytes))), k);
            var path = Path.Combine(dir, f.FileName);
            File.WriteAllBytes(path, bytes);
            var index = k;
            string Keep()
            {
                var keep = Path.Combine(work, "Findings", $"{format}-{seed}-{index}{Path.GetExtension(f.FileName)}");
                Directory.CreateDirectory(Path.GetDirectoryName(keep)!);
                File.WriteAllBytes(keep, bytes);
                return keep;
            }

            foreach (var args in f.Commands(path, k, source))
            {
                var (exit, text, hung) = Invoke(args);
                if (hung || Crashed(exit, text))
                {
                    findings.Add($"{(hung ? "hang" : "crash")}: fluxo {Show(args, path, Keep())} (exit {exit}): {FirstLines(text)}");
                    crashes += hung ? 0 : 1;
                    hangs += hung ? 1 : 0;
                    break;
                }

                if (options.ProcessEvery > 0 && k % options.ProcessEvery == 0)
                {
                    processRuns++;
                    var (processExit, processText, processHung) = RunProcess(args);
                    if (processHung || Crashed(processExit, processText) || processExit != exit)
                    {
                        findings.Add($"the binary differs: fluxo {Show(args, path, Keep())}: in-process exit {exit}, process exit {processExit}{(processHung ? " (hung)" : "")}: {FirstLines(processText)}");
                        crashes += processHung ? 0 : 1;
                        hangs += processHung ? 1 : 0;
                        break;
                    }
                }

                if (args[0] == "compile" && exit == 0 && args.Contains("-o"))
                {
                    compiled++;
                    builder.Offer(args[Array.IndexOf(args, "-o") + 1], Keep);
                }
            }

            foreach (var sub in Directory.GetDirectories(dir))
            {
                Directory.Delete(sub, recursive: true);
            }
        }

        builder.Finish();
        findings.AddRange(builder.Findings);
        return new FuzzResult(format, tried, crashes, hangs, compiled, builder.Built, builder.Failed, processRuns, clock.Elapsed, findings);
    }

    private static string Show(string[] args, string path, string keep) => string.Join(' ', args.Select(a => a == path ? keep : a));

    /// <summary>A crash: exit other than 0 (ok) or 1 (diagnostics), an unhandled exception, or a .NET stack frame in the output.</summary>
    private static bool Crashed(int exit, string text) =>
        exit is not (0 or 1) || text.Contains("Unhandled exception", StringComparison.Ordinal) || StackFrame().IsMatch(text);

    [GeneratedRegex(@"^\s+at [\w.`<>|+\[\],]+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();

    /// <summary>Runs a command line through the CLI's entry point; an exception escaping it is a crash (exit -2), not caught and printed.</summary>
    private (int Exit, string Text, bool Hung) Invoke(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        var exit = 0;
        Exception? escaped = null;
        var thread = new Thread(
            () =>
            {
                try
                {
                    exit = Program.InvokeAsync(args, config).GetAwaiter().GetResult();
                }
                catch (Exception e)
                {
                    escaped = e;
                }
            },
            MainThreadStack) { IsBackground = true };
        thread.Start();
        if (!thread.Join(options.HangAfter))
        {
            return (-1, "", true);
        }

        return escaped is null ? (exit, output + "\n" + error, false) : (-2, escaped.ToString(), false);
    }

    private (int Exit, string Text, bool Hung) RunProcess(string[] args) => ChildProcess.Run("dotnet", null, [Binary, .. args], options.HangAfter);

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

        static string Out(string path) => Path.Combine(Path.GetDirectoryName(path)!, "out");
        static string Beside(string path, string name) => Path.Combine(Path.GetDirectoryName(path)!, name);
        static Seed[] Files(IEnumerable<string> paths) => [.. paths.Order(StringComparer.Ordinal).Select(p => new Seed(File.ReadAllBytes(p), Path.GetDirectoryName(p)!))];
        static string[][] Run(string p, int k, Seed s, params string[][] always) =>
            k % 10 == 0 && s.Workload is { } w && s.Bindings is { } b ? [.. always, ["run", p, "--bindings", b, "-w", w, "-n", "20"]] : always;
        var sampleDirs = Directory.GetDirectories(Samples).Where(d => Path.GetFileName(d) is not ("invalid" or "pipes")).ToList();
        var weather = Path.Combine(Samples, "weather");

        yield return new("flimp", Files(sampleDirs.SelectMany(d => Directory.GetFiles(d, "*.flimp"))), false, "service.flimp",
            (p, k, s) => k % 5 == 0 ? Run(p, k, s, ["check", p], ["compile", p, "-o", Out(p)]) : [["check", p]]);
        yield return new("ir-json", Files(sampleDirs.SelectMany(d => Directory.GetFiles(d, "*.ir.json"))), false, "service.ir.json",
            (p, k, s) => k % 5 == 0 ? Run(p, k, s, ["graph", p], ["compile", p, "-o", Out(p)]) : [["graph", p]]);
        yield return new("pipes-json", Files(Directory.GetFiles(Path.Combine(Samples, "pipes"), "*.json")), false, "pipe.json",
            (p, k, _) => k % 5 == 0
                ? [["graph", p], ["compile", p, "--emit", "ir"], ["compile", p, "-o", Out(p)], ["run", p, "--fixtures", Fixtures]]
                : [["graph", p], ["compile", p, "--emit", "ir"]]);
        foreach (var (name, seedTrace, file) in new[] { ("trace-text", text, "t.trace"), ("trace-binary", binary, "t.bin") })
        {
            yield return new(name, [new Seed(File.ReadAllBytes(seedTrace), weather)], name == "trace-binary", file,
                (p, k, _) => k % 10 == 0
                    ? [["simulate", Weather, "--trace", p, "--policy", Policy], ["traces", "convert", p, Beside(p, "converted")], ["traces", "sample", Weather, p, "--rate", "0.5", "-o", Beside(p, "sampled")], ["optimize", Weather, "--trace", p, "--budget", "64KB", "-o", Beside(p, "policy.json")]]
                    : [["simulate", Weather, "--trace", p, "--policy", Policy]])
            {
                Prepare = (bytes, k) => k % 2 == 1 ? Reseal(bytes, name == "trace-binary") : bytes,
            };
        }

        yield return new("policy", Files([Policy]), false, "policy.json",
            (p, k, _) => k % 5 == 0
                ? [["simulate", Weather, "--trace", text, "--policy", p], ["run", Weather, "-w", HotIps, "-n", "20", "--policy", p], ["compile", Weather, "--policy", p, "-o", Out(p)]]
                : [["simulate", Weather, "--trace", text, "--policy", p], ["run", Weather, "-w", HotIps, "-n", "20", "--policy", p]]);
        yield return new("workload", Files(Directory.GetFiles(weather, "workload-*.json")), false, "workload.json",
            (p, _, _) => [["run", Weather, "-w", p, "-n", "20"]]);
        yield return new("bindings", Files([Path.Combine(weather, "weather.bindings.json")]), false, "weather.bindings.json",
            (p, _, _) => [["run", Weather, "--bindings", p, "-w", HotIps, "-n", "20"]]);
    }

    /// <summary>
    /// A trace's checksum made to match its mutated content again (docs/trace-format.md: the binary form's last 8
    /// bytes, the text form's last line), so half the mutants reach the reader's checks beyond the checksum.
    /// </summary>
    private static byte[] Reseal(byte[] trace, bool binary)
    {
        if (binary)
        {
            if (trace.Length > 8)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(trace.AsSpan(trace.Length - 8), Fluxo.Trace.TraceWriter.Checksum(trace.AsSpan(0, trace.Length - 8)));
            }

            return trace;
        }

        var line = trace.AsSpan().LastIndexOf("\nchecksum "u8) + 1;
        return line == 0 ? trace : [.. trace.AsSpan(0, line), .. System.Text.Encoding.ASCII.GetBytes($"checksum {Fluxo.Trace.TraceWriter.Checksum(trace.AsSpan(0, line)):x16}\n")];
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
