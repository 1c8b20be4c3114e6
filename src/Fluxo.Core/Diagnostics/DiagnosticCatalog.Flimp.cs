namespace Fluxo.Diagnostics;

// Flimp front end: FLX0001-0999. Documented in docs/diagnostics.md.
public static partial class Diag
{
    // Syntax and input
    public static Diagnostic FlimpSyntax(SourceSpan at, string found, string detail) =>
        Error("FLX0001", at, $"syntax error at {found}: {detail}");

    public static Diagnostic FlimpBadCharacter(SourceSpan at, string detail) =>
        Error("FLX0002", at, $"unexpected character: {detail}");

    public static Diagnostic FlimpIntegerTooLarge(SourceSpan at, string text) =>
        Error("FLX0003", at, $"integer literal {text} does not fit in 64 bits");

    public static Diagnostic FlimpInputTooLarge(SourceSpan at, string reason) =>
        Error("FLX0004", at, $"input rejected: {reason}");

    public static Diagnostic FlimpTooDeep(SourceSpan at, int max) =>
        Error("FLX0005", at, $"expression nested more than {max} levels deep; split it with lets");

    // Declarations
    public static Diagnostic FlimpDuplicateDeclaration(SourceSpan at, string kind, string name, int previousLine) =>
        Error("FLX0010", at, $"{kind} '{name}' is already declared (line {previousLine})");

    public static Diagnostic FlimpUnknownType(SourceSpan at, string name) =>
        Error("FLX0011", at, $"unknown type '{name}'; use string, int, float, bool, unit, any, list<T>, T?, or a declared record or table");

    public static Diagnostic FlimpDuplicateField(SourceSpan at, string name) =>
        Error("FLX0012", at, $"'{name}' appears twice");

    public static Diagnostic FlimpDuplicateExternProperty(SourceSpan at, string property) =>
        Error("FLX0014", at, $"extern property '{property}' is given twice");

    public static Diagnostic FlimpReservedName(SourceSpan at, string name, string what) =>
        Error("FLX0015", at, $"'{name}' is {what}; choose another name");

    public static Diagnostic FlimpBadKeyType(SourceSpan at, string key, string type) =>
        Error("FLX0016", at, $"table key '{key}' has type {type}; keys must be string or int");

    // Names and types
    public static Diagnostic FlimpUndeclaredName(SourceSpan at, string name) =>
        Error("FLX0020", at, $"'{name}' is not declared");

    public static Diagnostic FlimpUnknownFunction(SourceSpan at, string name) =>
        Error("FLX0021", at, $"'{name}' is not a declared fn, extern or builtin");

    public static Diagnostic FlimpArgumentCount(SourceSpan at, string name, int expected, int actual) =>
        Error("FLX0022", at, $"'{name}' takes {expected} argument(s), {actual} given");

    public static Diagnostic FlimpTypeMismatch(SourceSpan at, string what, string expected, string actual) =>
        Error("FLX0023", at, $"{what} must be {expected}, found {actual}");

    public static Diagnostic FlimpOperatorTypes(SourceSpan at, string op, string left, string right) =>
        Error("FLX0024", at, $"operator '{op}' cannot apply to {left} and {right}");

    public static Diagnostic FlimpUnaryOperatorType(SourceSpan at, string op, string type) =>
        Error("FLX0025", at, $"operator '{op}' cannot apply to {type}");

    public static Diagnostic FlimpBranchesDisagree(SourceSpan at, string thenType, string elseType) =>
        Error("FLX0026", at, $"the branches of this if have different types: {thenType} and {elseType}");

    public static Diagnostic FlimpNoSuchField(SourceSpan at, string type, string field) =>
        Error("FLX0027", at, $"{type} has no field '{field}'");

    public static Diagnostic FlimpFieldOfOptional(SourceSpan at, string type, string field) =>
        Error("FLX0028", at, $"cannot read '{field}' of {type}: it may be none; check '!= none' first or use '??'");

    public static Diagnostic FlimpFieldOfNonRecord(SourceSpan at, string type, string field) =>
        Error("FLX0029", at, $"cannot read '{field}' of {type}: only records have fields");

    public static Diagnostic FlimpNotAList(SourceSpan at, string op, string type) =>
        Error("FLX0030", at, $"{op} needs a list, found {type}");

    public static Diagnostic FlimpCoalesceNotOptional(SourceSpan at, string type) =>
        Error("FLX0031", at, $"the left side of '??' has type {type}, which is never none");

    public static Diagnostic FlimpCallHandler(SourceSpan at, string name) =>
        Error("FLX0032", at, $"'{name}' is a handler; handlers cannot be called, only enqueued ('enqueue {name}(...);')");

    public static Diagnostic FlimpNoneNeedsType(SourceSpan at, string name) =>
        Error("FLX0033", at, $"the type of '{name}' cannot be inferred from 'none' or '[]'; write it: 'let {name}: T? = ...'");

    public static Diagnostic FlimpNotCallable(SourceSpan at, string name) =>
        Error("FLX0034", at, $"'{name}' is a value, not a function");

    // Statements and restrictions
    public static Diagnostic FlimpAlreadyDefined(SourceSpan at, string name, int previousLine) =>
        Error("FLX0040", at, $"'{name}' is already defined (line {previousLine}); bindings are single-assignment, choose a new name");

    public static Diagnostic FlimpReassignment(SourceSpan at, string name) =>
        Error("FLX0041", at, $"cannot assign to '{name}': bindings are single-assignment; write 'let {name}2 = ...' instead");

    public static Diagnostic FlimpNoLoops(SourceSpan at, string keyword) =>
        Error("FLX0042", at, $"Flimp has no '{keyword}' loops (every request must finish); use map, filter or fold over a list");

    public static Diagnostic FlimpMissingReturn(SourceSpan at, string kind, string name) =>
        Error("FLX0043", at, $"{kind} '{name}' must end with 'return <value>;'");

    public static Diagnostic FlimpReturnNotLast(SourceSpan at) =>
        Error("FLX0044", at, "'return' must be the last statement of the body, outside any if block");

    public static Diagnostic FlimpUnusedLet(SourceSpan at, string name) =>
        Warning("FLX0045", at, $"'{name}' is never used, so it is never computed");

    public static Diagnostic FlimpRecursion(SourceSpan at, string cycle) =>
        Error("FLX0050", at, $"recursion is not allowed: {cycle}");

    public static Diagnostic FlimpExternInFn(SourceSpan at, string fn, string ext) =>
        Error("FLX0051", at, $"fn '{fn}' cannot call extern '{ext}': fns are pure; call it from a handler and pass the result in");

    public static Diagnostic FlimpTableInFn(SourceSpan at, string fn, string op) =>
        Error("FLX0052", at, $"fn '{fn}' cannot use '{op}': fns are pure and touch no tables");

    public static Diagnostic FlimpEffectInFn(SourceSpan at, string fn, string op) =>
        Error("FLX0053", at, $"fn '{fn}' cannot use '{op}': fns are pure and have no side effects");

    public static Diagnostic FlimpStatementInFn(SourceSpan at, string fn) =>
        Error("FLX0054", at, $"fn '{fn}' may hold only lets and a final return; use an 'if ... then ... else ...' expression");

    public static Diagnostic FlimpEnqueueCycle(SourceSpan at, string cycle) =>
        Error("FLX0055", at, $"handlers enqueue each other in a cycle, an unbounded loop: {cycle}");

    // Tables and queues
    public static Diagnostic FlimpUnknownTable(SourceSpan at, string name) =>
        Error("FLX0060", at, $"'{name}' is not a declared table");

    public static Diagnostic FlimpUnknownTableField(SourceSpan at, string table, string field) =>
        Error("FLX0061", at, $"table '{table}' has no field '{field}'");

    public static Diagnostic FlimpMissingTableField(SourceSpan at, string table, string field) =>
        Error("FLX0062", at, $"put into '{table}' must give field '{field}'");

    public static Diagnostic FlimpEnqueueTarget(SourceSpan at, string name) =>
        Error("FLX0063", at, $"'{name}' is not a handler; enqueue needs a handler of this service");

    public static Diagnostic FlimpKeyFieldInPut(SourceSpan at, string table, string field) =>
        Error("FLX0064", at, $"'{field}' is a key of '{table}'; give keys in parentheses: put {table}(partition, row) {{ ... }}");

    public static Diagnostic FlimpInternalError(SourceSpan at, string detail) =>
        Error("FLX0999", at, $"internal compiler error, please report it: {detail}");
}
