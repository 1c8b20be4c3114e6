using Fluxo.Diagnostics;

namespace Fluxo.Pipes.Modules;

/// <summary>A module could not produce its output; carries the located diagnostic (its message is the formatted diagnostic,
/// which is what the engine reports for a failed request).</summary>
public sealed class PipeRuntimeException(Diagnostic diagnostic) : Exception(diagnostic.Format())
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}
