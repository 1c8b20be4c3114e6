using System.Collections.Immutable;
using Fluxo.TestSupport;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Optimizer.Tests;

/// <summary>Small hand-made weather traces with chosen values and latencies.</summary>
internal static class HandTrace
{
    /// <summary>Self latencies used by every hand-made request: Source, ipToCity, cityToWeather, zipToWeather, If, buildHtml, Sink.</summary>
    public static readonly double[] Self = [0, 10, 20, 40, 1, 2, 0];

    public static TraceRequest IpRequest(long id, string ip, string city, string report)
    {
        var html = "<p>" + report + "</p>";
        ImmutableArray<EdgeEvent> edges =
        [
            E(0, 1, ip), E(1, 2, city), E(0, 3, ""), E(0, 4, ""), E(2, 4, report), E(4, 5, report), E(5, 6, html),
        ];
        return new TraceRequest(id, id, 0, id, 33, Nodes(ran: [true, true, true, false, true, true, true]), edges);
    }

    public static TraceRequest ZipRequest(long id, string ip, string zip, string report)
    {
        var html = "<p>" + report + "</p>";
        ImmutableArray<EdgeEvent> edges =
        [
            E(0, 1, ip), E(0, 3, zip), E(0, 4, zip), E(3, 4, report), E(4, 5, report), E(5, 6, html),
        ];
        return new TraceRequest(id, id, 0, id, 33, Nodes(ran: [true, false, false, true, true, true, true]), edges);
    }

    public static TraceData Of(params TraceRequest[] requests)
    {
        var graph = WeatherIr.Module().Graphs[0];
        return new TraceData(new TraceHeader(TraceHeader.CurrentFormat, "Weather", [new TraceGraph(0, graph.Name, graph.Hash, 7)], "virtual"), requests);
    }

    public static int Bytes(string s) => Value.String(s).ByteSize;

    private static EdgeEvent E(int from, int to, string value) => new(from, to, Value.String(value).StableHash, Value.String(value).ByteSize);

    private static ImmutableArray<NodeEvent> Nodes(bool[] ran) =>
        [.. Enumerable.Range(0, 7).Select(v => new NodeEvent(v, 0, ran[v] ? Self[v] : 0, ran[v] ? NodeStatus.Ran : NodeStatus.Skipped))];
}
