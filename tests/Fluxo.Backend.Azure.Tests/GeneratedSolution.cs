using Fluxo.Ir;
using Fluxo.Policy;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>A generated solution written to a temporary folder and built with <c>dotnet build</c>.</summary>
public sealed class GeneratedSolution : IDisposable
{
    public string Dir { get; }
    public int ExitCode { get; }
    public string BuildLog { get; }

    public GeneratedSolution(IrModule module, PolicyDocument? policy)
    {
        Dir = Directory.CreateTempSubdirectory("fluxo-azure-").FullName;
        foreach (var f in AzureEmitter.Emit(module, policy))
        {
            var path = Path.Combine(Dir, f.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, f.Text);
        }

        (ExitCode, BuildLog) = Run("dotnet", Dir, "build", "-nologo", "-v", "q", "-clp:Summary");
    }

    public string Dll(string project) => Path.Combine(Dir, "src", project, "bin", "Debug", "net10.0", project + ".dll");

    public static (int ExitCode, string Output) Run(string exe, string dir, params string[] args) => Run(exe, dir, new Dictionary<string, string>(), args);

    public static (int ExitCode, string Output) Run(string exe, string dir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var (exit, output, _) = Fluxo.TestSupport.ChildProcess.Run(exe, dir, args, environment: environment);
        return (exit, output);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
