using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Regions;
using Fluxo.TestSupport;

namespace Fluxo.Core.Tests;

/// <summary>
/// How long a node's value may be reused (<see cref="Freshness"/>) and the expiry a cached region then needs, on the
/// shortener sample: <c>safetyScore</c> is declared <c>fresh 60s</c>, <c>get Links</c> is a table read, <c>now</c> a clock.
/// </summary>
public sealed class FreshnessTests
{
    private static readonly IrModule Shortener = IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "shortener", "shortener.ir.json")));

    private static Graph Shorten => Shortener.FindGraph("shorten")!;

    private static Graph Preview => Shortener.FindGraph("preview")!;

    private const int SafetyScore = 3;
    private const int Now = 6;
    private const int PutLinks = 7;
    private const int GetLinks = 1;
    private const int LinkPreview = 2;

    [Fact]
    public void A_fresh_extern_may_be_reused_for_its_bound_capped_by_the_users_staleness()
    {
        Assert.Equal(60_000, Freshness.MaxAgeMs(Shortener, Shorten, null)[SafetyScore]);
        Assert.Equal(5_000, Freshness.MaxAgeMs(Shortener, Shorten, 5_000)[SafetyScore]);
        Assert.Equal(60_000, Freshness.MaxAgeMs(Shortener, Shorten, 600_000)[SafetyScore]);
    }

    [Fact]
    public void Table_reads_need_a_staleness_bound_and_clocks_and_writes_are_never_reused()
    {
        Assert.Equal(0, Freshness.MaxAgeMs(Shortener, Preview, null)[GetLinks]);
        Assert.Equal(5_000, Freshness.MaxAgeMs(Shortener, Preview, 5_000)[GetLinks]);
        Assert.Equal(double.PositiveInfinity, Freshness.MaxAgeMs(Shortener, Preview, null)[LinkPreview]);
        Assert.Equal(0, Freshness.MaxAgeMs(Shortener, Shorten, 5_000)[Now]);
        Assert.Equal(0, Freshness.MaxAgeMs(Shortener, Shorten, 5_000)[PutLinks]);
    }

    [Fact]
    public void A_region_over_a_non_deterministic_node_needs_an_expiry_within_its_bound()
    {
        var reach = new GraphReach(Shorten);
        Assert.Null(CachedRegion.TryCreate(reach, [SafetyScore], out var problem));
        Assert.Equal(RegionProblemKind.NotCacheable, problem!.Kind);

        var region = CachedRegion.TryCreate(reach, [SafetyScore], out _, Freshness.MaxAgeMs(Shortener, Shorten, null))!;
        Assert.Equal(60_000, region.MaxAgeMs);
        Assert.NotNull(CachedRegion.ForCache(Shortener, reach, [SafetyScore], 30_000, out _, out var ttl30));
        Assert.Null(ttl30);
        Assert.Null(CachedRegion.ForCache(Shortener, reach, [SafetyScore], 120_000, out _, out var tooLong));
        Assert.Contains("longer than", tooLong);
        Assert.Null(CachedRegion.ForCache(Shortener, reach, [SafetyScore], 0, out _, out var none));
        Assert.Contains("need ttlSeconds", none);
        Assert.Equal("FLX5100", Diag.BadCacheTtl("p.json", "$.caches[0].ttlSeconds", none!).Code);

        // A clock is never reused, whatever the expiry.
        Assert.Null(CachedRegion.ForCache(Shortener, reach, [Now], 1_000, out var clock, out _));
        Assert.Equal(RegionProblemKind.NotCacheable, clock!.Kind);
    }
}
