using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>fluxo run: HTTP results, internal handlers, seeded tables, typed stand-ins and the errors a workload prints.</summary>
public sealed class LocalRunFeatureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fluxo-run17-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Tour => Path.Combine(RepoPaths.Samples, "tour", "tour.flimp");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void HttpResultsPrintStatusHeadersAndBodyAndTablesSeedTheRun()
    {
        var tables = Write("data.json", """{ "Marks": [ { "owner": "ann", "url": "http://a.example", "title": "A", "tags": [], "added": 1 } ] }""");
        var (code, output, error) = CliRunner.Run("run", Tour, "-H", "open", "-i", "owner=ann", "-i", "url=http://a.example", "--tables", tables);
        Assert.True(code == 0, error);
        Assert.Equal("HTTP/1.1 301\nLocation: http://a.example\n\n", output.ReplaceLineEndings("\n").TrimEnd('\n') + "\n\n");

        (code, output, error) = CliRunner.Run("run", Tour, "-H", "open", "-i", "owner=ann", "-i", "url=http://a.example");
        Assert.True(code == 0, error);
        Assert.StartsWith("HTTP/1.1 404\nCache-Control: no-store\n\nno bookmark http://a.example", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void BadTablesFilesAreLocatedErrors()
    {
        var tables = Write("bad.json", """{ "Marks": [ { "owner": "ann" } ], "Nope": [] }""");
        var (code, _, error) = CliRunner.Run("run", Tour, "-H", "open", "-i", "owner=ann", "-i", "url=x", "--tables", tables);
        Assert.Equal(1, code);
        Assert.Contains("error FLX0121: tables file is not valid: the row has no 'url' (at $.Marks[0])", error);
        Assert.Contains("error FLX0121: tables file is not valid: the service has no table 'Nope' (at $.Nope)", error);
    }

    [Fact]
    public void InternalHandlersRunByHandOnlyWhenAllowed()
    {
        var (code, _, error) = CliRunner.Run("run", Tour, "-H", "announce", "-i", "owner=ann", "-i", "title=x");
        Assert.Equal(1, code);
        Assert.Contains("error FLX0120: handler 'announce' is internal", error);
        (code, var output, error) = CliRunner.Run("run", Tour, "-H", "announce", "-i", "owner=ann", "-i", "title=x", "--allow-internal");
        Assert.True(code == 0, error);
        Assert.Equal("true", output.Trim());
    }

    [Fact]
    public void StandInsAnswerInTheDeclaredTypeAndWorkloadsPrintTheirFirstErrors()
    {
        var service = Write("shop.flimp", """
            service Shop;
            extern price(id: string) -> float fresh 60s;
            handler quote(id: string) -> float {
              let p = price(id);
              return p + toFloat(count(range(length(id) * 60000)));
            }
            """);
        Write("shop.bindings.json", """
            { "format": "fluxo-bindings/1", "externs": { "price": { "standIn": { "response": { "template": "{hash%100}.25" } } } } }
            """);
        var (code, output, error) = CliRunner.Run("run", service, "-H", "quote", "-i", "id=a");
        Assert.True(code == 0, error);
        Assert.True(double.TryParse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture, out _), output);

        var workload = Write("w.json", """
            { "format": "fluxo-workload/1", "seed": 3, "ratePerSecond": 100,
              "mix": [ { "handler": "quote", "weight": 1, "inputs": { "id": { "uniform": ["a", "abcd"] } } } ] }
            """);
        (code, output, error) = CliRunner.Run("run", service, "--workload", workload, "-n", "40");
        Assert.True(code == 0, error + output);
        Assert.Contains("errors of quote (first 3 of ", output);
        Assert.Contains("range: 240000 is beyond its limit (at most 100,000 items)", output);
    }
}
