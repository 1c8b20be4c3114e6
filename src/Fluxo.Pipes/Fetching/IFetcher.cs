using System.Text;
using System.Text.RegularExpressions;

namespace Fluxo.Pipes.Fetching;

/// <summary>The one door through which pipe modules read the web (real HTTP or a fixture map).</summary>
public interface IFetcher
{
    /// <summary>Fetches a URL; failures are <see cref="FetchException"/>s that name the URL.</summary>
    Task<FetchResult> FetchAsync(string url, CancellationToken cancellationToken);
}

/// <summary>A fetched document. <see cref="NominalLatencyMs"/> is what the virtual clock charges (fixtures), or null
/// when the fetch was real and the engine measures it.</summary>
public sealed partial record FetchResult(string Url, byte[] Body, string? ContentType, double? NominalLatencyMs)
{
    [GeneratedRegex("""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex Charset();

    [GeneratedRegex("""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex XmlEncoding();

    /// <summary>The body as text: the declared charset (header, XML declaration or HTML meta), else UTF-8.</summary>
    public string Text
    {
        get
        {
            var head = Encoding.ASCII.GetString(Body, 0, Math.Min(Body.Length, 2048));
            var declared = ContentType is not null && Charset().Match(ContentType) is { Success: true } h ? h.Groups[1].Value
                : XmlEncoding().Match(head) is { Success: true } x ? x.Groups[1].Value
                : Charset().Match(head) is { Success: true } m ? m.Groups[1].Value
                : "utf-8";
            Encoding encoding;
            try
            {
                encoding = declared.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) || declared.Equals("latin1", StringComparison.OrdinalIgnoreCase)
                    ? Encoding.Latin1
                    : Encoding.GetEncoding(declared);
            }
            catch (ArgumentException)
            {
                encoding = Encoding.UTF8;
            }

            var text = encoding.GetString(Body);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
    }
}

public enum FetchFailure
{
    /// <summary>Offline and the URL has no fixture.</summary>
    Unmapped,
    /// <summary>Refused by the safety rules (scheme, private address).</summary>
    Refused,
    /// <summary>Network error, non-2xx status, too large or too slow.</summary>
    Failed,
}

public sealed class FetchException(FetchFailure kind, string url, string reason) : Exception($"{url}: {reason}")
{
    public FetchFailure Kind { get; } = kind;
    public string Url { get; } = url;
    public string Reason { get; } = reason;
}
