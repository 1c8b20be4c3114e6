using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using Fluxo.Values;

namespace Fluxo.Runtime.Externs;

/// <summary>Reads the small JSON shapes shared by bindings and workloads; problems go to a list as (JSON path, reason).</summary>
public sealed class JsonShapes
{
    public List<(string Path, string Reason)> Errors { get; } = [];

    public void Error(string path, string reason) => Errors.Add((path, reason));

    /// <summary>
    /// Runs a reader over a document, turning a value of the wrong JSON kind met where the reader did not check the
    /// kind first (JsonElement throws then) into an error, so no file can crash the command that reads it.
    /// </summary>
    public T? Guard<T>(Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            Error("$", $"a value has the wrong type: {e.Message}");
            return null;
        }
    }

    /// <summary><c>{"fixed": ms}</c>, <c>{"uniform": {minMs, maxMs}}</c>, <c>{"normal": {meanMs, stdMs}}</c>, <c>{"lognormal": {medianMs, p95Ms}}</c>.</summary>
    public LatencyDistribution? Latency(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object || e.EnumerateObject().Count() != 1)
        {
            Error(path, "a latency is an object with one of 'fixed', 'uniform', 'normal', 'lognormal'");
            return null;
        }

        var p = e.EnumerateObject().First();
        var at = path + "." + p.Name;
        switch (p.Name)
        {
            case "fixed":
                return Number(p.Value, at, min: 0) is { } ms ? new FixedLatency(ms) : null;
            case "uniform":
                {
                    var lo = Number(Prop(p.Value, "minMs", at), at + ".minMs", 0);
                    var hi = Number(Prop(p.Value, "maxMs", at), at + ".maxMs", 0);
                    if (lo is null || hi is null)
                    {
                        return null;
                    }

                    if (hi < lo)
                    {
                        Error(at, "maxMs is below minMs");
                        return null;
                    }

                    return new UniformLatency(lo.Value, hi.Value);
                }

            case "normal":
                {
                    var mean = Number(Prop(p.Value, "meanMs", at), at + ".meanMs", 0);
                    var std = Number(Prop(p.Value, "stdMs", at), at + ".stdMs", 0);
                    return mean is null || std is null ? null : new NormalLatency(mean.Value, std.Value);
                }

            case "lognormal":
                {
                    var median = Number(Prop(p.Value, "medianMs", at), at + ".medianMs", 1e-9);
                    var p95 = Number(Prop(p.Value, "p95Ms", at), at + ".p95Ms", 1e-9);
                    if (median is null || p95 is null)
                    {
                        return null;
                    }

                    if (p95 < median)
                    {
                        Error(at, "p95Ms is below medianMs");
                        return null;
                    }

                    return new LogNormalLatency(median.Value, p95.Value);
                }

            default:
                Error(at, $"unknown latency kind '{p.Name}'");
                return null;
        }
    }

    /// <summary><c>{"const": v}</c>, <c>{"template": "..."}</c> or <c>{"lookup": {text: v}, "default": rule}</c>.</summary>
    public ResponseRule? Rule(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            Error(path, "a response rule is an object with 'const', 'template' or 'lookup'");
            return null;
        }

        if (e.TryGetProperty("const", out var c))
        {
            return new ConstRule(ValueJson.FromElement(c));
        }

        if (e.TryGetProperty("template", out var t))
        {
            if (t.ValueKind != JsonValueKind.String)
            {
                Error(path + ".template", "a template is a string");
                return null;
            }

            return new TemplateRule(t.GetString()!);
        }

        if (e.TryGetProperty("lookup", out var l))
        {
            if (l.ValueKind != JsonValueKind.Object)
            {
                Error(path + ".lookup", "a lookup table is an object from argument text to answer");
                return null;
            }

            var table = l.EnumerateObject().ToFrozenDictionary(p => p.Name, p => ValueJson.FromElement(p.Value), StringComparer.Ordinal);
            if (!e.TryGetProperty("default", out var d))
            {
                Error(path, "a lookup needs a 'default' rule for arguments it does not list");
                return null;
            }

            var def = Rule(d, path + ".default");
            return def is null ? null : new LookupRule(table, def);
        }

        Error(path, "a response rule needs 'const', 'template' or 'lookup'");
        return null;
    }

    public JsonElement Prop(JsonElement e, string name, string path)
    {
        if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v))
        {
            return v;
        }

        Error(path, $"'{name}' is missing");
        return default;
    }

    public double? Number(JsonElement e, string path, double min = double.MinValue)
    {
        if (e.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var d) || d < min)
        {
            Error(path, min > double.MinValue ? $"expected a number of at least {min.ToString(CultureInfo.InvariantCulture)}" : "expected a number");
            return null;
        }

        return d;
    }
}
