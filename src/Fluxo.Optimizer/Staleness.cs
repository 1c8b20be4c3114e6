using System.Globalization;
using Fluxo.Diagnostics;

namespace Fluxo.Optimizer;

/// <summary>How stale a pre-computed part may be, as people write it: 60s, 5m, 1h, 500ms (seconds when unitless).</summary>
public static class Staleness
{
    /// <summary>The bound in seconds; null (no bound) for null text, null with a diagnostic for bad text.</summary>
    public static double? Parse(string? text, DiagnosticBag diagnostics)
    {
        if (text is null)
        {
            return null;
        }

        var t = text.Trim().ToLowerInvariant();
        var (digits, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : (t, 1.0);
        if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0)
        {
            return v * scale;
        }

        diagnostics.Add(Diag.BadStaleness(text));
        return null;
    }
}
