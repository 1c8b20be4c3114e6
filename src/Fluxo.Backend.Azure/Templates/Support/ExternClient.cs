using System.Text;
using System.Text.Json;
using Fluxo.Values;
using Microsoft.Extensions.Configuration;

namespace Fluxo.Support;

/// <summary>An extern call failed (unreachable, non-2xx or not JSON): transient, so the work is retried.</summary>
public sealed class ExternFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Calls externs over Fluxo's HTTP protocol: POST the arguments as a JSON object by parameter name,
/// read the result value as JSON; any non-2xx answer is a failure. URLs come from Externs:&lt;name&gt;; each extern has its
/// own client with timeouts and retries (<see cref="ExternResilience"/>), and a timeout or an open circuit is a failure too.
/// </summary>
public sealed class ExternClient(IHttpClientFactory clients, IConfiguration configuration)
{
    public async Task<Value> CallAsync(string name, string[] paramNames, Value[] args, CancellationToken ct)
    {
        var url = configuration["Externs:" + name] ?? throw new ExternFailedException($"no URL configured for extern '{name}' (Externs:{name})");
        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            for (var i = 0; i < paramNames.Length; i++)
            {
                w.WritePropertyName(paramNames[i]);
                ValueJson.Write(w, args[i]);
            }

            w.WriteEndObject();
        }

        try
        {
            using var content = new ByteArrayContent(body.ToArray());
            content.Headers.ContentType = new("application/json");
            using var http = clients.CreateClient("extern:" + name);
            using var response = await http.PostAsync(url, content, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new ExternFailedException($"extern '{name}' answered {(int)response.StatusCode}");
            }

            return ValueJson.Parse(text);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or Polly.ExecutionRejectedException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new ExternFailedException($"extern '{name}' failed: {e.Message}", e);
        }
    }
}
