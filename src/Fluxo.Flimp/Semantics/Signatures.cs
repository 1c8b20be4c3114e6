using System.Collections.Immutable;
using Fluxo.Builtins;
using Fluxo.Diagnostics;
using Fluxo.Flimp.Syntax;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Flimp.Semantics;

internal sealed record ExternSig(string Name, ImmutableArray<BoundParam> Params, FlimpType ReturnType, ExternDecl Decl);

internal sealed record FnSig(string Name, ImmutableArray<BoundParam> Params, FlimpType ReturnType, FnDeclSyntax Syntax);

internal sealed record HandlerSig(string Name, ImmutableArray<BoundParam> Params, FlimpType ReturnType, HandlerDeclSyntax Syntax);

internal sealed record TableSig(string Name, BoundParam PartitionKey, BoundParam RowKey, ImmutableArray<BoundParam> Fields, RecordType Row, TableDecl Decl);

/// <summary>Pass 1: every top-level name of a service with its resolved signature, so bodies may refer to later declarations.</summary>
internal sealed class Signatures
{
    private static readonly Dictionary<string, FlimpType> Primitives = new(StringComparer.Ordinal)
    {
        ["string"] = FlimpType.String,
        ["int"] = FlimpType.Int,
        ["float"] = FlimpType.Float,
        ["bool"] = FlimpType.Bool,
        ["unit"] = FlimpType.Unit,
        ["any"] = FlimpType.Any,
    };

    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, DeclSyntax> _all = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecordType> _recordTypes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);

    public Dictionary<string, ExternSig> Externs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FnSig> Fns { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, HandlerSig> Handlers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TableSig> Tables { get; } = new(StringComparer.Ordinal);

    public List<RecordDecl> RecordDecls { get; } = [];

    public Signatures(ProgramSyntax program, DiagnosticBag diagnostics)
    {
        _diagnostics = diagnostics;
        foreach (var decl in program.Decls)
        {
            Register(decl);
        }

        foreach (var decl in program.Decls.Where(d => _all.GetValueOrDefault(d.Name) == d))
        {
            Resolve(decl);
        }
    }

    private void Register(DeclSyntax decl)
    {
        if (HttpResult.IsBuiltinType(decl.Name))
        {
            _diagnostics.Add(Diag.FlimpHttpResultShape(decl.NameSpan, decl.Name));
        }
        else if (Primitives.ContainsKey(decl.Name) || decl.Name == "list")
        {
            _diagnostics.Add(Diag.FlimpReservedName(decl.NameSpan, decl.Name, "a built-in type"));
        }
        else if (decl is FnDeclSyntax or ExternDeclSyntax && BuiltinCatalog.Find(decl.Name) is not null)
        {
            _diagnostics.Add(Diag.FlimpReservedName(decl.NameSpan, decl.Name, "a builtin"));
        }
        else if (_all.TryGetValue(decl.Name, out var previous))
        {
            _diagnostics.Add(Diag.FlimpDuplicateDeclaration(decl.NameSpan, KindOf(decl), decl.Name, previous.NameSpan.Line));
        }
        else
        {
            _all[decl.Name] = decl;
        }
    }

    private static string KindOf(DeclSyntax decl) => decl switch
    {
        RecordDeclSyntax => "record",
        ExternDeclSyntax => "extern",
        FnDeclSyntax => "fn",
        TableDeclSyntax => "table",
        _ => "handler",
    };

    private void Resolve(DeclSyntax decl)
    {
        switch (decl)
        {
            case RecordDeclSyntax r:
                var type = RecordTypeOf(r);
                RecordDecls.Add(new RecordDecl(r.Name, [.. type.Fields.Select(f => new Param(f.Name, f.Type.ToString()))], r.Span));
                break;
            case ExternDeclSyntax e:
                Externs[e.Name] = ResolveExtern(e);
                break;
            case FnDeclSyntax f:
                Fns[f.Name] = new FnSig(f.Name, Params(f.Params), Type(f.ReturnType), f);
                break;
            case TableDeclSyntax t:
                ResolveTableRow(t);
                break;
            case HandlerDeclSyntax h:
                Handlers[h.Name] = new HandlerSig(h.Name, Params(h.Params), Type(h.ReturnType), h);
                break;
        }
    }

    private ExternSig ResolveExtern(ExternDeclSyntax e)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in e.Props.Where(p => !seen.Add(p.Kind)))
        {
            _diagnostics.Add(Diag.FlimpDuplicateExternProperty(p.Span, p.Kind));
        }

        var ps = Params(e.Params);
        var ret = Type(e.ReturnType);
        var decl = new ExternDecl(
            e.Name,
            [.. ps.Select(p => new Param(p.Name, p.Type.ToString()))],
            ret.ToString(),
            Deterministic: seen.Contains("deterministic"),
            SideEffectFree: !seen.Contains("sideeffects"),
            ExpectedLatencyMs: e.Props.FirstOrDefault(p => p.Kind == "latency")?.LatencyMs,
            e.Span,
            FreshnessMs: Freshness(e, seen));
        return new ExternSig(e.Name, ps, ret, decl);
    }

    private double? Freshness(ExternDeclSyntax e, HashSet<string> props)
    {
        if (e.Props.FirstOrDefault(p => p.Kind == "fresh") is not { } fresh)
        {
            return null;
        }

        if (props.Contains("sideeffects"))
        {
            _diagnostics.Add(Diag.FlimpFreshWithSideEffects(fresh.Span, e.Name));
        }
        else if (fresh.LatencyMs is not > 0)
        {
            _diagnostics.Add(Diag.FlimpFreshZero(fresh.Span, e.Name));
        }

        return fresh.LatencyMs;
    }

    private TableSig ResolveTable(TableDeclSyntax t)
    {
        _resolving.Add(t.Name);
        var pk = new BoundParam(t.PartitionKey.Name, KeyType(t.PartitionKey));
        var rk = new BoundParam(t.RowKey.Name, KeyType(t.RowKey));
        var fields = Fields([t.PartitionKey, t.RowKey, .. t.Fields]).Skip(2).ToImmutableArray();
        _resolving.Remove(t.Name);
        var row = new RecordType(t.Name, [(pk.Name, pk.Type), (rk.Name, rk.Type), .. fields.Select(f => (f.Name, f.Type))]);
        _recordTypes[t.Name] = row;
        var decl = new TableDecl(
            t.Name,
            new Param(pk.Name, pk.Type.ToString()),
            new Param(rk.Name, rk.Type.ToString()),
            [.. fields.Select(f => new Param(f.Name, f.Type.ToString()))],
            t.Span);
        return new TableSig(t.Name, pk, rk, fields, row, decl);
    }

    private FlimpType KeyType(ParamSyntax key)
    {
        var type = Type(key.Type);
        if (type != FlimpType.String && type != FlimpType.Int && !type.IsError)
        {
            _diagnostics.Add(Diag.FlimpBadKeyType(key.Type.Span, key.Name, type.ToString()));
        }

        return type;
    }

    private RecordType RecordTypeOf(RecordDeclSyntax r)
    {
        if (_recordTypes.TryGetValue(r.Name, out var done))
        {
            return done;
        }

        _resolving.Add(r.Name);
        var type = new RecordType(r.Name, [.. Fields(r.Fields).Select(f => (f.Name, f.Type))]);
        _resolving.Remove(r.Name);
        _recordTypes[r.Name] = type;
        return type;
    }

    private ImmutableArray<BoundParam> Fields(IEnumerable<ParamSyntax> fields)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<BoundParam>();
        foreach (var f in fields)
        {
            if (!seen.Add(f.Name))
            {
                _diagnostics.Add(Diag.FlimpDuplicateField(f.Span, f.Name));
                continue;
            }

            result.Add(new BoundParam(f.Name, Type(f.Type)));
        }

        return result.ToImmutable();
    }

    public ImmutableArray<BoundParam> Params(ImmutableArray<ParamSyntax> ps) => Fields(ps);

    /// <summary>Resolves a written type; unknown names are reported and become the error type.</summary>
    public FlimpType Type(TypeSyntax syntax) => syntax switch
    {
        OptionalTypeSyntax o => TypeRules.MakeOptional(Type(o.Inner)),
        ListTypeSyntax l => new ListType(Type(l.Element)),
        NamedTypeSyntax n => Named(n),
        _ => FlimpType.Error,
    };

    private FlimpType Named(NamedTypeSyntax n)
    {
        if (Primitives.TryGetValue(n.Name, out var prim))
        {
            return prim;
        }

        if (_recordTypes.TryGetValue(n.Name, out var rec))
        {
            return rec;
        }

        if (HttpResult.IsBuiltinType(n.Name))
        {
            return HttpType(n.Name);
        }

        switch (_all.GetValueOrDefault(n.Name))
        {
            // A record that refers to itself (directly or not) would be infinitely large.
            case RecordDeclSyntax r when _resolving.Contains(r.Name):
                _diagnostics.Add(Diag.FlimpRecursion(n.Span, $"record '{r.Name}' contains itself"));
                return FlimpType.Error;
            case RecordDeclSyntax r:
                return RecordTypeOf(r);
            case TableDeclSyntax t:
                return ResolveTableRow(t);
            default:
                _diagnostics.Add(Diag.FlimpUnknownType(n.Span, n.Name));
                return FlimpType.Error;
        }
    }

    // The HTTP result records are declared in the IR only by services that use them, so other IR stays unchanged.
    private RecordType HttpType(string name)
    {
        if (!_recordTypes.ContainsKey(HttpResult.TypeName))
        {
            var header = new RecordType(HttpResult.HeaderTypeName, [("name", FlimpType.String), ("value", FlimpType.String)]);
            var result = new RecordType(HttpResult.TypeName, [("status", FlimpType.Int), ("headers", new ListType(header)), ("body", FlimpType.String)]);
            foreach (var type in new[] { header, result })
            {
                _recordTypes[type.Name!] = type;
                RecordDecls.Add(new RecordDecl(type.Name!, [.. type.Fields.Select(f => new Param(f.Name, f.Type.ToString()))], SourceSpan.None("<builtin>")));
            }
        }

        return _recordTypes[name];
    }

    private FlimpType ResolveTableRow(TableDeclSyntax t)
    {
        if (_resolving.Contains(t.Name))
        {
            _diagnostics.Add(Diag.FlimpRecursion(t.NameSpan, $"table '{t.Name}' contains its own rows"));
            return FlimpType.Error;
        }

        if (!Tables.ContainsKey(t.Name))
        {
            Tables[t.Name] = ResolveTable(t);
        }

        return Tables[t.Name].Row;
    }
}
