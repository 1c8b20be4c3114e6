using System.Collections.Immutable;

namespace Fluxo.Ir;

/// <summary>
/// Structural checks for IR read from JSON, where any field may be missing: every collection present,
/// ids equal to positions, inputs pointing backwards, Source first and Sink last, input indexes in range.
/// Returns (JSON-like path, problem) pairs; an empty list means later stages can rely on the shape.
/// </summary>
public static class IrValidator
{
    public static IReadOnlyList<(string Path, string Problem)> Validate(IrModule module)
    {
        var problems = new List<(string, string)>();
        void Fail(string path, string problem) => problems.Add((path, problem));

        if (string.IsNullOrEmpty(module.Service))
        {
            Fail("$.service", "missing");
        }

        // Generated files name their source in comments and the README; a missing one crashed compile.
        if (module.SourceFile is null)
        {
            Fail("$.sourceFile", "missing");
        }

        foreach (var (name, array) in new (string, bool)[]
        {
            ("records", module.Records.IsDefault), ("externs", module.Externs.IsDefault), ("functions", module.Functions.IsDefault),
            ("tables", module.Tables.IsDefault), ("graphs", module.Graphs.IsDefault),
        })
        {
            if (array)
            {
                Fail($"$.{name}", "missing");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        for (var i = 0; i < module.Records.Length; i++)
        {
            if (module.Records[i] is not { Name: not null, Fields.IsDefault: false } r || r.Fields.Any(p => p?.Name is null || p.Type is null))
            {
                Fail($"$.records[{i}]", "a record needs a name and fields");
            }
        }

        for (var i = 0; i < module.Externs.Length; i++)
        {
            if (module.Externs[i] is not { Name: not null, ReturnType: not null, Params.IsDefault: false } e || e.Params.Any(p => p?.Name is null || p.Type is null))
            {
                Fail($"$.externs[{i}]", "an extern needs a name, params and a return type");
            }
        }

        for (var i = 0; i < module.Tables.Length; i++)
        {
            if (module.Tables[i] is not { Name: not null, PartitionKey: { Name: not null, Type: not null }, RowKey: { Name: not null, Type: not null }, Fields.IsDefault: false } t || t.Fields.Any(p => p?.Name is null || p.Type is null))
            {
                Fail($"$.tables[{i}]", "a table needs a name, both keys (each with name and type) and fields");
            }
        }

        // A call must name something declared: the back end emits it as a member access, so an unknown name passed
        // every check and then broke the generated build.
        var fns = module.Functions.Where(x => x?.Name is not null).Select(x => x!.Name).ToHashSet(StringComparer.Ordinal);
        var externs = module.Externs.Where(x => x?.Name is not null).Select(x => x!.Name).ToHashSet(StringComparer.Ordinal);
        bool Declared(CallExpr c) => c.Kind switch
        {
            CallKind.Fn => fns.Contains(c.Name),
            CallKind.Extern => externs.Contains(c.Name),
            CallKind.Builtin => Builtins.BuiltinCatalog.Find(c.Name) is not null,
            _ => false,
        };

        for (var f = 0; f < module.Functions.Length; f++)
        {
            var fn = module.Functions[f];
            if (fn is null || fn.Name is null || fn.ReturnType is null || fn.Params.IsDefault || fn.Params.Any(p => p?.Name is null || p.Type is null) || fn.Body is null)
            {
                Fail($"$.functions[{f}]", "a fn needs name, params (each with name and type), return type and body");
            }
            else
            {
                CheckExpr(fn.Body, $"$.functions[{f}].body", int.MaxValue, Declared, Fail);
            }
        }

        for (var g = 0; g < module.Graphs.Length; g++)
        {
            CheckGraph(module.Graphs[g], $"$.graphs[{g}]", Declared, Fail);
        }

        if (problems.Count == 0)
        {
            CheckText(module, Fail);
        }

        return problems;
    }

    /// <summary>
    /// Names and labels end up in generated source, file names, diagnostics and logs, where a line break or other
    /// control character could forge a line; Flimp never produces one, so IR that has one was written by hand.
    /// </summary>
    private static void CheckText(IrModule module, Action<string, string> fail)
    {
        void Text(string? s, string path)
        {
            if (s is not null && HasControl(s))
            {
                fail(path, "contains a control character or line break");
            }
        }

        void Params(IEnumerable<Param?> ps, string path)
        {
            var k = 0;
            foreach (var p in ps)
            {
                Text(p?.Name, $"{path}[{k}].name");
                Text(p?.Type, $"{path}[{k++}].type");
            }
        }

        Text(module.Service, "$.service");
        for (var i = 0; i < module.Records.Length; i++)
        {
            Text(module.Records[i].Name, $"$.records[{i}].name");
            Params(module.Records[i].Fields, $"$.records[{i}].fields");
        }

        for (var i = 0; i < module.Externs.Length; i++)
        {
            Text(module.Externs[i].Name, $"$.externs[{i}].name");
            Text(module.Externs[i].ReturnType, $"$.externs[{i}].returnType");
            Params(module.Externs[i].Params, $"$.externs[{i}].params");
        }

        for (var i = 0; i < module.Tables.Length; i++)
        {
            Text(module.Tables[i].Name, $"$.tables[{i}].name");
            Params([module.Tables[i].PartitionKey, module.Tables[i].RowKey, .. module.Tables[i].Fields], $"$.tables[{i}].fields");
        }

        for (var i = 0; i < module.Functions.Length; i++)
        {
            Text(module.Functions[i].Name, $"$.functions[{i}].name");
            Text(module.Functions[i].ReturnType, $"$.functions[{i}].returnType");
            Params(module.Functions[i].Params, $"$.functions[{i}].params");
        }

        for (var g = 0; g < module.Graphs.Length; g++)
        {
            var graph = module.Graphs[g];
            Text(graph.Name, $"$.graphs[{g}].name");
            Text(graph.ReturnType, $"$.graphs[{g}].returnType");
            Params(graph.Params, $"$.graphs[{g}].params");
            for (var i = 0; i < graph.Nodes.Length; i++)
            {
                Text(graph.Nodes[i].Label, $"$.graphs[{g}].nodes[{i}].label");
                Text(graph.Nodes[i].Target, $"$.graphs[{g}].nodes[{i}].target");
            }
        }
    }

    /// <summary>Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.</summary>
    public static bool HasControl(string s) => s.Any(ch => char.IsControl(ch) || ch is '\u2028' or '\u2029');

    private static void CheckGraph(Graph? graph, string path, Func<CallExpr, bool> declared, Action<string, string> fail)
    {
        if (graph is null || graph.Name is null || graph.ReturnType is null || graph.Hash is null || graph.Nodes.IsDefaultOrEmpty || graph.Params.IsDefault || graph.Params.Any(p => p?.Name is null || p.Type is null))
        {
            fail(path, "a graph needs name, params (each with name and type), return type, hash and nodes");
            return;
        }

        if (graph.SourceId != 0 || graph.SinkId != graph.Nodes.Length - 1)
        {
            fail(path, "sourceId must be 0 and sinkId the last node");
        }

        for (var i = 0; i < graph.Nodes.Length; i++)
        {
            var n = graph.Nodes[i];
            var at = $"{path}.nodes[{i}]";
            if (n is null || n.Inputs.IsDefault || n.Props is null || n.Props.Reads.IsDefault || n.Props.Writes.IsDefault || n.Span is null || n.Type is null || n.Label is null)
            {
                fail(at, "a node needs label, inputs, type, props (with reads and writes) and span");
                continue;
            }

            if (n.Id != i)
            {
                fail(at, $"id {n.Id} differs from its position {i}");
            }

            if ((i == 0) != (n.Kind == NodeKind.Source) || (i == graph.Nodes.Length - 1) != (n.Kind == NodeKind.Sink))
            {
                fail(at, "the Source must be the first node and the Sink the last, once each");
            }

            for (var k = 0; k < n.Inputs.Length; k++)
            {
                if (n.Inputs[k] is null || n.Inputs[k].From < 0 || n.Inputs[k].From >= i)
                {
                    fail($"{at}.inputs[{k}]", "an input must come from an earlier node");
                }
            }

            if (n.Expr is not null)
            {
                CheckExpr(n.Expr, $"{at}.expr", n.Inputs.Length, declared, fail);
            }

            if (n.Guard is not null)
            {
                CheckExpr(n.Guard, $"{at}.guard", n.Inputs.Length, declared, fail);
            }
        }
    }

    private static void CheckExpr(Expr? e, string path, int inputs, Func<CallExpr, bool> declared, Action<string, string> fail)
    {
        var stack = new Stack<(Expr? Expr, string Path)>();
        stack.Push((e, path));
        while (stack.Count > 0)
        {
            var (x, at) = stack.Pop();
            if (x is null)
            {
                fail(at, "missing expression");
                continue;
            }

            if (x is InputExpr input && (input.Index < 0 || input.Index >= inputs))
            {
                fail(at, $"input {input.Index} does not exist");
            }

            if (x is CallExpr { Name: not null } call && !declared(call))
            {
                fail(at, $"calls {call.Kind.ToString().ToLowerInvariant()} '{call.Name}', which is not declared");
            }

            if (Children(x) is not { } children)
            {
                fail(at, "incomplete expression");
                continue;
            }

            foreach (var (child, name) in children)
            {
                stack.Push((child, $"{at}.{name}"));
            }
        }
    }

    private static List<(Expr?, string)>? Children(Expr e)
    {
        static List<(Expr?, string)>? Fields(ImmutableArray<FieldInit> fs, string name) =>
            fs.IsDefault || fs.Any(f => f is null || f.Name is null) ? null : [.. fs.Select((f, i) => ((Expr?)f.Value, $"{name}[{i}]"))];
        static List<(Expr?, string)>? Items(ImmutableArray<Expr> xs, string name) =>
            xs.IsDefault ? null : [.. xs.Select((x, i) => ((Expr?)x, $"{name}[{i}]"))];

        return e switch
        {
            LitExpr l => l.Value is null ? null : [],
            InputExpr => [],
            VarExpr v => v.Name is null ? null : [],
            UnaryExpr u => u.Operator is null ? null : [(u.Operand, "operand")],
            BinaryExpr b => b.Operator is null ? null : [(b.Left, "left"), (b.Right, "right")],
            IfExpr i => [(i.Condition, "condition"), (i.Then, "then"), (i.Else, "else")],
            LetExpr l => l.Name is null ? null : [(l.Value, "value"), (l.Body, "body")],
            CallExpr c => c.Name is null ? null : Items(c.Args, "args"),
            RecordExpr r => Fields(r.Fields, "fields"),
            FieldExpr f => f.Field is null ? null : [(f.Target, "target")],
            ListExpr l => Items(l.Items, "items"),
            MapExpr m => m.Var is null ? null : [(m.List, "list"), (m.Body, "body")],
            FilterExpr f => f.Var is null ? null : [(f.List, "list"), (f.Body, "body")],
            FoldExpr f => f.Var is null || f.Acc is null ? null : [(f.List, "list"), (f.Init, "init"), (f.Body, "body")],
            TableGetExpr g => g.Table is null ? null : [(g.PartitionKey, "partitionKey"), (g.RowKey, "rowKey")],
            TableQueryExpr q => q.Table is null ? null : q.RowKeyPrefix is null ? [(q.PartitionKey, "partitionKey")] : [(q.PartitionKey, "partitionKey"), (q.RowKeyPrefix, "rowKeyPrefix")],
            TablePutExpr p => p.Table is null || Fields(p.Fields, "fields") is not { } pf ? null : [(p.PartitionKey, "partitionKey"), (p.RowKey, "rowKey"), .. pf],
            TableDeleteExpr d => d.Table is null ? null : [(d.PartitionKey, "partitionKey"), (d.RowKey, "rowKey")],
            EnqueueExpr q => q.Handler is null ? null : Fields(q.Args, "args"),
            _ => [],
        };
    }
}
