using System.Net;
using System.Text;
using System.Text.Json;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes.Fetching;
using Fluxo.Pipes.Import;
using Fluxo.Pipes.Modules;
using Fluxo.Pipes.Running;
using Fluxo.Runtime.Engine;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>The pipes of the corpus (tests/data/pipes) and of samples/pipes, each with its fixtures.</summary>
public static class PipeSources
{
    public static IReadOnlyList<string> FixtureDirs { get; } = [Path.Combine(RepoPaths.Pipes, "fixtures"), Path.Combine(RepoPaths.Samples, "pipes", "fixtures")];

    /// <summary>Every pipe file, with the handler name it gets in the combined service (its file name).</summary>
    public static IEnumerable<(string Handler, string File)> Files()
    {
        var corpus = Path.Combine(RepoPaths.Pipes, "corpus");
        var samples = Path.Combine(RepoPaths.Samples, "pipes");
        Assert.True(Directory.Exists(corpus) && Directory.Exists(samples), $"pipes not found at {corpus} and {samples}: they are part of the repository");
        return Directory.EnumerateFiles(corpus, "*.json").Concat(Directory.EnumerateFiles(samples, "*.json"))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), f));
    }

    public static IrModule Import(string file)
    {
        var diags = new DiagnosticBag();
        var module = PipeImporter.ImportFile(file, null, diags);
        Assert.True(module is not null, string.Join("\n", diags.Items));
        return module!;
    }

    /// <summary>Every pipe the back end accepts (all but those with a module whose service is gone).</summary>
    public static IReadOnlyList<(string Handler, IrModule Module)> Deployable() =>
        [.. Files().Select(f => (f.Handler, Module: Import(f.File))).Where(p => Refusals(p.Module).Count == 0)];

    public static IReadOnlyList<Diagnostic> Refusals(IrModule module)
    {
        var diags = new DiagnosticBag();
        AzureEmitter.Emit(module, null, diags);
        return [.. diags.Items.Where(d => d.Severity == Severity.Error)];
    }

    /// <summary>One service with a handler per deployable pipe, so one build covers them all.</summary>
    public static IrModule Combined() =>
        new("PipesDeploy", "pipes", [], [], [], [], [.. Deployable().Select(p => p.Module.Graphs.Single() with { Name = p.Handler })]);
}

/// <summary>
/// Pipes deploy: every deployable pipe of the corpus and the samples, compiled into one generated solution (a handler
/// per pipe, sub-pipes as internal graphs) and built, answers, fetching over real HTTP through a loopback proxy that
/// serves the fixtures, exactly what the local engine answers fetching through the same proxy; and what the proxy
/// serves is what <c>fluxo run --fixtures</c> reads.
/// </summary>
[Collection("generated")]
public class PipesDeployTests(BuiltSolutions built, Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>What "now" is for date modules, as under <c>fluxo run</c>'s virtual clock.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(new EngineOptions().EpochMs);

    [Fact]
    public void A_pipe_with_a_module_whose_service_is_gone_is_refused_at_that_module()
    {
        var refused = 0;
        foreach (var (handler, file) in PipeSources.Files())
        {
            var module = PipeSources.Import(file);
            var errors = PipeSources.Refusals(module);
            // (node, the id of the gone module: the node's own, or the module its loop embeds)
            var gone = module.Graphs[0].Nodes.Where(n => n.Kind == NodeKind.PipeModule).SelectMany(n => new[]
            {
                (Node: n, Type: n.Target ?? "", Id: n.Config?["fluxo:id"]?.ToString()),
                (Node: n, Type: n.Config?["embed"]?["value"]?["type"]?.ToString() ?? "", Id: n.Config?["embed"]?["value"]?["id"]?.ToString()),
            }).Where(m => ModuleCatalog.Find(m.Type)?.Status == ModuleStatus.ServiceGone).ToList();
            Assert.True(errors.All(e => e.Code == "FLX4201"), $"{handler}: {string.Join("\n", errors)}");
            Assert.Equal(gone.Select(m => m.Node.Span), errors.Select(e => e.Span));
            foreach (var (m, e) in gone.Zip(errors))
            {
                Assert.Contains($"module '{m.Id}' ({m.Type})", e.Message, StringComparison.Ordinal);
            }

            refused += errors.Count > 0 ? 1 : 0;
        }

        // yql and the term extractor twice in the corpus, and samples/pipes/gone.json.
        Assert.Equal(4, refused);
    }

    [Fact]
    public async Task Every_deployable_pipe_answers_as_fluxo_run()
    {
        Assert.True(built.Pipes.ExitCode == 0, built.Pipes.BuildLog);
        using var proxy = new FixtureProxy(PipeSources.FixtureDirs);
        using var azurite = new AzuriteServer();
        var endpoint = $"127.0.0.1:{proxy.Port}";
        var config = new Dictionary<string, string>
        {
            ["ConnectionStrings__Storage"] = azurite.ConnectionString,
            ["Pipes__Proxy"] = proxy.Url,
            ["Pipes__AllowedEndpoints"] = endpoint,
            ["Pipes__Now"] = Now.ToString("O"),
        };
        var frontEndProject = Path.GetFileName(Directory.GetDirectories(Path.Combine(built.Pipes.Dir, "src"), "*.FrontEnd").Single());
        using var frontEnd = new ServiceProcess(built.Pipes.Dll(frontEndProject), config);
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        using var fetcher = new HttpFetcher(new FetchLimits { Proxy = new Uri(proxy.Url), AllowedEndpoints = [endpoint] });
        var clock = new FixedClock(Now.ToUnixTimeMilliseconds());
        var fixtures = PipeSources.FixtureDirs.Select(FixtureFetcher.Load).ToList();

        var items = 0;
        var errors = 0;
        var warnings = new List<string>();
        foreach (var (handler, module) in PipeSources.Deployable())
        {
            var diags = new DiagnosticBag();
            var expected = await PipeRunner.RunAsync(module, new Dictionary<string, string>(), PipeRunOptions.With(fetcher, clock), diags);
            var response = await http.PostAsync("/" + handler, new StringContent("{}", Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();
            if (expected is { } ok)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{handler}: {(int)response.StatusCode} {body}\n{frontEnd.Log}");
                Assert.Equal(ValueJson.Serialize(ok.Value), ValueJson.Serialize(ValueJson.Parse(body)));
                warnings.AddRange(diags.Items.Where(d => d.Severity == Severity.Warning && d.Code == "FLX3200").Select(d => d.Message));
                items++;

                // The proxy serves what the fixtures hold: the offline run gives the same items.
                var offline = await RunOfflineAsync(module, fixtures, clock);
                Assert.Equal(ValueJson.Serialize(ok.Value), offline is { } o ? ValueJson.Serialize(o.Value) : null);
            }
            else
            {
                // Failing the same way: the same located diagnostic, as the handler's error (422) or the fetch's (502).
                var error = diags.Items.First(d => d.Severity == Severity.Error);
                Assert.True(response.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadGateway, $"{handler}: {(int)response.StatusCode} {body}");
                Assert.Equal(error.Format(), JsonDocument.Parse(body).RootElement.GetProperty("message").GetString());
                errors++;
            }
        }

        // A response the module could read no items from is a warning in the service's log, as fluxo run prints it.
        Assert.NotEmpty(warnings);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (warnings.Any(w => !frontEnd.Log.Contains(w, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.All(warnings, w => Assert.True(frontEnd.Log.Contains(w, StringComparison.Ordinal), $"warning not logged: {w}\n{frontEnd.Log}"));
        output.WriteLine($"{items + errors} pipes compared: {items} gave items, {errors} failed alike; {proxy.Served} fetches served");
        Assert.True(proxy.Served > 0, "no fetch reached the proxy");
        Assert.Equal(PipeSources.Deployable().Count, items + errors);
        Assert.True(items >= 20, $"only {items} pipes gave items");
    }

    /// <summary>The pipe as <c>fluxo run --fixtures</c> runs it, trying each fixture map (a pipe's URLs are all in one).</summary>
    private static async Task<PipeResult?> RunOfflineAsync(IrModule module, IEnumerable<FixtureFetcher> fixtures, FixedClock clock)
    {
        foreach (var f in fixtures)
        {
            var result = await PipeRunner.RunAsync(module, new Dictionary<string, string>(), PipeRunOptions.With(f, clock), new DiagnosticBag());
            if (result is not null)
            {
                return result;
            }
        }

        return null;
    }
}
