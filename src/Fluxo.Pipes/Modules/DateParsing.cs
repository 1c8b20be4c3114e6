using System.Globalization;
using System.Text.RegularExpressions;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>Dates as Yahoo read and wrote them: RSS/ISO/US strings, relative phrases ("-1 day"), and date records.</summary>
public static partial class DateParsing
{
    private static readonly string[] Formats =
    [
        "ddd, d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm:ss", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz",
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd",
        "M/d/yyyy", "M/d/yyyy HH:mm", "M/d/yyyy H:mm:ss", "d MMMM yyyy", "MMMM d, yyyy", "MMM d, yyyy",
    ];

    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = "+00:00", ["UT"] = "+00:00", ["UTC"] = "+00:00", ["Z"] = "+00:00",
        ["EST"] = "-05:00", ["EDT"] = "-04:00", ["CST"] = "-06:00", ["CDT"] = "-05:00",
        ["MST"] = "-07:00", ["MDT"] = "-06:00", ["PST"] = "-08:00", ["PDT"] = "-07:00",
        ["CET"] = "+01:00", ["CEST"] = "+02:00", ["BST"] = "+01:00",
    };

    [GeneratedRegex(@"^\s*([+-]?\d+)\s*(second|minute|hour|day|week|month|year)s?(\s+ago)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Relative();

    [GeneratedRegex(@"\s([A-Z]{1,4})$")]
    private static partial Regex ZoneName();

    [GeneratedRegex(@"([+-]\d\d)(\d\d)$")]
    private static partial Regex CompactOffset();

    /// <summary>True when the text names a fixed date (not "now", "today" or a relative phrase).</summary>
    public static bool IsAbsolute(string text) =>
        text.Trim().Length > 0 && !IsRelative(text) && Parse(text, DateTimeOffset.UnixEpoch) is not null;

    private static bool IsRelative(string text) =>
        Relative().IsMatch(text) || text.Trim().ToLowerInvariant() is "now" or "today" or "tomorrow" or "yesterday";

    public static DateTimeOffset? Parse(string text, DateTimeOffset now)
    {
        try
        {
            return ParseCore(text, now);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ParseCore(string text, DateTimeOffset now)
    {
        var s = text.Trim();
        if (s.Length == 0)
        {
            return null;
        }

        switch (s.ToLowerInvariant())
        {
            case "now": return now;
            case "today": return new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
            case "tomorrow": return new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            case "yesterday": return new DateTimeOffset(now.UtcDateTime.Date.AddDays(-1), TimeSpan.Zero);
        }

        var rel = Relative().Match(s);
        if (rel.Success)
        {
            var n = int.Parse(rel.Groups[1].Value, CultureInfo.InvariantCulture) * (rel.Groups[3].Success ? -1 : 1);
            return rel.Groups[2].Value.ToLowerInvariant() switch
            {
                "second" => now.AddSeconds(n),
                "minute" => now.AddMinutes(n),
                "hour" => now.AddHours(n),
                "day" => now.AddDays(n),
                "week" => now.AddDays(7 * n),
                "month" => now.AddMonths(n),
                _ => now.AddYears(n),
            };
        }

        var zone = ZoneName().Match(s);
        if (zone.Success && Zones.TryGetValue(zone.Groups[1].Value, out var offset))
        {
            s = s[..zone.Index] + " " + offset;
        }

        s = CompactOffset().Replace(s, "$1:$2");
        return DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var d)
            || DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out d)
            ? d
            : null;
    }

    /// <summary>A date as Yahoo's date record (UTC fields and <c>utime</c>, seconds since 1970).</summary>
    public static Value ToRecord(DateTimeOffset d)
    {
        var u = d.ToUniversalTime();
        return Modules.Items.Record(
            ("year", Value.Int(u.Year)), ("month", Value.Int(u.Month)), ("day", Value.Int(u.Day)),
            ("hour", Value.Int(u.Hour)), ("minute", Value.Int(u.Minute)), ("second", Value.Int(u.Second)),
            ("day_of_week", Value.Int((int)u.DayOfWeek)), ("day_of_year", Value.Int(u.DayOfYear)),
            ("timezone", Value.String("UTC")), ("utime", Value.Int(u.ToUnixTimeSeconds())));
    }

    /// <summary>A date from a date record, a number of seconds, or text.</summary>
    public static DateTimeOffset? FromValue(Value? v, DateTimeOffset now) => v switch
    {
        null => null,
        { Kind: ValueKind.Record } when v.GetField("utime") is { IsNumber: true } u => DateTimeOffset.FromUnixTimeSeconds((long)u.AsFloat),
        { IsNumber: true } => DateTimeOffset.FromUnixTimeSeconds((long)v.AsFloat),
        _ => Parse(Modules.Items.Text(v), now),
    };

    /// <summary>strftime as Yahoo's dateformat module understood it.</summary>
    public static string Format(DateTimeOffset d, string format)
    {
        var u = d.ToUniversalTime();
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i == format.Length - 1)
            {
                sb.Append(format[i]);
                continue;
            }

            var c = format[++i];
            sb.Append(c switch
            {
                'a' => u.ToString("ddd", CultureInfo.InvariantCulture),
                'A' => u.ToString("dddd", CultureInfo.InvariantCulture),
                'b' or 'h' => u.ToString("MMM", CultureInfo.InvariantCulture),
                'B' => u.ToString("MMMM", CultureInfo.InvariantCulture),
                'd' => u.ToString("dd", CultureInfo.InvariantCulture),
                'e' => u.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
                'H' => u.ToString("HH", CultureInfo.InvariantCulture),
                'I' => u.ToString("hh", CultureInfo.InvariantCulture),
                'j' => u.DayOfYear.ToString("000", CultureInfo.InvariantCulture),
                'm' => u.ToString("MM", CultureInfo.InvariantCulture),
                'M' => u.ToString("mm", CultureInfo.InvariantCulture),
                'p' => u.Hour < 12 ? "AM" : "PM",
                'S' => u.ToString("ss", CultureInfo.InvariantCulture),
                'y' => u.ToString("yy", CultureInfo.InvariantCulture),
                'Y' => u.ToString("yyyy", CultureInfo.InvariantCulture),
                'Z' => "UTC",
                'z' => "+0000",
                'R' => u.ToString("HH:mm", CultureInfo.InvariantCulture),
                'T' => u.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                'D' => u.ToString("MM/dd/yy", CultureInfo.InvariantCulture),
                'F' => u.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'c' => u.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture),
                's' => u.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                'u' => ((int)u.DayOfWeek == 0 ? 7 : (int)u.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                'w' => ((int)u.DayOfWeek).ToString(CultureInfo.InvariantCulture),
                '%' => "%",
                _ => "%" + c,
            });
        }

        return sb.ToString();
    }
}
