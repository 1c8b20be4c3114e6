using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Externs;

/// <summary>
/// A real endpoint: <c>POST url</c> with a JSON object of the arguments by parameter name; the answer
/// is the result value's JSON; non-2xx is a failure. The measured time is what virtual time charges.
/// </summary>
public sealed class HttpExtern(HttpClient client, Uri url) : IExternBinding
{
    public Uri Url { get; } = url;

    public async ValueTask<ExternResult> CallAsync(ExternDecl decl, Value[] args, CallSite site, CancellationToken cancellationToken)
    {
        var fields = new KeyValuePair<string, Value>[args.Length];
        for (var i = 0; i < args.Length; i++)
        {
            fields[i] = new(i < decl.Params.Length ? decl.Params[i].Name : "arg" + i, args[i]);
        }

        using var content = new StringContent(ValueJson.Serialize(Value.Record(fields)), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var sw = Stopwatch.StartNew();
        try
        {
            using var response = await client.PostAsync(Url, content, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ExternFailureException($"extern '{decl.Name}' at {Url} answered {(int)response.StatusCode}");
            }

            return new ExternResult(ValueJson.Parse(body), sw.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ExternFailureException($"extern '{decl.Name}' at {Url} failed: {e.Message}", e);
        }
    }
}
