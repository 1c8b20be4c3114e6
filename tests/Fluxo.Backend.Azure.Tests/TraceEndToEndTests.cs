using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The generated counter service traces itself into append blobs on Azurite; its worker is killed in the middle of a
/// load. <c>fluxo traces pull</c> reads every blob (the killed worker's too, to its last whole request), joins the front
/// end's and the worker's part of each request into one trace of the program, and refuses another program version.
/// </summary>
[Collection("generated")]
public sealed class TraceEndToEndTests(BuiltSolutions built) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-traces-").FullName;

    private static Dictionary<string, string> Config(AzuriteServer azurite) => new()
    {
        ["ConnectionStrings__Storage"] = azurite.ConnectionString,
        ["Fluxo__VisibilityTimeoutSeconds"] = "3",
        ["Fluxo__ResultTimeoutSeconds"] = "120",
        ["Fluxo__Trace__FlushSeconds"] = "0.2",
    };

    private static (int Code, string Output, string Error) Fluxo(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = global::Fluxo.Cli.Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task TracesPulledFromARunWhoseWorkerWasKilledAreJoinedAndMatchTheProgram()
    {
        Assert.True(built.Counter.ExitCode == 0, built.Counter.BuildLog);
        var module = Samples.Counter();
        var irPath = Path.Combine(_dir, "counter.ir.json");
        await File.WriteAllTextAsync(irPath, IrJson.Serialize(module));
        using var azurite = new AzuriteServer();
        var config = Config(azurite);
        using var frontEnd = new ServiceProcess(built.Counter.Dll("Counter.FrontEnd"), config);
        var worker = new ServiceProcess(built.Counter.Dll("Counter.Worker"), config);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(3) };

        async Task<string> Post(string handler, string name, int client)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/" + handler) { Content = new StringContent($$"""{"name": "{{name}}"}""", Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Client-Id", client.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{handler}: {(int)response.StatusCode} {body}\n{frontEnd.Log}");
            return body;
        }

        const int sent = 40;
        var load = Task.WhenAll(Enumerable.Range(0, sent).Select(async i =>
        {
            await Task.Delay(i * 25);
            await Post("hit", "n" + (i % 5), i % 4);
            await Post("peek", "n" + (i % 5), i % 4);
        }));
        // Kill the worker once it has appended some of its trace: its blob then ends without an end record.
        var container = new BlobContainerClient(azurite.ConnectionString, "fluxo-traces");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await WorkerBlobExists(container))
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker never appended to its trace blob\n" + worker.Log);
            await Task.Delay(50);
        }

        worker.Kill();
        worker.Dispose();
        using var second = new ServiceProcess(built.Counter.Dll("Counter.Worker"), config);
        await load;

        frontEnd.Terminate();
        second.Terminate();

        // Every instance wrote its own blob; the killed worker's has no end record but is read to its last request.
        var blobs = new List<string>();
        await foreach (var b in container.GetBlobsAsync())
        {
            blobs.Add(b.Name);
        }

        Assert.Equal(3, blobs.Count);
        Assert.Equal(1, blobs.Count(b => b.Contains("/frontend-", StringComparison.Ordinal)));
        var (traced, cut) = (0, 0);
        foreach (var name in blobs)
        {
            var diags = new DiagnosticBag();
            var bytes = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            var data = TraceFile.ReadCut(name, bytes, diags, out _, out var ended);
            Assert.True(data is not null, string.Join("\n", diags.Items.Select(d => d.Format())));
            traced += data.Requests.Count;
            // Only the killed worker's blob lacks its end record. (Deployed parts are written as requests finish, not
            // in arrival order, so they are checked by the cut-tolerant reader of parts, which pull sorts.)
            cut += ended ? 0 : 1;
        }

        Assert.Equal(1, cut);

        var pulled = Path.Combine(_dir, "pulled.bin");
        var (code, output, error) = Fluxo("traces", "pull", irPath, "--storage", azurite.ConnectionString, "-o", pulled);
        Assert.True(code == 0, error + output);
        Assert.Contains("joined front end + worker", output, StringComparison.Ordinal);

        var trace = TraceFile.Read(pulled, module, new DiagnosticBag());
        Assert.NotNull(trace);
        Assert.Equal("real", trace.Header.Clock);
        var hit = module.Graphs.ToList().FindIndex(g => g.Name == "hit");
        var peek = module.Graphs.ToList().FindIndex(g => g.Name == "peek");
        Assert.Equal(sent, trace.Requests.Count(r => r.Graph == peek));

        // A hit answered by the killed worker after its last append left only its front-end part, which pull counts as
        // lost; every other hit is joined: the worker's nodes with the client and the latency the front end saw. How many
        // were lost depends on how far the worker's flush timer lagged when it was killed (more on a loaded machine), so
        // the hits are accounted for exactly rather than bounded by a guess at that lag.
        var lost = int.Parse(
            Regex.Match(output, @"front-end part without its worker part \(lost\): (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var hits = trace.Requests.Where(r => r.Graph == hit).ToList();
        Assert.Equal(sent, hits.Count + lost);
        Assert.InRange(lost, 0, sent / 2);
        Assert.All(hits, r => Assert.Contains(r.Nodes, n => n.Node == module.Graphs[hit].SinkId && n.Status == NodeStatus.Ran));
        Assert.Contains(hits, r => r.Client != 0);
        Assert.Equal(Enumerable.Range(0, trace.Requests.Count).Select(i => (long)i), trace.Requests.Select(r => r.Id));
        Assert.True(trace.Requests.Zip(trace.Requests.Skip(1)).All(p => p.First.ArrivalMs <= p.Second.ArrivalMs), "ordered by arrival");
        Assert.True(traced >= trace.Requests.Count, $"{traced} parts for {trace.Requests.Count} requests");

        // The trace reads as one the optimizer takes: the same events fluxo run records (a Source, the Sink, edges with value hashes).
        Assert.All(trace.Requests, r => Assert.Contains(r.Edges, e => e.From == module.Graphs[r.Graph].SourceId));

        // Another version of the program: refused, naming both hashes.
        var changed = module with { Graphs = [.. module.Graphs.Select(g => g.Name == "peek" ? IrJson.WithHash(g with { ReturnType = "string" }) : g)] };
        var changedPath = Path.Combine(_dir, "changed.ir.json");
        await File.WriteAllTextAsync(changedPath, IrJson.Serialize(changed));
        var (refused, _, why) = Fluxo("traces", "pull", changedPath, "--storage", azurite.ConnectionString, "-o", Path.Combine(_dir, "other.bin"));
        Assert.Equal(1, refused);
        Assert.Contains(module.Graphs[peek].Hash, why, StringComparison.Ordinal);
        Assert.Contains(changed.Graphs[peek].Hash, why, StringComparison.Ordinal);
    }

    private static async Task<bool> WorkerBlobExists(BlobContainerClient container)
    {
        try
        {
            await foreach (var b in container.GetBlobsAsync())
            {
                if (b.Name.Contains("/worker-", StringComparison.Ordinal) && b.Properties.ContentLength > 0)
                {
                    return true;
                }
            }
        }
        catch (global::Azure.RequestFailedException)
        {
        }

        return false;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
