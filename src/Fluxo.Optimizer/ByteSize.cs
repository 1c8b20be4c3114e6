using System.Globalization;
using System.Text.RegularExpressions;
using Fluxo.Diagnostics;

namespace Fluxo.Optimizer;

/// <summary>Budget sizes as people write them: 1000B, 512KB, 64MB, 1GB (binary multiples, as cache sizes usually are).
/// The unit is required: a bare "64" is refused rather than silently read as 64 bytes.</summary>
public static partial class ByteSize
{
    public static long? Parse(string text, DiagnosticBag diagnostics)
    {
        var m = Pattern().Match(text.Trim());
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            diagnostics.Add(Diag.BadByteSize(text));
            return null;
        }

        var shift = m.Groups[2].Value.ToUpperInvariant() switch
        {
            "K" or "KB" => 10,
            "M" or "MB" => 20,
            "G" or "GB" => 30,
            _ => 0,
        };
        if (n > (long.MaxValue >> shift))
        {
            diagnostics.Add(Diag.BadByteSize(text));
            return null;
        }

        return n << shift;
    }

    [GeneratedRegex(@"^(\d{1,15})\s*(B|K|KB|M|MB|G|GB)$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
