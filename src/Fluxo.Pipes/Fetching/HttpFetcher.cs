using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Fluxo.Pipes.Fetching;

/// <summary>Limits that make running other people's pipes safe.</summary>
public sealed record FetchLimits(bool AllowPrivateAddresses = false, long MaxBytes = 8 * 1024 * 1024, TimeSpan? Timeout = null)
{
    public TimeSpan EffectiveTimeout => Timeout ?? TimeSpan.FromSeconds(15);

    /// <summary>Endpoints (<c>host:port</c>, as connected to) let through although private: a named server of one's
    /// own, such as an egress proxy, without opening every private address.</summary>
    public IReadOnlyCollection<string> AllowedEndpoints { get; init; } = [];

    /// <summary>An HTTP proxy every fetch goes through; null uses the environment's (HTTP_PROXY, ...). The address
    /// guard then applies to the proxy's address.</summary>
    public Uri? Proxy { get; init; }
}

/// <summary>
/// Real HTTP: only http and https; every connection (redirects included) is checked at connect time against
/// private, loopback and link-local addresses unless allowed, so DNS tricks cannot reach the host's network;
/// responses are cut off at a size limit and a time limit.
/// </summary>
public sealed class HttpFetcher : IFetcher, IDisposable
{
    private readonly HttpClient _client;
    private readonly FetchLimits _limits;

    public HttpFetcher(FetchLimits? limits = null)
    {
        _limits = limits ?? new FetchLimits();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 5,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectCallback = ConnectAsync,
        };
        if (_limits.Proxy is { } proxy)
        {
            handler.Proxy = new WebProxy(proxy);
            handler.UseProxy = true;
        }

        _client = new HttpClient(handler) { Timeout = _limits.EffectiveTimeout };
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Fluxo-Pipes", "1.0"));
    }

    /// <summary>Yahoo accepted URLs without a scheme; they mean http.</summary>
    public static string WithScheme(string url) => url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url;

    public async Task<FetchResult> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(WithScheme(url.Trim()), UriKind.Absolute, out var uri))
        {
            throw new FetchException(FetchFailure.Refused, url, "not a valid URL");
        }

        if (uri.Scheme is not ("http" or "https"))
        {
            throw new FetchException(FetchFailure.Refused, url, $"scheme '{uri.Scheme}' is not allowed (only http and https)");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.EffectiveTimeout);
        try
        {
            using var response = await _client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new FetchException(FetchFailure.Failed, url, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength > _limits.MaxBytes)
            {
                throw new FetchException(FetchFailure.Failed, url, $"response is larger than {_limits.MaxBytes} bytes");
            }

            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > _limits.MaxBytes)
                {
                    throw new FetchException(FetchFailure.Failed, url, $"response is larger than {_limits.MaxBytes} bytes");
                }

                buffer.Write(chunk, 0, read);
            }

            return new FetchResult(url, buffer.ToArray(), response.Content.Headers.ContentType?.ToString(), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FetchException(FetchFailure.Failed, url, $"no answer within {_limits.EffectiveTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e) when (e.InnerException is FetchException refused)
        {
            throw new FetchException(refused.Kind, url, refused.Reason);
        }
        catch (HttpRequestException e)
        {
            throw new FetchException(FetchFailure.Failed, url, e.Message);
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var listed = _limits.AllowedEndpoints.Contains($"{host}:{context.DnsEndPoint.Port}", StringComparer.OrdinalIgnoreCase);
        var allowed = addresses.Where(a => _limits.AllowPrivateAddresses || listed || !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new FetchException(FetchFailure.Refused, host, "the host resolves to a private or loopback address");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Loopback, private (RFC 1918, unique local), link-local, CGNAT, multicast and unspecified addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || b[0] >= 224
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
    }

    public void Dispose() => _client.Dispose();
}
