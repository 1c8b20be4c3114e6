using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Runtime.Tests;

/// <summary>A small stateful service built by hand: messages in a table, a queued notification that counts them.</summary>
internal static class MailIr
{
    private static readonly SourceSpan Span = SourceSpan.None("mail.flimp");

    public static IrModule Module()
    {
        var messages = new TableDecl("Messages", new Param("owner", "string"), new Param("id", "string"), [new Param("text", "string")], Span);
        var counters = new TableDecl("Counters", new Param("owner", "string"), new Param("name", "string"), [new Param("count", "int")], Span);
        return new IrModule("Mail", "mail.flimp", [], [], [], [messages, counters], [Send(), Inbox(), Notify(), Count()]);
    }

    private static NodeProps Props(bool det = true, bool sef = true, string[]? reads = null, string[]? writes = null) =>
        new(det, sef, true, [.. reads ?? []], [.. writes ?? []]);

    private static Node N(int id, NodeKind kind, ImmutableArray<NodeInput> inputs, Expr expr, NodeProps props, string type = "unit") =>
        new(id, kind, kind.ToString(), null, inputs, expr, null, type, props, Span);

    private static Node Source(params string[] ps) => new(0, NodeKind.Source, "request", null, [], null, null, "record", Props(), Span);

    private static Graph G(string name, string[] ps, string ret, params Node[] nodes) =>
        IrJson.WithHash(new Graph(name, [.. ps.Select(p => new Param(p, "string"))], ret, [.. nodes], 0, nodes.Length - 1, "", Span));

    private static Graph Send() => G("send", ["owner", "id", "text"], "bool",
        Source(),
        N(1, NodeKind.TablePut, [new(0, "owner"), new(0, "id"), new(0, "text")],
            new TablePutExpr("Messages", new InputExpr(0), new InputExpr(1), [new FieldInit("text", new InputExpr(2))]), Props(false, false, writes: ["Messages"])),
        N(2, NodeKind.Enqueue, [new(0, "owner")], new EnqueueExpr("notify", [new FieldInit("owner", new InputExpr(0))]), Props(false, false)),
        N(3, NodeKind.Compute, [], new LitExpr(Value.True), Props(), "bool"),
        N(4, NodeKind.Sink, [new(3), new(1), new(2)], new InputExpr(0), Props(), "bool"));

    private static Graph Inbox() => G("inbox", ["owner"], "list<string>",
        Source(),
        N(1, NodeKind.TableQuery, [new(0, "owner")], new TableQueryExpr("Messages", new InputExpr(0), null), Props(false, true, reads: ["Messages"]), "list<Messages>"),
        N(2, NodeKind.Compute, [new(1)], new MapExpr(new InputExpr(0), "m", new FieldExpr(new VarExpr("m"), "text")), Props(), "list<string>"),
        N(3, NodeKind.Sink, [new(2)], new InputExpr(0), Props(), "list<string>"));

    private static Graph Notify() => G("notify", ["owner"], "unit",
        Source(),
        N(1, NodeKind.TableGet, [new(0, "owner")], new TableGetExpr("Counters", new InputExpr(0), new LitExpr(Value.String("n"))), Props(false, true, reads: ["Counters"]), "Counters?"),
        N(2, NodeKind.TablePut, [new(0, "owner"), new(1)],
            new TablePutExpr("Counters", new InputExpr(0), new LitExpr(Value.String("n")),
                [new FieldInit("count", new IfExpr(new BinaryExpr("==", new InputExpr(1), new LitExpr(Value.Null)),
                    new LitExpr(Value.Int(1)),
                    new BinaryExpr("+", new FieldExpr(new InputExpr(1), "count"), new LitExpr(Value.Int(1)))))]),
            Props(false, false, writes: ["Counters"])),
        N(3, NodeKind.Sink, [new(2)], new InputExpr(0), Props()));

    private static Graph Count() => G("count", ["owner"], "int",
        Source(),
        N(1, NodeKind.TableGet, [new(0, "owner")], new TableGetExpr("Counters", new InputExpr(0), new LitExpr(Value.String("n"))), Props(false, true, reads: ["Counters"]), "Counters?"),
        N(2, NodeKind.Compute, [new(1)], new FieldExpr(new InputExpr(0), "count"), Props(), "int"),
        N(3, NodeKind.Sink, [new(2)], new InputExpr(0), Props(), "int"));
}
