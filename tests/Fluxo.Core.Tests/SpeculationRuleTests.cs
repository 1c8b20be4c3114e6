using Fluxo.Policy;
using Fluxo.Values;

namespace Fluxo.Core.Tests;

/// <summary>How a speculation guesses its inputs (<see cref="SpeculationRule.Guess(SpeculateDecision, Value, Value)"/>), the one rule the runtime and the generated service apply.</summary>
public sealed class SpeculationRuleTests
{
    private static readonly Value Request = Value.Record([new("owner", Value.String("ann")), new("url", Value.String("https://a.example/"))]);

    private static readonly Value Result = Value.Record([new("ok", Value.True), new("code", Value.String("1f3a9c0e"))]);

    private static SpeculateDecision Decision(params InputBinding[] inputs) => new("shorten", "preview", "h", [1], [.. inputs], 1, 0, 0);

    [Fact]
    public void A_parameter_the_whole_result_or_one_field_of_it()
    {
        var guess = SpeculationRule.Guess(Decision(
            new InputBinding("owner", "owner"),
            new InputBinding("all", "", FromResult: true),
            new InputBinding("code", "", FromResult: true, ResultField: "code")), Request, Result);
        Assert.Equal(Value.String("ann"), guess.GetField("owner"));
        Assert.Equal(Result, guess.GetField("all"));
        Assert.Equal(Value.String("1f3a9c0e"), guess.GetField("code"));
    }

    [Fact]
    public void A_field_the_result_lacks_guesses_none()
    {
        Assert.Equal(Value.Null, SpeculationRule.Guess(new InputBinding("code", "", FromResult: true, ResultField: "missing"), Request, Result));
        Assert.Equal(Value.Null, SpeculationRule.Guess(new InputBinding("code", "", FromResult: true, ResultField: "code"), Request, Value.Int(3)));
    }
}
