using Fluxo.Ir;

namespace Fluxo.Flimp.Lowering;

/// <summary>
/// During lowering only: the output of node <see cref="Node"/> (or one field of it). When the consuming
/// node is built, each distinct reference becomes one of its inputs and is replaced by an <see cref="InputExpr"/>.
/// </summary>
internal sealed record NodeRefExpr(int Node, string? Field) : Expr;
