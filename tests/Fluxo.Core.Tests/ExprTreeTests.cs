using Fluxo.Ir;
using Fluxo.Values;

namespace Fluxo.Core.Tests;

/// <summary>The shared walker and rewriter: every child of every kind is visited, parents first, and a rewrite rebuilds only what changed.</summary>
public sealed class ExprTreeTests
{
    private static readonly Expr Tree = new IfExpr(
        new BinaryExpr("&&", new InputExpr(0), new UnaryExpr("!", new InputExpr(1))),
        new FoldExpr(new ListExpr([new InputExpr(2)]), new LitExpr(Value.Int(0)), "acc", "x", new VarExpr("x")),
        new TableQueryExpr("t", new FieldExpr(new InputExpr(3), "k"), null));

    [Fact]
    public void Walk_visits_every_expression_parents_first_in_evaluation_order()
    {
        var inputs = ExprTree.Walk(Tree).OfType<InputExpr>().Select(i => i.Index);
        Assert.Equal([0, 1, 2, 3], inputs);
        Assert.Equal(13, ExprTree.Walk(Tree).Count());
        Assert.IsType<IfExpr>(ExprTree.Walk(Tree).First());
        Assert.Empty(ExprTree.Walk(null));
    }

    [Fact]
    public void Rewrite_replaces_leaves_and_keeps_the_shape()
    {
        var shifted = ExprTree.Rewrite(Tree, e => e is InputExpr i ? new InputExpr(i.Index + 10) : null);
        Assert.Equal([10, 11, 12, 13], ExprTree.Walk(shifted).OfType<InputExpr>().Select(i => i.Index));
        Assert.Equal(ExprTree.Walk(Tree).Select(e => e.GetType()), ExprTree.Walk(shifted).Select(e => e.GetType()));
        Assert.Equal(Tree.ToString(), ExprTree.Rewrite(Tree, _ => null).ToString());
    }

    [Fact]
    public void Strictness_counts_an_input_both_branches_read_and_nothing_under_a_lambda_or_short_circuit()
    {
        var both = new IfExpr(new InputExpr(0), new InputExpr(1), new BinaryExpr("+", new InputExpr(1), new InputExpr(2)));
        Assert.Equal([0, 1], Strictness.Of(both).Order());
        Assert.Equal([0], Strictness.Of(Tree).Order());
    }
}
