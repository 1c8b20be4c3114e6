using System.Collections.Immutable;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.TestSupport;
using Fluxo.Values;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// The IR of the samples: weather and the tour from the front end's baselines, and a small stateful counter
/// service built by hand following the IR conventions.
/// </summary>
public static class Samples
{
    private static readonly SourceSpan Span = SourceSpan.None("sample.flimp");

    private static NodeProps Props(bool det = true, bool sef = true, bool dep = true, string[]? reads = null, string[]? writes = null) =>
        new(det, sef, dep, [.. reads ?? []], [.. writes ?? []]);

    private static Node N(int id, NodeKind kind, string label, string? target, NodeInput[] inputs, Expr? expr, string type, NodeProps props) =>
        new(id, kind, label, target, [.. inputs], expr, null, type, props, Span);

    private static Expr In(int i) => new InputExpr(i);

    private static Expr Lit(Value v) => new LitExpr(v);

    private static Expr Bin(string op, Expr a, Expr b) => new BinaryExpr(op, a, b);

    private static Expr Call(CallKind kind, string name, params Expr[] args) => new CallExpr(kind, name, [.. args]);

    private static Param P(string name, string type) => new(name, type);

    private static Graph G(string name, Param[] ps, string ret, params Node[] nodes) =>
        IrJson.WithHash(new Graph(name, [.. ps], ret, [.. nodes], 0, nodes.Length - 1, "", Span));

    private static Node Source() => N(0, NodeKind.Source, "request", null, [], null, "record", Props());

    /// <summary>The weather sample as the Flimp front end lowers it (samples/weather/weather.ir.json, kept current by the front end's tests).</summary>
    public static IrModule Weather() => FromSamples("weather/weather.ir.json");

    /// <summary>The language tour: every construct the front end lowers.</summary>
    public static IrModule Tour() => FromSamples("tour/tour.ir.json");

    /// <summary>
    /// A small news service for the parts run ahead of requests: <c>inbox</c> reads a headline that never depends on the
    /// request (pre-computable) and the user's posts, rendered (speculable after <c>login</c>); <c>post</c> writes them;
    /// <c>digest</c> renders them too but writes a table, so it runs in the worker tier (speculable after <c>post</c>).
    /// </summary>
    public static IrModule News()
    {
        const string source = """
            service News;

            extern headline(section: string) -> string deterministic latency 40ms;
            extern render(text: string) -> string deterministic latency 20ms;

            table Posts(partition user: string, row id: string) { text: string; }

            handler login(user: string) -> string {
              return "welcome " + user;
            }

            handler post(user: string, id: string, text: string) -> bool {
              put Posts(user, id) { text: text };
              return true;
            }

            handler inbox(user: string) -> string {
              let top = headline("front");
              let posts = query Posts(user);
              let shown = render(join(map(posts, p => p.text), ", "));
              return top + " | " + shown;
            }

            handler card(user: string) -> string {
              return render("card of " + user);
            }

            table Seen(partition user: string, row kind: string) { n: int; }

            handler digest(user: string) -> string {
              let posts = query Posts(user);
              let shown = render(join(map(posts, p => p.text), "; "));
              put Seen(user, "digest") { n: count(posts) };
              return shown;
            }
            """;
        var diags = new DiagnosticBag();
        var module = global::Fluxo.Flimp.FlimpCompiler.Compile("news.flimp", source, diags);
        Assert.False(diags.HasErrors, string.Join("\n", diags.Items.Select(d => d.Format())));
        return module!;
    }

    private static IrModule FromSamples(string path) => IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, path)));

    /// <summary>
    /// <c>hit(name)</c> reads a counter, writes it back plus one and enqueues <c>record(name, n)</c>, which writes a log row;
    /// <c>peek(name)</c> only reads. So hit and record run in the worker tier, peek in the front end.
    /// </summary>
    public static IrModule Counter()
    {
        var counts = new TableDecl("Counts", P("name", "string"), P("slot", "string"), [P("count", "int")], Span);
        var log = new TableDecl("Log", P("name", "string"), P("seq", "string"), [P("n", "int")], Span);
        var readCount = new TableGetExpr("Counts", In(0), Lit(Value.String("c")));
        var hit = G("hit", [P("name", "string")], "int",
            Source(),
            N(1, NodeKind.TableGet, "get Counts", "Counts", [new(0, "name")], readCount, "Counts?", Props(det: false, reads: ["Counts"])),
            N(2, NodeKind.If, "n", null, [new(1)],
                new IfExpr(Bin("==", In(0), Lit(Value.Null)), Lit(Value.Int(1)), Bin("+", new FieldExpr(In(0), "count"), Lit(Value.Int(1)))), "int", Props(det: false)),
            N(3, NodeKind.TablePut, "put Counts", "Counts", [new(0, "name"), new(2)],
                new TablePutExpr("Counts", In(0), Lit(Value.String("c")), [new FieldInit("count", In(1))]), "unit", Props(det: false, sef: false, writes: ["Counts"])),
            N(4, NodeKind.Enqueue, "enqueue record", "record", [new(0, "name"), new(2)],
                new EnqueueExpr("record", [new FieldInit("name", In(0)), new FieldInit("n", In(1))]), "unit", Props(det: false, sef: false)),
            N(5, NodeKind.Sink, "return", null, [new(2), new(3), new(4)], In(0), "int", Props(det: false, sef: false)));
        var record = G("record", [P("name", "string"), P("n", "int")], "bool",
            Source(),
            N(1, NodeKind.Builtin, "str(n)", "str", [new(0, "n")], Call(CallKind.Builtin, "str", In(0)), "string", Props()),
            N(2, NodeKind.Compute, "true", null, [], Lit(Value.True), "bool", Props(dep: false)),
            N(3, NodeKind.TablePut, "put Log", "Log", [new(0, "name"), new(1), new(0, "n")],
                new TablePutExpr("Log", In(0), In(1), [new FieldInit("n", In(2))]), "unit", Props(det: false, sef: false, writes: ["Log"])),
            N(4, NodeKind.Sink, "return", null, [new(2), new(3)], In(0), "bool", Props(det: false, sef: false)));
        var peek = G("peek", [P("name", "string")], "int",
            Source(),
            N(1, NodeKind.TableGet, "get Counts", "Counts", [new(0, "name")], readCount, "Counts?", Props(det: false, reads: ["Counts"])),
            N(2, NodeKind.If, "count", null, [new(1)],
                new IfExpr(Bin("==", In(0), Lit(Value.Null)), Lit(Value.Int(0)), new FieldExpr(In(0), "count")), "int", Props(det: false)),
            N(3, NodeKind.Sink, "return", null, [new(2)], In(0), "int", Props(det: false)));
        return new IrModule("Counter", "samples/counter/counter.flimp", [], [], [], [counts, log], [hit, record, peek]);
    }
}
