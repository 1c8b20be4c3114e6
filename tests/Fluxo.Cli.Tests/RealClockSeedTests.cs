using Fluxo.Diagnostics;
using Fluxo.Trace;

namespace Fluxo.Cli.Tests;

/// <summary>Issue 18, defect 12: under the real clock the same seed sends the same requests, with the same ids and inputs.</summary>
public sealed class RealClockSeedTests : IDisposable
{
    // A token from newId() (seeded by the request id) flows into the next step's input, as in the auth sample.
    private const string Service = """
        service Tokens;
        handler login(user: string) -> string {
          return newId();
        }
        handler use(token: string, user: string) -> string {
          return token + user;
        }
        """;

    private const string Workload = """
        {
          "format": "fluxo-workload/1",
          "seed": 3,
          "ratePerSecond": 2000,
          "sessions": [
            { "name": "log in, use", "weight": 1, "steps": [
              { "handler": "login", "inputs": { "user": { "range": { "min": 1, "max": 50, "template": "u{i}" } } },
                "thinkMs": { "uniform": { "minMs": 0, "maxMs": 4 } } },
              { "handler": "use", "inputs": { "token": { "fromResult": { "step": 0 } }, "user": { "fromInput": { "step": 0, "param": "user" } } },
                "thinkMs": { "uniform": { "minMs": 0, "maxMs": 4 } } },
              { "handler": "use", "inputs": { "token": { "fromResult": { "step": 0 } }, "user": { "const": "again" } } } ] }
          ]
        }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-realseed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TwoRealClockRunsWithOneSeedSendTheSameRequests()
    {
        var service = Path.Combine(_dir, "tokens.flimp");
        var workload = Path.Combine(_dir, "w.json");
        File.WriteAllText(service, Service);
        File.WriteAllText(workload, Workload);
        var first = Requests(service, workload, "a.trace");
        var second = Requests(service, workload, "b.trace");
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), first.Keys.Order());
        var differing = first.Keys.Count(id => first[id] != second.GetValueOrDefault(id));
        Assert.True(differing == 0, $"{differing} of {first.Count} requests had other inputs or handlers in the second run");
    }

    /// <summary>Request id to its handler, client and the hashes of its request fields.</summary>
    private Dictionary<long, string> Requests(string service, string workload, string name)
    {
        var trace = Path.Combine(_dir, name);
        var output = new StringWriter();
        var code = Program.Invoke(["run", service, "-w", workload, "-n", "400", "--clock", "real", "--seed", "7", "--trace", trace],
            new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        Assert.True(code == 0, output.ToString());
        var data = TraceFile.Read(trace, new DiagnosticBag());
        Assert.NotNull(data);
        return data.Requests.ToDictionary(r => r.Id, r => $"{r.Graph} {r.Client} " + string.Join(",", r.Edges.Where(e => e.From == 0).Select(e => $"{e.To}:{e.Hash:x}").Order()));
    }
}
