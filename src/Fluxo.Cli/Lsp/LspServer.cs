using System.Globalization;
using System.Text;
using System.Text.Json;
using Fluxo.Cli.Shared;
using Fluxo.Diagnostics;
using Fluxo.Flimp;

namespace Fluxo.Cli.Lsp;

/// <summary>
/// The smallest useful language server: full-text sync; every open or change re-checks the document with the same
/// front end `fluxo check` uses and publishes its diagnostics. Exit code 0 after shutdown then exit, 1 otherwise (per LSP).
/// </summary>
internal static class LspServer
{
    public static async Task<int> RunAsync(Stream input, Stream output, CancellationToken ct)
    {
        var shutdown = false;
        while (await ReadAsync(input, ct) is { } message)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(message);
            }
            catch (JsonException e)
            {
                await SendAsync(output, w =>
                {
                    Id(w, null);
                    w.WriteStartObject("error");
                    w.WriteNumber("code", -32700);
                    w.WriteString("message", "not JSON: " + e.Message);
                    w.WriteEndObject();
                }, ct);
                continue;
            }

            using var owned = doc;
            var root = doc.RootElement;
            var method = root.TryGetProperty("method", out var m) ? m.GetString() : null;
            JsonElement? id = root.TryGetProperty("id", out var i) ? i.Clone() : null;
            var p = root.TryGetProperty("params", out var ps) ? ps : default;
            switch (method)
            {
                case "initialize":
                    await SendAsync(output, w =>
                    {
                        Id(w, id);
                        w.WriteStartObject("result");
                        w.WriteStartObject("capabilities");
                        w.WriteNumber("textDocumentSync", 1);
                        w.WriteEndObject();
                        w.WriteStartObject("serverInfo");
                        w.WriteString("name", "fluxo");
                        w.WriteString("version", JsonOutput.ToolVersion);
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }, ct);
                    break;
                case "textDocument/didOpen":
                    await PublishAsync(output, p.GetProperty("textDocument").GetProperty("uri").GetString()!, p.GetProperty("textDocument").GetProperty("text").GetString()!, ct);
                    break;
                case "textDocument/didChange":
                    var changes = p.GetProperty("contentChanges");
                    await PublishAsync(output, p.GetProperty("textDocument").GetProperty("uri").GetString()!, changes[changes.GetArrayLength() - 1].GetProperty("text").GetString()!, ct);
                    break;
                case "textDocument/didClose":
                    await PublishAsync(output, p.GetProperty("textDocument").GetProperty("uri").GetString()!, null, ct);
                    break;
                case "shutdown":
                    shutdown = true;
                    await SendAsync(output, w =>
                    {
                        Id(w, id);
                        w.WriteNull("result");
                    }, ct);
                    break;
                case "exit":
                    return shutdown ? 0 : 1;
                default:
                    if (id is not null)
                    {
                        await SendAsync(output, w =>
                        {
                            Id(w, id);
                            w.WriteStartObject("error");
                            w.WriteNumber("code", -32601);
                            w.WriteString("message", $"method '{method}' is not supported");
                            w.WriteEndObject();
                        }, ct);
                    }

                    break;
            }
        }

        return shutdown ? 0 : 1;
    }

    /// <summary>Checks the text as the file the URI names (so spans carry its path) and publishes the diagnostics in that file.</summary>
    private static Task PublishAsync(Stream output, string uri, string? text, CancellationToken ct)
    {
        var path = Uri.TryCreate(uri, UriKind.Absolute, out var u) && u.IsFile ? u.LocalPath : uri;
        var diagnostics = new DiagnosticBag();
        if (text is not null)
        {
            FlimpCompiler.Compile(path, text, diagnostics);
        }

        return SendAsync(output, w =>
        {
            w.WriteString("method", "textDocument/publishDiagnostics");
            w.WriteStartObject("params");
            w.WriteString("uri", uri);
            w.WriteStartArray("diagnostics");
            foreach (var d in diagnostics.Sorted())
            {
                w.WriteStartObject();
                w.WriteStartObject("range");
                Position(w, "start", d.Span.Line, d.Span.Column);
                var sameSpot = d.Span.EndLine < d.Span.Line || (d.Span.EndLine == d.Span.Line && d.Span.EndColumn <= d.Span.Column);
                Position(w, "end", sameSpot ? d.Span.Line : d.Span.EndLine, sameSpot ? d.Span.Column + 1 : d.Span.EndColumn);
                w.WriteEndObject();
                w.WriteNumber("severity", d.Severity switch { Severity.Error => 1, Severity.Warning => 2, _ => 3 });
                w.WriteString("code", d.Code);
                w.WriteString("source", "fluxo");
                w.WriteString("message", d.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, ct);
    }

    private static void Position(Utf8JsonWriter w, string name, int line, int column)
    {
        w.WriteStartObject(name);
        w.WriteNumber("line", Math.Max(0, line - 1));
        w.WriteNumber("character", Math.Max(0, column - 1));
        w.WriteEndObject();
    }

    private static void Id(Utf8JsonWriter w, JsonElement? id)
    {
        w.WritePropertyName("id");
        if (id is { } value)
        {
            value.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }

    private static async Task SendAsync(Stream output, Action<Utf8JsonWriter> body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            body(w);
            w.WriteEndObject();
        }

        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {buffer.Length}\r\n\r\n"));
        await output.WriteAsync(header, ct);
        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        await output.FlushAsync(ct);
    }

    /// <summary>One message: headers up to a blank line, then Content-Length bytes; null at end of input.</summary>
    private static async Task<byte[]?> ReadAsync(Stream input, CancellationToken ct)
    {
        var length = -1;
        while (true)
        {
            var line = await ReadLineAsync(input, ct);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                break;
            }

            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
            }
        }

        if (length < 0)
        {
            return null;
        }

        var body = new byte[length];
        await input.ReadExactlyAsync(body, ct);
        return body;
    }

    private static async Task<string?> ReadLineAsync(Stream input, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await input.ReadAsync(one, ct) == 0)
            {
                return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }
    }
}
