using System.Globalization;
using System.Text;

namespace Fluxo.Builtins;

/// <summary>docs/builtins.md, written from the catalog so it cannot drift (a test compares them).</summary>
public static class BuiltinDocs
{
    public static string Markdown()
    {
        var sb = new StringBuilder();
        sb.Append("""
            # Flimp builtins

            Generated from [`BuiltinCatalog`](../src/Fluxo.Core/Builtins/BuiltinCatalog.cs) by
            `bash scripts/gen-builtins-doc.sh`; a test fails when this file is stale, and another runs every example.
            `T` is any one type, fixed by the first argument that tells it; `any` accepts every type.
            A builtin whose argument passes its limit is a compile-time error when the argument is a literal
            (FLX0104) and otherwise fails the request with an error that names the builtin; no builtin shortens a
            result silently. Builtins that are not deterministic are never cached, pre-computed or speculated.

            | builtin | returns | deterministic | limit | what it gives |
            |---|---|---|---|---|

            """);
        foreach (var b in BuiltinCatalog.All.Values.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"| [`{Signature(b)}`](#{b.Name.ToLowerInvariant()}) | `{b.ReturnType}` | {(b.Deterministic ? "yes" : "no")} | {b.Limit?.Text ?? ""} | {b.Description.Replace("|", "\\|", StringComparison.Ordinal)} |\n");
        }

        foreach (var b in BuiltinCatalog.All.Values.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"\n## {b.Name}\n\n    {Signature(b)} -> {b.ReturnType}\n\n{Capitalize(b.Description)}.");
            if (b.Limit is { } limit)
            {
                sb.Append(CultureInfo.InvariantCulture, $" Limit: {limit.Text} (argument {limit.Arg + 1}).");
            }

            if (!b.Deterministic)
            {
                sb.Append(" Not deterministic.");
            }

            sb.Append(CultureInfo.InvariantCulture, $" Nominal cost {b.CostMs.ToString("0.###", CultureInfo.InvariantCulture)} ms.\n\n    {b.Example}\n");
        }

        return sb.ToString();
    }

    private static string Signature(BuiltinInfo b) =>
        $"{b.Name}({string.Join(", ", b.ParamTypes)})";

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
