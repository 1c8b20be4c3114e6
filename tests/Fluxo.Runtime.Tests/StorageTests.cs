using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fluxo.Diagnostics;
using Fluxo.Runtime.Engine;
using Fluxo.Runtime.Queues;
using Fluxo.Runtime.Tables;
using Fluxo.Runtime.Workloads;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Runtime.Tests;

/// <summary>Tables and queues through the engine; subclasses run the same tests on other backends.</summary>
public class StorageTests
{
    protected virtual ITableStore Tables() => new InMemoryTableStore();

    protected virtual IMessageQueue Queue() => new InProcessQueue();

    private ServiceEngine Engine()
    {
        var diags = new DiagnosticBag();
        var e = ServiceEngine.Create(MailIr.Module(), new EngineOptions { Tables = Tables(), Queue = Queue() }, diags);
        Assert.True(e is not null, string.Join("\n", diags.Items));
        return e!;
    }

    private static Value Req(params (string K, string V)[] kv) => Value.Record(kv.Select(p => new KeyValuePair<string, Value>(p.K, Value.String(p.V))));

    [Fact]
    public async Task PutQueryAndMissingRows()
    {
        var engine = Engine();
        foreach (var (owner, id, text) in new[] { ("alice", "m2", "second"), ("alice", "m1", "first"), ("bob", "m1", "other"), ("alice", "x/#?", "odd key") })
        {
            var r = await engine.RunAsync("send", Req(("owner", owner), ("id", id), ("text", text)), new RequestInfo(1, 1, 0));
            Assert.True(r.Succeeded, r.Error);
        }

        var inbox = await engine.RunAsync("inbox", Req(("owner", "alice")), new RequestInfo(2, 1, 0));
        Assert.Equal("[\"first\",\"second\",\"odd key\"]", ValueJson.Serialize(inbox.Value!));
        var empty = await engine.RunAsync("inbox", Req(("owner", "carol")), new RequestInfo(3, 1, 0));
        Assert.Equal("[]", ValueJson.Serialize(empty.Value!));

        // count() of someone never notified reads a field of none: an error result, not a crash.
        var none = await engine.RunAsync("count", Req(("owner", "carol")), new RequestInfo(4, 1, 0));
        Assert.False(none.Succeeded);
        Assert.Contains("of none", none.Error);
    }

    [Fact]
    public async Task EnqueuedCallsAreRunByTheWorker()
    {
        var engine = Engine();
        var diags = new DiagnosticBag();
        var workload = WorkloadJson.Parse("mail.json", """
            { "format": "fluxo-workload/1", "seed": 5, "ratePerSecond": 50,
              "sessions": [ { "steps": [
                { "handler": "send", "inputs": { "owner": { "const": "alice" }, "id": { "range": { "min": 1, "max": 1000000000, "template": "m{i}" } }, "text": { "const": "hi" } }, "thinkMs": { "fixed": 100 } },
                { "handler": "send", "inputs": { "owner": { "fromInput": { "step": 0, "param": "owner" } }, "id": { "range": { "min": 1, "max": 1000000000, "template": "n{i}" } }, "text": { "const": "again" } }, "thinkMs": { "fixed": 100 } },
                { "handler": "inbox", "inputs": { "owner": { "fromInput": { "step": 0, "param": "owner" } } } }
              ] } ] }
            """, engine.Module, diags);
        Assert.True(workload is not null, string.Join("\n", diags.Items));
        var report = await new WorkloadRunner(engine, workload!).RunAsync(15);
        Assert.Equal(0, report.Overall.Errors);
        var sends = report.Rows.Single(r => r.Handler == "send").Requests;
        Assert.True(sends >= 10, $"sends {sends}");
        Assert.Equal(sends, report.Rows.Single(r => r.Handler == "notify").Requests);
        var count = await engine.RunAsync("count", Req(("owner", "alice")), new RequestInfo(99, 1, 0));
        Assert.Equal(Value.Int(sends), count.Value);
    }
}

public sealed class AzuriteFixture : IDisposable
{
    public AzuriteServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}

[Trait("Backend", "Azurite")]
public sealed class AzuriteStorageTests(AzuriteFixture azurite) : StorageTests, IClassFixture<AzuriteFixture>
{
    private readonly string _unique = Guid.NewGuid().ToString("N")[..8];

    protected override ITableStore Tables() => new AzureTableStore(new TableServiceClient(azurite.Server.ConnectionString), "t" + _unique);

    protected override IMessageQueue Queue() => new AzureStorageQueue(new QueueClient(azurite.Server.ConnectionString, "q" + _unique));
}
