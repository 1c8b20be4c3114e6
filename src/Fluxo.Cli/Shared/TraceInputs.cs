using Fluxo.Diagnostics;
using Fluxo.Frontends;
using Fluxo.Trace;

namespace Fluxo.Cli.Shared;

/// <summary>
/// The trace a command reads, from one file, several or a folder: several are joined into one temporary binary trace
/// (<see cref="TraceFile.Read(IReadOnlyList{string}, Fluxo.Ir.IrModule, DiagnosticBag)"/>), so every later stage reads one path.
/// </summary>
internal sealed class TraceInputs : IDisposable
{
    /// <summary>Separates the paths of a repeated --trace inside the arguments record.</summary>
    public const string Separator = "\n";

    private readonly bool _temporary;

    private TraceInputs(string path, bool temporary) => (Path, _temporary) = (path, temporary);

    public string Path { get; }

    public static TraceInputs? Resolve(string serviceFile, string traces, DiagnosticBag diagnostics)
    {
        var paths = traces.Split(Separator, StringSplitOptions.RemoveEmptyEntries);
        if (paths.Length == 1 && !Directory.Exists(paths[0]))
        {
            return new TraceInputs(paths[0], false);
        }

        var module = ServiceLoader.Load(serviceFile, diagnostics);
        var data = module is null || diagnostics.HasErrors ? null : TraceFile.Read(paths, module, diagnostics);
        if (data is null)
        {
            return null;
        }

        var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fluxo-trace-{Guid.NewGuid():N}.bin");
        return TraceOutput.TryWrite(temp, data, diagnostics) ? new TraceInputs(temp, true) : null;
    }

    public void Dispose()
    {
        if (_temporary)
        {
            File.Delete(Path);
        }
    }
}
