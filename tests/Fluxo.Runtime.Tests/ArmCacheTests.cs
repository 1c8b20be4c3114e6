using Fluxo.Diagnostics;
using Fluxo.Policy;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Externs;
using Fluxo.TestSupport;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Tests;

/// <summary>
/// A cache inside one arm of a branch: the tour's addMark fetches a title only for a mark not stored yet
/// (<c>if existing == none { ... }</c>). Cached on the normalized url alone, it is looked up only when that arm is
/// taken, hits across owners, and changes no answer.
/// </summary>
public sealed class ArmCacheTests
{
    private static ServiceEngine Engine(PolicyDocument? policy)
    {
        var module = TourIr.Module();
        var diags = new DiagnosticBag();
        var bindings = ServiceBindings.Read(TourIr.BindingsPath, module, new HttpClient(), diags);
        Assert.True(bindings is not null, string.Join("\n", diags.Items));
        var engine = ServiceEngine.Create(module, new EngineOptions { Bindings = bindings, Policy = policy, Trace = true }, diags);
        Assert.True(engine is not null, string.Join("\n", diags.Items.Select(d => d.Format())));
        return engine!;
    }

    public static PolicyDocument FetchTitlePolicy() => PolicyDocument.Empty(TourIr.Module().Service, 4096) with
    {
        Caches = [new CacheDecision("addMark", TourIr.AddMark().Hash, [TourIr.FetchTitle], 4096, "lru", 0, 0)],
    };

    [Fact]
    public async Task It_is_looked_up_only_when_the_arm_is_taken_hits_across_owners_and_answers_the_same()
    {
        var cached = Engine(FetchTitlePolicy());
        var plain = Engine(null);
        (string Owner, string Url, NodeStatus Fetch)[] steps =
        [
            ("alice", "http://a.example/x", NodeStatus.Ran),
            ("bob", "HTTP://A.example/x ", NodeStatus.Served),
            ("alice", "http://a.example/x", NodeStatus.Skipped),
            ("carol", "http://b.example", NodeStatus.Ran),
            ("dan", "http://b.example", NodeStatus.Served),
        ];
        var id = 0L;
        foreach (var (owner, url, fetch) in steps)
        {
            var request = Value.Record([new("owner", Value.String(owner)), new("url", Value.String(url)), new("tags", Value.String("t"))]);
            id++;
            var expected = await plain.RunAsync("addMark", request, new RequestInfo(id, 1, id));
            var actual = await cached.RunAsync("addMark", request, new RequestInfo(id, 1, id));
            Assert.True(actual.Succeeded, actual.Error);
            Assert.Equal(expected.Value, actual.Value);
            Assert.Equal(fetch, actual.Trace!.Nodes.Single(n => n.Node == TourIr.FetchTitle).Status);
        }

        // The stored marks (and so every later answer) are the same: summary lists titles the cache served.
        foreach (var owner in new[] { "alice", "bob", "carol", "dan" })
        {
            var request = Value.Record([new("owner", Value.String(owner)), new("prefix", Value.String(""))]);
            id++;
            Assert.Equal((await plain.RunAsync("summary", request, new RequestInfo(id, 1, id))).Value, (await cached.RunAsync("summary", request, new RequestInfo(id, 1, id))).Value);
        }

        var stats = Assert.Single(cached.Caches).Stats;
        Assert.Equal(2, stats.Hits);
        Assert.Equal(2, stats.Misses);
    }
}
