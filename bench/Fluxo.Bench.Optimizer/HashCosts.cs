using System.Buffers;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// What a faster value hash would save tracing, the largest of its steps (bench/tracing-profile.sh): the values a traced
/// `fluxo run` of the Weather sample hashes, taken from its own trace (each edge's byte size, as an ASCII string of that
/// encoding), hashed as <c>Value.StableHash</c> hashes a string (kind byte and chars narrowed on the stack, XXH64) and as
/// a trace format with XXH3 would, alternated in one process. The strings of a few hundred requests are hashed over
/// and over, so they sit in the L2 cache (the narrowing alone, with a byte of it read, is timed too); in `fluxo run` a value is hashed just after it was written, nearer still.
/// </summary>
internal static class HashCosts
{
    public static int Run(string[] args, TextWriter output)
    {
        var requests = PerfExperiment.Arg(args, "--requests", 256);
        var rounds = PerfExperiment.Arg(args, "--rounds", 9);
        var values = Values(requests);
        var perRequest = values.Count / (double)requests;
        var bytes = values.Sum(v => v.Length + 1) / (double)requests;

        Func<string, ulong> xxh64 = s => Narrowed(s, static b => XxHash64.HashToUInt64(b));
        Func<string, ulong> xxh3 = s => Narrowed(s, static b => XxHash3.HashToUInt64(b));
        Func<string, ulong> narrow = s => Narrowed(s, static b => b[^1]);
        Func<string, ulong>[] hashes = [xxh64, xxh3, narrow];
        var times = new List<double>[] { [], [], [] };
        ulong sink = 0;
        var loops = Math.Max(1, 2_000_000 / values.Count);
        for (var round = 0; round <= rounds; round++)
        {
            // The first round only compiles both; then each round runs both, in turn first.
            foreach (var k in round % 2 == 0 ? new[] { 0, 1, 2 } : [2, 1, 0])
            {
                var hash = hashes[k];
                var clock = Stopwatch.StartNew();
                for (var loop = 0; loop < loops; loop++)
                {
                    foreach (var v in values)
                    {
                        sink += hash(v);
                    }
                }

                if (round > 0)
                {
                    times[k].Add(clock.Elapsed.TotalNanoseconds / loops / requests);
                }
            }
        }

        GC.KeepAlive(sink);
        var a = RunTracing.Median(times[0]);
        var b = RunTracing.Median(times[1]);
        var c = RunTracing.Median(times[2]);
        output.WriteLine(PerfExperiment.Inv($"hash costs: {perRequest:F1} values a request, {bytes:F0} bytes encoded; as Value.StableHash does (XXH64) {a:F1} ns a request, with XXH3 {b:F1} ns = {b / a:F2}x, {a - b:F1} ns a request less; narrowing alone {c:F1} ns (median of {rounds} alternated rounds); load average {PerfExperiment.Load()}"));
        return 0;
    }

    private static ulong Narrowed(string s, Func<ReadOnlySpan<byte>, ulong> hash)
    {
        Span<byte> ascii = stackalloc byte[s.Length + 1];
        ascii[0] = 4;
        return Ascii.FromUtf16(s, ascii[1..], out _) == OperationStatus.Done ? hash(ascii) : throw new InvalidOperationException("not ASCII");
    }

    /// <summary>One string for each edge of the first <paramref name="requests"/> requests a traced run records, as long as its value's encoding.</summary>
    private static List<string> Values(int requests)
    {
        var dir = Directory.CreateTempSubdirectory("fluxo-hash-costs-").FullName;
        try
        {
            var trace = Path.Combine(dir, "run.trace");
            RunTracing.Traced(requests, trace);
            var sizes = new Sizes(requests);
            // The sink stops the scan after the requests it wants, so only their number tells whether the read went well.
            var diags = new DiagnosticBag();
            TraceFile.Scan(trace, diags, sizes);
            if (sizes.Requests < requests)
            {
                throw new InvalidOperationException($"read {sizes.Requests} of the traced run's {requests} requests\n" + string.Join("\n", diags.Items.Select(d => d.Format())));
            }

            var random = new Random(7);
            return [.. sizes.Values.Select(n => new string([.. Enumerable.Range(0, Math.Max(0, n - 1)).Select(_ => (char)random.Next(' ', '~'))]))];
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class Sizes(int requests) : ITraceSink
    {
        public List<int> Values { get; } = [];

        public int Requests { get; private set; }

        public bool Begin(TraceHeader header) => true;

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            foreach (var e in edges)
            {
                Values.Add(e.Bytes);
            }

            return ++Requests < requests;
        }
    }
}
