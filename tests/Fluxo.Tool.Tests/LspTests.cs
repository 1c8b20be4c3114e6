using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fluxo.TestSupport;

namespace Fluxo.Tool.Tests;

/// <summary>`fluxo lsp` driven as an editor drives it: a real process, LSP messages over its stdin and stdout.</summary>
public sealed class LspTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task Open_and_change_publish_the_checkers_diagnostics_and_shutdown_then_exit_ends_with_0()
    {
        var dll = Path.Combine(RepoPaths.Root, "src", "Fluxo.Cli", "bin", Configuration, "net10.0", "fluxo.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("lsp");
        using var p = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var input = p.StandardInput.BaseStream;
        var output = p.StandardOutput.BaseStream;
        try
        {
            var broken = Path.Combine(RepoPaths.Samples, "invalid", "duplicate-let.flimp");
            var uri = new Uri(broken).AbsoluteUri;
            await Send(input, new { jsonrpc = "2.0", id = 1, method = "initialize", @params = new { processId = (int?)null, rootUri = (string?)null, capabilities = new { } } });
            var init = await Receive(output, timeout.Token);
            Assert.Equal(1, init.GetProperty("id").GetInt32());
            Assert.Equal(1, init.GetProperty("result").GetProperty("capabilities").GetProperty("textDocumentSync").GetInt32());
            await Send(input, new { jsonrpc = "2.0", method = "initialized", @params = new { } });

            await Send(input, new { jsonrpc = "2.0", method = "textDocument/didOpen", @params = new { textDocument = new { uri, languageId = "flimp", version = 1, text = File.ReadAllText(broken) } } });
            var published = await Receive(output, timeout.Token);
            Assert.Equal("textDocument/publishDiagnostics", published.GetProperty("method").GetString());
            var diagnostics = published.GetProperty("params").GetProperty("diagnostics").EnumerateArray().ToList();
            Assert.Equal(["FLX0045", "FLX0040"], diagnostics.Select(d => d.GetProperty("code").GetString()));
            Assert.Equal(1, diagnostics[1].GetProperty("severity").GetInt32());
            Assert.Equal(4, diagnostics[1].GetProperty("range").GetProperty("start").GetProperty("line").GetInt32()); // line 5, zero-based

            // The user renames the second binding: the error goes, and so does the warning once x is used.
            var fixedText = File.ReadAllText(broken).Replace("let x = n + 2;", "let y = x + 2;", StringComparison.Ordinal).Replace("return x;", "return y;", StringComparison.Ordinal);
            await Send(input, new { jsonrpc = "2.0", method = "textDocument/didChange", @params = new { textDocument = new { uri, version = 2 }, contentChanges = new[] { new { text = fixedText } } } });
            published = await Receive(output, timeout.Token);
            Assert.Equal(0, published.GetProperty("params").GetProperty("diagnostics").GetArrayLength());

            await Send(input, new { jsonrpc = "2.0", id = 2, method = "textDocument/hover", @params = new { } });
            Assert.Equal(-32601, (await Receive(output, timeout.Token)).GetProperty("error").GetProperty("code").GetInt32());

            await Send(input, new { jsonrpc = "2.0", id = 3, method = "shutdown" });
            var down = await Receive(output, timeout.Token);
            Assert.Equal(3, down.GetProperty("id").GetInt32());
            Assert.Equal(JsonValueKind.Null, down.GetProperty("result").ValueKind);
            await Send(input, new { jsonrpc = "2.0", method = "exit" });
            await p.WaitForExitAsync(timeout.Token);
            Assert.Equal(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task Send(Stream input, object message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message);
        await input.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length.ToString(CultureInfo.InvariantCulture)}\r\n\r\n"));
        await input.WriteAsync(body);
        await input.FlushAsync();
    }

    private static async Task<JsonElement> Receive(Stream output, CancellationToken ct)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            Assert.True(await output.ReadAsync(one, ct) == 1, "the server closed its output: " + header);
            header.Append((char)one[0]);
        }

        var length = int.Parse(header.ToString().Split("\r\n")[0]["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        var body = new byte[length];
        await output.ReadExactlyAsync(body, ct);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.Clone();
    }
}
