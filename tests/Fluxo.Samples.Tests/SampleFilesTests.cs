using Fluxo.Diagnostics;
using Fluxo.Flimp;
using Fluxo.Runtime.Externs;
using Fluxo.Runtime.Workloads;
using Fluxo.TestSupport;

namespace Fluxo.Samples.Tests;

/// <summary>Each of the four services checks cleanly, stays 100-500 lines, and its bindings and session workload fit it.</summary>
public class SampleFilesTests
{
    [Theory]
    [InlineData("auth")]
    [InlineData("addressbook")]
    [InlineData("im")]
    [InlineData("messaging")]
    public void ServiceBindingsAndWorkloadFitTogether(string name)
    {
        var folder = Path.Combine(RepoPaths.Samples, name);
        var path = Path.Combine(folder, name + ".flimp");
        var text = File.ReadAllText(path);
        var lines = text.Split('\n').Length - (text.EndsWith('\n') ? 1 : 0);
        Assert.InRange(lines, 100, 500);

        var diags = new DiagnosticBag();
        var module = FlimpCompiler.Compile(path, text, diags);
        using var http = new HttpClient();
        var bindings = module is null ? null : ServiceBindings.Read(ServiceBindings.PathBeside(path), module, http, diags);
        var workload = module is null ? null : WorkloadJson.Read(Path.Combine(folder, "workload-sessions.json"), module, diags);
        Assert.True(diags.Items.Count == 0, string.Join("\n", diags.Items.Select(d => d.Format())));
        Assert.NotNull(bindings);
        Assert.NotNull(workload);
        Assert.True(workload.CacheBudgetBytes > 0);
        Assert.True(workload.Sessions.Length >= 3);
        Assert.Contains(workload.Sessions, s => s.Steps.Length >= 3);
        Assert.Contains("\"fromResult\"", File.ReadAllText(Path.Combine(folder, "workload-sessions.json")));
    }
}
