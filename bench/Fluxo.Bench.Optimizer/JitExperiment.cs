using System.Globalization;
using System.IO.Hashing;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// What start-up and JIT compilation cost each `fluxo` command, for one or two builds of `fluxo` in alternating rounds:
/// the count of JIT-compiled methods (deterministic up to a few methods that tiering compiles or not), the time spent
/// compiling them, and the process's user + system CPU. Counted by <see cref="StartupHook"/>, which this assembly also
/// is, so a build from before a change needs nothing of its own. Each command's output files are compared between
/// the builds byte for byte.
/// </summary>
internal static class JitExperiment
{
    private sealed record Sample(int Methods, double JitMs, double CpuSeconds);

    public static int Run(string[] args, TextWriter output)
    {
        var builds = Value(args, "--fluxo")?.Split(',') ?? [];
        if (builds.Length == 0 || !File.Exists("samples/weather/weather.flimp"))
        {
            Console.Error.WriteLine("usage (from the repository's root): jit --fluxo A/fluxo.dll[,B/fluxo.dll] [--rounds 5] [--trace T --service S.ir.json]");
            return 1;
        }

        var rounds = int.Parse(Value(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        var dir = Directory.CreateTempSubdirectory("fluxo-jit-").FullName;
        try
        {
            var sample = Path.Combine(dir, "weather-20000.trace");
            PerfExperiment.TimeChild("dotnet", [builds[0], "run", "samples/weather/weather.flimp", "--workload", "samples/weather/workload-hot-ips.json", "--requests", "20000", "--trace", sample]);
            var commands = new List<(string Name, Func<string, string[]> Args)>
            {
                ("--version", _ => ["--version"]),
                ("compile weather.flimp", o => ["compile", "samples/weather/weather.flimp", "-o", o]),
                ("optimize weather.flimp, 20k-request trace", o => ["optimize", "samples/weather/weather.flimp", "--trace", sample, "--budget", "8KB", "-o", Path.Combine(o, "policy.json")]),
            };
            if (Value(args, "--trace") is { } trace && Value(args, "--service") is { } service)
            {
                commands.Add(($"optimize --search mrc, {Path.GetFileName(trace)}", o => ["optimize", service, "--trace", trace, "--budget", "8KB", "--search", "mrc", "-o", Path.Combine(o, "policy.json")]));
            }

            output.WriteLine(PerfExperiment.Inv($"## jit: {rounds} alternating rounds, load average {PerfExperiment.Load()}"));
            var samples = new List<Sample>[commands.Count, builds.Length];
            var outputs = new string?[commands.Count, builds.Length];
            for (var r = 0; r < rounds; r++)
            {
                for (var c = 0; c < commands.Count; c++)
                {
                    // Alternate which build goes first, so a load that changes during a round is shared.
                    for (var k = 0; k < builds.Length; k++)
                    {
                        var b = (k + r) % builds.Length;
                        var outDir = Path.Combine(dir, PerfExperiment.Inv($"out-{c}-{b}"));
                        var log = Path.Combine(dir, "jit.log");
                        File.Delete(log);
                        var (cpu, _, _) = PerfExperiment.TimeChild("dotnet", [builds[b], .. commands[c].Args(outDir)], new Dictionary<string, string>
                        {
                            ["DOTNET_STARTUP_HOOKS"] = typeof(JitExperiment).Assembly.Location,
                            ["FLUXO_JIT_LOG"] = log,
                        });
                        var counts = File.ReadAllText(log).Split(' ');
                        (samples[c, b] ??= []).Add(new Sample(int.Parse(counts[0], CultureInfo.InvariantCulture), double.Parse(counts[1], CultureInfo.InvariantCulture), cpu));
                        outputs[c, b] = Digest(outDir);
                    }
                }
            }

            output.WriteLine("| command | build | JIT-compiled methods | JIT ms | CPU s (user + sys) |");
            output.WriteLine("|---|---|---|---|---|");
            for (var c = 0; c < commands.Count; c++)
            {
                for (var b = 0; b < builds.Length; b++)
                {
                    var s = samples[c, b];
                    output.WriteLine(PerfExperiment.Inv($"| {commands[c].Name} | {(char)('A' + b)} | {Spread(s.Select(x => (double)x.Methods), "F0")} | {Spread(s.Select(x => x.JitMs), "F0")} | {Spread(s.Select(x => x.CpuSeconds), "F2")} |"));
                }
            }

            for (var b = 0; b < builds.Length; b++)
            {
                output.WriteLine(PerfExperiment.Inv($"{(char)('A' + b)}: {builds[b]}"));
            }

            for (var c = 1; c < commands.Count && builds.Length > 1; c++)
            {
                var same = Enumerable.Range(1, builds.Length - 1).All(b => outputs[c, b] == outputs[c, 0]);
                output.WriteLine(PerfExperiment.Inv($"{commands[c].Name}: output files {(same ? "byte for byte the same" : "DIFFER")} between the builds"));
            }

            output.WriteLine(PerfExperiment.Inv($"load average at the end: {PerfExperiment.Load()}"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Median [min-max].</summary>
    private static string Spread(IEnumerable<double> values, string format)
    {
        var v = values.Order().ToArray();
        return PerfExperiment.Inv($"{v[v.Length / 2].ToString(format, CultureInfo.InvariantCulture)} [{v[0].ToString(format, CultureInfo.InvariantCulture)}-{v[^1].ToString(format, CultureInfo.InvariantCulture)}]");
    }

    /// <summary>One hash of every file under <paramref name="dir"/>, by relative path, or null when there is none.</summary>
    private static string? Digest(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return null;
        }

        var hash = new XxHash64();
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.Append(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(dir, file)));
            hash.Append(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetCurrentHash());
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
