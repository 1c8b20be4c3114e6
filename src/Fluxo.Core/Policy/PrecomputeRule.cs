using System.Globalization;

namespace Fluxo.Policy;

/// <summary>
/// When a pre-computed part is refreshed and, for a part stored per hot key, which requests it serves: the optimizer's
/// replay (<c>PartPlan</c>), the runtime (<c>AheadWork</c>, <c>GroupRuns</c>) and the generated service (<c>AheadStore</c>,
/// <c>AheadRefresher</c>, which ship this file) follow it.
/// <list type="bullet">
/// <item>Refreshes fall on whole periods of the clock (<see cref="NextRefreshMs"/>); a part with no period is deterministic and never goes stale.</item>
/// <item>A hot-key part serves only the keys it lists (<see cref="IsHotKey"/>); any other key runs as if there were no part, with no lookup.</item>
/// <item>A listed key's entry is stored at the key's first demand, which is a miss (looked up, computed, inserted, as a cache's),
/// and served from then on; every stored entry is recomputed, off any request's path, at each refresh.</item>
/// </list>
/// </summary>
public static class PrecomputeRule
{
    /// <summary>When a part refreshed at <paramref name="nowMs"/> is due again: the start of the next whole period; never without one.</summary>
    public static double NextRefreshMs(double nowMs, double refreshSeconds)
    {
        var period = refreshSeconds * 1000;
        return period > 0 ? (Math.Floor(nowMs / period) + 1) * period : double.PositiveInfinity;
    }

    /// <summary>The listed keys of a hot-key part, or null when one is not 16 hex digits (<see cref="CacheKey.Format"/>).</summary>
    public static HashSet<ulong>? ParseHotKeys(IEnumerable<string?> keys)
    {
        var result = new HashSet<ulong>();
        foreach (var k in keys)
        {
            if (k is not { Length: 16 } || !ulong.TryParse(k, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key))
            {
                return null;
            }

            result.Add(key);
        }

        return result;
    }

    /// <summary>Whether a request whose part key is <paramref name="key"/> goes through the hot-key part.</summary>
    public static bool IsHotKey(IReadOnlySet<ulong> hotKeys, ulong key) => hotKeys.Contains(key);
}
