using Fluxo.Optimizer.Search;
using Fluxo.TestSupport;

namespace Fluxo.Optimizer.Tests;

public sealed class RandomPoliciesTests
{
    private static readonly OptimizationSession Session = SimulatorTests.Session(new WeatherTraceGenerator().Generate(WeatherWorkload.Paper[0], 300, 3));

    [Fact]
    public void Twenty_thousand_draws_are_as_distinct_as_uniform_draws_and_cover_every_two_cache_split()
    {
        var rng = new Random(1);
        const int n = 20_000;
        var draws = Enumerable.Range(0, n).Select(_ => RandomPolicies.Draw(Session.Evaluator, rng)).ToList();
        var distinct = draws.Select(Key).Distinct().Count();

        // Expected distinct draws when the set is uniform and then the split uniform among C(63, k-1) compositions.
        var sets = Session.Evaluator.CompatibleSets(RandomPolicies.MaxCaches)!;
        var expected = sets.Sum(set =>
        {
            var splits = Choose(RandomPolicies.GridUnits - 1, set.Length - 1);
            return splits * (1 - Math.Pow(1 - (1.0 / (sets.Count * splits)), n));
        });
        Assert.InRange(distinct, expected * 0.97, expected * 1.03);

        // Every split of every two-cache set shows up, the most lopsided (63/1 and 1/63) included.
        var unit = Session.Evaluator.Budget / RandomPolicies.GridUnits;
        var pairs = draws.Where(d => d.Length == 2).Select(Key).ToHashSet();
        var twoSets = sets.Where(s => s.Length == 2).ToList();
        Assert.NotEmpty(twoSets);
        foreach (var set in twoSets)
        {
            for (var first = 1; first < RandomPolicies.GridUnits; first++)
            {
                Assert.Contains(Key([new(set[0], first * unit), new(set[1], (RandomPolicies.GridUnits - first) * unit)]), pairs);
            }
        }

        Assert.All(draws, d => Assert.True(d.Sum(p => p.Bytes) <= Session.Evaluator.Budget));
    }

    private static string Key(Replay.CachePlacement[] placement) => string.Join(";", placement.OrderBy(p => p.Candidate.Index).Select(p => p.ToString()));

    private static double Choose(int n, int k) => Enumerable.Range(1, k).Aggregate(1.0, (c, i) => c * (n - k + i) / i);

    [Fact]
    public void Every_compatible_set_is_drawn_about_equally_often()
    {
        var sets = Session.Evaluator.CompatibleSets(RandomPolicies.MaxCaches)!;
        Assert.True(sets.Count > 10, $"{sets.Count} sets");
        var rng = new Random(2);
        var counts = new Dictionary<string, int>();
        var draws = sets.Count * 200;
        for (var i = 0; i < draws; i++)
        {
            var key = string.Join(";", RandomPolicies.Draw(Session.Evaluator, rng).Select(p => p.Candidate.ToString()).Order());
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(sets.Count, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 120, 280));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Splits_are_uniform_over_all_compositions(int parts)
    {
        const int units = 8;
        var rng = new Random(3);
        var counts = new Dictionary<string, int>();
        var compositions = parts == 2 ? 7 : 21; // C(units - 1, parts - 1)
        var draws = compositions * 1000;
        for (var i = 0; i < draws; i++)
        {
            var split = RandomPolicies.Split(units, parts, rng);
            Assert.Equal(units, split.Sum());
            Assert.All(split, u => Assert.True(u >= 1));
            var key = string.Join(",", split);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(compositions, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150));
    }
}
