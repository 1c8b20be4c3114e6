using System.Collections.Immutable;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime.Externs;
using Fluxo.Values;

namespace Fluxo.Runtime.Workloads;

/// <summary>Reads a workload file and checks it against the service's handlers and their parameters.</summary>
public static class WorkloadJson
{
    /// <summary>Reads a workload file, or a request log (<c>.jsonl</c>, <see cref="RequestLog"/>) as a workload that replays it.</summary>
    public static Workload? Read(string path, IrModule module, DiagnosticBag diags)
    {
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
        {
            return RequestLog.Read(path, module, diags) is { } log ? Workload.Replay(log, "request log " + Path.GetFileName(path)) : null;
        }

        var json = InputFile.ReadText(path, diags);
        var workload = json is null ? null : Parse(path, json, module, diags);
        if (workload is { Description: var d } && workload.Sessions.IsEmpty && ReplayPath(path, json!) is { } replay)
        {
            // A workload of kind "replay": the log it names (relative to the workload file), with the workload's description and budget.
            return RequestLog.Read(replay, module, diags) is { } log ? Workload.Replay(log, d, workload.CacheBudgetBytes) : null;
        }

        return workload;
    }

    private static string? ReplayPath(string path, string json)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return doc.RootElement.TryGetProperty("replay", out var r) && r.GetString() is { } file
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", file)
            : null;
    }

    public static Workload? Parse(string path, string json, IrModule module, DiagnosticBag diags)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            diags.Add(Diag.WorkloadMalformed(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, e.Message));
            return null;
        }

        using (doc)
        {
            var s = new JsonShapes();
            var w = s.Guard(() => Parse(doc.RootElement, module, s));

            foreach (var (where, reason) in s.Errors)
            {
                diags.Add(Diag.WorkloadInvalid(path, where, reason));
            }

            return s.Errors.Count == 0 ? w : null;
        }
    }

    private static Workload? Parse(JsonElement root, IrModule module, JsonShapes s)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != Workload.CurrentFormat)
        {
            s.Error("$.format", $"expected format '{Workload.CurrentFormat}'");
            return null;
        }

        var seed = root.TryGetProperty("seed", out var sd) && sd.TryGetUInt64(out var sv) ? sv : 1UL;
        // A replayed log brings its own arrival times.
        var rate = root.TryGetProperty("replay", out _) && !root.TryGetProperty("ratePerSecond", out _) ? 1
            : s.Number(s.Prop(root, "ratePerSecond", "$"), "$.ratePerSecond", 1e-9) ?? 1;
        var poisson = !root.TryGetProperty("arrival", out var arr) || arr.GetString() != "constant";
        if (root.TryGetProperty("arrival", out arr) && arr.GetString() is not ("poisson" or "constant"))
        {
            s.Error("$.arrival", "arrival is 'poisson' or 'constant'");
        }

        long? budget = root.TryGetProperty("cacheBudgetBytes", out var b) && b.TryGetInt64(out var bv) ? bv : null;
        var description = root.TryGetProperty("description", out var d) ? d.GetString() : null;
        var sessions = ImmutableArray.CreateBuilder<SessionPlan>();
        if (root.TryGetProperty("mix", out var mix) && mix.ValueKind != JsonValueKind.Array)
        {
            s.Error("$.mix", "'mix' must be a list");
        }
        else if (mix.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var m in mix.EnumerateArray())
            {
                var at = $"$.mix[{i++}]";
                if (Step(m, at, 0, module, s) is { } step)
                {
                    sessions.Add(new SessionPlan(step.Handler, Weight(m, at, s), [step]));
                }
            }
        }

        if (root.TryGetProperty("sessions", out var ses) && ses.ValueKind != JsonValueKind.Array)
        {
            s.Error("$.sessions", "'sessions' must be a list");
        }
        else if (ses.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var m in ses.EnumerateArray())
            {
                var at = $"$.sessions[{i++}]";
                var steps = ImmutableArray.CreateBuilder<StepPlan>();
                var k = 0;
                foreach (var st in s.Prop(m, "steps", at).EnumerateArray())
                {
                    if (Step(st, $"{at}.steps[{k}]", k, module, s) is { } step)
                    {
                        steps.Add(step);
                    }

                    k++;
                }

                if (steps.Count == 0)
                {
                    s.Error(at, "a session needs at least one step");
                }

                var name = m.TryGetProperty("name", out var n) ? n.GetString() ?? "session" : string.Join("+", steps.Select(x => x.Handler));
                sessions.Add(new SessionPlan(name, Weight(m, at, s), steps.ToImmutable()));
            }
        }

        var replay = root.TryGetProperty("replay", out var rp) ? rp : default;
        if (replay.ValueKind != JsonValueKind.Undefined && (replay.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(replay.GetString())))
        {
            s.Error("$.replay", "'replay' names a request log file (JSON Lines), relative to the workload");
        }
        else if (replay.ValueKind == JsonValueKind.String && sessions.Count > 0)
        {
            s.Error("$.replay", "a workload either replays a log or draws a 'mix' or 'sessions', not both");
        }
        else if (sessions.Count == 0 && replay.ValueKind == JsonValueKind.Undefined)
        {
            s.Error("$", "a workload needs a 'mix', 'sessions' or 'replay' entry");
        }

        return new Workload(seed, rate, poisson, sessions.ToImmutable(), budget, description);
    }

    private static double Weight(JsonElement e, string at, JsonShapes s) =>
        e.TryGetProperty("weight", out var w) ? s.Number(w, at + ".weight", 1e-12) ?? 1 : 1;

    private static StepPlan? Step(JsonElement e, string at, int index, IrModule module, JsonShapes s)
    {
        var handler = s.Prop(e, "handler", at);
        var graph = handler.ValueKind == JsonValueKind.String ? module.FindGraph(handler.GetString()!) : null;
        if (graph is null)
        {
            if (handler.ValueKind != JsonValueKind.Undefined)
            {
                s.Error(at + ".handler", $"the service has no handler '{handler}'");
            }

            return null;
        }

        var think = e.TryGetProperty("thinkMs", out var t) ? s.Latency(t, at + ".thinkMs") ?? LatencyDistribution.Zero : LatencyDistribution.Zero;
        if (e.TryGetProperty("request", out var req))
        {
            var sampler = Sampler(req, at + ".request", index, s);
            return sampler is null ? null : new StepPlan(graph.Name, [], sampler, think);
        }

        var inputs = ImmutableArray.CreateBuilder<(string, InputSampler)>();
        var given = e.TryGetProperty("inputs", out var ins) ? ins : default;
        foreach (var p in graph.Params)
        {
            if (given.ValueKind != JsonValueKind.Object || !given.TryGetProperty(p.Name, out var pe))
            {
                s.Error(at + ".inputs", $"handler '{graph.Name}' needs input '{p.Name}'");
                continue;
            }

            if (Sampler(pe, $"{at}.inputs.{p.Name}", index, s) is { } sampler)
            {
                inputs.Add((p.Name, sampler));
            }
        }

        if (given.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in given.EnumerateObject().Where(p => graph.Params.All(q => q.Name != p.Name)))
            {
                s.Error($"{at}.inputs.{p.Name}", $"handler '{graph.Name}' has no parameter '{p.Name}'");
            }
        }

        return new StepPlan(graph.Name, inputs.ToImmutable(), null, think);
    }

    private static InputSampler? Sampler(JsonElement e, string at, int step, JsonShapes s)
    {
        if (e.ValueKind != JsonValueKind.Object || e.EnumerateObject().Count() != 1)
        {
            s.Error(at, "a distribution is an object with one of const, uniform, range, zipf, table, oneOf, record, fromInput, fromResult");
            return null;
        }

        var p = e.EnumerateObject().First();
        var v = p.Value;
        at += "." + p.Name;
        switch (p.Name)
        {
            case "const":
                return new ConstSampler(ValueJson.FromElement(v));
            case "uniform":
                return v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0
                    ? new UniformSampler([.. v.EnumerateArray().Select(ValueJson.FromElement)])
                    : Fail(s, at, "uniform takes a non-empty list of values");
            case "range":
                {
                    var min = s.Number(s.Prop(v, "min", at), at + ".min");
                    var max = s.Number(s.Prop(v, "max", at), at + ".max");
                    if (min is null || max is null || max < min)
                    {
                        return Fail(s, at, "range needs integers min <= max");
                    }

                    return new RangeSampler((long)min, (long)max, v.TryGetProperty("template", out var tp) ? tp.GetString() : null);
                }

            case "zipf":
                {
                    var exponent = s.Number(s.Prop(v, "s", at), at + ".s", 0);
                    IReadOnlyList<Value>? values = null;
                    if (v.TryGetProperty("values", out var vs) && vs.ValueKind == JsonValueKind.Array && vs.GetArrayLength() > 0)
                    {
                        values = [.. vs.EnumerateArray().Select(ValueJson.FromElement)];
                    }
                    else if (v.TryGetProperty("count", out var c) && c.TryGetInt32(out var n) && n > 0 && n <= 10_000_000)
                    {
                        var template = v.TryGetProperty("template", out var tp) ? tp.GetString() : null;
                        values = [.. Enumerable.Range(1, n).Select(i => RangeSampler.Format(i, template))];
                    }

                    return exponent is null || values is null
                        ? Fail(s, at, "zipf needs 's' and either 'values' or 'count' (with an optional 'template')")
                        : WeightedSampler.Zipf(values, exponent.Value);
                }

            case "table":
                {
                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
                    {
                        return Fail(s, at, "table takes a list of {\"value\": v, \"weight\": w}");
                    }

                    var values = new List<Value>();
                    var weights = new List<double>();
                    var i = 0;
                    foreach (var row in v.EnumerateArray())
                    {
                        var rat = $"{at}[{i++}]";
                        values.Add(ValueJson.FromElement(s.Prop(row, "value", rat)));
                        weights.Add(s.Number(s.Prop(row, "weight", rat), rat + ".weight", 0) ?? 0);
                    }

                    return weights.Sum() > 0 ? WeightedSampler.Of(values, weights) : Fail(s, at, "table weights must not all be zero");
                }

            case "fromInput":
            case "fromResult":
                {
                    var from = s.Number(s.Prop(v, "step", at), at + ".step", 0);
                    if (from is null || from >= step)
                    {
                        return Fail(s, at, $"'step' must name an earlier step of the session (below {step})");
                    }

                    if (p.Name == "fromInput")
                    {
                        var param = s.Prop(v, "param", at);
                        return param.ValueKind == JsonValueKind.String ? new FromInputSampler((int)from, param.GetString()!) : Fail(s, at, "fromInput needs 'param'");
                    }

                    return new FromResultSampler((int)from, v.TryGetProperty("field", out var fld) ? fld.GetString() : null);
                }

            case "oneOf":
                {
                    if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
                    {
                        return Fail(s, at, "oneOf takes a list of {\"weight\": w, \"of\": distribution}");
                    }

                    var choices = new List<InputSampler>();
                    var weights = new List<double>();
                    var i = 0;
                    foreach (var row in v.EnumerateArray())
                    {
                        var rat = $"{at}[{i++}]";
                        weights.Add(s.Number(s.Prop(row, "weight", rat), rat + ".weight", 0) ?? 0);
                        if (Sampler(s.Prop(row, "of", rat), rat + ".of", step, s) is { } c)
                        {
                            choices.Add(c);
                        }
                    }

                    if (choices.Count != weights.Count || weights.Sum() <= 0)
                    {
                        return Fail(s, at, "every oneOf choice needs a distribution and the weights must not all be zero");
                    }

                    var cum = WeightedSampler.Of([.. choices.Select(_ => Value.Null)], weights).Cumulative;
                    return new OneOfSampler([.. choices], cum);
                }

            case "record":
                {
                    if (v.ValueKind != JsonValueKind.Object)
                    {
                        return Fail(s, at, "record takes an object of field distributions");
                    }

                    var fields = new List<(string, InputSampler)>();
                    foreach (var fp in v.EnumerateObject())
                    {
                        if (Sampler(fp.Value, $"{at}.{fp.Name}", step, s) is { } c)
                        {
                            fields.Add((fp.Name, c));
                        }
                    }

                    return new RecordSampler([.. fields]);
                }

            default:
                return Fail(s, at, $"unknown distribution '{p.Name}'");
        }
    }

    private static InputSampler? Fail(JsonShapes s, string at, string reason)
    {
        s.Error(at, reason);
        return null;
    }
}
