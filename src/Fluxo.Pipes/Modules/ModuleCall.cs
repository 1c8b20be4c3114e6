using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Pipes.Fetching;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>One run of one module: its settings, its terminals' values, the current item (inside a loop) and its services.</summary>
internal sealed class ModuleCall(
    PipeModules modules,
    ISubPipes subPipes,
    string type,
    string id,
    JsonObject conf,
    Value? input,
    IReadOnlyList<(string Port, Value Value)> ports,
    Value? item,
    SourceSpan span,
    CancellationToken cancellationToken)
{
    public PipeModules Modules => modules;
    public ISubPipes SubPipes => subPipes;
    public string Type => type;
    public string Id => id;
    public JsonObject Conf => conf;
    public Value? Input => input;
    public IReadOnlyList<(string Port, Value Value)> Ports => ports;
    public Value? Item => item;
    public SourceSpan Span => span;
    public CancellationToken Cancellation => cancellationToken;

    /// <summary>Time charged for work outside this module's own code: fetches (their fixture's nominal time, or measured),
    /// sub-pipes and, in a loop, the embedded module's.</summary>
    public double LatencyMs { get; set; }

    /// <summary>Wall time spent in that outside work, which the module's own measured time leaves out.</summary>
    public double WaitedMs { get; set; }

    public bool Fetched { get; private set; }

    public PipeRunOptions Options => modules.Options;

    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(Options.Clock.NowMs);

    public ModuleCall With(string newType, string newId, JsonObject newConf, Value? newInput, Value? newItem) =>
        new(modules, subPipes, newType, newId, newConf, newInput, ports, newItem, span, cancellationToken);

    public IEnumerable<Value> Inputs(Func<string, bool> port) => ports.Where(p => port(p.Port)).Select(p => p.Value);

    public Value? Terminal(string name) => ports.FirstOrDefault(p => p.Port == name).Value;

    /// <summary>A setting's value: literal, the value wired into its terminal, or a field (subkey) of the item.</summary>
    public Value Resolve(JsonNode? setting, Value? forItem = null)
    {
        if (setting is null)
        {
            return Value.Null;
        }

        if (Settings.Terminal(setting) is { } terminal)
        {
            var wired = Terminal(terminal) ?? Value.Null;
            return Settings.Subkey(setting) is { } sub ? Items.Get(wired, sub) ?? Value.Null : wired;
        }

        if (Settings.Subkey(setting) is { } subkey)
        {
            return Items.Get(forItem ?? item, subkey) ?? Value.Null;
        }

        var literal = Settings.Literal(setting);
        if (literal is null)
        {
            return Value.Null;
        }

        return Settings.TypeOf(setting) == "number" && double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? Value.Float(d)
            : Value.String(literal);
    }

    public string Text(string name, Value? forItem = null) => Items.Text(Resolve(conf[name], forItem));

    public string Text(JsonNode? setting, Value? forItem = null) => Items.Text(Resolve(setting, forItem));

    public IReadOnlyList<JsonNode?> List(string name) => Settings.List(conf[name]);

    public double? Number(string name)
    {
        var v = Resolve(conf[name]);
        return v.IsNumber ? v.AsFloat
            : double.TryParse(Items.Text(v), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
    }

    public PipeRuntimeException Fail(Diagnostic diagnostic) => new(diagnostic);

    /// <summary>A response this module cannot read gives no items: the pipe goes on, with a warning naming the URL.</summary>
    public ImmutableArray<Value> NoItems(string url, string reason)
    {
        Options.Warn?.Invoke(Diag.PipeNotData(span, id, url, reason));
        return [];
    }

    public PipeRuntimeException BadSetting(string setting, string reason) => new(Diag.PipeBadSetting(span, id, setting, reason));

    public async Task<FetchResult> FetchAsync(string url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            throw BadSetting("URL", "the URL is empty");
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await Options.Fetcher.FetchAsync(url.Trim(), cancellationToken);
            Fetched = true;
            var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            WaitedMs += waited;
            LatencyMs += result.NominalLatencyMs ?? waited;
            return result;
        }
        catch (FetchException e)
        {
            throw Fail(e.Kind switch
            {
                FetchFailure.Unmapped => Diag.PipeFetchUnmapped(span, e.Url, e.Reason.Replace("no fixture in ", "", StringComparison.Ordinal)),
                FetchFailure.Refused => Diag.PipeFetchRefused(span, e.Url, e.Reason),
                _ => Diag.PipeFetchFailed(span, e.Url, e.Reason),
            });
        }
    }

    /// <summary>The URLs of a URL setting (a list, or Yahoo's bare single element).</summary>
    public IEnumerable<string> Urls(string name = "URL") =>
        List(name).Select(s => Items.Text(Resolve(s))).Where(u => u.Trim().Length > 0);
}
