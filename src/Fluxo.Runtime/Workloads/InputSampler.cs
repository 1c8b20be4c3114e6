using System.Collections.Immutable;
using System.Globalization;
using Fluxo.Runtime.Engine;
using Fluxo.Values;

namespace Fluxo.Runtime.Workloads;

/// <summary>A seeded random stream (SplitMix64): one per session, so draws do not depend on how sessions interleave.</summary>
public sealed class SessionRandom(ulong seed)
{
    private ulong _state = seed;

    public double NextDouble()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return SeededDraw.Unit(SeededDraw.Mix(_state));
    }

    public ulong NextBits()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return SeededDraw.Mix(_state);
    }
}

/// <summary>What a session has seen so far: the inputs and results of its earlier steps.</summary>
public sealed class SessionState(long client, SessionRandom random)
{
    public long Client { get; } = client;

    public SessionRandom Random { get; } = random;

    public List<Value> Inputs { get; } = [];

    public List<Value?> Results { get; } = [];
}

/// <summary>Draws one input value.</summary>
public abstract record InputSampler
{
    public abstract Value Sample(SessionState session);
}

public sealed record ConstSampler(Value Value) : InputSampler
{
    public override Value Sample(SessionState session) => Value;
}

/// <summary>Any of the values with equal chance.</summary>
public sealed record UniformSampler(ImmutableArray<Value> Values) : InputSampler
{
    public override Value Sample(SessionState session) => Values[(int)(session.Random.NextDouble() * Values.Length)];
}

/// <summary>An integer in [Min, Max] with equal chance, optionally put into a text template at <c>{i}</c>.</summary>
public sealed record RangeSampler(long Min, long Max, string? Template) : InputSampler
{
    public override Value Sample(SessionState session)
    {
        var i = Min + (long)(session.Random.NextDouble() * (Max - Min + 1));
        return Format(Math.Min(i, Max), Template);
    }

    public static Value Format(long i, string? template) => template is null
        ? Value.Int(i)
        : Value.String(template.Replace("{i}", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
}

/// <summary>Values with given weights (an explicit frequency table such as 31% / 4% / 65%, or Zipf's 1/k^s).</summary>
public sealed record WeightedSampler(ImmutableArray<Value> Values, ImmutableArray<double> Cumulative) : InputSampler
{
    public static WeightedSampler Of(IReadOnlyList<Value> values, IReadOnlyList<double> weights)
    {
        var total = weights.Sum();
        var cum = new double[weights.Count];
        var acc = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            acc += weights[i] / total;
            cum[i] = acc;
        }

        cum[^1] = 1.0;
        return new WeightedSampler([.. values], [.. cum]);
    }

    public static WeightedSampler Zipf(IReadOnlyList<Value> values, double s) =>
        Of(values, [.. Enumerable.Range(1, values.Count).Select(k => 1.0 / Math.Pow(k, s))]);

    public override Value Sample(SessionState session)
    {
        var u = session.Random.NextDouble();
        var i = Cumulative.AsSpan().BinarySearch(u);
        i = i < 0 ? ~i : i;
        return Values[Math.Min(i, Values.Length - 1)];
    }
}

/// <summary>The same input an earlier step of the session used.</summary>
public sealed record FromInputSampler(int Step, string Param) : InputSampler
{
    public override Value Sample(SessionState session) => session.Inputs[Step].GetField(Param) ?? Value.Null;
}

/// <summary>An earlier step's result, or one field of it (e.g. the token a log-in returned).</summary>
public sealed record FromResultSampler(int Step, string? Field) : InputSampler
{
    public override Value Sample(SessionState session)
    {
        var r = session.Results[Step] ?? Value.Null;
        return Field is null ? r : r.GetField(Field) ?? Value.Null;
    }
}

/// <summary>One of several distributions, chosen by weight (e.g. a few hot values plus a Zipf tail).</summary>
public sealed record OneOfSampler(ImmutableArray<InputSampler> Choices, ImmutableArray<double> Cumulative) : InputSampler
{
    public override Value Sample(SessionState session)
    {
        var u = session.Random.NextDouble();
        var i = Cumulative.AsSpan().BinarySearch(u);
        i = i < 0 ? ~i : i;
        return Choices[Math.Min(i, Choices.Length - 1)].Sample(session);
    }
}

/// <summary>A record whose fields are drawn each from its own distribution (a whole request, so inputs can be correlated).</summary>
public sealed record RecordSampler(ImmutableArray<(string Name, InputSampler Sampler)> Fields) : InputSampler
{
    public override Value Sample(SessionState session) =>
        Value.Record(Fields.Select(f => new KeyValuePair<string, Value>(f.Name, f.Sampler.Sample(session))));
}
