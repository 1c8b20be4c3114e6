using Fluxo.Policy;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>The two generated solutions the end-to-end tests run, built once per test run (builds are slow).</summary>
public sealed class BuiltSolutions : IDisposable
{
    /// <summary>About four by-IP entries (~230 bytes each): a few dozen requests make the weather cache evict.</summary>
    public const long WeatherCacheBytes = 1000;

    private readonly Lazy<GeneratedSolution> _weather = new(() => new GeneratedSolution(Samples.Weather(), WeatherPolicy()));
    private readonly Lazy<GeneratedSolution> _counter = new(() => new GeneratedSolution(Samples.Counter(), null));
    private readonly Lazy<GeneratedSolution> _tour = new(() => new GeneratedSolution(Samples.Tour(), TourPolicy()));
    private readonly Lazy<GeneratedSolution> _weatherReordered = new(() => new GeneratedSolution(Samples.Weather(), WeatherReorderedPolicy()));

    private readonly Lazy<GeneratedSolution> _pipes = new(() => new GeneratedSolution(PipeSources.Combined(), null));

    private readonly Lazy<GeneratedSolution> _news = new(() => new GeneratedSolution(Samples.News(), NewsPolicy(Samples.News())));

    public GeneratedSolution Weather => _weather.Value;

    /// <summary>The news service with a pre-computed headline and the inbox's posts speculated after login.</summary>
    public GeneratedSolution News => _news.Value;

    /// <summary>The one user whose card (render of a text made of the user) the news policy stores as a hot key.</summary>
    public const string HotUser = "u0";

    /// <summary>
    /// card's render stored for <see cref="HotUser"/> only (a hot key; deterministic, never refreshed);
    /// inbox's headline (node 1, needs nothing from the request) pre-computed every 5 s; after login, inbox's query,
    /// map, join and render (nodes 2-5, which need only the user) speculated with login's user; after post, the same
    /// part of digest (nodes 1-4, in the worker tier) with post's user.
    /// </summary>
    public static PolicyDocument NewsPolicy(Fluxo.Ir.IrModule module)
    {
        var inbox = module.FindGraph("inbox")!;
        var digest = module.FindGraph("digest")!;
        var card = module.FindGraph("card")!;
        return PolicyDocument.Empty("News", 4096) with
        {
            Precompute =
            [
                new PrecomputeDecision("inbox", inbox.Hash, [1], 5, 0.1, 40, 28_800, 64),
                new PrecomputeDecision("card", card.Hash, [1], 0, 0.1, 20, 0, 64, [CacheKey.Format(CacheKey.Combine([Fluxo.Values.Value.String(HotUser).StableHash]))]),
            ],
            Speculate =
            [
                new SpeculateDecision("login", "inbox", inbox.Hash, [2, 3, 4, 5], [new InputBinding("user", "user")], 1, 20, 5, 256),
                new SpeculateDecision("post", "digest", digest.Hash, [1, 2, 3, 4], [new InputBinding("user", "user")], 1, 20, 5, 256),
            ],
        };
    }
    public GeneratedSolution Counter => _counter.Value;

    /// <summary>Every deployable pipe of the corpus and the samples, one handler each (<see cref="PipeSources.Combined"/>).</summary>
    public GeneratedSolution Pipes => _pipes.Value;

    /// <summary>Every Flimp construct: guarded writes, deletes, queries, list fields, map/filter/fold, records; with <see cref="TourPolicy"/>.</summary>
    public GeneratedSolution Tour => _tour.Value;

    /// <summary>A cache inside one arm of a branch: addMark's fetchTitle, which runs only for a new mark, keyed on the normalized url.</summary>
    public static PolicyDocument TourPolicy() => PolicyDocument.Empty("Bookmarks", 4096) with
    {
        Caches = [new CacheDecision("addMark", Samples.Tour().FindGraph("addMark")!.Hash, [TourIr.FetchTitle], 4096, "lru", 0, 0)],
    };

    /// <summary>The weather build redeployed with a second cache placed first: its cache 0 is now the by-zip one.</summary>
    public GeneratedSolution WeatherReordered => _weatherReordered.Value;

    public static PolicyDocument WeatherReorderedPolicy()
    {
        // Entries the first build stored must still serve after the restart, so this build's by-IP cache never expires them.
        var byIp = WeatherPolicy().Caches[0] with { TtlSeconds = 0 };
        return PolicyDocument.Empty("Weather", 2 * WeatherCacheBytes) with { Caches = [byIp with { Nodes = [3] }, byIp] };
    }

    /// <summary>How long the weather build's by-IP entries serve: long enough for a burst of repeats, short enough to wait out in a test.</summary>
    public const double WeatherTtlSeconds = 3;

    public static PolicyDocument WeatherPolicy()
    {
        var policy = GoldenTests.WeatherPolicy(Samples.Weather(), WeatherCacheBytes);
        return policy with { Caches = [policy.Caches[0] with { TtlSeconds = WeatherTtlSeconds }] };
    }

    public void Dispose()
    {
        if (_weather.IsValueCreated)
        {
            _weather.Value.Dispose();
        }

        if (_counter.IsValueCreated)
        {
            _counter.Value.Dispose();
        }

        if (_tour.IsValueCreated)
        {
            _tour.Value.Dispose();
        }

        if (_pipes.IsValueCreated)
        {
            _pipes.Value.Dispose();
        }

        if (_news.IsValueCreated)
        {
            _news.Value.Dispose();
        }

        if (_weatherReordered.IsValueCreated)
        {
            _weatherReordered.Value.Dispose();
        }
    }
}

[CollectionDefinition("generated")]
public sealed class GeneratedCollection : ICollectionFixture<BuiltSolutions>;
