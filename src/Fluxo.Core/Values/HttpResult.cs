using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Fluxo.Values;

/// <summary>What a handler declared <c>-&gt; HttpResult</c> answers: a status, headers and a text body.</summary>
public sealed record HttpAnswer(int Status, ImmutableArray<KeyValuePair<string, string>> Headers, string Body)
{
    /// <summary>The header's value, when the handler set it (names compare case-insensitively, as in HTTP).</summary>
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>The answer as an HTTP/1.1 response head and body, as <c>fluxo run</c> prints it.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status}\n");
        foreach (var (name, value) in Headers)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}: {value}\n");
        }

        return sb.Append('\n').Append(Body).ToString();
    }
}

/// <summary>
/// The builtin record types <c>HttpResult { status: int; headers: list&lt;Header&gt;; body: string; }</c> and
/// <c>Header { name: string; value: string; }</c>, and the one rule that turns such a value into an HTTP answer;
/// the local runtime and the generated front end both use it, so they answer alike.
/// </summary>
public static class HttpResult
{
    public const string TypeName = "HttpResult";
    public const string HeaderTypeName = "Header";

    public static bool IsBuiltinType(string name) => name is TypeName or HeaderTypeName;

    /// <summary>Reads a handler's result; a status outside 100-599 or a header that would break the response is a request error.</summary>
    public static HttpAnswer Read(Value result)
    {
        var status = result.GetField("status") is { Kind: ValueKind.Int } s ? s.AsInt : -1;
        if (status is < 100 or > 599)
        {
            throw new FlimpRuntimeException($"HttpResult: status {status.ToString(CultureInfo.InvariantCulture)} is not an HTTP status (100-599)");
        }

        var headers = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        foreach (var h in result.GetField("headers") is { Kind: ValueKind.List } list ? list.AsList : [])
        {
            var name = h.GetField("name") is { Kind: ValueKind.String } n ? n.AsString : "";
            var value = h.GetField("value") is { Kind: ValueKind.String } v ? v.AsString : "";
            if (name.Length == 0 || !name.All(IsTokenChar))
            {
                throw new FlimpRuntimeException($"HttpResult: '{name}' is not a valid header name");
            }

            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                throw new FlimpRuntimeException($"HttpResult: header '{name}' has a line break in its value");
            }

            headers.Add(new(name, value));
        }

        var body = result.GetField("body") is { Kind: ValueKind.String } b ? b.AsString : "";
        return new HttpAnswer((int)status, headers.ToImmutable(), body);
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}
