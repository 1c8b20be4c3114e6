using Fluxo.Flimp.Semantics;
using Fluxo.Ir;

namespace Fluxo.Flimp.Lowering;

/// <summary>Whether each fn is deterministic: it is unless it calls, directly or through other fns, a non-deterministic builtin.</summary>
internal sealed class FnProperties(IReadOnlyDictionary<string, BoundFn> fns)
{
    private readonly Dictionary<string, bool> _deterministic = new(StringComparer.Ordinal);

    // Only called on programs without recursion, so the memoised walk terminates.
    public bool IsDeterministic(string fn)
    {
        if (_deterministic.TryGetValue(fn, out var known))
        {
            return known;
        }

        var effects = new NodeEffects();
        var inline = new InlineLowering(this, s => new VarExpr(s.Name), effects);
        var body = fns[fn];
        foreach (var let in body.Lets)
        {
            inline.Lower(let.Value);
        }

        inline.Lower(body.Result);
        _deterministic[fn] = effects.Deterministic;
        return effects.Deterministic;
    }

    public FnDecl Lower(BoundFn fn)
    {
        var inline = new InlineLowering(this, s => new VarExpr(s.Name), new NodeEffects());
        var body = inline.Lower(fn.Result);
        for (var i = fn.Lets.Length - 1; i >= 0; i--)
        {
            body = new LetExpr(fn.Lets[i].Symbol.Name, inline.Lower(fn.Lets[i].Value), body);
        }

        return new FnDecl(fn.Name, [.. fn.Params.Select(p => new Param(p.Name, p.Type.ToString()))], fn.ReturnType.ToString(), body, fn.Span);
    }
}
