using System.Globalization;
using System.IO.Hashing;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// What the trace checksum (issue 18, defect 10) costs a reader: read + flatten of a binary trace, and the hashing
/// the reader now does on the same bytes (XXH3 over each 1 MiB block, plus the text reader's scan for CR), in one
/// run, interleaved, medians of 5. Hashing alone over read + flatten is the share the checksum adds.
/// </summary>
internal static class ChecksumExperiment
{
    public static int Run(string[] args, TextWriter output)
    {
        var at = Array.IndexOf(args, "--requests");
        var requests = at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 1_000_000;
        var dir = Directory.CreateTempSubdirectory("fluxo-checksum-").FullName;
        try
        {
            var module = WeatherIr.Module();
            var trace = Path.Combine(dir, "weather.trace");
            PerfExperiment.Generate(WeatherWorkload.Paper[0], requests, trace);
            PerfExperiment.Flatten(module, trace, out _);
            Hash(trace);
            var read = new List<double>();
            var hash = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                read.Add(PerfExperiment.Flatten(module, trace, out _));
                hash.Add(PerfExperiment.Cpu(() => Hash(trace)));
            }

            var (r, h) = (read.Order().ElementAt(2), hash.Order().ElementAt(2));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{requests} requests, binary trace {new FileInfo(trace).Length / 1e6:F1} MB: read + flatten {r * 1000:F0} ms CPU, checksum alone {h * 1000:F1} ms CPU = {h / r:P1} of reading (medians of 5)"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static ulong Hash(string path)
    {
        var hash = new XxHash3();
        var block = new byte[1 << 20];
        using var f = File.OpenRead(path);
        for (int n; (n = f.Read(block)) > 0;)
        {
            // The text reader also looks for CR line ends in each block before hashing it.
            _ = block.AsSpan(0, n).IndexOf((byte)'\r');
            hash.Append(block.AsSpan(0, n));
        }

        return hash.GetCurrentHashAsUInt64();
    }
}
