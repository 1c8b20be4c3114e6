using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Pipes.Tests;

/// <summary>The fetch door: fixtures offline, and real HTTP kept safe (schemes, private addresses, size), plus regex limits.</summary>
public sealed class FetchingTests
{
    private static string SampleFixtures => Path.Combine(RepoPaths.Samples, "pipes", "fixtures");

    [Fact]
    public async Task Fixture_urls_match_without_scheme_or_trailing_slash_and_unmapped_urls_are_named()
    {
        var fetcher = FixtureFetcher.Load(SampleFixtures);
        var a = await fetcher.FetchAsync("example.test/news.rss", CancellationToken.None);
        var b = await fetcher.FetchAsync("https://example.test/news.rss/", CancellationToken.None);
        Assert.Equal(a.Body, b.Body);
        var e = await Assert.ThrowsAsync<FetchException>(() => fetcher.FetchAsync("http://example.test/nothing", CancellationToken.None));
        Assert.Equal((FetchFailure.Unmapped, "http://example.test/nothing"), (e.Kind, e.Url));
        Assert.Throws<IOException>(() => FixtureFetcher.Load(Path.Combine(SampleFixtures, "missing")));
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.test/x")]
    [InlineData("http://127.0.0.1:1/")]
    [InlineData("http://[::1]:1/")]
    [InlineData("http://10.1.2.3/")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    public async Task Http_refuses_other_schemes_and_private_addresses(string url)
    {
        using var fetcher = new HttpFetcher(new FetchLimits(Timeout: TimeSpan.FromSeconds(5)));
        var e = await Assert.ThrowsAsync<FetchException>(() => fetcher.FetchAsync(url, CancellationToken.None));
        Assert.Equal(FetchFailure.Refused, e.Kind);
    }

    [Fact]
    public async Task Http_fetches_from_loopback_only_when_allowed_and_cuts_off_large_responses()
    {
        var port = Ports.Free();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            var server = Serve(listener, "<rss version=\"2.0\"><channel><item><title>Local</title></item></channel></rss>", 2);
            var url = $"http://127.0.0.1:{port}/feed";
            using (var refusing = new HttpFetcher())
            {
                Assert.Equal(FetchFailure.Refused, (await Assert.ThrowsAsync<FetchException>(() => refusing.FetchAsync(url, CancellationToken.None))).Kind);
            }

            using var allowing = new HttpFetcher(new FetchLimits(AllowPrivateAddresses: true));
            var result = await allowing.FetchAsync(url, CancellationToken.None);
            Assert.Contains("Local", result.Text, StringComparison.Ordinal);
            Assert.Null(result.NominalLatencyMs);

            using var small = new HttpFetcher(new FetchLimits(AllowPrivateAddresses: true, MaxBytes: 10));
            var e = await Assert.ThrowsAsync<FetchException>(() => small.FetchAsync(url, CancellationToken.None));
            Assert.Contains("larger than 10 bytes", e.Reason, StringComparison.Ordinal);
            await server.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task A_page_served_on_loopback_instead_of_a_feed_gives_no_items_and_a_warning_through_the_engine()
    {
        var port = Ports.Free();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            var server = Serve(listener, "<html><head><title>Not a feed</title></head><body>Moved.</body></html>", 1);
            var url = $"http://127.0.0.1:{port}/feed";
            var json = """
                {"modules":[{"type":"fetch","id":"sw-1","conf":{"URL":{"type":"url","value":"LOOPBACK"}}},{"type":"output","id":"_OUTPUT","conf":{}}],
                 "wires":[{"id":"_w1","src":{"id":"_OUTPUT","moduleid":"sw-1"},"tgt":{"id":"_INPUT","moduleid":"_OUTPUT"}}]}
                """.Replace("LOOPBACK", url, StringComparison.Ordinal);
            var diags = new DiagnosticBag();
            var module = PipeImporter.Import("loopback.json", json, PipeSearchPath.Empty, diags)!;
            using var fetcher = new HttpFetcher(new FetchLimits(AllowPrivateAddresses: true));
            var options = PipeRunOptions.With(fetcher).WarningsTo(diags);
            var engine = Fluxo.Runtime.Engine.ServiceEngine.Create(module, new Fluxo.Runtime.Engine.EngineOptions { Executors = [new PipeModuleExecutor(options)] }, diags)!;
            var result = await engine.RunAsync(PipeImporter.HandlerName, Value.Record([]), new Fluxo.Runtime.RequestInfo(1, 1, 0));
            Assert.True(result.Succeeded, result.Error);
            Assert.Empty(result.Value!.AsList);
            var warning = Assert.Single(diags.Items);
            Assert.Equal(("FLX3200", Severity.Warning, "loopback.json", 1, "$.modules[0]"), (warning.Code, warning.Severity, warning.Span.File, warning.Span.Line, warning.Span.Path));
            Assert.Contains(url, warning.Message, StringComparison.Ordinal);
            Assert.Contains("not an RSS or Atom feed", warning.Message, StringComparison.Ordinal);
            await server.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task Serve(TcpListener listener, string body, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var seen = new StringBuilder();
            while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                seen.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head);
            await stream.WriteAsync(bytes);
        }
    }

    [Fact]
    public async Task A_regex_that_runs_too_long_is_stopped_with_a_diagnostic()
    {
        var conf = JsonNode.Parse("""{"RULE":{"field":{"value":"title"},"match":{"value":"^(a+)+$"},"replace":{"value":"x"}},"fluxo:id":"sw-1"}""")!.AsObject();
        var node = new Node(1, NodeKind.PipeModule, "regex sw-1", "regex", [new NodeInput(0, Port: "_INPUT")], null, null, "list<any>", NodeProps.Pure, SourceSpan.None("p.json"), conf);
        var item = Modules.Items.Record(("title", Value.String(new string('a', 40) + "!")));
        var executor = new PipeModuleExecutor(PipeRunOptions.With(FixtureFetcher.Load(SampleFixtures)) with { RegexTimeout = TimeSpan.FromMilliseconds(20) });
        var e = await Assert.ThrowsAsync<PipeRuntimeException>(async () => await executor.ExecuteAsync(node, [Value.List([item])], CancellationToken.None));
        Assert.Equal("FLX3105", e.Diagnostic.Code);
        Assert.Contains("took longer than", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_regex_is_a_diagnostic_not_a_crash()
    {
        var conf = JsonNode.Parse("""{"RULE":{"field":{"value":"title"},"match":{"value":"(unclosed"},"replace":{"value":"x"}}}""")!.AsObject();
        var node = new Node(1, NodeKind.PipeModule, "regex sw-1", "regex", [new NodeInput(0, Port: "_INPUT")], null, null, "list<any>", NodeProps.Pure, SourceSpan.None("p.json"), conf);
        var item = Modules.Items.Record(("title", Value.String("t")));
        var executor = new PipeModuleExecutor(PipeRunOptions.With(FixtureFetcher.Load(SampleFixtures)));
        var e = await Assert.ThrowsAsync<PipeRuntimeException>(async () => await executor.ExecuteAsync(node, [Value.List([item])], CancellationToken.None));
        Assert.Equal("FLX3105", e.Diagnostic.Code);
    }

    [Theory]
    [InlineData("Wed, 02 Oct 2002 13:00:00 GMT", 2002, 10, 2, 13)]
    [InlineData("Mon, 01 Jun 2015 08:30:00 EST", 2015, 6, 1, 13)]
    [InlineData("Thu, 04 Jun 2015 10:00:00 +0200", 2015, 6, 4, 8)]
    [InlineData("2015-05-31T12:00:00Z", 2015, 5, 31, 12)]
    [InlineData("10/14/2010", 2010, 10, 14, 0)]
    public void Dates_in_the_forms_feeds_use_are_read(string text, int year, int month, int day, int hour)
    {
        var d = DateParsing.Parse(text, DateTimeOffset.UnixEpoch)!.Value.ToUniversalTime();
        Assert.Equal((year, month, day, hour), (d.Year, d.Month, d.Day, d.Hour));
    }
}
