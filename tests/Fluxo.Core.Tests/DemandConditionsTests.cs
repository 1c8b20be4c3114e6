using Fluxo.Regions;
using Fluxo.TestSupport;
using static Fluxo.TestSupport.WeatherIr;

namespace Fluxo.Core.Tests;

/// <summary>When each node is demanded and each input read, and what that lets a cache inside one arm of a branch be keyed on.</summary>
public sealed class DemandConditionsTests
{
    [Fact]
    public void Each_arm_of_the_weather_if_is_demanded_under_its_own_side_of_the_same_test()
    {
        var demand = new DemandConditions(Module().Graphs[0]);
        Assert.True(demand.Demanded(BuildHtml).IsAlways);
        var byZip = Assert.Single(Assert.Single(demand.Demanded(ZipToWeather).Terms));
        var byIp = Assert.Single(Assert.Single(demand.Demanded(IpToCity).Terms));
        Assert.Equal(byZip.Negated, byIp);
        Assert.Contains("@0.zip", byZip.Test, StringComparison.Ordinal);
        Assert.Equal(demand.Demanded(IpToCity).ToString(), demand.Demanded(CityToWeather).ToString());

        // The If reads its test always and each arm's value only when that arm is taken.
        Assert.True(demand.Pulled(Join, 0).IsAlways);
        Assert.True(demand.Pulled(Join, 2).Implies(demand.Demanded(IpToCity)) && demand.Demanded(IpToCity).Implies(demand.Pulled(Join, 2)));
        Assert.False(demand.Entered([IpToCity, CityToWeather]).Implies(demand.Demanded(ZipToWeather)));
        Assert.True(demand.Entered([IpToCity, CityToWeather]).Implies(demand.Pulled(IpToCity, 0)));
    }

    [Fact]
    public void A_guard_and_an_if_on_the_same_test_are_one_decision()
    {
        var graph = TourIr.AddMark();
        var demand = new DemandConditions(graph);

        // fetchTitle is read only by the put and the enqueue of its arm, whose guards test `existing == none` as its own does.
        var arm = demand.Demanded(TourIr.FetchTitle);
        var literal = Assert.Single(Assert.Single(arm.Terms));
        Assert.True(literal.Holds);
        Assert.Contains("@2", literal.Test, StringComparison.Ordinal);
        Assert.True(demand.Demanded(TourIr.PutNew).IsAlways);
        Assert.True(demand.Pulled(TourIr.PutNew, 2).Implies(arm) && arm.Implies(demand.Pulled(TourIr.PutNew, 2)));

        // The other arm's put is guarded by `!(existing == none)`: the same test failing, so the two arms never meet.
        var other = Assert.Single(Assert.Single(demand.Pulled(TourIr.PutOld, 1).Terms));
        Assert.Equal(literal.Negated, other);
        Assert.True(arm.And(demand.Pulled(TourIr.PutOld, 1)).IsNever);
    }

    [Fact]
    public void A_cache_inside_an_arm_is_keyed_on_what_the_arm_reads_and_nothing_its_guard_alone_tests()
    {
        var graph = TourIr.AddMark();
        var region = CachedRegion.TryCreate(new GraphReach(graph), [TourIr.FetchTitle], out var problem);
        Assert.True(region is not null, problem?.Reason);
        var key = Assert.Single(region.KeyEdges);
        Assert.Equal((TourIr.Normalize, TourIr.FetchTitle, 0), (key.From, key.To, key.ToInput));
        Assert.Equal([TourIr.FetchTitle], region.Outputs.ToArray());
    }

    [Fact]
    public void A_cache_whose_key_needs_a_value_of_one_arm_on_requests_taking_the_other_is_refused()
    {
        // {cityToWeather, zipToWeather, If} is entered on every request, but ipToCity's output exists only when zip is empty.
        Assert.Null(CachedRegion.TryCreate(new GraphReach(Module().Graphs[0]), [CityToWeather, ZipToWeather, Join], out var problem));
        Assert.Equal(RegionProblemKind.ConditionalKey, problem!.Kind);
        Assert.Equal(CityToWeather, problem.Node);

        // Request fields a node always reads stay keys wherever the node sits: they are known on arrival.
        var whole = CachedRegion.TryCreate(new GraphReach(Module().Graphs[0]), [IpToCity, CityToWeather, ZipToWeather, Join, BuildHtml], out problem);
        Assert.True(whole is not null, problem?.Reason);
    }

    [Fact]
    public void Conditions_combine_absorb_and_imply_soundly()
    {
        var a = BranchCondition.When(new BranchLiteral("a", true));
        var b = BranchCondition.When(new BranchLiteral("b", true));
        var notA = BranchCondition.When(new BranchLiteral("a", false));
        Assert.True(a.And(notA).IsNever);
        Assert.True(a.Or(a.And(b)).Implies(a) && a.Implies(a.Or(a.And(b))));
        Assert.True(a.And(b).Implies(a));
        Assert.False(a.Implies(a.And(b)));
        Assert.False(BranchCondition.Unknown.Implies(a));
        Assert.True(BranchCondition.Unknown.Implies(BranchCondition.Always));
        Assert.False(a.Implies(BranchCondition.Unknown));

        // A condition past the bound is unknown, never silently shortened.
        var wide = BranchCondition.Never;
        for (var i = 0; i <= BranchCondition.MaxTerms; i++)
        {
            wide = wide.Or(BranchCondition.When(new BranchLiteral("t" + i, true)));
        }

        Assert.True(wide.IsUnknown);
    }
}
