using Fluxo.Ir;

namespace Fluxo.Flimp.Tests;

/// <summary>Each of Flimp's restrictions, and the checks around it, rejects exactly what it should.</summary>
public class RestrictionTests
{
    private static string[] Codes(string program)
    {
        var (module, diagnostics) = Samples.CompileText(program);
        var errors = diagnostics.Items.Where(d => d.Severity == Diagnostics.Severity.Error).Select(d => d.Code).ToArray();
        Assert.Equal(errors.Length == 0, module is not null);
        return errors;
    }

    private static void Ok(string program) => Assert.Empty(Codes(program));

    private const string Tables = "table T(partition p: string, row r: string) { v: int; }\n";

    [Fact]
    public void DirectRecursionIsRejected() =>
        Assert.Equal(["FLX0050"], Codes("service S; fn f(n: int) -> int = f(n); handler h() -> int { return f(1); }"));

    [Fact]
    public void MutualRecursionAcrossThreeFnsIsRejectedOnce() =>
        Assert.Equal(["FLX0050"], Codes("service S; fn a(n: int) -> int = b(n); fn b(n: int) -> int = c(n); fn c(n: int) -> int = a(n); handler h() -> int { return a(1); }"));

    [Fact]
    public void CallingAFnTwiceIsNotRecursion() =>
        Ok("service S; fn sq(n: int) -> int = n * n; fn quad(n: int) -> int = sq(sq(n)); handler h(n: int) -> int { return quad(n); }");

    [Theory]
    [InlineData("while")]
    [InlineData("for")]
    public void LoopsAreRejected(string keyword) =>
        Assert.Equal(["FLX0042"], Codes($"service S; handler h(n: int) -> int {{ {keyword} n > 0 {{ }} return n; }}"));

    [Fact]
    public void ReassignmentIsRejected() =>
        Assert.Equal(["FLX0041"], Codes("service S; handler h(n: int) -> int { let x = n; x = 2; return x; }"));

    [Fact]
    public void ShadowingAParameterIsRejected() =>
        Assert.Equal(["FLX0040"], Codes("service S; handler h(n: int) -> int { let n = 2; return n; }"));

    [Fact]
    public void LambdaParameterMayNotShadow() =>
        Assert.Equal(["FLX0040"], Codes("service S; handler h(x: list<int>) -> list<int> { return map(x, x => x + 1); }"));

    [Fact]
    public void LetsInsideAnIfBlockAreNotVisibleAfterIt() =>
        Assert.Equal(["FLX0020"], Codes("service S; handler h(n: int) -> int { if n > 0 { let y = 1; } return y; }"));

    [Fact]
    public void UndeclaredNamesAreRejected() =>
        Assert.Equal(["FLX0020"], Codes("service S; handler h() -> int { return missing; }"));

    [Fact]
    public void WritesInFnsAreRejected() =>
        Assert.Equal(["FLX0052"], Codes("service S; " + Tables + "fn f(p: string) -> bool { delete T(p, p); return true; } handler h(p: string) -> bool { return f(p); }"));

    [Fact]
    public void ExternsInFnsAreRejected() =>
        Assert.Equal(["FLX0051"], Codes("service S; extern e(x: int) -> int; fn f(x: int) -> int = e(x); handler h(x: int) -> int { return f(x); }"));

    [Fact]
    public void EnqueueTargetMustBeAHandler() =>
        Assert.Equal(["FLX0063"], Codes("service S; extern e(x: int) -> int; handler h(x: int) -> int { enqueue e(x); return x; }"));

    [Fact]
    public void EnqueueArgumentsAreTyped() =>
        Assert.Equal(["FLX0023"], Codes("service S; handler w(x: int) -> int { return x; } handler h(x: string) -> string { enqueue w(x); return x; }"));

    [Fact]
    public void SelfEnqueueIsAnUnboundedLoop() =>
        Assert.Equal(["FLX0055"], Codes("service S; handler h(x: int) -> int { enqueue h(x); return x; }"));

    [Fact]
    public void TableAndFieldNamesAreChecked()
    {
        Assert.Equal(["FLX0060"], Codes("service S; handler h(p: string) -> bool { return get U(p, p) != none; }"));
        Assert.Equal(["FLX0061"], Codes("service S; " + Tables + "handler h(p: string) -> bool { put T(p, p) { v: 1, w: 2 }; return true; }"));
        Assert.Equal(["FLX0062"], Codes("service S; " + Tables + "handler h(p: string) -> bool { put T(p, p) { }; return true; }"));
        Assert.Equal(["FLX0027"], Codes("service S; " + Tables + "handler h(p: string) -> int { let row = get T(p, p); return if row != none then row.w else 0; }"));
    }

    [Fact]
    public void TableKeysAreTyped() =>
        Assert.Equal(["FLX0023"], Codes("service S; " + Tables + "handler h(p: int) -> bool { return get T(p, \"x\") != none; }"));

    [Fact]
    public void NoneChecksNarrowOptionals()
    {
        Ok("service S; " + Tables + "handler h(p: string) -> int { let row = get T(p, p); return if row != none then row.v else 0; }");
        Ok("service S; " + Tables + "handler h(p: string) -> int { let row = get T(p, p); return if row == none || row.v < 0 then 0 else row.v; }");
        Ok("service S; " + Tables + "handler h(p: string) -> int { let row = get T(p, p); if row != none { put T(p, \"copy\") { v: row.v }; } return 1; }");
        Assert.Equal(["FLX0028"], Codes("service S; " + Tables + "handler h(p: string) -> int { let row = get T(p, p); return if row == none then row.v else 0; }"));
    }

    [Fact]
    public void CoalesceUnwrapsOptionals() =>
        Ok("service S; handler h(s: string) -> int { return parseInt(s) ?? 0; }");

    [Fact]
    public void BuiltinTypeVariableIsInferred()
    {
        Ok("service S; handler h(xs: list<string>) -> string { return at(xs, 0) ?? \"\"; }");
        Assert.Equal(["FLX0023"], Codes("service S; handler h(xs: list<string>) -> list<string> { return append(xs, 3); }"));
    }

    [Fact]
    public void FoldInfersItsAccumulatorFromAnEmptyList() =>
        Ok("service S; handler h(xs: list<int>) -> list<string> { return fold(xs, [], (acc, x) => append(acc, str(x))); }");

    [Fact]
    public void RecordLiteralsFitDeclaredRecords()
    {
        Ok("service S; record P { x: int; y: int; } handler h() -> P { return { x: 1, y: 2 }; }");
        Assert.Equal(["FLX0023"], Codes("service S; record P { x: int; y: int; } handler h() -> P { return { x: 1 }; }"));
    }

    [Fact]
    public void IntWidensToFloatButNotBack()
    {
        Ok("service S; handler h(n: int) -> float { return n; }");
        Assert.Equal(["FLX0023"], Codes("service S; handler h(n: float) -> int { return n; }"));
    }

    [Fact]
    public void ExternPropertiesReachTheIr()
    {
        var (module, _) = Samples.CompileText("service S; extern a(x: int) -> int deterministic latency 1.5s; extern b(x: int) -> int sideeffects; handler h(x: int) -> int { return a(x) + b(x); }");
        var a = module!.FindExtern("a")!;
        var b = module.FindExtern("b")!;
        Assert.True(a.Deterministic && a.SideEffectFree);
        Assert.Equal(1500, a.ExpectedLatencyMs);
        Assert.False(b.Deterministic || b.SideEffectFree);
        Assert.Null(b.ExpectedLatencyMs);
    }

    [Fact]
    public void NonDeterminismFlowsThroughFns()
    {
        var (module, _) = Samples.CompileText("service S; fn stamp(s: string) -> string = s + str(now()); fn twice(s: string) -> string = stamp(s) + stamp(s); handler h(s: string) -> string { return twice(s); }");
        var fn = module!.Graphs[0].Nodes.Single(n => n.Kind == NodeKind.Fn);
        Assert.False(fn.Props.Deterministic);
        Assert.False(fn.Props.IsCacheable);
    }

    [Fact]
    public void ConstantsDoNotDependOnInput()
    {
        var (module, _) = Samples.CompileText("service S; extern price(item: string) -> int deterministic; handler h(n: int) -> int { let p = price(\"gold\"); return p * n; }");
        var g = module!.Graphs[0];
        Assert.False(g.Nodes.Single(n => n.Kind == NodeKind.Extern).Props.DependsOnInput);
        Assert.True(g.Nodes.Single(n => n.Label == "result").Props.DependsOnInput);
    }

    [Fact]
    public void ConditionalBlocksGuardTheirNodes()
    {
        var (module, _) = Samples.CompileText("service S; " + Tables + "handler h(p: string, n: int) -> int { if n > 0 { put T(p, p) { v: n }; } else { delete T(p, p); } return n; }");
        var g = module!.Graphs[0];
        var put = g.Nodes.Single(n => n.Kind == NodeKind.TablePut);
        var del = g.Nodes.Single(n => n.Kind == NodeKind.TableDelete);
        Assert.NotNull(put.Guard);
        Assert.IsType<UnaryExpr>(del.Guard);
        Assert.Equal(["T"], put.Props.Writes.ToArray());
        Assert.Equal([new NodeInput(0, "n"), new NodeInput(put.Id), new NodeInput(del.Id)], g.Nodes[^1].Inputs.ToArray());
    }

    [Fact]
    public void TableReadsAreNotDeterministic()
    {
        var (module, _) = Samples.CompileText("service S; " + Tables + "handler h(p: string) -> list<T> { return query T(p); }");
        var q = module!.Graphs[0].Nodes.Single(n => n.Kind == NodeKind.TableQuery);
        Assert.False(q.Props.Deterministic);
        Assert.True(q.Props.SideEffectFree);
        Assert.Equal(["T"], q.Props.Reads.ToArray());
    }

    [Fact]
    public void UnusedLetIsAWarningNotAnError()
    {
        var (module, diagnostics) = Samples.CompileText("service S; handler h(n: int) -> int { let unused = n + 1; return n; }");
        Assert.NotNull(module);
        Assert.Equal("FLX0045", Assert.Single(diagnostics.Items).Code);
    }
}
