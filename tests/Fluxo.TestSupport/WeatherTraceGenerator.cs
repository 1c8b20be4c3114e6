using System.Collections.Immutable;
using Fluxo.Ir;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.TestSupport;

/// <summary>
/// A seeded trace of the Weather service that follows the trace contract: per request every node's
/// event (Skipped for the untaken branch), every edge value that crossed (hash and bytes from the real
/// <see cref="Value"/>), and virtual-time starts and latency. Edges out of the Source are recorded on
/// every request, even into a node that did not run: the request's fields are known on arrival, and
/// the All-encompassing cache's key needs them.
/// </summary>
public sealed class WeatherTraceGenerator
{
    private readonly Dictionary<string, (ulong Hash, int Bytes)> _values = [];
    private readonly Graph _graph;

    /// <summary>Traces for <paramref name="graph"/> (default: <see cref="WeatherIr"/>); it must have the Weather shape, its name and hash go in the header.</summary>
    public WeatherTraceGenerator(Graph? graph = null)
    {
        _graph = graph ?? WeatherIr.Module().Graphs[0];
    }

    /// <summary>Mean self latency per node in ms; each draw is this times a seeded log-normal factor.</summary>
    public static readonly ImmutableArray<double> MeanLatencyMs = [0, 20, 40, 45, 0.01, 0.3, 0];

    public TraceData Generate(WeatherWorkload workload, int requests, int seed)
    {
        var list = new List<TraceRequest>(requests);
        list.AddRange(Requests(workload, requests, seed));
        return new TraceData(Header, list);
    }

    /// <summary>The header of every trace this generator makes.</summary>
    public TraceHeader Header => new(TraceHeader.CurrentFormat, "Weather", [new TraceGraph(0, _graph.Name, _graph.Hash, _graph.Nodes.Length)], "virtual");

    /// <summary>The requests of <see cref="Generate"/>, one at a time, so a trace of any length can be streamed to a file.</summary>
    public IEnumerable<TraceRequest> Requests(WeatherWorkload workload, long requests, int seed)
    {
        var rng = new Random(seed);
        var zipDraw = new Zipf(workload.Zips, workload.ZipSkew);
        var hotDraw = new Zipf(workload.HotIps, workload.HotIpSkew);
        var cityDraw = new Zipf(workload.Cities, workload.CitySkew);
        var arrival = 0.0;
        for (long r = 0; r < requests; r++)
        {
            var u = rng.NextDouble() * (workload.ZipShare + workload.HotIpShare + workload.ColdIpShare);
            var byZip = u < workload.ZipShare;
            var hot = !byZip && u < workload.ZipShare + workload.HotIpShare;
            var ipIndex = hot ? hotDraw.Next(rng) : workload.HotIps + rng.Next(workload.ColdIps);
            var ip = $"10.{(ipIndex >> 16) & 255}.{(ipIndex >> 8) & 255}.{ipIndex & 255}";
            var zip = byZip ? (10000 + zipDraw.Next(rng)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
            arrival += rng.NextDouble() * 2;
            yield return Request(r, ip, zip, CityOf(ipIndex, cityDraw, seed), arrival, rng);
        }
    }

    private TraceRequest Request(long id, string ip, string zip, int city, double arrival, Random rng)
    {
        var byZip = zip.Length > 0;
        var cityName = $"city-{city}";
        var report = byZip ? Report("zip " + zip) : Report(cityName);
        var html = "<p>" + report + "</p>";
        var self = new double[7];
        for (var v = 1; v < 6; v++)
        {
            // Log-normal with sigma 0.5, scaled to the node's mean: real service latencies are right-skewed.
            var normal = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
            self[v] = MeanLatencyMs[v] * Math.Exp((0.5 * normal) - 0.125);
        }

        var ran = new[] { true, !byZip, !byZip, byZip, true, true, true };
        var edges = ImmutableArray.CreateBuilder<EdgeEvent>();
        void Edge(int from, int to, string value)
        {
            var (hash, bytes) = Describe(value);
            edges.Add(new EdgeEvent(from, to, hash, bytes));
        }

        Edge(WeatherIr.Source, WeatherIr.IpToCity, ip);
        if (!byZip)
        {
            Edge(WeatherIr.IpToCity, WeatherIr.CityToWeather, cityName);
        }

        Edge(WeatherIr.Source, WeatherIr.ZipToWeather, zip);
        Edge(WeatherIr.Source, WeatherIr.Join, zip);
        Edge(byZip ? WeatherIr.ZipToWeather : WeatherIr.CityToWeather, WeatherIr.Join, report);
        Edge(WeatherIr.Join, WeatherIr.BuildHtml, report);
        Edge(WeatherIr.BuildHtml, WeatherIr.Sink, html);

        var finish = new double[7];
        var nodes = ImmutableArray.CreateBuilder<NodeEvent>(7);
        for (var v = 0; v < 7; v++)
        {
            if (!ran[v])
            {
                nodes.Add(new NodeEvent(v, 0, 0, NodeStatus.Skipped));
                continue;
            }

            var start = v switch
            {
                WeatherIr.CityToWeather => finish[WeatherIr.IpToCity],
                WeatherIr.Join => byZip ? finish[WeatherIr.ZipToWeather] : finish[WeatherIr.CityToWeather],
                WeatherIr.BuildHtml => finish[WeatherIr.Join],
                WeatherIr.Sink => finish[WeatherIr.BuildHtml],
                _ => 0,
            };
            finish[v] = start + self[v];
            nodes.Add(new NodeEvent(v, start, self[v], NodeStatus.Ran));
        }

        return new TraceRequest(id, id, 0, arrival, finish[WeatherIr.Sink], nodes.MoveToImmutable(), edges.ToImmutable());
    }

    private static int CityOf(int ipIndex, Zipf cities, int seed)
    {
        // Each address has a fixed city, drawn once from the skewed city distribution.
        var local = new Random(unchecked((ipIndex * 7919) + (seed * 104729)));
        return cities.Next(local);
    }

    /// <summary>A report's text depends only on its subject, 200-600 bytes long: deterministic externs give equal values for equal inputs.</summary>
    private static string Report(string subject)
    {
        var h = (int)(Value.String(subject).StableHash % 400);
        return $"Weather for {subject}: " + new string('*', 200 + h);
    }

    private (ulong, int) Describe(string s)
    {
        if (!_values.TryGetValue(s, out var d))
        {
            var v = Value.String(s);
            d = (v.StableHash, v.ByteSize);

            // A memo, not a record: bounded so that a stream of any length runs in constant memory.
            if (_values.Count >= 1 << 20)
            {
                _values.Clear();
            }

            _values[s] = d;
        }

        return d;
    }

    /// <summary>Zipf over 0..n-1 with exponent s, by inverse transform on the cumulative weights.</summary>
    private sealed class Zipf
    {
        private readonly double[] _cumulative;

        public Zipf(int n, double s)
        {
            _cumulative = new double[n];
            var total = 0.0;
            for (var i = 0; i < n; i++)
            {
                total += 1 / Math.Pow(i + 1, s);
                _cumulative[i] = total;
            }

            for (var i = 0; i < n; i++)
            {
                _cumulative[i] /= total;
            }
        }

        public int Next(Random rng)
        {
            var i = Array.BinarySearch(_cumulative, rng.NextDouble());
            return Math.Min(i < 0 ? ~i : i, _cumulative.Length - 1);
        }
    }
}
