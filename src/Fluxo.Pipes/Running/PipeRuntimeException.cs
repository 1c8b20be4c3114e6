using Fluxo.Diagnostics;

namespace Fluxo.Pipes;

/// <summary>A module could not produce its output; carries the located diagnostic the caller reports.</summary>
public sealed class PipeRuntimeException(Diagnostic diagnostic) : Exception(diagnostic.Message)
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}
