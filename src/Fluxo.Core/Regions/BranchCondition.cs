using System.Collections.Immutable;

namespace Fluxo.Regions;

/// <summary>
/// One branch decision of a request: the boolean expression <see cref="Test"/> (in <see cref="DemandConditions"/>'
/// canonical text, which names values by the node and field they come from, so an If's condition and a guard over the
/// same value are the same test) evaluates to <see cref="Holds"/>.
/// </summary>
public readonly record struct BranchLiteral(string Test, bool Holds) : IComparable<BranchLiteral>
{
    public BranchLiteral Negated => this with { Holds = !Holds };

    public int CompareTo(BranchLiteral other)
    {
        var c = string.CompareOrdinal(Test, other.Test);
        return c != 0 ? c : Holds.CompareTo(other.Holds);
    }

    public override string ToString() => (Holds ? "" : "!") + Test;
}

/// <summary>
/// A condition on a request's branch decisions in disjunctive normal form: it holds when every literal of one of its
/// terms holds. <see cref="Always"/> is one empty term, <see cref="Never"/> no term. A condition grown past
/// <see cref="MaxTerms"/> terms is <see cref="IsUnknown"/>: nothing is proved from it or about it, so every use stays safe.
/// </summary>
public sealed class BranchCondition
{
    /// <summary>Beyond this many terms a condition is given up as unknown: the analysis stays linear in practice.</summary>
    public const int MaxTerms = 64;

    public static readonly BranchCondition Always = new([ImmutableArray<BranchLiteral>.Empty], false);
    public static readonly BranchCondition Never = new([], false);
    public static readonly BranchCondition Unknown = new([], true);

    private BranchCondition(ImmutableArray<ImmutableArray<BranchLiteral>> terms, bool unknown)
    {
        Terms = terms;
        IsUnknown = unknown;
    }

    /// <summary>Each term's literals, ascending; no term holds another's literals and more (absorbed).</summary>
    public ImmutableArray<ImmutableArray<BranchLiteral>> Terms { get; }

    public bool IsUnknown { get; }

    public bool IsAlways => !IsUnknown && Terms.Any(t => t.IsEmpty);

    public bool IsNever => !IsUnknown && Terms.IsEmpty;

    public static BranchCondition When(BranchLiteral literal) => new([[literal]], false);

    public BranchCondition Or(BranchCondition other) =>
        IsUnknown || other.IsUnknown ? Unknown : Normalize(Terms.Concat(other.Terms));

    public BranchCondition And(BranchCondition other)
    {
        if (IsNever || other.IsNever)
        {
            return Never;
        }

        if (IsUnknown || other.IsUnknown)
        {
            return Unknown;
        }

        if ((long)Terms.Length * other.Terms.Length > MaxTerms * MaxTerms)
        {
            return Unknown;
        }

        return Normalize(Terms.SelectMany(a => other.Terms.Select(b => a.Union(b).Order().ToImmutableArray())));
    }

    /// <summary>
    /// True when this condition surely implies <paramref name="other"/>: each of its terms contains a whole term of
    /// the other. Sound, not complete: false also when it cannot tell (an unknown side, tests it cannot relate).
    /// </summary>
    public bool Implies(BranchCondition other)
    {
        if (other.IsAlways || IsNever)
        {
            return true;
        }

        return !IsUnknown && !other.IsUnknown && Terms.All(t => other.Terms.Any(s => s.All(t.Contains)));
    }

    public override string ToString() =>
        IsUnknown ? "unknown" : IsNever ? "never" : string.Join(" || ", Terms.Select(t => t.IsEmpty ? "always" : string.Join(" && ", t)));

    private static BranchCondition Normalize(IEnumerable<ImmutableArray<BranchLiteral>> terms)
    {
        // A term that needs a test both to hold and to fail never holds; a term holding another's literals adds nothing.
        var kept = terms.Where(t => !t.Any(l => t.Contains(l.Negated))).Distinct(TermComparer.Instance).OrderBy(t => t.Length).ToList();
        var result = new List<ImmutableArray<BranchLiteral>>();
        foreach (var t in kept)
        {
            if (!result.Any(r => r.All(t.Contains)))
            {
                result.Add(t);
            }
        }

        return result.Count > MaxTerms ? Unknown : new([.. result], false);
    }

    private sealed class TermComparer : IEqualityComparer<ImmutableArray<BranchLiteral>>
    {
        public static readonly TermComparer Instance = new();

        public bool Equals(ImmutableArray<BranchLiteral> x, ImmutableArray<BranchLiteral> y) => x.SequenceEqual(y);

        public int GetHashCode(ImmutableArray<BranchLiteral> obj)
        {
            var h = new HashCode();
            foreach (var l in obj)
            {
                h.Add(l);
            }

            return h.ToHashCode();
        }
    }
}
