namespace Fluxo.Flimp.Semantics;

/// <summary>Which values fit where: the subtyping, joins and builtin signatures of Flimp.</summary>
internal static class TypeRules
{
    /// <summary>Whether a value of type <paramref name="from"/> may be used where <paramref name="to"/> is expected.</summary>
    public static bool Fits(FlimpType from, FlimpType to)
    {
        if (from.IsError || to.IsError || to == FlimpType.Any || from == FlimpType.Nothing || from == to)
        {
            return true;
        }

        return (from, to) switch
        {
            (_, _) when from == FlimpType.None => to is OptionalType || to == FlimpType.Unit,
            (_, _) when from == FlimpType.Int && to == FlimpType.Float => true,
            (OptionalType f, OptionalType t) => Fits(f.Inner, t.Inner),
            (_, OptionalType t) => Fits(from, t.Inner),
            (ListType f, ListType t) => Fits(f.Element, t.Element),
            (RecordType f, RecordType t) => RecordFits(f, t),
            _ => false,
        };
    }

    // An inline record fits a declared one with the same fields; two declared records fit only by name.
    private static bool RecordFits(RecordType from, RecordType to)
    {
        if (from.Name is not null && to.Name is not null)
        {
            return from.Name == to.Name;
        }

        return from.Fields.Length == to.Fields.Length
            && from.Fields.All(f => to.FieldType(f.Name) is { } t && Fits(f.Type, t));
    }

    /// <summary>The type of <c>if c then a else b</c>, or null when the branches do not agree.</summary>
    public static FlimpType? Join(FlimpType a, FlimpType b)
    {
        if (a.IsError || b.IsError)
        {
            return FlimpType.Error;
        }

        if (a == FlimpType.None && b != FlimpType.None)
        {
            return MakeOptional(b);
        }

        if (b == FlimpType.None && a != FlimpType.None)
        {
            return MakeOptional(a);
        }

        if (Fits(a, b) && (a != FlimpType.Nothing || b != FlimpType.Nothing))
        {
            return Prefer(b, a);
        }

        return Fits(b, a) ? a : null;
    }

    // When each fits the other (inline vs declared record), the declared one names the result.
    private static FlimpType Prefer(FlimpType wider, FlimpType other) =>
        wider is RecordType { Name: null } && other is RecordType { Name: not null } ? other : wider;

    public static FlimpType MakeOptional(FlimpType t) => t is OptionalType || t == FlimpType.None || t.IsError || t == FlimpType.Any ? t : new OptionalType(t);

    /// <summary>Whether values of these types can ever be equal (so <c>==</c> between them makes sense).</summary>
    public static bool Comparable(FlimpType a, FlimpType b) =>
        Fits(a, b) || Fits(b, a) || (a.IsNumeric && b.IsNumeric);

    public static bool ContainsNothing(FlimpType t) => t switch
    {
        ListType l => l.Element == FlimpType.Nothing || ContainsNothing(l.Element),
        OptionalType o => ContainsNothing(o.Inner),
        _ => t == FlimpType.Nothing,
    };
}
