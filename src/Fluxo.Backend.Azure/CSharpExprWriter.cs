using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Backend.Azure;

/// <summary>C# expression text of type Value, and whether it contains an await.</summary>
internal readonly record struct Code(string Text, bool Async)
{
    public static Code Sync(string text) => new(text, false);
}

/// <summary>
/// Compiles an IR expression to one C# expression. Awaits sit inside conditional operators, so an untaken
/// branch never demands its inputs, as in the runtime; calls, table operations and enqueues call the support library.
/// </summary>
internal sealed class CSharpExprWriter(Func<int, Code> input, int nodeId, SourceSpan where, DiagnosticBag diagnostics)
{
    private readonly Dictionary<string, string> _vars = [];
    private int _fresh;

    public CSharpExprWriter Bind(string name, string identifier)
    {
        _vars[name] = identifier;
        return this;
    }

    public Code Compile(Expr e)
    {
        switch (e)
        {
            case LitExpr lit:
                return Code.Sync(CSharp.Value(lit.Value));
            case InputExpr inp:
                return input(inp.Index);
            case VarExpr v:
                if (_vars.TryGetValue(v.Name, out var id))
                {
                    return Code.Sync(id);
                }

                diagnostics.Add(Diag.AzureBadIr(where, $"unknown variable '{v.Name}'"));
                return Code.Sync("Value.Null");
            case UnaryExpr u:
                return Wrap(Compile(u.Operand), x => $"Operators.Unary({CSharp.String(u.Operator)}, {x})");
            case BinaryExpr { Operator: "&&" } and:
                return Join([Compile(and.Left), Compile(and.Right)], a => $"(Flx.Truth({a[0]}, \"&&\") ? Value.Bool(Flx.Truth({a[1]}, \"&&\")) : Value.False)");
            case BinaryExpr { Operator: "||" } or:
                return Join([Compile(or.Left), Compile(or.Right)], a => $"(Flx.Truth({a[0]}, \"||\") ? Value.True : Value.Bool(Flx.Truth({a[1]}, \"||\")))");
            case BinaryExpr b:
                return Join([Compile(b.Left), Compile(b.Right)], a => $"Operators.Binary({CSharp.String(b.Operator)}, {a[0]}, {a[1]})");
            case IfExpr i:
                return Join([Compile(i.Condition), Compile(i.Then), Compile(i.Else)], a => $"(Flx.Truth({a[0]}, \"an if condition\") ? {a[1]} : {a[2]})");
            case LetExpr let:
                {
                    var value = Compile(let.Value);
                    var (param, body) = Lambda([let.Name], let.Body);
                    return new Code($"await Flx.Let({value.Text}, {param} => {body.Text})", true);
                }

            case CallExpr call:
                return Call(call);
            case RecordExpr r:
                return Join([.. r.Fields.Select(f => Compile(f.Value))], a => $"Flx.Record({string.Join(", ", r.Fields.Select((f, k) => $"({CSharp.String(f.Name)}, {a[k]})"))})");
            case FieldExpr f:
                return Wrap(Compile(f.Target), x => $"Flx.Field({x}, {CSharp.String(f.Field)})");
            case ListExpr l:
                return Join([.. l.Items.Select(Compile)], a => $"Flx.List({string.Join(", ", a)})");
            case MapExpr m:
                return Higher("Map", Compile(m.List), null, [m.Var], m.Body);
            case FilterExpr f:
                return Higher("Filter", Compile(f.List), null, [f.Var], f.Body);
            case FoldExpr f:
                return Higher("Fold", Compile(f.List), Compile(f.Init), [f.Acc, f.Var], f.Body);
            case TableGetExpr g:
                return Join([Compile(g.PartitionKey), Compile(g.RowKey)], a => $"await scope.Get({CSharp.String(g.Table)}, {a[0]}, {a[1]})", true);
            case TableQueryExpr q:
                {
                    var prefix = q.RowKeyPrefix is null ? Code.Sync("null") : Compile(q.RowKeyPrefix);
                    return Join([Compile(q.PartitionKey), prefix], a => $"await scope.Query({CSharp.String(q.Table)}, {a[0]}, {a[1]})", true);
                }

            case TablePutExpr p:
                return Join([Compile(p.PartitionKey), Compile(p.RowKey), .. p.Fields.Select(f => Compile(f.Value))],
                    a => $"scope.Put({CSharp.String(p.Table)}, {a[0]}, {a[1]}{string.Concat(p.Fields.Select((f, k) => $", ({CSharp.String(f.Name)}, {a[k + 2]})"))})");
            case TableDeleteExpr d:
                return Join([Compile(d.PartitionKey), Compile(d.RowKey)], a => $"scope.Delete({CSharp.String(d.Table)}, {a[0]}, {a[1]})");
            case EnqueueExpr q:
                return Join([.. q.Args.Select(f => Compile(f.Value))],
                    a => $"scope.Enqueue({CSharp.String(q.Handler)}, {nodeId}{string.Concat(q.Args.Select((f, k) => $", ({CSharp.String(f.Name)}, {a[k]})"))})");
            default:
                diagnostics.Add(Diag.AzureBadIr(where, $"unsupported expression {e.GetType().Name}"));
                return Code.Sync("Value.Null");
        }
    }

    private Code Call(CallExpr call)
    {
        var args = call.Args.Select(Compile).ToArray();
        return call.Kind switch
        {
            CallKind.Fn => Join(args, a => $"await Fns.{ModelWriter.FnMethod(call.Name)}(scope{string.Concat(a.Select(x => ", " + x))})", true),
            CallKind.Builtin => Join(args, a => $"Flx.Builtin(scope, {CSharp.String(call.Name)}{string.Concat(a.Select(x => ", " + x))})"),
            _ => Join(args, a => $"await scope.Extern({CSharp.String(call.Name)}, {ExternParams(call.Name)}{string.Concat(a.Select(x => ", " + x))})", true),
        };
    }

    /// <summary>The extern's parameter names, resolved by the caller through <see cref="ExternParamNames"/>.</summary>
    public Func<string, ImmutableArray<string>>? ExternParamNames { get; init; }

    private string ExternParams(string name)
    {
        var names = ExternParamNames?.Invoke(name) ?? [];
        return "[" + string.Join(", ", names.Select(CSharp.String)) + "]";
    }

    private Code Higher(string op, Code list, Code? init, string[] vars, Expr body)
    {
        var (param, b) = Lambda(vars, body);
        var initText = init is { } i ? i.Text + ", " : "";
        return new Code($"await Flx.{op}({list.Text}, {initText}{param} => {b.Text})", true);
    }

    /// <summary>A lambda over fresh identifiers; an async lambda only when its body awaits (an async lambda without await is a warning).</summary>
    private (string Param, Code Body) Lambda(string[] names, Expr body)
    {
        var saved = names.Select(n => (n, _vars.GetValueOrDefault(n))).ToArray();
        var ids = names.Select(n => $"v_{CSharp.Identifier(n)}_{_fresh++}").ToArray();
        for (var k = 0; k < names.Length; k++)
        {
            _vars[names[k]] = ids[k];
        }

        var code = Compile(body);
        foreach (var (n, old) in saved)
        {
            if (old is null)
            {
                _vars.Remove(n);
            }
            else
            {
                _vars[n] = old;
            }
        }

        var param = ids.Length == 1 ? ids[0] : "(" + string.Join(", ", ids) + ")";
        return code.Async
            ? ("async " + param, code)
            : (param, Code.Sync($"Task.FromResult({code.Text})"));
    }

    private static Code Wrap(Code inner, Func<string, string> f) => new(f(inner.Text), inner.Async);

    private static Code Join(IReadOnlyList<Code> parts, Func<string[], string> f, bool async = false) =>
        new(f([.. parts.Select(p => p.Text)]), async || parts.Any(p => p.Async));
}
