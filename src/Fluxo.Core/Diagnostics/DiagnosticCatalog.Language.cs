namespace Fluxo.Diagnostics;

// Flimp language additions (for each, builtin limits, lambda lets, internal handlers, HTTP results, fresh
// externs, syntax hints): FLX0100-0199. Documented in docs/diagnostics.md.
public static partial class Diag
{
    /// <summary>How many times a <c>for each</c> may run its body: it is unrolled into that many guarded copies.</summary>
    public const int MaxForEach = 100;

    public static Diagnostic FlimpEffectInLambda(SourceSpan at, string ext) =>
        Error("FLX0100", at, $"'{ext}' has side effects and cannot be called inside map, filter or fold, where it would run once per item unseen; call it from a 'for each' statement");

    public static Diagnostic FlimpForEachUnbounded(SourceSpan at) =>
        Error("FLX0101", at, "the checker cannot bound the length of this list; declare its maximum: for each x in list max N { ... }");

    public static Diagnostic FlimpForEachBound(SourceSpan at, long max) =>
        Error("FLX0102", at, $"a 'for each' runs its body at most {MaxForEach} times; its bound here is {max}");

    public static Diagnostic FlimpForEachNested(SourceSpan at) =>
        Error("FLX0103", at, "a 'for each' cannot hold another 'for each'; enqueue a handler that runs the inner one");

    public static Diagnostic FlimpBuiltinLimit(SourceSpan at, string builtin, long value, string limit) =>
        Error("FLX0104", at, $"'{builtin}' is given {value}, beyond its limit ({limit})");

    public static Diagnostic FlimpEqualsComparison(SourceSpan at) =>
        Error("FLX0105", at, "'=' only binds a name in a let; to compare two values write '==' (or '!=')");

    public static Diagnostic FlimpReservedWord(SourceSpan at, string word) =>
        Error("FLX0106", at, $"'{word}' is a reserved word of Flimp and cannot be used as a name; choose another name (e.g. '{word}_' or '{word}s')");

    public static Diagnostic FlimpFreshWithSideEffects(SourceSpan at, string ext) =>
        Error("FLX0107", at, $"extern '{ext}' has side effects, so its results cannot be reused; drop 'fresh' or 'sideeffects'");

    public static Diagnostic FlimpFreshZero(SourceSpan at, string ext) =>
        Error("FLX0108", at, $"extern '{ext}' is 'fresh' for no time at all; give a positive duration such as 'fresh 60s'");

    public static Diagnostic FlimpHttpResultShape(SourceSpan at, string type) =>
        Error("FLX0109", at, $"'{type}' is a builtin record type (an HTTP result) and cannot be declared again");

    public static Diagnostic RunInternalHandler(string handler) =>
        Error("FLX0120", SourceSpan.None("<command line>"), $"handler '{handler}' is internal: only 'enqueue' runs it; pass --allow-internal to run it by hand");

    public static Diagnostic TablesInvalid(string path, string where, string reason) =>
        Error("FLX0121", new SourceSpan(path, 1, 1, 1, 1, where), $"tables file is not valid: {reason}");
}
