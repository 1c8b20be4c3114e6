using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.TestSupport;

namespace Fluxo.Cli.Tests;

/// <summary>IR JSON from outside is checked before any stage uses it: broken files give diagnostics, never exceptions.</summary>
public class IrLoadingTests
{
    [Fact]
    public void MutatedIrJsonNeverCrashesTheLoader()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples/tour/tour.ir.json"));
        var lines = text.Split('\n');
        var rng = new Random(3);
        var dir = Directory.CreateTempSubdirectory("fluxo-ir-");
        try
        {
            for (var i = 0; i < 300; i++)
            {
                var mutated = (i % 3) switch
                {
                    0 => string.Join('\n', lines.Where((_, k) => k != rng.Next(lines.Length))),
                    1 => text.Remove(rng.Next(text.Length), 1),
                    _ => text.Replace($"\"from\": {rng.Next(4)}", $"\"from\": {rng.Next(-2, 40)}", StringComparison.Ordinal),
                };
                var path = Path.Combine(dir.FullName, $"m{i}.ir.json");
                File.WriteAllText(path, mutated);
                var diagnostics = new DiagnosticBag();
                var module = ServiceLoader.Load(path, diagnostics);
                Assert.True(module is not null || diagnostics.HasErrors, $"mutation {i}: neither IR nor an error");
                var output = new StringWriter();
                Assert.InRange(Commands.GraphCommand.Run(new(path, Commands.GraphCommand.GraphFormat.Dot, null), output, output), 0, 1);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("{}", "FLX9014")]
    [InlineData("[1]", "FLX9011")]
    [InlineData("{\"service\": \"x\", \"records\": [], \"externs\": [], \"functions\": [], \"tables\": [], \"graphs\": [{\"name\": \"g\"}]}", "FLX9014")]
    public void BrokenIrIsADiagnostic(string json, string code)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fluxo-{Guid.NewGuid():N}.ir.json");
        File.WriteAllText(path, json);
        try
        {
            var diagnostics = new DiagnosticBag();
            Assert.Null(ServiceLoader.Load(path, diagnostics));
            Assert.Contains(diagnostics.Items, d => d.Code == code);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
