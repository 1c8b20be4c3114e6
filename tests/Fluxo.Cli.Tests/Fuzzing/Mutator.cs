using System.Text;

namespace Fluxo.Cli.Tests.Fuzzing;

/// <summary>
/// Seeded mutations of a valid input: byte and character edits, cut and repeated spans, truncation, and JSON-shaped
/// replacements (null, wrong kinds, huge and negative numbers, line separators, paths that climb out, deep nesting)
/// that a hand-edited or damaged file would hold.
/// </summary>
internal sealed class Mutator(int seed)
{
    private static readonly string[] Tokens =
    [
        "null", "-1", "0", "3", "1e308", "-9223372036854775808", "9223372036854775807", "1.5", "\"\"", "[]", "{}", "[null]",
        "true", "\"\\u2028\"", "\"\\r\\n\"", "\"../../x\"", "\"/etc/passwd\"", "\"abc\"", "\"\\u0000\"",
        new string('[', 300) + new string(']', 300), "{\"a\":" + new string('[', 200) + new string(']', 200) + "}",
    ];

    private readonly Random _random = new(seed);

    public string Text(string input)
    {
        var s = input;
        var edits = 1 + _random.Next(3);
        for (var e = 0; e < edits; e++)
        {
            s = _random.Next(7) switch
            {
                0 => Replace(s, _random.Next(s.Length + 1), 1, ((char)_random.Next(0x20, 0x7f)).ToString()),
                1 => Replace(s, _random.Next(s.Length + 1), _random.Next(1, 40), ""),
                2 => Duplicate(s),
                3 => s[..Math.Min(s.Length, _random.Next(s.Length + 1))],
                4 => ReplaceValue(s),
                5 => Replace(s, _random.Next(s.Length + 1), 0, Tokens[_random.Next(Tokens.Length)]),
                _ => Replace(s, _random.Next(s.Length + 1), 1, ((char)_random.Next(0, 0x3000)).ToString()),
            };
        }

        return s;
    }

    public byte[] Bytes(byte[] input)
    {
        var b = input.ToList();
        var edits = 1 + _random.Next(4);
        for (var e = 0; e < edits && b.Count > 0; e++)
        {
            var at = _random.Next(b.Count);
            switch (_random.Next(5))
            {
                case 0:
                    b[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 1:
                    b.RemoveRange(at, Math.Min(b.Count - at, _random.Next(1, 64)));
                    break;
                case 2:
                    b.RemoveRange(at, b.Count - at);
                    break;
                case 3:
                    b.InsertRange(at, Enumerable.Range(0, _random.Next(1, 16)).Select(_ => (byte)_random.Next(256)));
                    break;
                default:
                    b[at] = (byte)(_random.Next(2) == 0 ? 0xff : 0x00);
                    break;
            }
        }

        return [.. b];
    }

    /// <summary>Replaces the value after a random "key": with a token.</summary>
    private string ReplaceValue(string s)
    {
        var count = s.AsSpan().Count(':');
        if (count == 0)
        {
            return s;
        }

        var at = 0;
        for (var nth = _random.Next(count); nth >= 0; nth--)
        {
            at = s.IndexOf(':', at) + 1;
        }

        var end = at;
        var depth = 0;
        var inString = false;
        while (end < s.Length)
        {
            var ch = s[end];
            if (inString)
            {
                inString = ch != '"' || s[end - 1] == '\\';
            }
            else if (ch == '"')
            {
                inString = true;
            }
            else if (ch is '[' or '{')
            {
                depth++;
            }
            else if (ch is ']' or '}')
            {
                if (depth-- == 0)
                {
                    break;
                }
            }
            else if (ch == ',' && depth == 0)
            {
                break;
            }

            end++;
        }

        return s[..at] + " " + Tokens[_random.Next(Tokens.Length)] + s[end..];
    }

    private string Duplicate(string s)
    {
        if (s.Length == 0)
        {
            return s;
        }

        var at = _random.Next(s.Length);
        var len = Math.Min(s.Length - at, _random.Next(1, 200));
        var times = _random.Next(1, 4);
        var sb = new StringBuilder(s[..(at + len)]);
        for (var k = 0; k < times; k++)
        {
            sb.Append(s, at, len);
        }

        return sb.Append(s[(at + len)..]).ToString();
    }

    private static string Replace(string s, int at, int length, string with) =>
        s[..at] + with + s[Math.Min(s.Length, at + length)..];
}
