using Fluxo.Values;

namespace Fluxo.Runtime.Engine;

/// <summary>
/// A compiled expression. Subtrees that cannot wait (no lazy input, no call out of the process) are
/// plain delegates; only the others pay for async state machines.
/// </summary>
internal sealed class Evaluator
{
    private Evaluator(Func<Frame, Value>? sync, Func<Frame, ValueTask<Value>>? async)
    {
        Sync = sync;
        Async = async;
    }

    public Func<Frame, Value>? Sync { get; }

    public Func<Frame, ValueTask<Value>>? Async { get; }

    public static Evaluator Of(Func<Frame, Value> f) => new(f, null);

    public static Evaluator OfAsync(Func<Frame, ValueTask<Value>> f) => new(null, f);

    public ValueTask<Value> Eval(Frame f) => Sync is { } s ? new ValueTask<Value>(s(f)) : Async!(f);
}
