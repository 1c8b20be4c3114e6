namespace Fluxo.Flimp.Semantics;

/// <summary>Names visible at one point of a body. A narrowed entry re-binds a symbol with a non-optional type after a none check.</summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, (VarSymbol Symbol, FlimpType Type)> _names = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public (VarSymbol Symbol, FlimpType Type)? Lookup(string name)
    {
        for (var s = this; s is not null; s = s.Parent)
        {
            if (s._names.TryGetValue(name, out var entry))
            {
                return entry;
            }
        }

        return null;
    }

    public void Define(VarSymbol symbol) => _names[symbol.Name] = (symbol, symbol.Type);

    public void Narrow(VarSymbol symbol, FlimpType type) => _names[symbol.Name] = (symbol, type);
}
