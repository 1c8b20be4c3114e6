using Fluxo.Runtime.Tracing;
using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>One request's outcome: a value, or an error from the service's own logic; never an exception.</summary>
public sealed record RequestResult(long Id, string Handler, Value? Value, string? Error, double LatencyMs, RecordedTrace? Recorded)
{
    // The record is reused once written: the request it held when this result was made is the one this result may read.
    private readonly long _generation = Recorded?.Generation ?? 0;

    /// <summary>A copy of the request's trace record (when tracing), until a trace writer has taken it.</summary>
    public TraceRequest? Trace => Recorded?.ToRequest(_generation);

    public bool Succeeded => Error is null;

    /// <summary>What failed the request, when <see cref="Error"/> was made from an exception: a front end whose nodes
    /// throw their own located diagnostics (pipe modules) reports those instead of the message.</summary>
    public Exception? Failure { get; init; }
}
