using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>Compiled patterns with the run's match timeout; bad patterns and timeouts become diagnostics.</summary>
internal sealed class RegexCache(TimeSpan timeout)
{
    private readonly ConcurrentDictionary<(string, RegexOptions), Regex> _cache = new();

    public Regex Get(ModuleCall call, string pattern, RegexOptions options)
    {
        try
        {
            return _cache.GetOrAdd((pattern, options), k => new Regex(k.Item1, k.Item2, timeout));
        }
        catch (ArgumentException e)
        {
            throw call.Fail(Diag.PipeRegexFailed(call.Span, call.Id, pattern, "is not valid: " + e.Message));
        }
    }

    /// <summary>Runs a match or replace, turning a timeout into a diagnostic.</summary>
    public static T Guard<T>(ModuleCall call, string pattern, Func<T> run)
    {
        // Each match is bounded by the timeout; the run's own limit is checked between them, so many slow matches stop too.
        call.Cancellation.ThrowIfCancellationRequested();
        try
        {
            return run();
        }
        catch (RegexMatchTimeoutException e)
        {
            throw call.Fail(Diag.PipeRegexFailed(call.Span, call.Id, pattern, $"took longer than {e.MatchTimeout.TotalMilliseconds:0} ms"));
        }
    }
}

/// <summary>Yahoo's regex module: per rule, a field, a pattern, a replacement with <c>$1</c> groups and <c>${field}</c> item fields.</summary>
internal static partial class RegexModule
{
    [GeneratedRegex(@"\$\{(?!\d+\})([^}]+)\}")]
    private static partial Regex ItemReference();

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex GroupReference();

    public static Value Run(ModuleCall call)
    {
        var rules = call.List("RULE");
        return Value.List(Items.AsItems(call.Input).Select(item =>
        {
            foreach (var rule in rules)
            {
                var field = call.Text(rule.At("field"), item);
                var pattern = call.Text(rule.At("match"), item);
                if (field.Length == 0 || Items.Get(item, field) is not { } current)
                {
                    continue;
                }

                var options = RegexOptions.None;
                if (Flag(call, rule, "casematch"))
                {
                    options |= RegexOptions.IgnoreCase;
                }

                if (Flag(call, rule, "singlelinematch"))
                {
                    options |= RegexOptions.Singleline;
                }

                if (Flag(call, rule, "multilinematch"))
                {
                    options |= RegexOptions.Multiline;
                }

                var regex = call.Modules.Regexes.Get(call, pattern, options);
                var replacement = Replacement(call.Text(rule.At("replace"), item), item);
                var count = Flag(call, rule, "globalmatch") ? -1 : 1;
                item = Items.With(item, field, Apply(current, s => RegexCache.Guard(call, pattern, () => regex.Replace(s, replacement, count))));
            }

            return item;
        }));
    }

    /// <summary>String Regex: each rule replaces every match in the input string; <c>$1</c> names a group.</summary>
    public static Value RunOnString(ModuleCall call)
    {
        var text = Items.Text(call.Input);
        foreach (var rule in call.List("RULE"))
        {
            var pattern = call.Text(rule.At("match"));
            if (pattern.Length == 0)
            {
                continue;
            }

            var regex = call.Modules.Regexes.Get(call, pattern, RegexOptions.None);
            var replacement = Replacement(call.Text(rule.At("replace")), Value.Null);
            text = RegexCache.Guard(call, pattern, () => regex.Replace(text, replacement));
        }

        return Value.String(text);
    }

    private static bool Flag(ModuleCall call, System.Text.Json.Nodes.JsonNode? rule, string name) =>
        call.Text(rule?[name]) is { Length: > 0 } v && v != "0";

    private static Value Apply(Value v, Func<string, string> replace) => v.Kind switch
    {
        ValueKind.List => Value.List(v.AsList.Select(e => Apply(e, replace))),
        ValueKind.Record => v,
        _ => Value.String(replace(Items.Text(v))),
    };

    // ${field} reads the item (its value taken literally); $n becomes ${n} so "$1" followed by a digit stays group 1.
    private static string Replacement(string yahoo, Value item)
    {
        var groups = GroupReference().Replace(yahoo, m => "${" + m.Groups[1].Value + "}");
        return ItemReference().Replace(groups, m => Items.Text(Items.Get(item, m.Groups[1].Value)).Replace("$", "$$", StringComparison.Ordinal));
    }
}
