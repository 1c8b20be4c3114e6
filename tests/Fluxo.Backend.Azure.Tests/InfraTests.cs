using System.Reflection;
using System.Text.Json.Nodes;
using Fluxo.Ir;
using Fluxo.Policy;
using YamlDotNet.RepresentationModel;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The emitted infra/ compiles with the real Bicep CLI with no error and no linter warning, and azure.yaml agrees with
/// it: every azd service is a Container App tagged with its name, built from a project that exists, and the outputs
/// and parameters azd needs are there.
/// </summary>
public class InfraTests
{
    private static readonly string[] Services = [ "weather", "weather-cached", "counter", "tour"];

    private static (IrModule Module, PolicyDocument? Policy) Service(string name) => name switch
    {
        "weather" => (Samples.Weather(), null),
        "weather-cached" => (Samples.Weather(), GoldenTests.WeatherPolicy(Samples.Weather(), 4096)),
        "counter" => (Samples.Counter(), null),
        "tour" => (Samples.Tour(), null),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string BicepCli =>
        typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;

    // One Bicep run for every service: the CLI takes seconds to start.
    [Fact]
    public void BicepCompilesWithoutErrorsOrLinterWarningsAndAgreesWithAzureYaml()
    {
        var root = Directory.CreateTempSubdirectory("fluxo-infra-").FullName;
        try
        {
            foreach (var name in Services)
            {
                var (module, policy) = Service(name);
                foreach (var f in AzureEmitter.Emit(module, policy))
                {
                    var path = Path.Combine(root, name, f.Path);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllText(path, f.Text);
                }
            }

            Assert.True(File.Exists(BicepCli), $"the Bicep CLI is restored with this project (PackageDownload): {BicepCli}");
            var (code, log) = GeneratedSolution.Run(BicepCli, root, "build", "--pattern", "*/infra/main.bicep");
            Assert.True(code == 0 && !log.Contains("Warning", StringComparison.Ordinal) && !log.Contains("Error", StringComparison.Ordinal), log);
            foreach (var name in Services)
            {
                var dir = Path.Combine(root, name);
                var arm = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "infra", "main.json")))!;
                CheckAzureYaml(dir, arm, Service(name).Module);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ALinterWarningFailsTheBuildCheck()
    {
        var dir = Directory.CreateTempSubdirectory("fluxo-infra-bad-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "main.bicep"), "var unused = 1\n");
            var (code, log) = GeneratedSolution.Run(BicepCli, dir, "build", "--pattern", "*.bicep");
            Assert.Equal(0, code);
            Assert.Contains("Warning no-unused-vars", log, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void CheckAzureYaml(string dir, JsonNode arm, IrModule module)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(dir, "azure.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var infra = (YamlMappingNode)root["infra"];
        Assert.Equal("bicep", infra["provider"].ToString());
        Assert.True(File.Exists(Path.Combine(dir, infra["path"].ToString(), infra["module"] + ".bicep")));

        var services = ((YamlMappingNode)root["services"]).Children.ToDictionary(kv => kv.Key.ToString(), kv => (YamlMappingNode)kv.Value);
        var tagged = TaggedApps(arm).ToList();
        Assert.Equal(services.Keys.Order(), tagged.Order());
        foreach (var (name, service) in services)
        {
            Assert.Equal("containerapp", service["host"].ToString());
            var project = Path.Combine(dir, service["project"].ToString());
            Assert.True(Directory.EnumerateFiles(project, "*.csproj").Any(), $"service {name}: no project in {project}");
            var docker = (YamlMappingNode)service["docker"];
            Assert.True(File.Exists(Path.Combine(project, docker["path"].ToString())), $"service {name}: no Dockerfile");
            Assert.True(File.Exists(Path.Combine(project, docker["context"].ToString(), Path.GetFileName(Directory.GetFiles(dir, "*.slnx").Single()))), $"service {name}: the docker context is not the solution folder");
        }

        // azd pushes images to AZURE_CONTAINER_REGISTRY_ENDPOINT and fills parameters from main.parameters.json.
        var outputs = arm["outputs"]!.AsObject().Select(kv => kv.Key).ToList();
        Assert.Contains("AZURE_CONTAINER_REGISTRY_ENDPOINT", outputs);
        Assert.Equal(InfraWriter.MainOutputs.Order(), outputs.Order());
        var declared = arm["parameters"]!.AsObject().Select(kv => kv.Key).Order().ToList();
        var supplied = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "infra", "main.parameters.json")))!["parameters"]!.AsObject().Select(kv => kv.Key).Order().ToList();
        Assert.Equal(declared, supplied);
        Assert.Equal(2 + module.Externs.Length, declared.Count);
    }

    /// <summary>The azd service names on Container Apps anywhere in the compiled template (nested deployments included).</summary>
    private static IEnumerable<string> TaggedApps(JsonNode node)
    {
        if (node is JsonObject o)
        {
            if (o["type"]?.GetValue<string>() == "Microsoft.App/containerApps" && o["tags"]?["azd-service-name"] is JsonValue v)
            {
                yield return v.GetValue<string>();
            }

            foreach (var (_, child) in o)
            {
                foreach (var s in child is null ? [] : TaggedApps(child))
                {
                    yield return s;
                }
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var s in a.SelectMany(c => c is null ? [] : TaggedApps(c)))
            {
                yield return s;
            }
        }
    }
}
