using System.Text.Json;
using Fluxo.Reporting.Graphs;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Replay;

namespace Fluxo.Cli.Optimizing;

/// <summary>The `--format json` counterpart of <see cref="PolicyTable"/>: the same numbers, for programs.</summary>
internal static class PolicyReportJson
{
    public static void WritePolicies(Utf8JsonWriter w, IReadOnlyList<Graph> graphs, ScoredPolicy chosen, IReadOnlyList<ScoredPolicy> references)
    {
        w.WriteStartArray("policies");
        Policy(w, graphs, chosen, chosen: true);
        foreach (var r in references)
        {
            Policy(w, graphs, r, chosen: false);
        }

        w.WriteEndArray();
    }

    public static void WriteCaches(Utf8JsonWriter w, IReadOnlyList<Graph> graphs, IReadOnlyList<CachePlacement> placement, SimulationResult result)
    {
        w.WriteStartArray("caches");
        for (var j = 0; j < placement.Count; j++)
        {
            var s = result.Caches[j];
            w.WriteStartObject();
            w.WriteString("name", NodeLabels.CacheName(graphs[placement[j].Candidate.Part], placement[j].Candidate.Nodes));
            Nodes(w, placement[j].Candidate.Nodes);
            w.WriteNumber("bytes", placement[j].Bytes);
            w.WriteNumber("lookups", s.Lookups);
            w.WriteNumber("hits", s.Hits);
            w.WriteNumber("hitRatio", s.HitRatio);
            w.WriteNumber("peakBytes", s.PeakBytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void Latencies(Utf8JsonWriter w, SimulationResult r)
    {
        w.WriteNumber("requests", r.Requests);
        w.WriteNumber("p50Ms", r.P50Ms);
        w.WriteNumber("p95Ms", r.P95Ms);
        w.WriteNumber("p99Ms", r.P99Ms);
        w.WriteNumber("meanMs", r.MeanMs);
    }

    private static void Policy(Utf8JsonWriter w, IReadOnlyList<Graph> graphs, ScoredPolicy p, bool chosen)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteBoolean("chosen", chosen);
        Latencies(w, p.Result);
        w.WriteStartArray("caches");
        foreach (var c in p.Placement)
        {
            w.WriteStartObject();
            w.WriteString("name", NodeLabels.CacheName(graphs[c.Candidate.Part], c.Candidate.Nodes));
            Nodes(w, c.Candidate.Nodes);
            w.WriteNumber("bytes", c.Bytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Nodes(Utf8JsonWriter w, IEnumerable<int> nodes)
    {
        w.WriteStartArray("nodes");
        foreach (var n in nodes.Order())
        {
            w.WriteNumberValue(n);
        }

        w.WriteEndArray();
    }
}
