using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Pipes;
using Fluxo.Policy;

namespace Fluxo.Backend.Azure;

/// <summary>Compiles an IR module (and optionally the optimizer's policy) to a deployable Azure .NET solution, in memory.</summary>
public static class AzureEmitter
{
    public static IReadOnlyList<GeneratedFile> Emit(IrModule module, PolicyDocument? policy) => Emit(module, policy, new DiagnosticBag());

    /// <summary>As <see cref="Emit(IrModule, PolicyDocument?)"/>, reporting skipped policy decisions and IR it cannot compile.</summary>
    public static IReadOnlyList<GeneratedFile> Emit(IrModule module, PolicyDocument? policy, DiagnosticBag diagnostics)
    {
        // Callers drop stale decisions first (PolicyJson.ReadFor); one that reaches here is refused, never skipped silently.
        if (policy is not null && StalePolicy.Apply(module, policy, "policy", null, allowStale: false, diagnostics) is null)
        {
            return [];
        }

        // A pipe brings its sub-pipes as graphs of their own, since the service compiles graphs and has no importer.
        var pipe = PipeDeployment.IsPipe(module);
        if (pipe)
        {
            module = PipeDeployment.Prepare(module, diagnostics);
        }

        var onWorker = module.Graphs.ToDictionary(g => g.Name, g => Tiers.OnWorker(module, g));
        var names = ServiceNames.For(module, onWorker.Values.Any(w => w));
        var plans = module.Graphs.ToDictionary(g => g.Name, g => CachePlan.For(module, g, policy, diagnostics));
        names.Check(module, diagnostics);
        Deployability.Check(module, diagnostics);
        var caches = module.Graphs.SelectMany(g => plans[g.Name].Groups).ToList();

        var files = new List<GeneratedFile>
        {
            new($"{names.Root}.slnx", ProjectFiles.Solution(names)),
            new("Directory.Build.props", ProjectFiles.BuildProps()),
            new("Directory.Packages.props", ProjectFiles.PackagesProps(pipe)),
            new("global.json", ProjectFiles.GlobalJson()),
            new(".dockerignore", ProjectFiles.DockerIgnore()),
            new("README.md", ReadmeWriter.Write(module, names, onWorker, caches, names.Queue)),
            new($"src/{names.Support}/{names.Support}.csproj", ProjectFiles.SupportProject(pipe)),
        };

        foreach (var r in EmbeddedSources.Under("Core/"))
        {
            files.Add(new($"src/{names.Support}/Semantics/{Path.GetFileName(r)}", EmbeddedSources.Read(r)));
        }

        foreach (var r in EmbeddedSources.Under("Support/"))
        {
            files.Add(new($"src/{names.Support}/{Path.GetFileName(r)}", EmbeddedSources.Read(r)));
        }

        foreach (var r in pipe ? EmbeddedSources.Under("Pipes/") : [])
        {
            files.Add(new($"src/{names.Support}/{r}", EmbeddedSources.Read(r)));
        }

        var handlers = $"src/{names.Handlers}";
        files.Add(new($"{handlers}/{names.Handlers}.csproj", ProjectFiles.HandlersProject(names)));
        files.Add(new($"{handlers}/ServiceDefinition.g.cs", ModelWriter.ServiceDefinition(module, names, onWorker, caches, policy)));
        files.Add(new($"{handlers}/Fns.g.cs", ModelWriter.Fns(module, names, diagnostics)));
        files.Add(new($"{handlers}/Externs.g.cs", ExternWriter.Write(module, names)));
        if (pipe)
        {
            files.Add(new($"{handlers}/SubPipes.g.cs", ModelWriter.SubPipes(module, names)));
        }

        foreach (var g in module.Graphs)
        {
            files.Add(new($"{handlers}/{HandlerWriter.ClassName(g.Name)}.g.cs", new HandlerWriter(module, g, plans[g.Name], names.Handlers, diagnostics).Write()));
        }

        // The worker tier refreshes the pre-computed parts; a service without one refreshes them in its front end.
        var precomputes = caches.Any(g => g.Kind == GroupKind.Precompute);
        AddDeployable(files, module, names.FrontEnd, ProjectFiles.FrontEndProgram(module, names, precomputes && !names.HasWorker), names);
        if (names.HasWorker)
        {
            AddDeployable(files, module, names.Worker, ProjectFiles.WorkerProgram(module, names, onWorker, precomputes), names);
        }

        files.AddRange(InfraWriter.Files(module, names, [.. module.Graphs.Where(g => onWorker[g.Name]).Select(g => names.Queue(g.Name))], caches.Count > 0));

        return files;
    }

    private static void AddDeployable(List<GeneratedFile> files, IrModule module, string project, string program, ServiceNames names)
    {
        var dir = $"src/{project}";
        files.Add(new($"{dir}/{project}.csproj", ProjectFiles.WebProject(names)));
        files.Add(new($"{dir}/Program.cs", program));
        files.Add(new($"{dir}/appsettings.json", ProjectFiles.AppSettings()));
        files.Add(new($"{dir}/appsettings.Development.json", ProjectFiles.AppSettingsDevelopment(module)));
        files.Add(new($"{dir}/Dockerfile", ProjectFiles.Dockerfile(project)));
    }
}
