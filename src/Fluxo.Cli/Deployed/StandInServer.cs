using System.Net;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Runtime;
using Fluxo.Runtime.Externs;
using Fluxo.Values;

namespace Fluxo.Cli.Deployed;

/// <summary>
/// Serves a service's extern stand-ins on loopback over the extern protocol the generated service speaks (POST
/// /&lt;extern&gt; with a JSON object of the arguments, answered with the result as JSON), with the answers and latencies
/// <c>fluxo run</c> uses, slept for real.
/// </summary>
internal static class StandInServer
{
    /// <summary>Serves until <paramref name="ct"/> is cancelled; <paramref name="listening"/> runs once the port is open.
    /// False with a diagnostic when the port cannot be listened on.</summary>
    public static async Task<bool> ServeAsync(IrModule module, ServiceBindings bindings, int port, ulong seed, Action listening, DiagnosticBag diags, CancellationToken ct)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            diags.Add(Diag.StandInsCannotListen(port, e.Message));
            return false;
        }

        listening();
        using var stop = ct.Register(listener.Stop);
        long calls = 0;
        while (!ct.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break;
            }

            _ = Task.Run(() => AnswerAsync(ctx, module, bindings, seed, Interlocked.Increment(ref calls), ct), CancellationToken.None);
        }

        return true;
    }

    private static async Task AnswerAsync(HttpListenerContext ctx, IrModule module, ServiceBindings bindings, ulong seed, long call, CancellationToken ct)
    {
        try
        {
            var decl = module.FindExtern(ctx.Request.Url!.AbsolutePath.Trim('/'));
            using var reader = new StreamReader(ctx.Request.InputStream);
            var args = ValueJson.Parse(await reader.ReadToEndAsync(ct));
            if (ctx.Request.HttpMethod != "POST" || decl is null || args.Kind != ValueKind.Record || !bindings.Externs.TryGetValue(decl.Name, out var binding))
            {
                ctx.Response.StatusCode = 404;
                return;
            }

            var ordered = decl.Params.Select(p => args.GetField(p.Name) ?? Value.Null).ToArray();
            var result = await binding.CallAsync(decl, ordered, new CallSite(ClockMode.Real, seed, call, 0, 0), ct);
            var body = System.Text.Encoding.UTF8.GetBytes(ValueJson.Serialize(result.Value));
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(body, ct);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or HttpListenerException or OperationCanceledException or IOException)
        {
            ctx.Response.StatusCode = 400;
        }
        finally
        {
            ctx.Response.Close();
        }
    }
}
